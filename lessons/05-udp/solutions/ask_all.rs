use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

pub fn ask_all(
    server: SocketAddr,
    names: &[&str],
    timeout: Duration,
    retries: u32,
) -> io::Result<Vec<String>> {
    let local: SocketAddr = if server.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local)?;
    // 每个还没回答的名字：它的回答应当是什么 → 它在 names 里的位置。
    let mut waiting: HashMap<String, usize> = names
        .iter()
        .enumerate()
        .map(|(i, name)| (format!("Hello, {name}!"), i))
        .collect();
    let mut answers = vec![String::new(); names.len()];
    let mut buf = vec![0u8; 65536];
    for _ in 0..=retries {
        // 第一轮发出全部名字，之后每一轮只重发还没回答的。
        for &i in waiting.values() {
            socket.send_to(names[i].as_bytes(), server)?;
        }
        // 这一轮的期限从发出时算起；收到不算数的数据报也不往后推。
        let deadline = Instant::now() + timeout;
        while !waiting.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            socket.set_read_timeout(Some(left))?;
            match socket.recv_from(&mut buf) {
                Ok((n, from)) if from == server => {
                    // 对得上某个还没回答的名字才收下：重复的、没问过的，在 waiting 里都找不到。
                    let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                    if let Some(i) = waiting.remove(&text) {
                        answers[i] = text;
                    }
                }
                Ok(_) => continue, // 陌生人发来的
                Err(err) if support::is_timeout(&err) => break,
                Err(err) => return Err(err),
            }
        }
        if waiting.is_empty() {
            return Ok(answers);
        }
    }
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| waiting.contains_key(&format!("Hello, {name}!")))
        .collect();
    Err(io::Error::new(
        io::ErrorKind::TimedOut,
        format!("这些名字一直没有回答：{}", missing.join("、")),
    ))
}
