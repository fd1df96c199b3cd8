//! 消息的边界：这一课有两种约定。
//!
//! - **教程的约定**（V2 服务端、多线程服务端和它们的客户端）：**一次读到的就是一条消息。**
//!   发的一方把一条消息一次写完，不加任何分隔符；收的一方 `recv(1024)` 一次，读到什么就当作一条消息。
//!   回复也一样，不带换行符。这一课的这两对程序和教程的原版程序在线路上一字不差，可以互相对话
//!   （[`recv_message`]、[`strip_newline`]、[`send_message`]）。
//! - **一行一条消息**（聊天室）：每条消息以 `\n` 结尾，读的一方按换行符切分
//!   （[`read_message`]、[`send_line`]）。聊天室里几个人随时都可能说话，消息会一条接一条地挤在一起到达，
//!   “一次读就是一条”在那里行不通。
//!
//! 第一种约定靠的是一个没有说出来的假设：对方 `send` 一次，我这边正好 `recv` 到一次。
//! TCP 是字节流，并不保证这一点。它在一问一答、消息不超过 1024 字节时几乎总是成立，
//! 在别的时候会出错（第 08 课专门讲这个“粘包”）；书里把出错的样子演示了出来。

use std::borrow::Cow;
use std::io::{self, BufRead, ErrorKind, Read, Write};

/// 服务端一次读多少字节，也就是一条消息最多多少字节：教程里的 `recv(1024)`。
pub const RECV_SIZE: usize = 1024;

/// 客户端读一条回复时给的空间。回复比消息长：V2 的回复多出 `[`、`] ` 和 24 个字符的时间，共 27 字节，
/// 一条 1024 字节的消息得到 1051 字节的回复。教程的客户端也用 `recv(1024)`，那样的回复它一次装不下，
/// 剩下的尾巴会被下一次 `recv` 当成下一条回复，从此一问一答就错开了；所以我们的客户端多给一些空间。
pub const REPLY_SIZE: usize = 2048;

// ANCHOR: recv_message
/// 教程的 `data = conn.recv(1024)`：读**一次**（最多 `buf.len()` 字节），读到的字节就是一条消息。
///
/// 返回 `None` 表示读到了 0 字节——对方关闭了连接。`buf` 不能是空的（否则读到的永远是 0）。
/// 被信号打断的读不算数，再读一次。
pub fn recv_message<'b>(reader: &mut impl Read, buf: &'b mut [u8]) -> io::Result<Option<&'b [u8]>> {
    loop {
        match reader.read(buf) {
            Ok(0) => return Ok(None),
            Ok(n) => return Ok(Some(&buf[..n])),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// 去掉结尾的**一个** `\n` 或 `\r\n`（如果有的话）。
///
/// 教程的客户端不发换行符，这一步对它没有影响；用 `nc`、telnet 手敲消息的人按回车时会带上一个，
/// 去掉它，回复才是 `Hello, Bob!` 而不是换了行的 `Hello, Bob\n!`。只去一个：内容本身的换行符原样保留。
pub fn strip_newline(data: &[u8]) -> &[u8] {
    data.strip_suffix(b"\r\n")
        .or_else(|| data.strip_suffix(b"\n"))
        .unwrap_or(data)
}

/// 发一条消息：字节原样、一次写完，不加换行符（教程的 `send`）。
pub fn send_message(mut writer: impl Write, bytes: &[u8]) -> io::Result<()> {
    writer.write_all(bytes)?;
    writer.flush()
}
// ANCHOR_END: recv_message

/// 一行最多多少字节（不含换行符），聊天室用。更长的行不会被整个读进内存：读的一方丢掉它并回一句错误。
pub const MAX_LINE: usize = 64 * 1024;

/// 聊天室读一行的结果。
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming {
    /// 完整的一行（已去掉结尾的 `\n` 和可能的 `\r`）。
    Line(Vec<u8>),
    /// 对方在一行的中途半关闭了连接（不再发送）：这是最后半行，没有换行符。
    Partial(Vec<u8>),
    /// 这一行超过了上限，已经读掉并丢弃；带着它的字节数。
    TooLong(usize),
    /// 对方关闭了连接（recv 返回 0 字节），而且没有剩下半行。
    Eof,
}

// ANCHOR: read_message
/// 从 `reader` 读一行，最多保留 `max` 个字节。
///
/// 和 `BufRead::read_line` 不同，这里不会因为对方发来一行没完没了的数据就把内存吃光：
/// 超过 `max` 之后，后面的字节读到就扔，直到换行符为止，然后报告 [`Incoming::TooLong`]。
/// 这样协议仍然同步——下一次读到的是下一行，而不是这一行剩下的尾巴。
pub fn read_message(reader: &mut impl BufRead, max: usize) -> io::Result<Incoming> {
    let mut line = Vec::new();
    let mut dropped: Option<usize> = None;
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            // 读到 0 字节：对方关闭了连接。手里还有半行的话，先把它交出去。
            return Ok(match dropped {
                Some(n) => Incoming::TooLong(n),
                None if line.is_empty() => Incoming::Eof,
                None => Incoming::Partial(line),
            });
        }
        let newline = buf.iter().position(|&b| b == b'\n');
        let piece = &buf[..newline.unwrap_or(buf.len())];
        match dropped.as_mut() {
            Some(n) => *n += piece.len(),
            None if line.len() + piece.len() > max => {
                dropped = Some(line.len() + piece.len());
                line = Vec::new(); // 立刻还掉已经占用的内存
            }
            None => line.extend_from_slice(piece),
        }
        let used = newline.map_or(buf.len(), |i| i + 1);
        reader.consume(used);
        if newline.is_some() {
            if let Some(n) = dropped {
                return Ok(Incoming::TooLong(n));
            }
            if line.last() == Some(&b'\r') {
                line.pop(); // Windows 的 telnet、nc -C 会发 \r\n
            }
            return Ok(Incoming::Line(line));
        }
    }
}
// ANCHOR_END: read_message

/// 把收到的字节变成文字；不是合法 UTF-8 的字节换成 U+FFFD（�），第二个值说明有没有换。
///
/// 教程里的 `data.decode('utf-8')` 遇到坏字节会抛出异常、让整个线程退出；
/// 这里选择“有损解码”：消息照样处理，日志里注明它被修补过。
pub fn lossy(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    let text = String::from_utf8_lossy(bytes);
    let repaired = matches!(text, Cow::Owned(_));
    (text, repaired)
}

/// 发一行：内容加上 `\n`，一次写完。
pub fn send_line(mut writer: impl Write, text: &str) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(text.len() + 1);
    bytes.extend_from_slice(text.as_bytes());
    bytes.push(b'\n');
    writer.write_all(&bytes)?;
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Read};

    /// 每次最多给出 `step` 个字节的读者，模拟“数据分几次到达”。
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn all(data: &[u8], step: usize, max: usize) -> Vec<Incoming> {
        let mut r = BufReader::with_capacity(4, Trickle { data, step });
        let mut out = Vec::new();
        loop {
            let m = read_message(&mut r, max).unwrap();
            let end = m == Incoming::Eof;
            out.push(m);
            if end {
                return out;
            }
        }
    }

    #[test]
    fn lines_come_out_the_same_however_the_bytes_arrive() {
        let data = b"Michael\nTracy\r\n\nSarah";
        let want = vec![
            Incoming::Line(b"Michael".to_vec()),
            Incoming::Line(b"Tracy".to_vec()),
            Incoming::Line(Vec::new()),
            Incoming::Partial(b"Sarah".to_vec()),
            Incoming::Eof,
        ];
        for step in [1, 2, 3, 7, 100] {
            assert_eq!(all(data, step, 100), want, "每次到达 {step} 字节");
        }
    }

    #[test]
    fn a_long_line_is_dropped_and_the_next_line_is_intact() {
        let mut data = vec![b'x'; 50];
        data.extend_from_slice(b"\nok\n");
        let got = all(&data, 7, 10);
        assert_eq!(
            got,
            vec![
                Incoming::TooLong(50),
                Incoming::Line(b"ok".to_vec()),
                Incoming::Eof
            ]
        );
        // 正好 max 字节的一行还是合法的。
        assert_eq!(
            all(b"0123456789\n", 3, 10)[0],
            Incoming::Line(b"0123456789".to_vec())
        );
        // 超长的半行在连接关闭时也报告为过长。
        assert_eq!(all(&[b'y'; 30], 4, 10)[0], Incoming::TooLong(30));
    }

    #[test]
    fn one_read_is_one_message() {
        let mut r = Trickle {
            data: b"Michael\nTracy",
            step: 100,
        };
        let mut buf = [0u8; 4];
        // 缓冲区只有 4 字节：一次最多读 4 个，剩下的留给下一次，就像 recv(4)。
        assert_eq!(recv_message(&mut r, &mut buf).unwrap(), Some(&b"Mich"[..]));
        let mut buf = [0u8; 64];
        assert_eq!(
            recv_message(&mut r, &mut buf).unwrap(),
            Some(&b"ael\nTracy"[..])
        );
        assert_eq!(recv_message(&mut r, &mut buf).unwrap(), None);
    }

    #[test]
    fn strip_newline_removes_exactly_one_line_ending() {
        assert_eq!(strip_newline(b"Bob"), b"Bob");
        assert_eq!(strip_newline(b"Bob\n"), b"Bob");
        assert_eq!(strip_newline(b"Bob\r\n"), b"Bob");
        assert_eq!(strip_newline(b"Bob\n\n"), b"Bob\n");
        assert_eq!(strip_newline(b"Bob\r"), b"Bob\r");
        assert_eq!(strip_newline(b"\r\n"), b"");
        assert_eq!(strip_newline(b""), b"");
    }

    #[test]
    fn lossy_marks_repaired_text() {
        assert_eq!(lossy("你好".as_bytes()), (Cow::Borrowed("你好"), false));
        let (text, repaired) = lossy(b"\xffabc");
        assert_eq!(text, "\u{FFFD}abc");
        assert!(repaired);
    }
}
