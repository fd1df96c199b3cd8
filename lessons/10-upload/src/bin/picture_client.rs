//! 第 10 课教程版：教程（002 使用Socket发送图片）的客户端，照 `python/picture_client.py` 逐行写成。
//! 只用标准库。和教程只差这几处：连本机的 127.0.0.1（教程连局域网地址 192.168.247.1），
//! 端口可以用第一个参数给；服务端提前断开时，连续 3 次收到 0 字节就停（教程会一直空转）。
//! 收到的文件存成当前目录下的 python1.jpg。

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::TcpStream;

// ANCHOR: twin
fn main() -> io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .map_or(12345, |p| p.parse().expect("端口是 0 到 65535 的整数"));
    let mut c_socket = TcpStream::connect(("127.0.0.1", port))?;
    // 文件大小（十进制文字）
    let mut buf = [0u8; 1024];
    let n = c_socket.read(&mut buf)?;
    let server_response = std::str::from_utf8(&buf[..n]).map_err(io::Error::other)?;
    let file_size: u64 = server_response.trim().parse().map_err(io::Error::other)?;
    println!("图片大小： {file_size}");
    // 确认：服务端收到它才开始发文件
    c_socket.write_all("Ready to recv file".as_bytes())?;
    let mut revived_size = 0;
    let mut empty = 0;
    let file_name = "python1.jpg";
    let mut f = File::create(file_name)?;
    // 收到说好的大小为止，每次最多 5 KiB
    while revived_size < file_size {
        let mut data = [0u8; 1024 * 5];
        let n = c_socket.read(&mut data)?;
        if n == 0 {
            empty += 1;
            if empty == 3 {
                println!("连续 3 次收到 0 字节：服务端已经断开，只收到 {revived_size} 字节（教程会在这里一直空转）");
                return Ok(());
            }
        }
        revived_size += n as u64;
        f.write_all(&data[..n])?;
    }
    println!("传输完毕");
    Ok(())
}
// ANCHOR_END: twin
