use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

pub fn ask_backoff(
    socket: &UdpSocket,
    server: SocketAddr,
    msg: &str,
    first: Duration,
    max: Duration,
    tries: u32,
) -> io::Result<(String, u32)> {
    let expected = format!("Hello, {msg}!");
    let mut buf = vec![0u8; 65536];
    let mut wait = first.min(max);
    for attempt in 1..=tries {
        socket.send_to(msg.as_bytes(), server)?;
        // 这一次的期限从发出时算起；收到不算数的数据报也不往后推。
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            socket.set_read_timeout(Some(left))?;
            match socket.recv_from(&mut buf) {
                Ok((n, from)) if from == server && buf[..n] == *expected.as_bytes() => {
                    return Ok((expected, attempt));
                }
                // 陌生人的数据报，或者对不上的回答：丢掉，接着等。
                Ok(_) => continue,
                Err(err) if support::is_timeout(&err) => break,
                Err(err) => return Err(err),
            }
        }
        // 下一次等两倍，但不超过 max。
        wait = wait.saturating_mul(2).min(max);
    }
    Err(io::Error::new(
        io::ErrorKind::TimedOut,
        format!("发了 {tries} 次，都没有等到 {server} 的回答"),
    ))
}
