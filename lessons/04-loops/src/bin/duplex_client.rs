//! 教程版“多线程与网络编程”客户端（教程 002）：一个线程发、一个线程收，用全局的 running 让它们停下。

// ANCHOR: twin
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::thread;
use std::time::Duration;

// 教程的全局变量 running：两个线程都要读写它，Rust 里写成一个 static 的 AtomicBool
static RUNNING: AtomicBool = AtomicBool::new(true);

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("12345".into());
    // 教程连的是局域网地址 192.168.247.1：这里用 127.0.0.1
    let c_socket = TcpStream::connect(format!("127.0.0.1:{port}"))?;
    // 教程没有：exit 之后接收线程可能永远卡在 recv 里，这里最多等 3 秒就回去看 running
    c_socket.set_read_timeout(Some(Duration::from_secs(3)))?;
    let reader = c_socket.try_clone()?;
    let thr1 = thread::Builder::new().name("recv_thread".into());
    let thr1 = thr1.spawn(move || recv_msg(reader))?;
    let thr2 = thread::Builder::new().name("send_thread".into());
    let thr2 = thr2.spawn(move || send_msg(c_socket))?;
    // Python 会等所有线程结束才退出；Rust 的 main 一返回进程就结束，所以这里要 join
    for thr in [thr1, thr2] {
        // 线程里的错误像 Python 线程里的异常一样打印出来
        if let Ok(Err(e)) = thr.join() {
            eprintln!("{e}");
        }
    }
    Ok(())
}

// ANCHOR: recv
fn recv_msg(mut c_socket: TcpStream) -> std::io::Result<()> {
    let (mut empty, mut waited) = (0, false); // 教程没有这两个变量
    while RUNNING.load(SeqCst) {
        let mut msg_bytes = [0; 1024];
        waited = false;
        let n = match c_socket.read(&mut msg_bytes) {
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                waited = true; // 等了 3 秒没有消息：回到 while 看一眼 running
                continue;
            }
            read => read?,
        };
        let msg = String::from_utf8_lossy(&msg_bytes[..n]);
        println!("\n从服务器接收的信息：{msg}\n");
        if n == 0 {
            // 教程没有这个 if：服务端关闭连接后，这里每秒打印一条空消息，永不停止
            empty += 1;
            if empty == 3 {
                println!("接收线程：已经 3 次收到空消息，服务端关闭了连接。教程的接收线程会一直这样打印下去，这里停下");
                break;
            }
        }
        thread::sleep(Duration::from_secs(1));
    }
    if waited {
        println!("接收线程：running 已经是 False，recv 却等了 3 秒也没等到消息。教程的接收线程会一直等下去，这里停下");
    }
    Ok(())
}
// ANCHOR_END: recv

// ANCHOR: send
fn send_msg(mut c_socket: TcpStream) -> std::io::Result<()> {
    while RUNNING.load(SeqCst) {
        print!("请输入要传输的内容：");
        std::io::stdout().flush()?;
        let mut msg = String::new();
        if std::io::stdin().read_line(&mut msg)? == 0 {
            msg = "exit".into(); // 教程没有：标准输入结束时当作 exit（教程在这里抛出异常，running 永远是 True）
        }
        let msg = msg.trim_end_matches(['\r', '\n']);
        c_socket.write_all(msg.as_bytes())?;
        if msg == "exit" {
            RUNNING.store(false, SeqCst);
            break;
        }
    }
    Ok(())
}
// ANCHOR_END: send
// ANCHOR_END: twin
