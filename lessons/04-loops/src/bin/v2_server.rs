//! 教程版 V2 服务端（教程 001 的 Binary_TCPserver_V2）：两层循环，一个接一个地服务客户端。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("6969".into());
    // 教程写的是 localhost：这里写明 127.0.0.1
    let server = TcpListener::bind(format!("127.0.0.1:{port}"))?;
    println!("{}", server.local_addr()?);
    // ANCHOR: loops
    // 教程是 while True，永远服务下去；这里服务 5 个客户端就停
    for _ in 0..5 {
        println!("waiting connection...");
        let (mut conn, _addr) = server.accept()?;
        loop {
            let mut data = [0; 1024];
            let n = conn.read(&mut data)?;
            if n == 0 {
                println!("clinet has broken the connection...");
                break;
            }
            println!("Server recive data: b'{}'", data[..n].escape_ascii());
            conn.write_all(&[b"[", &data[..n], b"] ", ctime()?.as_bytes()].concat())?;
        }
    }
    println!("服务完 5 个客户端，停下：教程的 while True 会一直等下一个");
    // ANCHOR_END: loops
    Ok(())
}

/// Python 的 `time.ctime()`（本地时间）：标准库没有时区，请系统的 `date` 命令来排。
fn ctime() -> std::io::Result<String> {
    let mut date = Command::new("date");
    let out = date.env("LC_ALL", "C").arg("+%a %b %e %T %Y").output()?;
    Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}
// ANCHOR_END: twin
