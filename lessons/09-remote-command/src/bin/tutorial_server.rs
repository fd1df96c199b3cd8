//! 第 09 课教程版服务端：照教程 004 的 9.19 节第 2 个程序逐行写成（端口 8879）。
//! 收一条命令（recv 1024 字节），运行它，把输出发回去；和教程不同的地方只有运行命令的那几行，
//! 见 ALLOWED 的注释。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};

// 教程用 Popen(cmd, shell=True)：整行交给 shell，连上来的人能在这台机器上做任何事。
// 这里不经过 shell：按空白切成词，直接运行第一个词；只是不经过 shell 还不够（rm -rf、sh -c
// 照样能运行），所以只运行这几个只打印东西的程序，而且只在 /usr/bin 和 /bin 里找它们。
const ALLOWED: [&str; 6] = ["echo", "pwd", "uname", "whoami", "seq", "sleep"];
// 对方走后 read 一直返回 0 字节：教程的程序会一直空转下去，这里数到 3 次就停。
const NO_SPIN: u32 = 3;

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or_else(|| "8879".into());
    let sk = TcpListener::bind(format!("127.0.0.1:{port}"))?;
    println!("{}", sk.local_addr()?);
    println!("服务端启动...");
    loop {
        let (mut conn, _address) = sk.accept()?;
        let mut empty = 0;
        loop {
            let mut client_data = [0u8; 1024];
            let Ok(n) = conn.read(&mut client_data) else {
                break;
            };
            empty = if n == 0 { empty + 1 } else { 0 };
            if empty == NO_SPIN {
                println!("连续 {NO_SPIN} 次收到 0 字节：对方已经不再发送，教程的程序会一直空转，这里停下");
                break;
            }
            let cmd = String::from_utf8_lossy(&client_data[..n]);
            println!("{cmd}");
            println!("waiting...");
            let words: Vec<&str> = cmd.split_whitespace().collect();
            let mut cmd_result = Vec::new();
            if words.first().is_some_and(|w| ALLOWED.contains(w)) {
                let mut cmd_call = Command::new(words[0]);
                cmd_call
                    .args(&words[1..])
                    .env_clear()
                    .env("PATH", "/usr/bin:/bin");
                cmd_result = cmd_call.stderr(Stdio::inherit()).output()?.stdout;
            }
            if cmd_result.is_empty() {
                cmd_result = b"no output!".to_vec();
            }
            conn.write_all(&cmd_result)?;
            println!("send data size {}", cmd_result.len());
            println!("******************");
            println!("******************");
            println!("******************");
        }
    }
}
// ANCHOR_END: twin
