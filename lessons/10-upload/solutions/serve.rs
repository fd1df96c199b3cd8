//! 练习 4 的参考答案：一个连接一个线程，读超时管不说话的连接，BufReader 留住多读到的字节。

use std::io::{self, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use lesson_08::frame::read_delimited;

use super::header::parse_announced;
use super::receive::receive_checked;

pub fn serve_checked(
    listener: TcpListener,
    dir: PathBuf,
    max_size: u64,
    idle: Duration,
) -> io::Result<()> {
    let dir = Arc::new(dir);
    loop {
        let (stream, _) = listener.accept()?;
        let dir = Arc::clone(&dir);
        // 开不了线程时，连接随闭包一起被丢弃：只关掉这一个，服务端照常运行。
        let _ = thread::Builder::new().spawn(move || serve_one(stream, &dir, max_size, idle));
    }
}

fn serve_one(stream: TcpStream, dir: &Path, max_size: u64, idle: Duration) {
    // 读超时：不说话的连接 idle 之后 read 返回错误，这个线程随之结束。
    if stream.set_read_timeout(Some(idle)).is_err() {
        return;
    }
    // 一个连接一个 BufReader，整个连接都用它：多读到的字节留在它的缓冲区里，下一次接着用。
    let mut reader = BufReader::new(&stream);
    loop {
        let outcome = match read_delimited(&mut reader, b'\n', 1024) {
            Ok(None) => return,
            Ok(Some(line)) => upload(&mut reader, &line, dir, max_size),
            Err(e) => Err(format!("读请求头失败：{e}")),
        };
        let reply = match &outcome {
            Ok(()) => "ok\n".to_string(),
            Err(why) => format!("error {}\n", why.replace(['\n', '\r'], " ")),
        };
        if (&stream).write_all(reply.as_bytes()).is_err() || outcome.is_err() {
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
    }
}

fn upload(
    reader: &mut BufReader<&TcpStream>,
    line: &[u8],
    dir: &Path,
    max_size: u64,
) -> Result<(), String> {
    let head = parse_announced(line, max_size)?;
    receive_checked(reader, dir, &head.name, head.size, &head.sha256)
        .map_err(|e| format!("没有保存 {}：{e}", head.name))
}
