//! 教程版多线程服务端（教程 004 的 1.2.2 节）：每个连接一个线程，先说 Welcome!，再对每个名字说 Hello。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("9999".into());
    let s = TcpListener::bind(format!("127.0.0.1:{port}"))?;
    println!("{}", s.local_addr()?);
    println!("Waiting for connection...");
    // ANCHOR: accept
    loop {
        let (sock, addr) = s.accept()?;
        // 线程里的错误像 Python 线程里的异常一样打印出来，只结束这个线程
        thread::spawn(move || tcplink(sock, addr).unwrap_or_else(|e| eprintln!("{e}")));
    }
    // ANCHOR_END: accept
}

// ANCHOR: tcplink
fn tcplink(mut sock: TcpStream, addr: SocketAddr) -> std::io::Result<()> {
    println!("Accept new connection from {addr}...");
    sock.write_all(b"Welcome!")?;
    loop {
        let mut data = [0; 1024];
        let n = sock.read(&mut data)?;
        thread::sleep(Duration::from_secs(1)); // 教程的 time.sleep(1)：让“同时服务几个客户端”看得见
        let data = String::from_utf8_lossy(&data[..n]);
        if data.is_empty() || data == "exit" {
            break;
        }
        sock.write_all(format!("Hello, {data}!").as_bytes())?;
    }
    drop(sock); // sock.close()
    println!("Connection from {addr} closed.");
    Ok(())
}
// ANCHOR_END: tcplink
// ANCHOR_END: twin
