//! 第 08 课 教程版客户端：照教程 000 §1.5 的客户端逐行写成的 Rust，只用标准库。
//! 收下问候后，连着发两条消息，中间什么也不等：它们常常在服务端的一次 recv(1024) 里一起到达。
//! 用法：l08-tutorial-client [端口]（默认 8888）。

use std::env;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

// ANCHOR: twin
/// Python 的 `data.decode("utf-8")`：不是完整的 UTF-8 就出错。
fn decode(data: &[u8]) -> io::Result<&str> {
    std::str::from_utf8(data).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

fn main() -> io::Result<()> {
    let port = env::args().nth(1).unwrap_or_else(|| "8888".to_string());
    // 1、2：创建套接字并连接服务端，Rust 的 connect 一步做完
    let mut socket_client = TcpStream::connect(format!("127.0.0.1:{port}"))?;
    // 3、收服务端的问候，打印三种样子：Python 的字节串写法，以及两种解码的写法
    let mut buf = [0u8; 1024];
    let n = socket_client.read(&mut buf)?;
    println!("b'{}'", buf[..n].escape_ascii());
    println!("{}", decode(&buf[..n])?);
    println!("{}", decode(&buf[..n])?);
    // 4、连着发两条
    socket_client.write_all("我爱Python".as_bytes())?;
    socket_client.write_all("我爱阿芬".as_bytes())?;
    let (mut replies, mut empty) = (0, 0);
    loop {
        let n = socket_client.read(&mut buf)?;
        let data = decode(&buf[..n])?;
        if !data.is_empty() {
            println!("{data}");
            // 教程的客户端每秒发一次“我爱阿芬”，永远聊下去；这里收到 2 次回复就停。
            replies += 1;
            if replies == 2 {
                println!("收到 2 次回复：教程的客户端会这样一直聊下去，这里停下");
                return Ok(());
            }
            thread::sleep(Duration::from_secs(1));
            socket_client.write_all("我爱阿芬".as_bytes())?;
        } else {
            // 服务端关闭后 read 立刻返回 0，教程的循环会一直空转；这里数到 3 次就停。
            empty += 1;
            if empty == 3 {
                println!("recv 连续 3 次读到 0 字节：服务端已经关闭了连接，教程的循环会一直空转，这里停下");
                return Ok(());
            }
        }
    }
}
// ANCHOR_END: twin
