//! 第 09 课教程版客户端：照教程 004 的 9.19 节第 2 个程序逐行写成（端口 8879）。
//! 提示 cdm:>>>（教程的拼法），发出一行命令，recv 1024 字节打印出来；q 退出。

// ANCHOR: twin
use std::io::{BufRead, Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or_else(|| "8879".into());
    let mut sk = TcpStream::connect(format!("127.0.0.1:{port}"))?;
    println!("客户端启动：");
    let mut lines = std::io::stdin().lock().lines();
    loop {
        print!("cdm:>>>");
        std::io::stdout().flush()?;
        // 标准输入结束：和输入 q 一样退出（教程的程序会在这里报错退出）。
        let Some(line) = lines.next() else { break };
        let inp = line?.trim().to_string();
        if inp.is_empty() {
            continue;
        }
        if inp == "q" {
            break;
        }
        sk.write_all(inp.as_bytes())?;
        let mut server_response = [0u8; 1024];
        let n = sk.read(&mut server_response)?;
        // 教程按 gbk 解码：它写在中文 Windows 上，那里命令的输出是 GBK。Linux 上是 UTF-8，标准库
        // 也没有 GBK，所以这里按 UTF-8 解码，解不了的字节（比如被 1024 字节切开的汉字）显示成 �。
        println!("{}", String::from_utf8_lossy(&server_response[..n]));
        println!("receive data size {n}");
        if inp == "exit" {
            break;
        }
    }
    Ok(())
}
// ANCHOR_END: twin
