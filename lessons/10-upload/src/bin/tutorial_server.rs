//! 第 10 课教程版：教程（004 9.20 文件上传）的服务端，照 `python/tutorial_server.py` 逐行写成。
//! 只用标准库。和教程只差这几处：端口可以用第一个参数给（0 让系统挑），第一行打印真正绑定的地址；
//! yuan 是当前目录下的文件夹（教程用脚本旁边的那个），没有就建一个；对方走了就回去等下一个连接；
//! 收文件时连续 3 次收到 0 字节就放弃（教程会一直空转）；服务满 100 个连接就停；
//! 以及文件名只保留最后一段（见下面的注释）。

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::path::Path;

// ANCHOR: twin
fn main() -> io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .map_or(8898, |p| p.parse().expect("端口是 0 到 65535 的整数"));
    // socket() + bind() + listen() 在 Rust 里是一步（积压队列由标准库定为 128，不是 5）。
    let sk = TcpListener::bind(("127.0.0.1", port))?;
    println!("{}", sk.local_addr()?);
    fs::create_dir_all("yuan")?;
    for _ in 0..100 {
        println!("waiting connect");
        let (mut conn, _addr) = sk.accept()?;
        loop {
            let mut client_bytes = [0u8; 1024];
            let n = conn.read(&mut client_bytes)?;
            if n == 0 {
                break; // 对方走了（教程在这里 split 出错，整个服务端退出）
            }
            let client_str = std::str::from_utf8(&client_bytes[..n]).map_err(io::Error::other)?;
            let mut parts = client_str.splitn(3, '|');
            let (Some(_func), Some(file_byte_size), Some(filename)) =
                (parts.next(), parts.next(), parts.next())
            else {
                return Err(io::Error::other(format!(
                    "不是 post|大小|文件名：{client_str:?}"
                )));
            };
            // 唯一补上的洞：教程把 filename 原样接在 yuan 后面，../x 就写到了 yuan 外面。
            // 这里只留下名字的最后一段（../x 变成 x），文件只可能写进 yuan。
            let path = Path::new("yuan").join(Path::new(filename).file_name().unwrap_or_default());
            let mut has_received = 0;
            let file_byte_size: u64 = file_byte_size.parse().map_err(io::Error::other)?;
            let mut f = File::create(path)?;
            let mut empty = 0;
            while has_received < file_byte_size {
                let mut data = [0u8; 1024];
                let n = conn.read(&mut data)?;
                if n == 0 {
                    empty += 1;
                    if empty == 3 {
                        println!("连续 3 次收到 0 字节：对方已经断开，文件只收到 {has_received} 字节（教程会在这里一直空转）");
                        break;
                    }
                }
                f.write_all(&data[..n])?;
                has_received += n as u64;
            }
            println!("ending");
        }
    }
    println!("教程版服务满 100 个连接就停（教程的服务端会一直等下去）");
    Ok(())
}
// ANCHOR_END: twin
