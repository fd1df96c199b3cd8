//! 教程版“可聊天应用”客户端（教程 004 的 9.19 节）：敲一句发一句，等服务端那边的人回话；exit 结束。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("8888".into());
    let mut s = TcpStream::connect(format!("127.0.0.1:{port}"))?;
    // 教程在 connect 之前 print(s)；Rust 的 TcpStream 连上之后才有，所以在这里打印
    println!("{s:?}");
    loop {
        let inp = input(">>>")?;
        if inp == "exit" {
            break;
        }
        if inp.is_empty() {
            // 教程没有这个 if：send(b'') 什么也不发，服务端收不到，两边会一直互相等下去
            println!("空行不发送：send(b'') 什么也不发，两边会一直互相等下去");
            break;
        }
        s.write_all(inp.as_bytes())?;
        let mut data = [0; 1024];
        let n = s.read(&mut data)?;
        println!("{}", String::from_utf8_lossy(&data[..n]));
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
