//! 长度前缀分帧：4 字节大端无符号长度，后面紧跟那么多字节的内容。
//!
//! TCP 只保证字节按顺序到达，不保证“一次 send 对应一次 recv”。所以要在字节流里自己标出
//! 每条消息在哪里结束。长度前缀是最通用的办法：先读 4 个字节知道后面有多长，再读那么多。
//! 第 09、10 课都用这里的函数。

use std::io::{self, ErrorKind, Read, Write};
use std::ops::Deref;
use std::sync::Arc;

use support::serve::{Budget, Reservation};

use crate::size;

/// 长度前缀的字节数。
pub const HEADER_LEN: usize = 4;

/// 默认允许的最大帧：16 MiB。对方声称更长时在分配内存**之前**就拒绝。
pub const DEFAULT_MAX_FRAME: usize = 16 * 1024 * 1024;

/// 每条消息不必申请、自己就能先用的内存：64 KiB。连接数有上限，所以这一部分加起来也有上限
/// （默认 64 个连接 × 64 KiB = 4 MiB）；小消息因此不受“别人占满了缓存”的影响。
pub const FREE_BYTES: usize = 64 * 1024;

/// 给内容准备的第一段：8 KiB。之后每收满一段，缓冲区就长到已经收到的四倍，
/// 但不超过对方说的长度（一行则不超过上限）。四倍而不是两倍：长的次数少，
/// 分配器里留下的旧缓冲区也少（见 `tests/lesson/limits.rs` 量的内存峰值）。
const FIRST_STEP: usize = 8 * 1024;

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

/// 读出来的一条消息，连同它向 [`Budget`] 申请到的额度：这个值被丢弃时，额度归还。
///
/// 当作 `&[u8]` 用（`Deref`）；[`Message::into_bytes`] 拿走字节、同时归还额度。
#[derive(Debug)]
pub struct Message {
    bytes: Vec<u8>,
    _held: Vec<Reservation>,
}

impl Message {
    /// 拿走字节（额度随之归还：之后这些字节就不再算在缓存上限里了）。
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

impl Deref for Message {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

// ANCHOR: growing
/// 一段边收边长的缓冲区：先用每条消息自带的 [`FREE_BYTES`]，再往上长的每一步都先向 [`Budget`]
/// 申请（没有 `budget` 时不申请，只是边收边长）。
struct Growing<'a> {
    bytes: Vec<u8>,
    budget: Option<&'a Arc<Budget>>,
    held: Vec<Reservation>,
    covered: usize,
}

impl<'a> Growing<'a> {
    fn new(budget: Option<&'a Arc<Budget>>) -> Growing<'a> {
        Growing {
            bytes: Vec::new(),
            budget,
            held: Vec::new(),
            covered: FREE_BYTES,
        }
    }

    /// 保证放得下 `want` 个字节。超出已经申请到的部分先向 Budget 申请差额；申请不到就报错，
    /// 而不是等：等别人释放，就等于让占着缓存的对方决定我们什么时候能干活。
    fn make_room(&mut self, want: usize) -> io::Result<()> {
        if let Some(budget) = self.budget {
            if want > self.covered {
                let more = budget
                    .reserve(want - self.covered)
                    .ok_or_else(|| budget_exhausted(budget))?;
                self.held.push(more);
                self.covered = want;
            }
        }
        self.bytes.reserve_exact(want - self.bytes.len());
        Ok(())
    }

    fn finish(self) -> Message {
        Message {
            bytes: self.bytes,
            _held: self.held,
        }
    }
}
// ANCHOR_END: growing

fn budget_exhausted(budget: &Budget) -> io::Error {
    io::Error::new(
        ErrorKind::OutOfMemory,
        format!(
            "服务端缓存的数据已经到了上限（所有连接合起来 {}），这一条消息放不下，拒绝接收；请稍后再试",
            size::show(budget.total() as u64)
        ),
    )
}

/// 读一帧。
///
/// - 在帧与帧之间读到 EOF：对方正常关闭，返回 `Ok(None)`；
/// - 长度前缀或内容读到一半遇到 EOF：返回 `UnexpectedEof` 错误（消息被截断了）；
/// - 长度超过 `max`：返回 `InvalidData` 错误，一个字节的内容都不读、不分配。
///
/// 内容的缓冲区边收边长，不按对方说的长度一次准备好（见 [`read_frame_budgeted`]）。
pub fn read_frame(r: &mut impl Read, max: usize) -> io::Result<Option<Vec<u8>>> {
    Ok(read_frame_in(r, max, None)?.map(Message::into_bytes))
}

/// 同 [`read_frame`]，而且内容超过 [`FREE_BYTES`] 的部分要向 `budget` 申请：所有连接合起来
/// 缓存的字节不超过 `budget` 的总数。申请不到时返回 `OutOfMemory` 错误。
/// 返回的 [`Message`] 被丢弃时，额度归还。
pub fn read_frame_budgeted(
    r: &mut impl Read,
    max: usize,
    budget: &Arc<Budget>,
) -> io::Result<Option<Message>> {
    read_frame_in(r, max, Some(budget))
}

// ANCHOR: read_frame
fn read_frame_in(
    r: &mut impl Read,
    max: usize,
    budget: Option<&Arc<Budget>>,
) -> io::Result<Option<Message>> {
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
            format!(
                "对方声称这一帧有 {}，超过了上限 {}，拒绝接收",
                size::exact(len as u64),
                size::show(max as u64)
            ),
        ));
    }
    // 长度是对方说的，不一定是真的：不照它一次准备好，而是收到多少、长多少。
    // 每收满一段，下一段最多是已经收到的三倍（至少 8 KiB）：缓冲区跟着真正到达的字节长，
    // 只说不发的对方只让我们准备了 8 KiB。
    let mut payload = Growing::new(budget);
    while payload.bytes.len() < len {
        let got = payload.bytes.len();
        let end = got + (len - got).min((3 * got).max(FIRST_STEP));
        payload.make_room(end)?;
        payload.bytes.resize(end, 0);
        let mut at = got;
        while at < end {
            match r.read(&mut payload.bytes[at..end]) {
                Ok(0) => {
                    return Err(io::Error::new(
                        ErrorKind::UnexpectedEof,
                        format!("连接在内容中途关闭（应有 {len} 字节），只收到 {at} 字节"),
                    ))
                }
                Ok(n) => at += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
    Ok(Some(payload.finish()))
}
// ANCHOR_END: read_frame

/// 按分隔符读一条消息（不含分隔符），最多 `max` 字节。
///
/// 和 [`read_frame`] 一样：消息之间的 EOF 返回 `Ok(None)`；消息读到一半的 EOF、
/// 超过 `max` 字节仍没见到分隔符，都是错误——不会因为对方不发分隔符而无限占用内存。
pub fn read_delimited(
    r: &mut impl io::BufRead,
    delimiter: u8,
    max: usize,
) -> io::Result<Option<Vec<u8>>> {
    Ok(read_delimited_in(r, delimiter, max, None)?.map(Message::into_bytes))
}

/// 同 [`read_delimited`]，超过 [`FREE_BYTES`] 的部分向 `budget` 申请（见 [`read_frame_budgeted`]）。
pub fn read_delimited_budgeted(
    r: &mut impl io::BufRead,
    delimiter: u8,
    max: usize,
    budget: &Arc<Budget>,
) -> io::Result<Option<Message>> {
    read_delimited_in(r, delimiter, max, Some(budget))
}

// ANCHOR: read_delimited
fn read_delimited_in(
    r: &mut impl io::BufRead,
    delimiter: u8,
    max: usize,
    budget: Option<&Arc<Budget>>,
) -> io::Result<Option<Message>> {
    let mut message = Growing::new(budget);
    loop {
        let available = match r.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return if message.bytes.is_empty() {
                Ok(None)
            } else {
                Err(io::Error::new(
                    ErrorKind::UnexpectedEof,
                    format!(
                        "连接在消息中途关闭（收到 {} 字节，没有分隔符）",
                        message.bytes.len()
                    ),
                ))
            };
        }
        let (take, found) = match available.iter().position(|&b| b == delimiter) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        let body = if found { take - 1 } else { take };
        let need = message.bytes.len() + body;
        if need > max {
            return Err(io::Error::new(
                ErrorKind::InvalidData,
                format!(
                    "消息超过了上限（{}）仍没有分隔符，拒绝接收",
                    size::show(max as u64)
                ),
            ));
        }
        // 放不下了就长到四倍（至少 8 KiB，最多到上限 max）：内存跟着真正到达的字节长。
        if need > message.bytes.capacity() {
            let doubled = (message.bytes.capacity() * 4).max(FIRST_STEP).min(max);
            message.make_room(need.max(doubled))?;
        }
        message.bytes.extend_from_slice(&available[..body]);
        r.consume(take);
        if found {
            return Ok(Some(message.finish()));
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
    fn a_budget_covers_what_has_arrived_not_what_was_announced() {
        // 一点缓存都没有：64 KiB 以内的消息照样收（每条消息自带那一块）。
        let none = Budget::new(0);
        let mut wire = Vec::new();
        write_frame(&mut wire, &[7u8; FREE_BYTES]).unwrap();
        let got = read_frame_budgeted(&mut Cursor::new(wire), 1 << 20, &none).unwrap();
        assert_eq!(got.unwrap().len(), FREE_BYTES);
        // 对方说有 1 MiB，只发了 10 个字节：报的是“中途关闭”，不是“缓存不够”，
        // 说明我们没有照它说的长度去申请。
        let mut claim = (1u32 << 20).to_be_bytes().to_vec();
        claim.extend_from_slice(&[1u8; 10]);
        let err = read_frame_budgeted(&mut Cursor::new(claim), 1 << 20, &none).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof, "{err}");
        // 真的发来 100 KiB：超出自带的那一块，又申请不到，拒绝。
        let mut wire = Vec::new();
        write_frame(&mut wire, &[7u8; 100 * 1024]).unwrap();
        let err = read_frame_budgeted(&mut Cursor::new(wire.clone()), 1 << 20, &none).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfMemory, "{err}");
        assert!(err.to_string().contains("缓存的数据已经到了上限"), "{err}");
        // 有 1 MiB 的缓存：收得下；消息还在时额度被占着，丢掉就还回来。
        let budget = Budget::new(1 << 20);
        let got = read_frame_budgeted(&mut Cursor::new(wire), 1 << 20, &budget)
            .unwrap()
            .unwrap();
        assert_eq!(got.len(), 100 * 1024);
        assert!(budget.available() < 1 << 20);
        drop(got);
        assert_eq!(budget.available(), 1 << 20);
    }

    #[test]
    fn a_line_grows_with_what_arrives_and_asks_the_budget() {
        let none = Budget::new(0);
        let mut r = io::BufReader::new(Cursor::new(b"short\n".to_vec()));
        let got = read_delimited_budgeted(&mut r, b'\n', 1 << 20, &none).unwrap();
        assert_eq!(&*got.unwrap(), b"short");
        let mut long = vec![b'x'; 200 * 1024];
        long.push(b'\n');
        let mut r = io::BufReader::new(Cursor::new(long.clone()));
        let err = read_delimited_budgeted(&mut r, b'\n', 1 << 20, &none).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfMemory, "{err}");
        let budget = Budget::new(1 << 20);
        let mut r = io::BufReader::new(Cursor::new(long));
        let got = read_delimited_budgeted(&mut r, b'\n', 1 << 20, &budget)
            .unwrap()
            .unwrap();
        assert_eq!(got.len(), 200 * 1024);
        drop(got);
        assert_eq!(budget.available(), 1 << 20);
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
