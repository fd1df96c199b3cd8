use std::io::{self, Read};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

pub fn drain(stream: &TcpStream, limit: u64, within: Duration) -> io::Result<u64> {
    stream.shutdown(Shutdown::Write)?;
    let deadline = Instant::now() + within;
    // take 在读满 limit 个字节时就报 EOF：不会多拿一个字节。
    let mut rest = stream.take(limit);
    let mut buf = [0u8; 8192];
    let mut total = 0u64;
    loop {
        // 整个收尾的期限，而不是每一次 read 的：剩下多少时间，这一次就最多等多久。
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        stream.set_read_timeout(Some(left))?;
        match rest.read(&mut buf) {
            // 对方关闭了，或者读满了 limit。
            Ok(0) => break,
            Ok(n) => total += n as u64,
            // 超时、对方重置连接：收尾到此为止，已经读掉的照样算数。
            Err(_) => break,
        }
    }
    Ok(total)
}
