//! 第 08 课：粘包与分帧。
//!
//! TCP 交给我们的是一条**字节流**：发送方调用几次 `send`、每次多少字节，接收方都看不见。
//! 两条消息可能在一次 `recv` 里一起到达（“粘包”），一条大消息也可能要读好几次。
//! 这一课先把这个现象稳定地演示出来，再用三种办法在字节流里标出消息的边界：
//!
//! - [`Mode::Ack`]：教程的办法，每发一条就等对方回一句确认，一条消息一个来回；
//! - [`Mode::Line`]：每条消息后面加一个换行符，读到换行就是一条（[`frame::read_delimited`]）；
//! - [`Mode::Length`]：每条消息前面加 4 字节大端长度（[`frame::write_frame`] / [`frame::read_frame`]）。
//!
//! [`Mode::Raw`] 是教程原来的写法：什么边界都不标，用来看问题本身。

pub mod chunked;
pub mod frame;
pub mod modes;
pub mod size;

use std::fmt;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use support::serve::{Budget, Guarded, Policy};

pub use modes::{receive, send_messages, Mode};

// 学习者的练习只在评分时编译（cargo 特性 `exercises`）：写到一半的练习不会拖累这一课的程序和别的课。
#[path = "../exercises/mod.rs"]
#[cfg(feature = "exercises")]
#[allow(unused_variables, unused_imports, unused_mut, dead_code)]
pub mod exercises;

// 参考答案（cargo 特性 `solutions`）：评分时不编译，学习者的文件够不着它。
#[path = "../solutions/mod.rs"]
#[cfg(feature = "solutions")]
#[doc(hidden)]
pub mod solutions;

/// `l08-server` 的默认端口：教程里连续发送 `我爱Python`、`我爱阿芬` 的那对程序用的就是 8888。
pub const DEFAULT_PORT: u16 = 8888;

/// `l08-framed-server` 的默认端口。
pub const FRAMED_PORT: u16 = 9999;

/// 所有连接合起来最多缓存多少字节的消息（默认 64 MiB，四个最大的帧）。内存的上限由它决定，
/// 而不是由“来了多少个对方”决定。
pub const DEFAULT_MAX_BUFFERED: usize = 64 * 1024 * 1024;

/// 两个完整版服务端共用的两个大小：一条消息最多多长，所有连接合起来最多缓存多少。
#[derive(clap::Args, Debug, Clone)]
pub struct Sizes {
    /// 一条消息（一帧、一行）最多多长，1 字节到 4 GiB − 1 字节，可以写 4096、64KiB、16MiB；对方声称更长时，在分配内存之前就拒绝
    #[arg(long, value_name = "大小", default_value = "16MiB",
          value_parser = size::ranged(1, u32::MAX as u64))]
    pub max_frame: usize,
    /// 所有连接合起来最多缓存多少字节的消息，64 KiB 到 64 GiB；放不下的消息被拒绝，而不是让内存跟着对方的个数涨
    #[arg(long, value_name = "大小", default_value = "64MiB",
          value_parser = size::ranged(64 * 1024, 64 << 30))]
    pub max_buffered: usize,
}

impl Sizes {
    /// 检查两个大小合得来，给出共用的缓存额度。
    pub fn budget(&self) -> anyhow::Result<Arc<Budget>> {
        anyhow::ensure!(
            self.max_frame <= self.max_buffered,
            "--max-frame（{}）比 --max-buffered（{}）还大：这样长的消息永远收不下。把 --max-buffered 调大，或者把 --max-frame 调小",
            size::show(self.max_frame as u64),
            size::show(self.max_buffered as u64)
        );
        Ok(Budget::new(self.max_buffered))
    }
}

/// 给人看的一段字节：合法 UTF-8 显示成带引号的文字，否则说明它不是 UTF-8 并尽量显示；
/// 太长的只显示开头和结尾。实现了 `Display`，只有真正打印时才会去格式化。
pub struct Show<'a>(pub &'a [u8]);

impl fmt::Display for Show<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.0;
        if bytes.is_empty() {
            return write!(f, "0 字节（空消息）");
        }
        // 一次 recv 可能正好切在一个汉字的中间，所以这里用有损解码：切坏的地方显示成 �。
        let text = String::from_utf8_lossy(bytes);
        let note = if std::str::from_utf8(bytes).is_ok() {
            ""
        } else {
            "，不是完整的 UTF-8"
        };
        let chars: Vec<char> = text.chars().collect();
        if chars.len() <= 40 {
            write!(f, "{} 字节{note} “{text}”", bytes.len())
        } else {
            let head: String = chars[..12].iter().collect();
            let tail: String = chars[chars.len() - 8..].iter().collect();
            write!(f, "{} 字节{note} “{head}……{tail}”", bytes.len())
        }
    }
}

/// 把一次 I/O 错误说成人话。超时单独说：它的系统信息（“Resource temporarily unavailable”）
/// 看不出是超时。`Guarded` 报超时有两种：期限的最后一段交给了套接字的读写超时（系统的 `WouldBlock`），
/// 或者它自己算出期限已过（“对方太慢……”）。两种是同一件事，说法也一样。
pub fn describe(err: &io::Error, policy: &Policy) -> String {
    if support::is_timeout(err) {
        format!(
            "超过 {} 秒没有收到数据，或者来得太慢（每秒不到 {}）",
            policy.idle.as_secs(),
            size::show(policy.min_rate)
        )
    } else {
        err.to_string()
    }
}

// ANCHOR: last_words
/// 断开之前的最后一句话（总结、错误说明、“服务端忙”），写完就关。
///
/// 写最多等 1 秒：对方不读也卡不住这个线程。写完先半关闭，再把对方已经发来、还没读的字节读掉
/// （不等新的）：接收缓冲区里还有没读的字节时，关闭发出去的是 RST 而不是 FIN，
/// 对方可能还没读到这句话，就先看到了“连接被重置”。
pub fn last_words(stream: &TcpStream, words: &[u8]) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = (&*stream).write_all(words);
    let _ = stream.shutdown(Shutdown::Write);
    if stream.set_nonblocking(true).is_ok() {
        let mut scratch = [0u8; 16 * 1024];
        for _ in 0..16 {
            match (&*stream).read(&mut scratch) {
                Ok(n) if n > 0 => continue,
                _ => break,
            }
        }
    }
}
// ANCHOR_END: last_words

/// 一帧写成字节（给 [`last_words`] 用：错误说明和“服务端忙”在分帧服务端上也是一帧）。
pub fn frame_bytes(payload: &[u8]) -> Vec<u8> {
    let mut wire = Vec::with_capacity(frame::HEADER_LEN + payload.len());
    // 写进 Vec 不会失败；内容是我们自己的一句话，也放得进 4 字节的长度。
    let _ = frame::write_frame(&mut wire, payload);
    wire
}

// ANCHOR: echo_frames
/// `l08-framed-server` 的一个连接：读一帧，原样作为一帧写回去，直到对方关闭。
/// 返回回显了多少帧。
///
/// 每一帧重新计时（`restart`）：等下一帧最多等一个空闲超时，一帧之内要达到最低速率。
/// 一帧超过 64 KiB 的部分向 `budget` 申请，回显完才归还。
///
/// 写的一方用 `BufWriter`：`write_frame` 先写 4 字节长度再写内容，最后 flush，
/// 有了缓冲，两部分合在一次系统调用里发出去。不然长度和内容各成一个小包，
/// 正好撞上 Nagle 算法和延迟确认，每一帧都要多等几十毫秒（见这一课的基准测试）。
pub fn echo_frames(
    conn: &mut Guarded,
    max: usize,
    budget: &Arc<Budget>,
    log: modes::Log<'_>,
) -> io::Result<usize> {
    let mut reader = BufReader::new(conn);
    let mut count = 0;
    loop {
        reader.get_mut().restart();
        let Some(payload) = frame::read_frame_budgeted(&mut reader, max, budget)? else {
            return Ok(count);
        };
        count += 1;
        log(format_args!(
            "收到第 {count} 帧：{}，原样回显",
            Show(&payload)
        ));
        frame::write_frame(&mut BufWriter::new(reader.get_mut()), &payload)?;
    }
}
// ANCHOR_END: echo_frames
