//! 教程版“TCP 聊天室”客户端（教程 002）：输入一句发一句，打印回复；空行（或 EOF）结束。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("12345".into());
    // 教程连的是局域网地址 192.168.247.1：这里用 127.0.0.1
    let mut tcp_clisock = TcpStream::connect(format!("127.0.0.1:{port}"))?;
    println!("start Socket client");
    loop {
        let data = input("请输入用户端发送内容：")?;
        if data.is_empty() {
            break;
        }
        tcp_clisock.write_all(data.as_bytes())?;
        let mut client_data = [0; 1024];
        let n = tcp_clisock.read(&mut client_data)?;
        if n == 0 {
            break;
        }
        let client_data = String::from_utf8_lossy(&client_data[..n]);
        println!("客户端接收的消息为： {client_data}");
    }
    Ok(())
}

/// Python 的 `input(prompt)`：提示符不换行，所以要 flush；EOF 时返回空串，和空行一样结束。
fn input(prompt: &str) -> std::io::Result<String> {
    print!("{prompt}");
    std::io::stdout().flush()?;
    std::io::stdin().lines().next().unwrap_or(Ok(String::new()))
}
// ANCHOR_END: twin
