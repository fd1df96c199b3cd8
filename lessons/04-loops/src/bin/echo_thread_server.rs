//! 教程版“多线程与网络编程”服务端（教程 002）：每个客户端一个线程，收到什么就原样发回去；空消息或 quit 关闭连接。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("12345".into());
    // 教程绑定的是局域网地址 192.168.247.1：这里用 127.0.0.1
    let s_socket = TcpListener::bind(format!("127.0.0.1:{port}"))?;
    println!("{}", s_socket.local_addr()?);
    println!("开启服务器");
    loop {
        let (c_socket, addr) = s_socket.accept()?;
        println!("客户端('{}', {})连接到服务器", addr.ip(), addr.port());
        // 线程里的错误像 Python 线程里的异常一样打印出来，只结束这个线程
        thread::spawn(move || recv_msg(c_socket, addr).unwrap_or_else(|e| eprintln!("{e}")));
    }
}

// ANCHOR: recv_msg
fn recv_msg(mut c_socket: TcpStream, addr: SocketAddr) -> std::io::Result<()> {
    let addr = format!("('{}', {})", addr.ip(), addr.port()); // Python 打印的 addr 是元组
    loop {
        let mut msg_bytes = [0; 1024];
        let n = c_socket.read(&mut msg_bytes)?;
        let msg = String::from_utf8_lossy(&msg_bytes[..n]);
        println!("从{addr}客户端接收到信息：{msg}");
        if msg.is_empty() || msg == "quit" {
            println!("关闭客户端{addr}连接");
            return Ok(()); // cSocket.close()：c_socket 在这里被 drop
        }
        c_socket.write_all(&msg_bytes[..n])?;
    }
}
// ANCHOR_END: recv_msg
// ANCHOR_END: twin
