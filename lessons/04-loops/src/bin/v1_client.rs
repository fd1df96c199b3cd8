//! 教程版 V1 客户端（教程 001 的 Binary_TCPclinet_V1）：输入一行，发出去，打印回复，退出。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("6969".into());
    // 教程写的是 localhost：这里写明 127.0.0.1。Python 的 socket() 和 connect() 在 Rust 里是一步
    let mut clinet = TcpStream::connect(format!("127.0.0.1:{port}"))?;
    // input('>>:')：提示符后面没有换行，要自己 flush 才看得见；EOF 时读到的是空串
    print!(">>:");
    std::io::stdout().flush()?;
    let mut send_data = String::new();
    std::io::stdin().read_line(&mut send_data)?;
    let send_data = send_data.trim_end_matches(['\r', '\n']);
    if send_data.is_empty() {
        // 教程没有这个 if：send(b'') 什么也不发，两边的 recv 会一直互相等下去
        println!("空行不发送：send(b'') 什么也不发，服务端收不到，两边会一直互相等下去");
        return Ok(());
    }
    clinet.write_all(send_data.as_bytes())?;
    let mut data = [0; 1024];
    let n = clinet.read(&mut data)?;
    let data = String::from_utf8_lossy(&data[..n]);
    println!("Clinet recive data: {data}");
    Ok(())
}
// ANCHOR_END: twin
