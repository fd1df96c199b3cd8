//! 教程版多线程服务端（教程 000 的 1.5 节）：每个客户端一个线程，先问好，再给每句话加上“是的呢”。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

// ANCHOR: run
fn run(mut sock: TcpStream, addr: SocketAddr) -> std::io::Result<()> {
    println!("('{}', {})", addr.ip(), addr.port()); // Python 的 print(addr) 打印的是元组
    sock.write_all("Hello WorldAAA".as_bytes())?;
    let mut empty = 0; // 教程没有这个计数
    loop {
        let mut buf = [0; 1024];
        let n = sock.read(&mut buf)?;
        let data = String::from_utf8_lossy(&buf[..n]);
        if !data.is_empty() {
            println!("{data}");
            sock.write_all(format!("{data} 是的呢").as_bytes())?;
        } else {
            // 教程没有 else：对方走了以后 read 每次都立刻返回 0，这个循环会永远空转
            empty += 1;
            if empty == 5 {
                println!(
                    "recv 已经 5 次读到空：客户端走了。教程的循环会这样一直空转下去，这里停下"
                );
                return Ok(());
            }
        }
    }
}
// ANCHOR_END: run

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("8888".into());
    let socket_server = TcpListener::bind(format!("127.0.0.1:{port}"))?;
    println!("{}", socket_server.local_addr()?);
    loop {
        let (sock, addr) = socket_server.accept()?;
        // 线程里的错误（比如对方重置了连接）像 Python 线程里的异常一样打印出来，只结束这个线程
        let thread = thread::Builder::new().name("线程".into());
        thread.spawn(move || run(sock, addr).unwrap_or_else(|e| eprintln!("{e}")))?;
    }
}
// ANCHOR_END: twin
