//! 教程版客户端（种子 000 §1.3）：照 `python/tutorial_client.py` 逐行写成的 Rust，只用标准库。
//! 连上服务端，发“你是who?”，收一次（最多 1024 个字节），解码后打印。

use std::io::{self, Read, Write};
use std::net::TcpStream;

// ANCHOR: main
fn main() -> io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("8888".into());

    // 1–2. socket + connect：三次握手在这里完成
    let mut socket_client = TcpStream::connect(format!("127.0.0.1:{port}"))?;
    // 3. send：Rust 的字符串本来就是 UTF-8，as_bytes() 就是编码后的字节
    #[allow(clippy::unused_io_amount)]
    socket_client.write("你是who?".as_bytes())?;
    // 4. recv(1024)：读一次，解码后打印
    let mut buf = [0u8; 1024];
    let n = socket_client.read(&mut buf)?;
    let data = std::str::from_utf8(&buf[..n])
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    println!("{data}");
    Ok(())
    // 5. close：socket_client 离开作用域时关闭
}
// ANCHOR_END: main
