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

use std::fmt;
use std::io;
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;

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

/// 服务端默认的空闲超时（秒）：一个连接这么久一个字节都不发，就断开它。
pub const DEFAULT_IDLE_SECS: u64 = 30;

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

// ANCHOR: serve_forever
/// 接受连接，每个连接交给一个新线程处理；`handle` 收到连接和它的序号（从 1 开始）。
///
/// 一个连接出了什么事都只影响它自己的线程，服务端继续接受别的连接。
pub fn serve_forever<F>(listener: TcpListener, handle: F) -> io::Result<()>
where
    F: Fn(TcpStream, u64) + Send + Sync + 'static,
{
    let handle = Arc::new(handle);
    let mut number = 0;
    for conn in listener.incoming() {
        let stream = match conn {
            Ok(stream) => stream,
            // 注意：这样“说一声就继续”并不无害。accept 失败最常见的原因是打开的文件太多
            // （EMFILE）：那个连接还排在积压队列里，下一次 accept 立刻又失败，于是这个循环
            // 一刻不停地空转、刷屏，直到有别的连接关闭、腾出文件描述符。该做的是失败后等一会儿
            // 再试（退避）；这里没有这样做。
            Err(e) => {
                support::say(format_args!("接受连接失败：{e}"));
                continue;
            }
        };
        number += 1;
        let handle = Arc::clone(&handle);
        let spawned = thread::Builder::new()
            .name(format!("连接{number}"))
            .spawn(move || handle(stream, number));
        if let Err(e) = spawned {
            support::say(format_args!(
                "[#{number}] 开不了新线程（{e}），放弃这个连接"
            ));
        }
    }
    Ok(())
}
// ANCHOR_END: serve_forever

/// 把一次 I/O 错误说成人话：超时单独说明，因为它的系统信息（“Resource temporarily
/// unavailable”）看不出是超时。
pub fn describe(err: &io::Error, idle_secs: u64) -> String {
    if support::is_timeout(err) {
        format!("超过 {idle_secs} 秒没有收到数据")
    } else {
        err.to_string()
    }
}

// ANCHOR: echo_frames
/// `l08-framed-server` 的一个连接：读一帧，原样作为一帧写回去，直到对方关闭。
/// 返回回显了多少帧。
///
/// 写的一方用 `BufWriter`：`write_frame` 先写 4 字节长度再写内容，最后 flush，
/// 有了缓冲，两部分合在一次系统调用里发出去。不然长度和内容各成一个小包，
/// 正好撞上 Nagle 算法和延迟确认，每一帧都要多等几十毫秒（见这一课的基准测试）。
pub fn echo_frames(stream: &TcpStream, max: usize, log: modes::Log<'_>) -> io::Result<usize> {
    let mut reader = io::BufReader::new(stream);
    let mut writer = io::BufWriter::new(stream);
    let mut count = 0;
    while let Some(payload) = frame::read_frame(&mut reader, max)? {
        count += 1;
        log(format_args!(
            "收到第 {count} 帧：{}，原样回显",
            Show(&payload)
        ));
        frame::write_frame(&mut writer, &payload)?;
    }
    Ok(count)
}
// ANCHOR_END: echo_frames
