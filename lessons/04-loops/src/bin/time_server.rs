//! 教程版“TCP 聊天室”服务端（教程 002）：每收到一句，回复服务器的当前时间；空消息或 quit 结束这个客户端。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("12345".into());
    // 教程绑定的是局域网地址 192.168.247.1：这里用 127.0.0.1
    let serversocket = TcpListener::bind(format!("127.0.0.1:{port}"))?;
    println!("{}", serversocket.local_addr()?);
    println!("start Socket server");
    loop {
        let (mut tcp_cli_sock, addr) = serversocket.accept()?;
        println!("从('{}', {})连接上客户端", addr.ip(), addr.port());
        loop {
            let mut buf = [0; 1024];
            let n = tcp_cli_sock.read(&mut buf)?;
            let client_data = String::from_utf8_lossy(&buf[..n]);
            println!("服务器接收消息： {client_data}");
            if client_data.is_empty() || client_data == "quit" {
                break;
            }
            let msg = format!("服务器当前时间={}", ctime()?);
            tcp_cli_sock.write_all(msg.as_bytes())?;
        }
        // tcpCliSock.close()：tcp_cli_sock 在这一圈结束时被 drop，连接随之关闭
    }
}

/// Python 的 `time.ctime()`（本地时间）：标准库没有时区，请系统的 `date` 命令来排。
fn ctime() -> std::io::Result<String> {
    let mut date = Command::new("date");
    let out = date.env("LC_ALL", "C").arg("+%a %b %e %T %Y").output()?;
    Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}
// ANCHOR_END: twin
