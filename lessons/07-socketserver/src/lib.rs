//! 第 07 课：socketserver。
//!
//! [`socketserver`] 模块是一个只用标准库写成的小框架，照着 Python 的 `socketserver` 搭：
//! 接受连接的循环、每个连接一个线程、出错后的清理、停下来的办法都写在框架里，
//! 这里只写“拿到一个连接后做什么”——教程里的 `MyHandler`：每收到一条消息，回复 `Your msg=<消息>`。
//!
//! 消息的边界是换行：一行是一条消息。TCP 是字节流，不分条（第 08 课细讲）；
//! 教程的 `recv(1024)` 把“一次读到的东西”当成一条，两条消息挨得太近就会粘在一起。

pub mod socketserver;

use std::io::{self, BufRead, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc::{Receiver, Sender};
use std::thread;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use socketserver::{BaseRequestHandler, ServerHandle, StreamRequestHandler, ThreadingTcpServer};

#[allow(unused_variables, unused_imports, unused_mut, dead_code)]
#[path = "../exercises/mod.rs"]
pub mod exercises;

#[doc(hidden)]
#[path = "../solutions/mod.rs"]
pub mod solutions;

/// 一条消息（一行，不含换行）最多这么多字节。超过的不会被读进内存，服务端回一句错误后断开。
pub const MAX_MESSAGE: usize = 64 * 1024;

/// 服务端默认每隔多久看一眼有没有人叫停（Python 的 `serve_forever(poll_interval=0.5)`）。
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// 对不是合法 UTF-8 的消息的回复。
pub const NOT_UTF8_REPLY: &str = "错误：这条消息不是合法的 UTF-8，请用 UTF-8 编码发送";

// ANCHOR: read_message
/// 从缓冲读取器里读出的一条消息。
#[derive(Debug, PartialEq, Eq)]
pub enum Message {
    /// 一行（去掉了结尾的 `\n` 或 `\r\n`）。对方发完最后一行没加换行就关了写端，这半行也算一条。
    Line(Vec<u8>),
    /// 这一行超过了上限：没有把它整个读进内存。
    TooLong,
    /// 对方关闭了连接（EOF），没有更多消息。
    End,
}

/// 读一条消息，最多读 `max + 1` 个字节：限住了内存，也能分辨“正好 max 字节”和“超长”。
pub fn read_message(reader: &mut impl BufRead, max: usize) -> io::Result<Message> {
    let mut line = Vec::new();
    reader.take(max as u64 + 1).read_until(b'\n', &mut line)?;
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        return Ok(Message::Line(line));
    }
    Ok(match line.len() {
        0 => Message::End,
        n if n > max => Message::TooLong,
        _ => Message::Line(line),
    })
}

/// 对一条消息的回复（不含换行）：`Your msg=<消息>`，不是 UTF-8 时是一句中文说明。
pub fn reply_to(message: &[u8]) -> String {
    match std::str::from_utf8(message) {
        Ok(text) => format!("Your msg={text}"),
        Err(_) => NOT_UTF8_REPLY.to_string(),
    }
}
// ANCHOR_END: read_message

/// 当前线程的名字（框架给每个处理线程起名 `处理-1`、`处理-2`……）。
pub fn thread_name() -> String {
    thread::current().name().unwrap_or("无名").to_string()
}

/// `MyHandler` 的设置，由服务端程序的命令行参数决定。
#[derive(Clone, Default)]
pub struct MyHandlerOptions {
    /// 连接空闲多久就断开；`None` 用 [`StreamRequestHandler::DEFAULT_TIMEOUT`]。
    pub idle_timeout: Option<Duration>,
    /// 收到正好是这段文字的消息时故意 panic：用来演示一个处理器 panic 不会带走整个服务端。
    pub panic_on: Option<String>,
    /// 每个连接结束（finish）时把对方地址发到这里，主线程据此数已经服务完几个客户端。
    pub finished: Option<Sender<SocketAddr>>,
}

// ANCHOR: my_handler
/// 教程里的 `MyHandler`：每收到一行，回复 `Your msg=<这一行>`，直到对方关闭连接。
pub struct MyHandler {
    base: StreamRequestHandler,
    replies: u64,
    options: MyHandlerOptions,
}

impl MyHandler {
    /// 工厂函数：服务端每接受一个连接就调用一次，造一个新的处理器
    /// （相当于 Python 里服务端调用 `MyHandler(request, client_address, server)`）。
    pub fn factory(
        options: MyHandlerOptions,
    ) -> impl Fn(TcpStream, SocketAddr, ServerHandle) -> io::Result<MyHandler> + Send + Sync + 'static
    {
        move |request, client_address, server| {
            let timeout = options
                .idle_timeout
                .unwrap_or(StreamRequestHandler::DEFAULT_TIMEOUT);
            Ok(MyHandler {
                base: StreamRequestHandler::with_timeout(
                    request,
                    client_address,
                    server,
                    Some(timeout),
                )?,
                replies: 0,
                options: options.clone(),
            })
        }
    }

    fn say(&self, text: impl std::fmt::Display) {
        support::say(format!("[{}] {text}", thread_name()));
    }
}

impl BaseRequestHandler for MyHandler {
    fn setup(&mut self) -> io::Result<()> {
        self.base.setup()?; // 相当于 super().setup()
        self.say(format_args!("setup：{} 连上了", self.base.client_address));
        Ok(())
    }

    fn handle(&mut self) -> io::Result<()> {
        let who = self.base.client_address;
        loop {
            let message = match read_message(&mut self.base.rfile, MAX_MESSAGE) {
                Ok(message) => message,
                Err(err) if support::is_timeout(&err) => {
                    self.say(format_args!("{who} 太久没有说话，断开"));
                    return Ok(());
                }
                Err(err) => return Err(err),
            };
            let line = match message {
                Message::Line(line) => line,
                // 对方关了连接：教程的代码在这里还会回一句空的 "Your msg="，我们直接结束。
                Message::End => return Ok(()),
                Message::TooLong => {
                    let text =
                        format!("错误：一条消息最多 {MAX_MESSAGE} 字节，这条太长了，连接将关闭");
                    self.say(format_args!(
                        "{who} 发来的消息超过 {MAX_MESSAGE} 字节，断开"
                    ));
                    writeln!(self.base.wfile, "{text}")?;
                    return Ok(()); // finish 会把这句错误 flush 出去
                }
            };
            if let Some(word) = &self.options.panic_on {
                if line == word.as_bytes() {
                    panic!("收到了 {word:?}，按 --panic-on 的要求故意 panic");
                }
            }
            let reply = reply_to(&line);
            self.say(format_args!(
                "{who} 说：{} → {reply}",
                String::from_utf8_lossy(&line)
            ));
            writeln!(self.base.wfile, "{reply}")?;
            // 每条回复都立刻发出去：对方正等着它，才会发下一条。
            self.base.wfile.flush()?;
            self.replies += 1;
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        let flushed = self.base.finish(); // 相当于 super().finish()
        self.say(format_args!(
            "finish：{} 走了，共回复 {} 条",
            self.base.client_address, self.replies
        ));
        if let Some(finished) = &self.options.finished {
            let _ = finished.send(self.base.client_address);
        }
        flushed
    }
}
// ANCHOR_END: my_handler

// ANCHOR: serve_until
/// 服务 `clients` 个客户端后干净地停下：
/// serve_forever 在另一个线程里跑，主线程数着结束的连接，够数了就调用 `shutdown()`，
/// 再用 `server_close()` 关掉端口、等所有处理线程结束。
pub fn serve_until(
    server: &ThreadingTcpServer,
    clients: usize,
    finished: &Receiver<SocketAddr>,
    poll_interval: Duration,
) -> io::Result<()> {
    thread::scope(|s| {
        let serving = s.spawn(|| server.serve_forever(poll_interval));
        for _ in 0..clients {
            if finished.recv().is_err() {
                break;
            }
        }
        support::say(format!(
            "已经服务完 {clients} 个客户端：从主线程调用 shutdown()"
        ));
        // 在 serve_forever 以外的线程里调用，shutdown() 会等到 serve_forever 真的停下。
        server.shutdown();
        support::say("shutdown() 返回了：serve_forever 已经停下，不再接受新连接");
        serving
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("serve_forever 所在的线程 panic 了")))
    })?;
    server.server_close();
    support::say("server_close() 返回了：所有处理线程都已结束，端口已释放");
    Ok(())
}
// ANCHOR_END: serve_until

// ANCHOR: chat
/// 客户端：把 `input` 的每一行发给服务端，读一行回复写到 `out`；空行或 EOF 结束。返回回复的条数。
///
/// 行按原始字节发送，不是 UTF-8 的输入也原样发出去，服务端会回一句中文说明。
pub fn chat(stream: TcpStream, mut input: impl BufRead, out: &mut impl Write) -> Result<usize> {
    let mut replies = io::BufReader::new(stream.try_clone().context("无法复制连接")?);
    let mut writer = stream;
    let mut count = 0;
    loop {
        let mut line = Vec::new();
        input
            .read_until(b'\n', &mut line)
            .context("读标准输入失败")?;
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        if line.is_empty() {
            break;
        }
        line.push(b'\n');
        writer
            .write_all(&line)
            .context("发送失败：服务端可能已经关闭了连接")?;
        let reply = match read_message(&mut replies, MAX_MESSAGE + 256) {
            Ok(Message::Line(reply)) => reply,
            Ok(Message::End) => {
                bail!("服务端没有回复就关闭了连接（它那边可能出错了，看看服务端的输出）")
            }
            Ok(Message::TooLong) => bail!("服务端的回复太长了，不像是这一课的服务端"),
            Err(err) if support::is_timeout(&err) => {
                return Err(err).context("等了很久服务端都没有回复（--timeout 可以改等待的秒数）")
            }
            Err(err) => return Err(err).context("读回复失败"),
        };
        writeln!(out, "收到：{}", String::from_utf8_lossy(&reply))?;
        out.flush()?;
        count += 1;
    }
    // 告诉服务端“我说完了”：它读到 EOF，handle 结束，finish 运行。
    let _ = writer.shutdown(std::net::Shutdown::Write);
    Ok(count)
}
// ANCHOR_END: chat

// ANCHOR: panic_hook
/// 服务端程序（只有它）安装的 panic 钩子。
///
/// 处理器 panic 时，框架会接住它、调用 finish、报告一行中文，服务端继续运行；
/// 但在那之前，Rust 默认的钩子已经向标准错误打印了英文的 “thread '…' panicked at …”
/// 和关于 RUST_BACKTRACE 的提示。这个钩子把它换成一行中文，仍然写出在哪里 panic——
/// 任何 panic 都不会被悄悄吞掉。设置了 RUST_BACKTRACE 时交回默认钩子，方便排查真正的 bug。
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::env::var_os("RUST_BACKTRACE").is_some() {
            return default(info);
        }
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "未知位置".to_string());
        let message = socketserver::panic_message(info.payload());
        eprintln!("线程 {} panic：{message}（位置 {at}）", thread_name());
    }));
}
// ANCHOR_END: panic_hook
