//! 第 06 课教程版：教程里 makefile 的例子，逐行译成 Rust，只用标准库。
//! 只服务一个连接：读 10 个字符（不是字节），回复 `Return your msg:<这 10 个字符>`，flush，关闭。
//! 和教程一样：没有超时，不等对方说完，多发的字节不读就关闭——这一章会一个一个地看它们出什么事。

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::net::TcpListener;

// ANCHOR: main
fn main() -> io::Result<()> {
    // 唯一多出来的：端口可以由第一个参数给出（0 让系统挑），默认是教程的 9999。
    let port = std::env::args().nth(1).unwrap_or("9999".into());
    let sock = TcpListener::bind(format!("127.0.0.1:{port}"))?; // bind + listen
    println!("{}", sock.local_addr()?);
    let (conn, _addrinfo) = sock.accept()?; // 阻塞，直到有客户端连上

    // f = conn.makefile(mode='rw')：读的一侧和写的一侧各包一层缓冲，指向同一条连接。
    let (rfile, mut wfile) = (BufReader::new(&conn), BufWriter::new(&conn));
    // f.read(10)：一个字节一个字节地从缓冲区里拿，凑齐 10 个字符，或者读到 EOF，才停。
    let mut bytes = Vec::new();
    for byte in rfile.bytes() {
        bytes.push(byte?);
        match std::str::from_utf8(&bytes) {
            Ok(text) if text.chars().count() == 10 => break,
            // 不是 UTF-8：像 Python 的 UnicodeDecodeError 一样，程序带着错误结束。
            Err(e) if e.error_len().is_some() => return Err(io::Error::other(e)),
            _ => {} // 还不够 10 个字符，或者一个字符只收到了一半：接着读
        }
    }
    let line = String::from_utf8(bytes).map_err(io::Error::other)?;
    println!("{line}");
    write!(wfile, "Return your msg:{line}")?;
    wfile.flush()?; // 写进 wfile 的回复这时才交给套接字
    Ok(()) // f.close()：conn 和 sock 在这里关闭
}
// ANCHOR_END: main
