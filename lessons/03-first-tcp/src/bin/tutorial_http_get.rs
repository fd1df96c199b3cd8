//! 教程版 HTTP GET（种子 004 §1.2.1）：照 `python/tutorial_http_get.py` 逐行写成的 Rust，
//! 只用标准库。教程连的是 www.baidu.com 的 80 端口；这里连本机（127.0.0.1），
//! 端口可以用第一个参数给，这样不依赖外网，每次结果也一样。

use std::io::{self, Read, Write};
use std::net::TcpStream;

// ANCHOR: main
fn main() -> io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("80".into());
    let mut s = TcpStream::connect(format!("127.0.0.1:{port}"))?;
    #[allow(clippy::unused_io_amount)]
    s.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
    // 反复 read，直到读到 0 个字节：服务端发完并关闭了连接
    let mut data = Vec::new();
    let mut d = [0u8; 1024];
    loop {
        let n = s.read(&mut d)?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&d[..n]);
    }
    drop(s); // s.close()
             // data.split(b"\r\n\r\n", 1)：没有空行时，Python 在解包成两个变量时出错，这里也出错退出
    let at = data.windows(4).position(|w| w == b"\r\n\r\n");
    let at = at.ok_or(io::Error::new(
        io::ErrorKind::InvalidData,
        "响应里没有 \\r\\n\\r\\n",
    ))?;
    let (header, html) = (&data[..at], &data[at + 4..]);
    let header =
        std::str::from_utf8(header).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    println!("{header}");
    // 教程存成 baidu.html；我们取的是本机的首页
    std::fs::write("index.html", html)?;
    Ok(())
}
// ANCHOR_END: main
