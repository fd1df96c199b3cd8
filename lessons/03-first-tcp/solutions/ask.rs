use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

pub fn ask(addr: SocketAddr, text: &str, limit: Duration) -> Result<String> {
    let deadline = Instant::now() + limit;
    let mut stream =
        TcpStream::connect_timeout(&addr, limit).with_context(|| format!("连不上 {addr}"))?;
    stream.write_all(text.as_bytes()).context("发送失败")?;
    // 半关闭：服务端读到 0，就知道我们说完了。
    stream.shutdown(Shutdown::Write).context("半关闭失败")?;

    let mut reply = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        // 每次读之前，把读超时设成离总的时限还剩的时间：慢慢发个没完的服务端也拖不过 limit。
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            bail!("{limit:?} 内没有收完回复");
        }
        stream.set_read_timeout(Some(left))?;
        let n = stream.read(&mut buf).context("接收回复失败")?;
        if n == 0 {
            break;
        }
        reply.extend_from_slice(&buf[..n]);
    }
    String::from_utf8(reply).context("回复不是合法的 UTF-8")
}
