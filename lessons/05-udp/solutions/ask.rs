use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

pub fn ask_with_retry(
    socket: &UdpSocket,
    server: SocketAddr,
    msg: &str,
    timeout: Duration,
    retries: u32,
) -> io::Result<String> {
    let expected = format!("Hello, {msg}!");
    let mut buf = vec![0u8; 65536];
    for _ in 0..=retries {
        socket.send_to(msg.as_bytes(), server)?;
        // 期限从发送时算起；丢掉的数据报不会让我们多等。
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            socket.set_read_timeout(Some(left))?;
            match socket.recv_from(&mut buf) {
                Ok((n, from)) if from == server && buf[..n] == *expected.as_bytes() => {
                    return Ok(expected);
                }
                // 陌生人的数据报，或者对不上的旧回答：丢掉，接着等。
                Ok(_) => continue,
                Err(err) if support::is_timeout(&err) => break,
                Err(err) => return Err(err),
            }
        }
    }
    Err(io::Error::new(
        io::ErrorKind::TimedOut,
        format!("发了 {} 次，都没有等到 {server} 的回答", retries + 1),
    ))
}
