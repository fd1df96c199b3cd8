use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use lesson_08::frame::DEFAULT_MAX_FRAME;

use crate::server::{Reply, NO_OUTPUT};

pub fn ask(addr: SocketAddr, command: &str, limit: Duration) -> io::Result<Reply> {
    let deadline = Instant::now() + limit;
    let mut stream = TcpStream::connect_timeout(&addr, limit)?;
    // 长度和内容拼在一起，一次写出去：两次小写会被 Nagle 算法拖慢。
    let mut frame = (command.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(command.as_bytes());
    stream.set_write_timeout(Some(left(deadline)?))?;
    stream.write_all(&frame)?;

    let mut header = [0u8; 4];
    read_full(&mut stream, &mut header, deadline)?;
    let len = u32::from_be_bytes(header) as usize;
    if len > DEFAULT_MAX_FRAME {
        return Err(io::Error::new(
            ErrorKind::InvalidData,
            format!("回答声称有 {len} 字节，超过了上限 {DEFAULT_MAX_FRAME}"),
        ));
    }
    let mut body = vec![0u8; len];
    read_full(&mut stream, &mut body, deadline)?;

    Ok(if let Some(why) = body.strip_prefix(b"error: ") {
        Reply::Error(String::from_utf8_lossy(why).into_owned())
    } else if body == NO_OUTPUT.as_bytes() {
        Reply::NoOutput
    } else {
        Reply::Output(body)
    })
}

/// 离到点还剩多久；已经到点就是超时错误。
fn left(deadline: Instant) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::Error::new(ErrorKind::TimedOut, "超时了还没收完回答"));
    }
    Ok(left)
}

/// 读满 `buf`。每次读之前把读超时设成离到点还剩的时间：整个回答共用一个超时，而不是每次读各有一个。
fn read_full(stream: &mut TcpStream, buf: &mut [u8], deadline: Instant) -> io::Result<()> {
    let mut got = 0;
    while got < buf.len() {
        stream.set_read_timeout(Some(left(deadline)?))?;
        match stream.read(&mut buf[got..]) {
            Ok(0) => {
                return Err(io::Error::new(
                    ErrorKind::UnexpectedEof,
                    "服务端没说完就关闭了连接",
                ))
            }
            Ok(n) => got += n,
            Err(e) => match e.kind() {
                // 被信号打断：再读一次。
                ErrorKind::Interrupted => {}
                // 读超时（Linux 和 macOS 上都报 WouldBlock）：到点了。
                ErrorKind::WouldBlock | ErrorKind::TimedOut => {
                    return Err(io::Error::new(ErrorKind::TimedOut, "超时了还没收完回答"))
                }
                _ => return Err(e),
            },
        }
    }
    Ok(())
}
