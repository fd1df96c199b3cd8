//! 教程版：示例 2，带参数的线程（教程 000 §1.1.1），对照 python/thread2.py。

use std::thread;

// ANCHOR: main
fn run2(param1: &str, _param2: &str) {
    println!("我是一个线程。。。{param1}");
}

fn main() -> std::io::Result<()> {
    // Python 的 target 和 args 在 Rust 里合成一个闭包：闭包里调用 run2，参数就写在调用里。
    let thread2 = thread::Builder::new()
        .name("线程2".to_string())
        .spawn(|| run2("123", "456"))?;
    thread2.join().expect("线程2 panic 了");
    Ok(())
}
// ANCHOR_END: main
