//! 教程版登录客户端（教程 002 的作业）：问用户名和密码，直到服务端说 success。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("8001".into());
    // 教程写成 sock.connect('192.168.0.1',8001)，少了一对括号（Python 会报 TypeError）：这里连 127.0.0.1
    let mut sock = TcpStream::connect(format!("127.0.0.1:{port}"))?;
    loop {
        let user = input("用户名>>>")?;
        let pwd = input("密码>>>")?;
        sock.write_all(format!("{user}|{pwd}").as_bytes())?;
        let mut buf = [0; 1024];
        let n = sock.read(&mut buf)?;
        let response = String::from_utf8_lossy(&buf[..n]);
        println!("{response}");
        if response == "success" {
            break;
        }
        println!("用户名或密码错误");
    }
    Ok(())
}

/// Python 的 `input(prompt)`：提示符不换行，所以要 flush。
/// 读到 EOF 时和 Python 的 `EOFError` 一样以错误结束，而不是拿空串一直试下去。
fn input(prompt: &str) -> std::io::Result<String> {
    print!("{prompt}");
    std::io::stdout().flush()?;
    let eof = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "EOF when reading a line");
    std::io::stdin().lines().next().unwrap_or(Err(eof))
}
// ANCHOR_END: twin
