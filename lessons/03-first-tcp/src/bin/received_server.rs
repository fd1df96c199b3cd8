//! 教程版“已接收”服务端（种子 003 的 TCP Server 示例）：照 `python/received_server.py`
//! 逐行写成的 Rust，只用标准库。收一次，回复“已接收到数据 <收到的文字>”。

use std::io::{self, Read, Write};
use std::net::TcpListener;

// ANCHOR: main
fn main() -> io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("9999".into());
    let sock = TcpListener::bind(format!("127.0.0.1:{port}"))?;
    println!("{}", sock.local_addr()?);
    let (mut conn, _addrinfo) = sock.accept()?;
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf)?;
    let data = &buf[..n];
    println!("b'{}'", data.escape_ascii());
    let text =
        std::str::from_utf8(data).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let msg = format!("已接收到数据 {text}");
    #[allow(clippy::unused_io_amount)]
    conn.write(msg.as_bytes())?;
    Ok(())
}
// ANCHOR_END: main
