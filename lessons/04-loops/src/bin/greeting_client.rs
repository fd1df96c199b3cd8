//! 教程版客户端（教程 000 的 1.5 节）：把问候打印三遍，连发两句，然后每秒说一句“我爱阿芬”。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("8888".into());
    let mut socket_client = TcpStream::connect(format!("127.0.0.1:{port}"))?;
    let mut buf = [0; 1024];
    let n = socket_client.read(&mut buf)?;
    let data = &buf[..n];
    println!("b'{}'", data.escape_ascii()); // print(data)：Python 显示 bytes 的样子
    println!("{}", String::from_utf8_lossy(data)); // data.decode("utf-8")
    let text = std::str::from_utf8(data).map_err(std::io::Error::other)?;
    println!("{text}"); // str(data, encoding="utf-8")：不是合法 UTF-8 时和 Python 一样报错
                        // ANCHOR: sends
    socket_client.write_all("我爱Python".as_bytes())?;
    socket_client.write_all("我爱阿芬".as_bytes())?;
    // ANCHOR_END: sends
    // 教程是 while True，永远说下去；这里说 3 轮就停
    for _ in 0..3 {
        let n = socket_client.read(&mut buf)?;
        let data = String::from_utf8_lossy(&buf[..n]);
        if !data.is_empty() {
            println!("{data}");
            thread::sleep(Duration::from_secs(1));
            socket_client.write_all("我爱阿芬".as_bytes())?;
        }
    }
    println!("说了 3 轮，停下：教程的 while True 会一直说下去");
    Ok(())
}
// ANCHOR_END: twin
