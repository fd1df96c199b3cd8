//! 第 11 课（附加）：异步——一个线程服务一万个连接。
//!
//! 前面十课的服务端都是“每个连接一个线程”：线程在 `read` 上阻塞，等的时候什么也不做，
//! 却占着一份栈和一个内核里的线程。这一课把学过的服务端改写成异步的（tokio）：
//! 等的地方写 `.await`，等的时候线程去服务别的连接。线路上和原来那一课一字不差，
//! 原来的客户端、Python 客户端照样能用。
//!
//! - [`serve`]：所有异步服务端共用的主循环：`Semaphore` 连接上限、accept 退避、优雅地关闭；
//! - [`guard`]：空闲超时和最低速率的异步版；
//! - [`greet`]：第 04 课 `Welcome!` / `Hello, <名字>!` 服务端的异步版；
//! - [`client`]：同时开很多个连接的异步客户端；
//! - [`framed`]：第 08 课分帧回显服务端的异步版（`LengthDelimitedCodec`）；
//! - [`chat`]：第 04 课聊天室的异步版（每个成员一个有界队列）；
//! - [`udp`]：第 05 课 UDP 服务端的异步版；
//! - [`cancel`]：`select!` 取消一个读到一半的 future 时会丢掉什么。

use std::future::Future;
use std::time::Duration;

use anyhow::{Context, Result};

pub mod cancel;
pub mod chat;
pub mod client;
pub mod framed;
pub mod greet;
pub mod guard;
pub mod send;
pub mod serve;
pub mod udp;

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

/// 写日志的方式和第 04 课一样：`Log` 是普通函数指针（可以随意复制，放进任何任务里都是 `Send` 的），
/// `print_log` 打印一行并立刻刷新，`no_log` 什么也不做（基准测试里用）。
pub use lesson_04::{no_log, print_log, Log};

/// 只打印和单个连接无关的日志（启动、拒绝、关闭）：几百个连接同时来时，不必每个连接都记两行。
pub fn quiet_log(line: &str) {
    let per_connection = ["接受来自 ", "来自 "];
    if !per_connection.iter().any(|p| line.starts_with(p)) {
        support::say(line);
    }
}

/// 关闭时的命令行参数：四个服务端都一样。
#[derive(clap::Args, Clone, Debug)]
pub struct ShutdownArgs {
    /// 按 Ctrl-C 以后，最多再等正在进行的连接多少秒，0 到 3600；到时还没说完的连接被断开
    #[arg(long, value_name = "秒", default_value_t = 10,
          value_parser = support::cli::ranged(0, 3600, "秒"))]
    pub drain: u64,
    /// 服务完这么多个客户端后自己开始关闭，就像收到了 Ctrl-C（演示和测试用），1 到 1000000
    #[arg(long, value_name = "个", value_parser = support::cli::ranged(1, 1_000_000, "个"))]
    pub shutdown_after_clients: Option<u64>,
}

impl ShutdownArgs {
    pub fn shutdown(&self) -> serve::Shutdown {
        serve::Shutdown::new(Duration::from_secs(self.drain), self.shutdown_after_clients)
    }
}

// ANCHOR: runtime
/// 这一课所有程序的运行时：**只有一个线程**（`current_thread`）。所有的连接、所有的任务都在这一个
/// 线程上轮流跑；这样“一个线程服务一万个连接”说的就是字面上的意思。
pub fn block_on<F: Future>(future: F) -> Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("建立 tokio 运行时失败（系统的文件描述符或内存可能用完了）")?;
    Ok(runtime.block_on(future))
}
// ANCHOR_END: runtime

/// 把标准库的监听套接字交给 tokio：`support::bind` 已经把“端口被占用”这些错误说成了中文。
pub fn tokio_listener(listener: std::net::TcpListener) -> Result<tokio::net::TcpListener> {
    listener
        .set_nonblocking(true)
        .context("无法把监听套接字设为非阻塞")?;
    tokio::net::TcpListener::from_std(listener).context("无法把监听套接字交给 tokio")
}
