//! `l08-server` / `l08-client` 的四种模式：一种把问题摆出来，三种把它解决掉。
//!
//! 所有模式的收尾都一样：客户端发完全部消息后**半关闭**（`shutdown(Write)`，只关掉自己发送的一半），
//! 服务端读到 EOF 就知道对方说完了，回一行总结（UTF-8 文字，以换行结尾）再关闭连接。
//! 出错时那一行以 `错误：` 开头。

use std::fmt;
use std::io::{self, BufReader, BufWriter, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;

use support::serve::{Budget, Guarded};

use crate::frame::{read_delimited_budgeted, read_frame_budgeted, write_frame};
use crate::Show;

/// 怎样在字节流里标出消息的边界。
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// 不标：教程原来的写法，用来看粘包
    Raw,
    /// 每发一条等对方回 ok（教程的补救办法）
    Ack,
    /// 每条消息后面加换行符
    Line,
    /// 每条消息前面加 4 字节大端长度
    Length,
}

impl Mode {
    /// 命令行上的名字。
    pub fn name(self) -> &'static str {
        match self {
            Mode::Raw => "raw",
            Mode::Ack => "ack",
            Mode::Line => "line",
            Mode::Length => "length",
        }
    }

    /// 一句话说明这种模式怎样分开消息。
    pub fn explain(self) -> &'static str {
        match self {
            Mode::Raw => "不标边界，消息一条接一条直接写进字节流",
            Mode::Ack => "每发一条就等对方回一句 ok，再发下一条",
            Mode::Line => "每条消息后面跟一个换行符 \\n",
            Mode::Length => "每条消息前面是 4 字节大端长度",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// 教程里每次 `recv(1024)` 的大小。raw 和 ack 模式的接收方也一次读这么多。
pub const RECV_SIZE: usize = 1024;

/// ack 模式里接收方的确认。
pub const ACK: &[u8] = b"ok";

/// 服务端的总结最多读这么多字节，对方乱发时客户端也不会无限地收下去。
pub const REPLY_MAX: u64 = 4096;

/// raw 模式的“慢读者”最多等对方攒下这么多字节就开始读。
pub const RAW_WAIT_LIMIT: usize = 64 * 1024;

/// 记录一行进展；不想看时传一个什么也不做的闭包，`format_args!` 就不会真的去格式化。
pub type Log<'a> = &'a mut dyn FnMut(fmt::Arguments<'_>);

// ANCHOR: check_message
/// 每种办法都有它发不了的消息：在连接之前就说清楚，而不是让对方收到一堆乱码。
pub fn check_message(mode: Mode, message: &[u8]) -> Result<(), String> {
    match mode {
        Mode::Ack if message.is_empty() => Err(
            "ack 模式发不了空消息：send 0 个字节在 TCP 上什么也不会发出，对方收不到，也就不会回 ok"
                .to_string(),
        ),
        Mode::Ack if message.len() > RECV_SIZE => Err(format!(
            "ack 模式下一条消息最多 {RECV_SIZE} 字节（接收方一次只 recv {RECV_SIZE} 字节），这条有 {} 字节",
            message.len()
        )),
        Mode::Line if message.contains(&b'\n') => Err(
            "line 模式的消息里不能有换行符：接收方会把它当成这条消息的结尾".to_string(),
        ),
        Mode::Length if u32::try_from(message.len()).is_err() => Err(format!(
            "消息有 {} 字节，4 字节的长度前缀放不下",
            message.len()
        )),
        _ => Ok(()),
    }
}
// ANCHOR_END: check_message

// ANCHOR: send
/// 按 `mode` 把消息一条条发出去，然后半关闭，返回服务端的总结。
///
/// 每条消息都单独写一次（`flush`），和教程里每条消息一次 `send` 一样；
/// 不同模式之间唯一的区别就是边界怎样标出。
pub fn send_messages(
    stream: &TcpStream,
    mode: Mode,
    messages: &[Vec<u8>],
    log: Log<'_>,
) -> io::Result<String> {
    for message in messages {
        check_message(mode, message).map_err(|e| io::Error::new(ErrorKind::InvalidInput, e))?;
    }
    let sent = send_each(stream, mode, messages, log).and_then(|()| {
        log(format_args!(
            "发完了 {} 条消息，半关闭（对方会读到 EOF），等服务端的总结",
            messages.len()
        ));
        stream.shutdown(Shutdown::Write)
    });
    if let Err(e) = sent {
        // 服务端拒绝时（“服务端忙”、消息太长）会先回一行“错误：……”再关闭连接，
        // 我们的写或者半关闭就会失败。那一行比“连接被重置”有用得多，所以先试着读它。
        return match read_reply(stream) {
            Ok(reply) if reply.starts_with("错误：") => Ok(reply),
            _ => Err(e),
        };
    }
    let reply = read_reply(stream)?;
    if reply.is_empty() {
        return Err(io::Error::new(
            ErrorKind::UnexpectedEof,
            "服务端没有回总结就关闭了连接",
        ));
    }
    Ok(reply)
}

fn send_each(stream: &TcpStream, mode: Mode, messages: &[Vec<u8>], log: Log<'_>) -> io::Result<()> {
    let mut writer = BufWriter::new(stream);
    for (i, message) in messages.iter().enumerate() {
        let number = i + 1;
        match mode {
            // 原样写出去：这就是教程里连续两次 send。
            Mode::Raw | Mode::Ack => writer.write_all(message)?,
            Mode::Line => {
                writer.write_all(message)?;
                writer.write_all(b"\n")?;
            }
            // write_frame 自己会 flush。
            Mode::Length => write_frame(&mut writer, message)?,
        }
        writer.flush()?;
        log(format_args!("发送第 {number} 条：{}", Show(message)));
        if mode == Mode::Ack {
            // 对方回了 ok 才发下一条：一条消息一个来回。
            wait_for_ack(stream, number)?;
            log(format_args!("  收到确认 ok"));
        }
    }
    Ok(())
}
// ANCHOR_END: send

fn wait_for_ack(mut stream: &TcpStream, number: usize) -> io::Result<()> {
    let mut ack = [0u8; ACK.len()];
    stream.read_exact(&mut ack).map_err(|e| {
        if e.kind() == ErrorKind::UnexpectedEof {
            io::Error::new(
                ErrorKind::UnexpectedEof,
                format!("服务端没有确认第 {number} 条消息就关闭了连接"),
            )
        } else {
            e
        }
    })?;
    if ack != ACK {
        // 对方回的不是 ok，多半是一句错误说明：把它读完整，一起报出来。
        let mut got = ack.to_vec();
        let _ = stream.take(REPLY_MAX).read_to_end(&mut got);
        return Err(io::Error::new(
            ErrorKind::InvalidData,
            format!(
                "第 {number} 条消息的确认应当是 ok，收到的却是 “{}”",
                String::from_utf8_lossy(&got).trim_end()
            ),
        ));
    }
    Ok(())
}

/// 读服务端的总结：读到对方关闭为止，最多 [`REPLY_MAX`] 字节。
///
/// 服务端拒绝时（“服务端忙”、消息太长）先写一行再关闭；我们这边还有没发完的字节时，
/// 它的内核会用 RST 回答，于是读完那一行之后的下一次读报“连接被重置”。那一行已经到手了，就用它。
fn read_reply(stream: &TcpStream) -> io::Result<String> {
    let mut reply = Vec::new();
    if let Err(e) = stream.take(REPLY_MAX).read_to_end(&mut reply) {
        if reply.is_empty() {
            return Err(e);
        }
    }
    Ok(String::from_utf8_lossy(&reply).trim_end().to_string())
}

// ANCHOR: receive
/// 服务端：按 `mode` 一条条收消息，直到对方半关闭（读到 EOF），返回一句总结。
///
/// `conn` 是包了空闲超时和最低速率的连接（`Guarded`）：整个会话只记一笔账，
/// 一直不说话的、一个字节一个字节地拖的对方都会在有限的时间里被断开。
/// `max` 是 line 和 length 模式下一条消息的上限；超过时返回错误，而不是无限地收下去。
/// 一条消息超过 64 KiB 的部分向 `budget` 申请：所有连接合起来缓存的字节有上限。
pub fn receive(
    conn: &mut Guarded,
    mode: Mode,
    max: usize,
    budget: &Arc<Budget>,
    log: Log<'_>,
) -> io::Result<String> {
    let (count, bytes) = match mode {
        Mode::Raw => return receive_raw(conn, log),
        Mode::Ack => receive_ack(conn, log)?,
        Mode::Line => {
            // BufReader 一次从内核多拿一些，read_delimited_budgeted 在里面找换行符。
            let mut reader = BufReader::new(conn);
            let (mut count, mut bytes) = (0, 0);
            while let Some(message) = read_delimited_budgeted(&mut reader, b'\n', max, budget)? {
                count += 1;
                bytes += message.len();
                log(format_args!("第 {count} 条消息：{}", Show(&message)));
            }
            (count, bytes)
        }
        Mode::Length => {
            // 没有 BufReader 的话，每帧至少两次系统调用（长度一次、内容一次）。
            let mut reader = BufReader::new(conn);
            let (mut count, mut bytes) = (0, 0);
            while let Some(message) = read_frame_budgeted(&mut reader, max, budget)? {
                count += 1;
                bytes += message.len();
                log(format_args!("第 {count} 条消息：{}", Show(&message)));
            }
            (count, bytes)
        }
    };
    Ok(format!("收到 {count} 条消息，共 {bytes} 字节"))
}
// ANCHOR_END: receive

// ANCHOR: receive_ack
/// ack 模式的接收方（教程的补救办法）：recv(1024) 一次当作一条消息，回一句 ok。
///
/// 它之所以“管用”，只是因为发送方在收到 ok 之前不会发下一条，字节流里同一时刻
/// 最多只有一条消息。它并不知道一条消息到哪里结束：消息比 1024 字节长，或者
/// 一条消息被拆成两段到达，它照样会读错。
fn receive_ack(stream: &mut Guarded, log: Log<'_>) -> io::Result<(usize, usize)> {
    let mut buf = [0u8; RECV_SIZE];
    let (mut count, mut bytes) = (0, 0);
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => return Ok((count, bytes)),
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        count += 1;
        bytes += n;
        log(format_args!(
            "第 {count} 条消息：{}，回一句 ok",
            Show(&buf[..n])
        ));
        stream.write_all(ACK)?;
    }
}
// ANCHOR_END: receive_ack

// ANCHOR: receive_raw
/// raw 模式的接收方：和教程一样每次 recv(1024)，把每次读到的东西原样报出来。
fn receive_raw(stream: &mut Guarded, log: Log<'_>) -> io::Result<String> {
    // 先扮演一个“慢读者”：等对方把话说完再开始读。现实里读的一方常常比写的一方慢
    // （在忙别的、没被调度到、网络有延迟），这里故意慢下来，让结果每次都一样。
    // 这一等最多是一个空闲超时（套接字上的读超时）；等完了重新计时，再一次次 recv。
    wait_until_sender_done(stream.inner(), RAW_WAIT_LIMIT)?;
    stream.restart();
    let mut buf = [0u8; RECV_SIZE];
    let (mut reads, mut bytes) = (0, 0);
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        reads += 1;
        bytes += n;
        log(format_args!(
            "第 {reads} 次 recv({RECV_SIZE})：{}",
            Show(&buf[..n])
        ));
    }
    Ok(format!(
        "读了 {reads} 次 recv，共 {bytes} 字节；字节流里看不出原来是几条消息"
    ))
}
// ANCHOR_END: receive_raw

// ANCHOR: slow_reader
/// 等发送方说完：直到对方半关闭了连接（EOF），或者接收缓冲区里攒够了 `limit` 字节。
/// 返回那时缓冲区里有多少字节。数据**一个字节都不取走**，之后的 read 照样读得到。
///
/// `MSG_PEEK` 表示“只看不取”，`MSG_WAITALL` 让内核凑够 `limit` 字节（或遇到 EOF、
/// 超时）才返回。套接字上设置的读超时在这里同样有效，对方卡住时不会一直等下去。
/// 标准库的 `TcpStream::peek` 只能带 `MSG_PEEK`，所以这里借 socket2 的 `recv_with_flags`
/// 把两个标志一起交给 recv；缓冲区用 `MaybeUninit`，内核往里写，我们只要它写了多少。
#[cfg(unix)]
pub fn wait_until_sender_done(stream: &TcpStream, limit: usize) -> io::Result<usize> {
    use std::mem::MaybeUninit;
    let socket = socket2::SockRef::from(stream);
    let mut scratch = vec![MaybeUninit::<u8>::uninit(); limit];
    loop {
        match socket.recv_with_flags(&mut scratch, libc::MSG_PEEK | libc::MSG_WAITALL) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}
// ANCHOR_END: slow_reader

/// 没有 `MSG_PEEK | MSG_WAITALL` 的系统上不等，直接开始读：结果就要看时机了。
#[cfg(not(unix))]
pub fn wait_until_sender_done(_stream: &TcpStream, _limit: usize) -> io::Result<usize> {
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mode_refuses_what_it_cannot_carry() {
        assert!(check_message(Mode::Ack, b"").is_err());
        assert!(check_message(Mode::Ack, &[b'x'; RECV_SIZE + 1]).is_err());
        assert!(check_message(Mode::Ack, &[b'x'; RECV_SIZE]).is_ok());
        assert!(check_message(Mode::Line, b"a\nb").is_err());
        assert!(check_message(Mode::Line, b"").is_ok());
        assert!(check_message(Mode::Length, b"").is_ok());
        assert!(check_message(Mode::Raw, b"a\nb").is_ok());
    }
}
