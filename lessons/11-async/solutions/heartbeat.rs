//! 练习 3 的参考答案。

use std::io;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;

pub async fn read_lines(stream: TcpStream, every: Duration) -> io::Result<(Vec<String>, u32)> {
    let mut reader = BufReader::new(stream);
    let mut tick = tokio::time::interval(every);
    tick.tick().await; // 第一次立刻就好，不算
    let mut lines = Vec::new();
    let mut beats = 0;
    // 读到一半的字节放在循环外面的 line 里：read_until 被取消时，已经读到的字节留在 line 里，
    // 下一轮接着往后放，什么也不丢。
    let mut line = Vec::new();
    loop {
        tokio::select! {
            got = reader.read_until(b'\n', &mut line) => {
                let n = got?;
                if n == 0 {
                    if !line.is_empty() {
                        lines.push(String::from_utf8_lossy(&line).into_owned());
                    }
                    return Ok((lines, beats));
                }
                if line.last() == Some(&b'\n') {
                    line.pop();
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    lines.push(String::from_utf8_lossy(&line).into_owned());
                    line.clear();
                }
            }
            _ = tick.tick() => beats += 1,
        }
    }
}
