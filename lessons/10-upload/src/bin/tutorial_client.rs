//! 第 10 课教程版：教程（004 9.20 文件上传）的客户端，照 `python/tutorial_client.py` 逐行写成。
//! 只用标准库。和教程只差这几处：端口可以用第一个参数给；路径从当前目录算起（教程从脚本所在的目录算起）；
//! 标准输入结束（EOF）时退出；文件在发送途中变短时停下（教程会空转）。

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::path::Path;

// ANCHOR: twin
fn main() -> io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .map_or(8898, |p| p.parse().expect("端口是 0 到 65535 的整数"));
    let mut sk = TcpStream::connect(("127.0.0.1", port))?;
    println!("客户端启动....");
    loop {
        // input("please input:")：提示不换行，先刷新，再读一行；读到 EOF 就结束。
        print!("please input:");
        io::stdout().flush()?;
        let mut inp = String::new();
        if io::stdin().read_line(&mut inp)? == 0 {
            break;
        }
        let inp = inp.trim_end_matches(['\r', '\n']);
        if inp.starts_with("post") {
            let (_method, local_path) = inp
                .split_once('|')
                .ok_or_else(|| io::Error::other("要写成 post|路径"))?;
            let file_byte_size = fs::metadata(local_path)?.len();
            let file_name = Path::new(local_path).file_name().unwrap_or_default();
            let post_info = format!("post|{}|{}", file_byte_size, file_name.to_string_lossy());
            sk.write_all(post_info.as_bytes())?;
            let mut has_sent = 0;
            let mut file_obj = File::open(local_path)?;
            while has_sent < file_byte_size {
                let mut data = [0u8; 1024];
                let n = file_obj.read(&mut data)?;
                if n == 0 {
                    println!("文件在发送途中变短了（教程会在这里一直空转）");
                    break;
                }
                sk.write_all(&data[..n])?;
                has_sent += n as u64;
            }
            println!("上传成功");
        }
    }
    Ok(())
}
// ANCHOR_END: twin
