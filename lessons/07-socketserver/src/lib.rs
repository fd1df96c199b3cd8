//! 第 07 课：socketserver。
//!
//! [`socketserver`] 模块是一个只用标准库写成的小框架，照着 Python 的 `socketserver` 搭：
//! 接受连接的循环、每个连接一个线程、出错后的清理、停下来的办法都写在框架里，
//! 这里只写“拿到一个连接后做什么”——教程里的 `MyHandler`：每收到一条消息，回复 `Your msg=<消息>`。
//!
//! 线上的协议和教程一模一样：**一次读到的字节就是一条消息**（最多 1024 字节，教程的 `recv(1024)`），
//! 回复 `Your msg=<消息>`，一次写完，不加换行。这样教程自己的 Python 客户端和服务端都能和我们的程序对话。
//! 这个“一次读 = 一条消息”的假设在 TCP 上并不总成立（超过 1024 字节的消息会被拆开，
//! 挨得太近的两条消息会粘在一起），第 08 课专门解决它。

pub mod socketserver;

use std::io::{self, BufRead, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc::{Receiver, Sender};
use std::thread;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use socketserver::{
    BaseRequestHandler, Connection, ServerHandle, StreamRequestHandler, ThreadingTcpServer,
};
use support::serve::Policy;

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

/// 一次最多读这么多字节（教程的 `recv(1024)`）。服务端一次读到的就是一条消息，
/// 客户端一次读到的就是一条回复；更长的消息会被拆成几次读，每次各得一条回复。
pub const RECV_SIZE: usize = 1024;

/// 回复的开头。
pub const REPLY_PREFIX: &str = "Your msg=";

/// 服务端默认每隔多久看一眼有没有人叫停（Python 的 `serve_forever(poll_interval=0.5)`）。
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// 收到的字节不是合法 UTF-8 时，服务端在日志里记下的说明。
pub const NOT_UTF8_NOTE: &str =
    "这次读到的字节不是合法的 UTF-8，回复里已换成 �（一个汉字被切在两次读之间时也会这样）";

/// 一次读满了 [`RECV_SIZE`] 字节时，服务端在日志里记下的说明。
pub const FULL_READ_NOTE: &str =
    "这次读满了 1024 字节：对方的消息可能还没完，剩下的会作为下一条消息得到自己的回复（第 08 课解决）";

// ANCHOR: message
/// 把一次读到的字节变成一条消息：去掉结尾的**一个** `\n` 或 `\r\n`。
///
/// 教程的客户端发消息不带换行，用不着这一步；但用 `nc`、`telnet` 敲进去的每一行都带着回车，
/// 去掉它，回复里才不会多出一个换行。只去一个：`"b\n\n"` 的第二个换行是消息自己的。
pub fn strip_newline(data: &[u8]) -> &[u8] {
    match data.strip_suffix(b"\n") {
        Some(line) => line.strip_suffix(b"\r").unwrap_or(line),
        None => data,
    }
}

/// 对一条消息的回复：`Your msg=<消息>`，不加换行。
///
/// 不是合法 UTF-8 的字节换成 U+FFFD（�）：不 panic，也不像教程的 `.decode()` 那样抛异常断开连接。
pub fn reply_to(message: &[u8]) -> String {
    format!("{REPLY_PREFIX}{}", String::from_utf8_lossy(message))
}

/// 日志里把消息中的回车、换行写成两个字符 `\r`、`\n`：一条消息在日志里总是一行。
pub fn one_line(text: &str) -> String {
    text.replace('\r', "\\r").replace('\n', "\\n")
}

/// 对方已经不在了（连接被重置、管道已断）：不是服务端的错，结束这个连接就好。
pub fn peer_gone(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
    )
}
// ANCHOR_END: message

/// 当前线程的名字（框架给每个处理线程起名 `处理-1`、`处理-2`……）。
pub fn thread_name() -> String {
    thread::current().name().unwrap_or("无名").to_string()
}

/// `MyHandler` 的设置，由服务端程序的命令行参数决定。
/// （空闲超时、最低速率和连接上限不在这里：它们是服务端的限制，对每个连接都一样，见 `with_policy`。）
#[derive(Clone, Default)]
pub struct MyHandlerOptions {
    /// 收到正好是这段文字的消息时故意 panic：用来演示一个处理器 panic 不会带走整个服务端。
    pub panic_on: Option<String>,
    /// 每个连接结束（finish）时把对方地址发到这里，主线程据此数已经服务完几个客户端。
    pub finished: Option<Sender<SocketAddr>>,
}

impl MyHandlerOptions {
    /// 服务端程序用的设置；`max_clients` 是 `--max-clients`。返回设置，以及主线程用来数
    /// “走了几个客户端”的通道的接收端。
    ///
    /// 只有要数的时候才建通道。一直服务（serve_forever）时没有人读它，每个连接的 finish
    /// 却都往里放一个地址：通道越排越长，服务端每服务一个连接就大几十个字节，永不回收。
    pub fn for_server(
        panic_on: Option<String>,
        max_clients: Option<usize>,
    ) -> (MyHandlerOptions, Option<Receiver<SocketAddr>>) {
        let (finished, rx) = match max_clients {
            Some(_) => {
                let (tx, rx) = std::sync::mpsc::channel();
                (Some(tx), Some(rx))
            }
            None => (None, None),
        };
        let options = MyHandlerOptions { panic_on, finished };
        (options, rx)
    }
}

// ANCHOR: my_handler
/// 教程里的 `MyHandler`：每读到一次（最多 1024 字节），回复一次 `Your msg=<读到的>`，直到对方关闭连接。
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
    ) -> impl Fn(Connection, SocketAddr, ServerHandle) -> io::Result<MyHandler> + Send + Sync + 'static
    {
        move |request, client_address, server| {
            Ok(MyHandler {
                base: StreamRequestHandler::new(request, client_address, server)?,
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
        let mut buf = [0u8; RECV_SIZE];
        loop {
            // 直接读连接本身（Python 的 self.request.recv(1024)），不经过 rfile 的缓冲：
            // 有多少读多少，最多 1024 字节，不等凑满，也不等换行。读到的这一块就是一条消息。
            let n = match self.base.request.read(&mut buf) {
                // EOF：对方说完了。教程的循环在这里还会回一句空的 "Your msg="，我们直接结束。
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                // 服务端的限制（框架给每个连接都套上了）：一直不说话，或者整个连接平均下来太慢。
                // 一次读就是一条消息，所以这里不 restart：一个字节一个字节拖着发的对方，
                // 和一句一句说话的人在这个协议里分不出来，只能看整个连接平均下来够不够快。
                Err(err) if support::is_timeout(&err) => {
                    self.say(format_args!("{who} 太久没有说话，或者说得太慢，断开"));
                    return Ok(());
                }
                Err(err) if peer_gone(&err) => {
                    self.say(format_args!("{who} 的连接已经断开"));
                    return Ok(());
                }
                Err(err) => return Err(err),
            };
            let message = strip_newline(&buf[..n]);
            if let Some(word) = &self.options.panic_on {
                if message == word.as_bytes() {
                    panic!("收到了 {word:?}，按 --panic-on 的要求故意 panic");
                }
            }
            let reply = reply_to(message);
            self.say(format_args!(
                "{who} 说：{} → {}",
                one_line(&String::from_utf8_lossy(message)),
                one_line(&reply)
            ));
            if std::str::from_utf8(message).is_err() {
                self.say(format_args!("{who} 注意：{NOT_UTF8_NOTE}"));
            }
            if n == RECV_SIZE {
                self.say(format_args!("{who} 注意：{FULL_READ_NOTE}"));
            }
            // 一条回复一次写完（Python 的 sendall），不加换行：对方 recv(1024) 一次就收下它。
            match self.base.request.write_all(reply.as_bytes()) {
                Ok(()) => self.replies += 1,
                Err(err) if peer_gone(&err) => {
                    self.say(format_args!("{who} 没等回复就断开了"));
                    return Ok(());
                }
                // 整次 write_all 的期限到了：对方不读回复，或者读得太慢。
                Err(err) if support::is_timeout(&err) => {
                    self.say(format_args!("{who} 不读回复，或者读得太慢，断开"));
                    return Ok(());
                }
                Err(err) => return Err(err),
            }
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

/// 服务端的限制，说给人听：服务端启动时打印这一行。
pub fn describe_policy(policy: &Policy) -> String {
    format!(
        "每个连接：{} 秒不收不发、或者收发平均每秒不到 {}，就断开；最多同时 {} 个连接，同一个地址最多 {} 个",
        policy.idle.as_secs(),
        human_bytes(policy.min_rate),
        policy.max_connections,
        policy.per_address
    )
}

/// 字节数写成人读的样子：16384 → 16 KiB，1536 → 1.5 KiB，100 → 100 字节。
pub fn human_bytes(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (size, unit) in UNITS {
        if n >= size {
            let value = format!("{:.1}", n as f64 / size as f64);
            let value = value.strip_suffix(".0").unwrap_or(&value);
            return format!("{value} {unit}");
        }
    }
    format!("{n} 字节")
}

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

/// 练习 2 的 `handle_request` 返回什么：这次连接最后怎样了。
/// 放在库里，是因为练习文件、参考答案和评分检查要用同一个类型。
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `verify` 说不：连接直接关闭，没有造处理器。
    Refused,
    /// 造处理器、setup、handle、finish 都顺利。
    Done,
    /// 第一个出问题的步骤（`Stage::Make`、`Setup`、`Handle` 或 `Finish`）和问题的文字：
    /// 返回了错误就是错误的 `to_string()`，panic 了就是 panic 携带的文字（`socketserver::panic_message`）。
    Failed(socketserver::Stage, String),
}

// ANCHOR: chat
/// 客户端：把 `input` 的每一行作为一条消息发给服务端，读一次回复写到 `out`；空行或 EOF 结束。
/// 返回收到回复的条数。
///
/// 和教程的客户端一样，一条消息一次写完、不带换行，然后 `recv(1024)` 一次读回复。
/// 严格一问一答：不等到回复就不发下一条，所以在服务端那边两条消息不会挤进同一次读。
pub fn chat(mut stream: TcpStream, mut input: impl BufRead, out: &mut impl Write) -> Result<usize> {
    let mut buf = [0u8; RECV_SIZE];
    let mut count = 0;
    loop {
        let mut line = Vec::new();
        if input
            .read_until(b'\n', &mut line)
            .context("读标准输入失败")?
            == 0
        {
            break; // EOF
        }
        // 行按原始字节发送：不是 UTF-8 的输入也原样发出去，服务端会把坏字节换成 �。
        let message = strip_newline(&line);
        if message.is_empty() {
            break;
        }
        // 回复必须装得进一次 recv(1024)，否则一半留在连接里，和下一条回复混在一起，一问一答就错位了。
        let reply_len = reply_to(message).len();
        if reply_len > RECV_SIZE {
            eprintln!(
                "这一行有 {} 字节，回复会有 {reply_len} 字节，一次读（最多 {RECV_SIZE} 字节）装不下：\
                 没有发送。长消息要先约定好边界，见第 08 课",
                message.len()
            );
            continue;
        }
        stream
            .write_all(message)
            .context("发送失败：服务端可能已经关闭了连接")?;
        let n = match stream.read(&mut buf) {
            Ok(0) => bail!("服务端没有回复就关闭了连接（它那边可能出错了，看看服务端的输出）"),
            Ok(n) => n,
            Err(err) if support::is_timeout(&err) => {
                return Err(err).context("等了很久服务端都没有回复（--timeout 可以改等待的秒数）")
            }
            Err(err) => return Err(err).context("读回复失败"),
        };
        let reply = String::from_utf8_lossy(&buf[..n]);
        // 名额满了的服务端不回 Your msg=，而是说一句“服务端忙：……”就关掉连接。
        if reply.starts_with("服务端忙") {
            bail!("{reply}（服务端拒绝了这个连接）");
        }
        writeln!(out, "收到：{reply}")?;
        out.flush()?;
        count += 1;
    }
    // 告诉服务端“我说完了”：它读到 EOF，handle 结束，finish 运行。
    let _ = stream.shutdown(std::net::Shutdown::Write);
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
