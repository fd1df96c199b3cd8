//! 教程版 V1 服务端（教程 001 的 Binary_TCPserver_V1）：接一个客户端，一问一答，然后退出。
//! 只用标准库，照 `python/v1_server.py` 一行一行地写。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("6969".into());
    // ANCHOR: bind
    // 教程写的是 localhost：这里写明 127.0.0.1。Python 的 socket()、bind()、listen() 在 Rust 里是一步
    let server = TcpListener::bind(format!("127.0.0.1:{port}"))?;
    println!("{}", server.local_addr()?); // 第一行：真正绑定的地址
                                          // ANCHOR_END: bind
                                          // ANCHOR: accept
    println!("waiting connection...");
    let (mut conn, _addr) = server.accept()?;
    let mut data = [0; 1024];
    let n = conn.read(&mut data)?;
    // Python 打印 bytes 的样子：b'...'，非 ASCII 的字节写成 \xe6
    println!("Server recive data: b'{}'", data[..n].escape_ascii());
    // ANCHOR_END: accept
    // ANCHOR: send
    conn.write_all(&[b"[", &data[..n], b"] ", ctime()?.as_bytes()].concat())?;
    Ok(()) // server.close()：main 结束时 server 和 conn 都被 drop，也就是关闭
           // ANCHOR_END: send
}

// ANCHOR: ctime
/// Python 的 `time.ctime()`：本地时间，如 `Mon Dec  9 17:06:41 2019`。
/// 标准库没有日历也没有时区，这里请系统的 `date` 命令按同样的格式排；`LC_ALL=C` 让星期和月份是英文。
fn ctime() -> std::io::Result<String> {
    let mut date = Command::new("date");
    let out = date.env("LC_ALL", "C").arg("+%a %b %e %T %Y").output()?;
    Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}
// ANCHOR_END: ctime
// ANCHOR_END: twin
