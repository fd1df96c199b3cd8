//! 教程版：教程聊天客户端（002 多线程与网络编程）的两个线程和全局变量 running，
//! 对照 python/running.py。套接字的部分去掉了（网络版在第 04 课）。

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

// ANCHOR: main
// Python 的全局变量 running。几个线程都要读写的全局布尔值，在 Rust 里是一个 AtomicBool。
static RUNNING: AtomicBool = AtomicBool::new(true);

fn recv_msg() {
    while RUNNING.load(Ordering::Relaxed) {
        // 教程在这里 recv(1024)、打印收到的信息；这里只等一小会儿再看 running。
        thread::sleep(Duration::from_millis(100));
    }
    let me = thread::current();
    println!("{}：running 是 false 了，退出", me.name().unwrap());
}

fn send_msg() {
    while RUNNING.load(Ordering::Relaxed) {
        print!("请输入要传输的内容：");
        io::stdout().flush().expect("标准输出关闭了");
        let mut msg = String::new();
        // 读到 0 个字节是标准输入结束了：当作输入了 exit，免得接收线程永远等下去。
        let n = io::stdin().read_line(&mut msg).expect("读不了标准输入");
        if n == 0 || msg.trim_end() == "exit" {
            let me = thread::current();
            println!("{}：把 running 设为 false", me.name().unwrap());
            RUNNING.store(false, Ordering::Relaxed);
            break;
        }
    }
}

fn main() -> io::Result<()> {
    let thr1 = thread::Builder::new()
        .name("recv_thread".into())
        .spawn(recv_msg)?;
    let thr2 = thread::Builder::new()
        .name("send_thread".into())
        .spawn(send_msg)?;
    thr1.join().expect("recv_thread panic 了");
    thr2.join().expect("send_thread panic 了");
    Ok(())
}
// ANCHOR_END: main
