//! 第 04 课：循环——让服务端一直服务下去。
//!
//! 第 03 课的服务端接一个客户端、答一句话就退出了。这一课给它加上两层循环（教程的 V1 → V2），
//! 看清楚“一次只服务一个客户端”意味着什么，再用“每个连接一个线程”解决它，最后做一个
//! 收发各用一个线程的聊天室。
//!
//! - [`ctime`]：Python `time.ctime()` 的时间格式；
//! - [`message`]：消息的边界——教程的“一次读到的就是一条消息”，和聊天室的“一行一条消息”；
//! - [`single`]：一次服务一个客户端的 V2 服务端和它的客户端，以及教程里会空转的循环；
//! - [`threaded`]：每个连接一个线程的 `Welcome!` / `Hello, X!` 服务端和客户端；
//! - [`chat`]：转发消息的聊天室和全双工的聊天客户端。

use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};

pub mod chat;
pub mod ctime;
pub mod message;
pub mod single;
pub mod threaded;

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

/// 服务端写日志的方式：程序里打印到标准输出，基准测试里什么也不做。
/// 用普通函数指针，是因为它可以随意复制、交给任何线程。
pub type Log = fn(&str);

/// 打印一行日志并立刻刷新（标准输出接到管道上时，不刷新的话别人要等很久才看到）。
pub fn print_log(line: &str) {
    support::say(line);
}

/// 不写日志。
pub fn no_log(_: &str) {}

/// 练习 2 里“处理一个连接”的函数：几个线程要共用它，所以放在 `Arc` 里，并且要求 `Send + Sync`。
pub type Handler = Arc<dyn Fn(TcpStream) + Send + Sync>;

/// 连接服务端，带连接超时和读写超时。
///
/// 和 `support::connect` 做的事一样，只是连不上时说出该启动**哪一个**服务端：
/// 这一课有三个服务端，`threaded-client` 要配 `threaded-server`，`chat-client` 要配 `chat-server`。
pub fn connect(host: &str, port: u16, timeout: Duration, server: &str) -> Result<TcpStream> {
    let addrs = support::resolve(host, port)?;
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
    let err = last_err.unwrap_or_else(|| std::io::Error::other("没有可用的地址"));
    Err(err).with_context(|| {
        format!(
            "连不上服务端 {host}:{port}。服务端在运行吗？先在另一个终端里启动它：{}",
            support::command_line(&format!("lesson 04 {server}"))
        )
    })
}

/// 服务端为什么断开一个连接，说给看日志的人听：超时（一直不说话、太慢）和别的错误分开说。
///
/// 超时有两种报法：`Guarded` 发现期限已过时报 `TimedOut`，系统的读写超时在期限的最后一段到了时报
/// `WouldBlock`。对人来说是同一件事，所以说成同一句话，带上这两条限制。
pub fn dropped_because(err: &std::io::Error, policy: &support::serve::Policy) -> String {
    if support::is_timeout(err) {
        return format!(
            "对方一直不说话或太慢（空闲超时 {} 秒，最低速率每秒 {} 字节）",
            policy.idle.as_secs(),
            policy.min_rate
        );
    }
    format!("连接出错（{err}）")
}

/// 日志和屏幕上显示的文字：太长时只显示开头，注明一共多少字节。
pub fn preview(text: &str) -> String {
    const SHOW: usize = 80;
    if text.chars().count() <= SHOW {
        return text.to_string();
    }
    let head: String = text.chars().take(SHOW).collect();
    format!("{head}……（共 {} 字节）", text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_keeps_short_text_and_cuts_long_text() {
        assert_eq!(preview("你好"), "你好");
        let long = "好".repeat(100);
        let shown = preview(&long);
        assert!(shown.starts_with(&"好".repeat(80)));
        assert!(shown.ends_with("……（共 300 字节）"), "{shown}");
    }
}
