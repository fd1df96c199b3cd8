//! 第 05 课教程版：教程（004 §1.3）的 UDP 服务端，照 `python/tutorial_server.py` 逐行写成。
//! 只用标准库。和教程只差三处：端口可以用第一个参数给（0 让系统挑），
//! 第一行打印真正绑定的地址，以及收满 100 个数据报就停（教程的 `while True` 永远不停）。

use std::net::UdpSocket;
use std::thread;

// ANCHOR: twin
fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .map_or(9999, |p| p.parse().expect("端口是 0 到 65535 的整数"));
    // socket(AF_INET, SOCK_DGRAM) 加 bind，在 Rust 里是一步。
    let s = UdpSocket::bind(("127.0.0.1", port))?;
    println!("{}", s.local_addr()?);
    println!("Bind UDP on 9999...");
    let mut buf = [0u8; 1024];
    // 作用域线程可以借用 s；离开作用域时等所有线程做完，就像 Python 退出前等它的线程。
    thread::scope(|scope| -> std::io::Result<()> {
        for _ in 0..100 {
            let (n, addr) = s.recv_from(&mut buf)?;
            let data = buf[..n].to_vec();
            let s = &s;
            // 教程的 tcplink：每个数据报一个线程，打印来源，把 b'Hello, %s!' % data 寄回去。
            scope.spawn(move || {
                println!("Received from {addr}.");
                s.send_to(&[b"Hello, ", &data[..], b"!"].concat(), addr)
            });
        }
        Ok(())
    })?;
    println!("教程版收满 100 个数据报就停（教程的服务端会一直收下去）");
    Ok(())
}
// ANCHOR_END: twin
