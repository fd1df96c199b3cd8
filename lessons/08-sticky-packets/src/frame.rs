//! 长度前缀分帧：4 字节大端无符号长度，后面紧跟那么多字节的内容。
//!
//! TCP 只保证字节按顺序到达，不保证“一次 send 对应一次 recv”。所以要在字节流里自己标出
//! 每条消息在哪里结束。长度前缀是最通用的办法：先读 4 个字节知道后面有多长，再读那么多。
//! 第 09、10 课都用这里的函数。

use std::io::{self, ErrorKind, Read, Write};

/// 长度前缀的字节数。
pub const HEADER_LEN: usize = 4;

/// 默认允许的最大帧：16 MiB。对方声称更长时在分配内存**之前**就拒绝。
pub const DEFAULT_MAX_FRAME: usize = 16 * 1024 * 1024;

// ANCHOR: write_frame
/// 写一帧：先写长度，再写内容。内容超过 `u32::MAX` 字节时报错（长度放不进 4 个字节）。
pub fn write_frame(w: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len()).map_err(|_| {
        io::Error::new(
            ErrorKind::InvalidInput,
            format!(
                "消息有 {} 字节，超过了 4 字节长度前缀能表示的上限",
                payload.len()
            ),
        )
    })?;
    w.write_all(&len.to_be_bytes())?;
    w.write_all(payload)?;
    w.flush()
}
// ANCHOR_END: write_frame

// ANCHOR: read_frame
/// 读一帧。
///
/// - 在帧与帧之间读到 EOF：对方正常关闭，返回 `Ok(None)`；
/// - 长度前缀或内容读到一半遇到 EOF：返回 `UnexpectedEof` 错误（消息被截断了）；
/// - 长度超过 `max`：返回 `InvalidData` 错误，一个字节的内容都不读、不分配。
pub fn read_frame(r: &mut impl Read, max: usize) -> io::Result<Option<Vec<u8>>> {
    let mut header = [0u8; HEADER_LEN];
    let mut filled = 0;
    while filled < HEADER_LEN {
        match r.read(&mut header[filled..]) {
            Ok(0) if filled == 0 => return Ok(None),
            Ok(0) => {
                return Err(io::Error::new(
                    ErrorKind::UnexpectedEof,
                    format!("连接在长度前缀中途关闭（只收到 {filled}/{HEADER_LEN} 字节）"),
                ))
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    let len = u32::from_be_bytes(header) as usize;
    if len > max {
        return Err(io::Error::new(
            ErrorKind::InvalidData,
            format!("对方声称这一帧有 {len} 字节，超过了上限 {max} 字节，拒绝接收"),
        ));
    }
    let mut payload = vec![0u8; len];
    r.read_exact(&mut payload).map_err(|e| {
        if e.kind() == ErrorKind::UnexpectedEof {
            io::Error::new(
                ErrorKind::UnexpectedEof,
                format!("连接在内容中途关闭（应有 {len} 字节）"),
            )
        } else {
            e
        }
    })?;
    Ok(Some(payload))
}
// ANCHOR_END: read_frame

// ANCHOR: read_delimited
/// 按分隔符读一条消息（不含分隔符），最多 `max` 字节。
///
/// 和 [`read_frame`] 一样：消息之间的 EOF 返回 `Ok(None)`；消息读到一半的 EOF、
/// 超过 `max` 字节仍没见到分隔符，都是错误——不会因为对方不发分隔符而无限占用内存。
pub fn read_delimited(
    r: &mut impl io::BufRead,
    delimiter: u8,
    max: usize,
) -> io::Result<Option<Vec<u8>>> {
    let mut message = Vec::new();
    loop {
        let available = match r.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return if message.is_empty() {
                Ok(None)
            } else {
                Err(io::Error::new(
                    ErrorKind::UnexpectedEof,
                    format!(
                        "连接在消息中途关闭（收到 {} 字节，没有分隔符）",
                        message.len()
                    ),
                ))
            };
        }
        let (take, found) = match available.iter().position(|&b| b == delimiter) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        let body = if found { take - 1 } else { take };
        if message.len() + body > max {
            return Err(io::Error::new(
                ErrorKind::InvalidData,
                format!("消息超过了上限 {max} 字节仍没有分隔符，拒绝接收"),
            ));
        }
        message.extend_from_slice(&available[..body]);
        r.consume(take);
        if found {
            return Ok(Some(message));
        }
    }
}
// ANCHOR_END: read_delimited

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn round_trip_and_clean_eof() {
        let mut wire = Vec::new();
        write_frame(&mut wire, "我爱Python".as_bytes()).unwrap();
        write_frame(&mut wire, b"").unwrap();
        let mut r = Cursor::new(wire);
        assert_eq!(
            read_frame(&mut r, 100).unwrap().unwrap(),
            "我爱Python".as_bytes()
        );
        assert_eq!(read_frame(&mut r, 100).unwrap().unwrap(), b"");
        assert!(read_frame(&mut r, 100).unwrap().is_none());
    }

    #[test]
    fn oversized_and_truncated_frames_are_errors() {
        let mut r = Cursor::new(vec![0xff, 0xff, 0xff, 0xff]);
        assert_eq!(
            read_frame(&mut r, 1024).unwrap_err().kind(),
            ErrorKind::InvalidData
        );
        let mut r = Cursor::new(vec![0, 0]);
        assert_eq!(
            read_frame(&mut r, 1024).unwrap_err().kind(),
            ErrorKind::UnexpectedEof
        );
        let mut r = Cursor::new(vec![0, 0, 0, 5, b'a']);
        assert_eq!(
            read_frame(&mut r, 1024).unwrap_err().kind(),
            ErrorKind::UnexpectedEof
        );
    }

    #[test]
    fn delimited_messages() {
        let mut r = io::BufReader::with_capacity(3, Cursor::new(b"ab\n\nxyz".to_vec()));
        assert_eq!(read_delimited(&mut r, b'\n', 10).unwrap().unwrap(), b"ab");
        assert_eq!(read_delimited(&mut r, b'\n', 10).unwrap().unwrap(), b"");
        assert_eq!(
            read_delimited(&mut r, b'\n', 10).unwrap_err().kind(),
            ErrorKind::UnexpectedEof
        );
        let mut r = Cursor::new(b"toolong\n".to_vec());
        assert_eq!(
            read_delimited(&mut r, b'\n', 3).unwrap_err().kind(),
            ErrorKind::InvalidData
        );
    }
}
