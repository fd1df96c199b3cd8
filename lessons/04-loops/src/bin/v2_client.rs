//! 教程版 V2 客户端（教程 001）：一行一行地问，空行（或 EOF）结束。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("6969".into());
    // 教程写的是 localhost：这里写明 127.0.0.1
    let mut clinet = TcpStream::connect(format!("127.0.0.1:{port}"))?;
    loop {
        let send_data = input(">>:")?;
        if send_data.is_empty() {
            break;
        }
        clinet.write_all(send_data.as_bytes())?;
        let mut data = [0; 1024];
        let n = clinet.read(&mut data)?;
        let data = String::from_utf8_lossy(&data[..n]);
        println!("Clinet recive data: {data}");
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
