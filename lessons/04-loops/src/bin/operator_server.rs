//! 教程版“可聊天应用”服务端（教程 004 的 9.19 节）：打印客户端说的话，回复由坐在服务端前的人敲进去。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::TcpListener;

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("8888".into());
    let s = TcpListener::bind(format!("127.0.0.1:{port}"))?;
    println!("{}", s.local_addr()?);
    loop {
        let (mut conn, addr) = s.accept()?;
        println!("('{}', {})", addr.ip(), addr.port());
        loop {
            let mut data = [0; 1024];
            // 教程的 try: … except Exception: break
            let Ok(n) = conn.read(&mut data) else { break };
            println!("....... {}", String::from_utf8_lossy(&data[..n]));
            let inp = input(">>>")?;
            if inp.is_empty() {
                // 教程没有这个 if：send(b'') 什么也不发，客户端会一直等下去
                println!("空行：send(b'') 什么也不发，客户端会一直等下去；服务端到此为止");
                return Ok(());
            }
            conn.write_all(inp.as_bytes())?;
        }
    }
}

/// Python 的 `input(prompt)`：提示符不换行，所以要 flush；EOF 时返回空串，和空行一样处理。
fn input(prompt: &str) -> std::io::Result<String> {
    print!("{prompt}");
    std::io::stdout().flush()?;
    std::io::stdin().lines().next().unwrap_or(Ok(String::new()))
}
// ANCHOR_END: twin
