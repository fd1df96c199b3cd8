//! 教程版客户端（教程 004 的 1.2.2 节）：读欢迎语，依次发出三个名字，打印回复，最后发 exit。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("9999".into());
    let mut s = TcpStream::connect(format!("127.0.0.1:{port}"))?;
    let mut buf = [0; 1024];
    let n = s.read(&mut buf)?;
    println!("{}", String::from_utf8_lossy(&buf[..n]));
    for data in ["Michael", "Tracy", "Sarah"] {
        s.write_all(data.as_bytes())?;
        let n = s.read(&mut buf)?;
        println!("{}", String::from_utf8_lossy(&buf[..n]));
    }
    s.write_all(b"exit")?;
    Ok(()) // s.close()：main 结束时 s 被 drop
}
// ANCHOR_END: twin
