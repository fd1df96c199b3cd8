//! 教程版欢迎客户端（种子 002 “简单的TCP socket示例”）：照 `python/welcome_client.py`
//! 逐行写成的 Rust，只用标准库。连上，收一次，打印。

use std::io::{self, Read};
use std::net::TcpStream;

// ANCHOR: main
fn main() -> io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("12345".into());
    // 教程连的是 192.168.247.1（作者电脑的局域网地址）；这里连本机。
    let mut client = TcpStream::connect(format!("127.0.0.1:{port}"))?;
    println!("start Socket client");

    // 只收一次，最多 1024 个字节
    let mut buf = [0u8; 1024];
    let n = client.read(&mut buf)?;
    let msg = std::str::from_utf8(&buf[..n])
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    println!("client receive message={msg}");
    Ok(())
}
// ANCHOR_END: main
