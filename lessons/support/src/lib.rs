//! 每一课的程序都会用到的几件小事，集中在这里，免得每个 `main` 都重写一遍：
//!
//! - [`run`]：把 `anyhow::Error` 变成一段给人看的中文错误，退出码 1，不 panic、不打印回溯；
//! - [`bind`] / [`connect`]：在常见失败（端口被占用、服务端没开）时给出下一步该做什么；
//! - [`announce`]：服务端的**第一行输出**写出真正绑定到的地址并立即刷新，
//!   测试和 `workbook` 运行器都靠这一行得知端口。

pub mod cli;
pub mod pace;
pub mod serve;

use std::fmt::Display;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use colored::Colorize;

/// 客户端默认的读超时：对方一直不说话时，最多等这么久就报错，而不是永远卡住。
pub const DEFAULT_TIMEOUT_SECS: u64 = 10;

/// 运行程序主体；出错时打印中文错误链并以退出码 1 结束。
///
/// 用法：`fn main() -> ExitCode { support::run(real_main) }`
pub fn run(body: impl FnOnce() -> Result<()>) -> ExitCode {
    quiet_on_closed_stdout();
    plain_when_asked();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            report(&err);
            ExitCode::FAILURE
        }
        // 只可能是标准输出被关掉（见下面）：读输出的一方已经不要了，安静地结束。
        Err(_) => ExitCode::FAILURE,
    }
}

/// 不该有颜色的时候关掉颜色：设置了 `NO_COLOR`，或者终端声明自己不懂颜色（`TERM=dumb`）。
/// （`colored` 自己只看 `NO_COLOR` 和 `CLICOLOR`，不看 `TERM`。）
pub fn plain_when_asked() {
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    if dumb || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        colored::control::set_override(false);
    }
}

/// 输出接到 `head` 这样的程序时，对方读够了就关掉管道，`println!` 随即 panic：
/// 这不是程序的错，用户也不需要一段回溯。这里只让这一种 panic 不出声，其余照常报告。
pub fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") {
            return;
        }
        default(info);
    }));
}

/// 把错误链打印到标准错误：第一行是发生了什么，后面每行是更底层的原因。
pub fn report(err: &anyhow::Error) {
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "{} {}", "错误：".red().bold(), err);
    for cause in err.chain().skip(1) {
        let _ = writeln!(stderr, "  {} {}", "原因：".yellow(), describe_cause(cause));
    }
}

/// 常见的系统错误附上中文说明，其余的原样显示。
fn describe_cause(cause: &(dyn std::error::Error + 'static)) -> String {
    if let Some(io_err) = cause.downcast_ref::<io::Error>() {
        let hint = match io_err.kind() {
            io::ErrorKind::ConnectionRefused => "连接被拒绝（对方端口上没有程序在监听）",
            io::ErrorKind::AddrInUse => "地址已被占用（已有程序在用这个端口）",
            io::ErrorKind::AddrNotAvailable => "本机没有这个地址",
            io::ErrorKind::PermissionDenied => "权限不够（小于 1024 的端口需要管理员权限）",
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => "等待超时，对方没有回应",
            io::ErrorKind::ConnectionReset => "连接被对方重置",
            io::ErrorKind::UnexpectedEof => "对方提前关闭了连接",
            io::ErrorKind::InvalidData => "数据格式不对",
            io::ErrorKind::NotFound => "找不到这个文件或目录",
            io::ErrorKind::AlreadyExists => "已经存在",
            io::ErrorKind::BrokenPipe => "对方已经关闭了连接，写不进去了",
            _ => "",
        };
        let hint = if hint.is_empty() && io_err.to_string().contains("failed to lookup address") {
            "找不到这个主机名（DNS 查不到它）"
        } else {
            hint
        };
        if !hint.is_empty() {
            return format!("{hint}；系统信息：{io_err}");
        }
    }
    cause.to_string()
}

/// 把 `host` 和 `port` 解析成地址（`host` 可以是 `localhost` 这样的名字）。
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>> {
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .with_context(|| format!("无法解析地址 {host}:{port}，请检查 --host"))?
        .collect();
    anyhow::ensure!(!addrs.is_empty(), "地址 {host}:{port} 没有对应的 IP");
    Ok(addrs)
}

/// 服务端的积压队列（`listen` 的参数）有多长：握手已经完成、还没被 `accept` 取走的连接最多排多少条。
///
/// 标准库的 `TcpListener::bind` 固定用 128。一下子涌来几百个连接（第 11 课的演示就是 300 个）时，
/// 128 不够：队列满了，Linux 改用 SYN cookies 应答，这时客户端最后那个 ACK 可能被丢掉，
/// 而且没有人重发。客户端以为连上了，服务端却从来没见过这个连接。这些服务端都是“先开口”的
/// （先发 `Welcome!`），客户端就一直等一句永远不会来的欢迎语。1024 个位置只是一点内核内存；
/// 系统还会把它截到 `/proc/sys/net/core/somaxconn`。
pub const BACKLOG: i32 = 1024;

/// 绑定一个 TCP 监听套接字，积压队列长 [`BACKLOG`]。端口被占用时提示换一个端口，或用 `--port 0`
/// 让系统挑一个。
pub fn bind(host: &str, port: u16) -> Result<TcpListener> {
    bind_with_backlog(host, port, BACKLOG)
}

/// 和 [`bind`] 一样，积压队列的长度自己定（第 11 课用它演示队列太短时丢掉的连接）。
///
/// 标准库没有这个参数，所以用 `socket2` 一步一步来：建套接字、`SO_REUSEADDR`（和标准库一样，
/// 见第 03 课的 TIME_WAIT）、`bind`、`listen(backlog)`。地址有好几个时逐个试，和标准库一样。
pub fn bind_with_backlog(host: &str, port: u16, backlog: i32) -> Result<TcpListener> {
    let addrs = resolve(host, port)?;
    let mut last = None;
    for addr in addrs {
        match listen_on(addr, backlog) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    let err = last.unwrap_or_else(|| io::Error::other("没有可用的地址"));
    Err(err).with_context(|| bind_failed(host, port))
}

// ANCHOR: listen_on
fn listen_on(addr: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    // Windows 上的 SO_REUSEADDR 意思不同（允许抢别人的端口），标准库在那里也不设。
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    Ok(socket.into())
}
// ANCHOR_END: listen_on

/// 绑定一个 UDP 套接字，错误信息与 [`bind`] 相同。
pub fn bind_udp(host: &str, port: u16) -> Result<UdpSocket> {
    let addrs = resolve(host, port)?;
    UdpSocket::bind(&addrs[..]).with_context(|| bind_failed(host, port))
}

fn bind_failed(host: &str, port: u16) -> String {
    format!("无法监听 {host}:{port}。如果端口被占用，请先关掉占用它的程序，或换一个端口（--port 0 让系统挑一个空闲端口）")
}

/// 给用户看的一条命令：装了 `just` 时写成 `just …`，没装时写成等价的 `cargo run -- …`，
/// 保证照着打就能运行。`args` 是运行器的子命令和参数，例如 `"lesson 03 server"`。
pub fn command_line(args: &str) -> String {
    if has_just() {
        format!("just {args}")
    } else {
        format!("cargo run -- {args}")
    }
}

/// `PATH` 上有没有 `just`（环境变量 `WORKBOOK_JUST=0/1` 可以强制指定，测试里用）。
pub fn has_just() -> bool {
    if let Some(forced) = std::env::var_os("WORKBOOK_JUST") {
        return forced == "1";
    }
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| {
        let candidate = dir.join(if cfg!(windows) { "just.exe" } else { "just" });
        candidate.is_file()
    })
}

/// 把 `text` 用空格补到 `width` 个显示列（一个汉字占两列），用来对齐一列说明。
pub fn pad(text: &str, width: usize) -> String {
    let used = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}

/// 连接服务端，带连接超时和读写超时。连不上时告诉用户怎样启动服务端。
///
/// `lesson` 是课号（如 `"03"`），用来拼出提示里的命令。
pub fn connect(host: &str, port: u16, timeout: Duration, lesson: &str) -> Result<TcpStream> {
    let addrs = resolve(host, port)?;
    let mut last_err = None;
    for addr in &addrs {
        match TcpStream::connect_timeout(addr, timeout) {
            Ok(stream) => {
                stream.set_read_timeout(Some(timeout))?;
                stream.set_write_timeout(Some(timeout))?;
                return Ok(stream);
            }
            Err(err) => last_err = Some(err),
        }
    }
    let err = last_err.expect("resolve 至少返回一个地址");
    Err(anyhow::Error::new(err).context(format!(
        "连不上服务端 {host}:{port}。服务端在运行吗？先在另一个终端里启动它：{}",
        command_line(&format!("lesson {lesson} server"))
    )))
}

/// 服务端启动后的第一行输出：写出真正绑定到的地址，并立即刷新。
///
/// 这一行的格式是约定：测试和运行器从中找出第一个能解析成 `SocketAddr` 的词。
pub fn announce(what: impl Display, addr: SocketAddr) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{what} 正在监听 {addr}");
    let _ = out.flush();
}

/// 从一行文字里找出第一个能解析为 `SocketAddr` 的词：读 [`announce`] 写出的那一行。
///
/// 测试和运行器都用它从服务端的第一行里得知端口，所以“第一行含地址”的约定只在这一处解释。
pub fn parse_addr(line: &str) -> Option<SocketAddr> {
    line.split(|c: char| c.is_whitespace() || "，,。()（）".contains(c))
        .find_map(|word| word.parse().ok())
}

/// 打印一行并立即刷新标准输出。
///
/// 标准输出接到管道（测试、运行器）时是块缓冲的；服务端边运行边打印，
/// 所以每行都要刷新，观察的人才能按时看到。
pub fn say(line: impl Display) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// 读超时的错误在不同系统上的 `ErrorKind` 不同（`WouldBlock` 或 `TimedOut`），统一判断。
pub fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}
