//! 教程版：示例 1，不带参数的线程（教程 000 §1.1.1），对照 python/thread1.py。

use std::thread;

// ANCHOR: main
fn run1() {
    println!("我是一个线程。。。");
}

fn main() -> std::io::Result<()> {
    // 第 1 步：创建线程，告诉它要运行哪个函数、叫什么名字。spawn 返回时线程已经在运行了，
    // 所以 Python 的第 2 步 start() 在这里不用另写。
    let thread1 = thread::Builder::new()
        .name("线程1".to_string())
        .spawn(run1)?;
    // Python 退出前会等所有线程运行完，Rust 的 main 一返回进程就结束了：要自己 join。
    thread1.join().expect("线程1 panic 了");
    Ok(())
}
// ANCHOR_END: main
