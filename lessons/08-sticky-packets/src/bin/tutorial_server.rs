//! 第 08 课 教程版服务端：照教程 000 §1.5 的多线程服务端逐行写成的 Rust，只用标准库。
//! 每个客户端一个线程：先问好，再把每次 read（Python 的 recv(1024)）读到的东西打印出来，
//! 加上“ 是的呢”回过去。用法：l08-tutorial-server [端口]（默认 8888，0 让系统挑端口）。

use std::env;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

// ANCHOR: run
fn run(mut sock: TcpStream, addr: SocketAddr) -> io::Result<()> {
    println!("('{}', {})", addr.ip(), addr.port()); // Python 的 print(addr) 打印的是元组
    sock.write_all("Hello WorldAAA".as_bytes())?;
    let mut buf = [0u8; 1024];
    let mut empty = 0;
    loop {
        // 一次 read 当作一条消息：这正是这一课要看的问题。
        let n = sock.read(&mut buf)?;
        // decode("utf-8")：不是完整的 UTF-8 就出错，和 Python 一样结束这个线程。
        let data = std::str::from_utf8(&buf[..n])
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        if !data.is_empty() {
            println!("{data}");
            sock.write_all(format!("{data} 是的呢").as_bytes())?;
        } else {
            // 对方关闭后 read 立刻返回 0，教程的循环会一直空转；这里数到 3 次就停。
            empty += 1;
            if empty == 3 {
                println!(
                    "recv 连续 3 次读到 0 字节：对方已经关闭了连接，教程的循环会一直空转，这里停下"
                );
                return Ok(());
            }
        }
    }
}
// ANCHOR_END: run

// ANCHOR: main
fn main() -> io::Result<()> {
    let port = env::args().nth(1).unwrap_or_else(|| "8888".to_string());
    let socket_server = TcpListener::bind(format!("127.0.0.1:{port}"))?;
    println!("{}", socket_server.local_addr()?);
    loop {
        let (sock, addr) = socket_server.accept()?;
        // Python 里线程抛出的异常会打印出来，只结束那一个线程；这里也一样。
        let thread = thread::Builder::new().name("线程".into());
        thread.spawn(move || run(sock, addr).unwrap_or_else(|e| eprintln!("线程出错：{e}")))?;
    }
}
// ANCHOR_END: main
