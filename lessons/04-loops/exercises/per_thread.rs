//! 练习 2（★★☆）：每个连接一个线程，但有上限。
//!
//! 从 `listener` 接受 `clients` 个连接。每接受一个：
//!
//! - 正在被服务的连接不到 `max` 个：启动一个新线程，在线程里调用 `handler(连接)`，然后**马上**回去接受下一个；
//! - 已经有 `max` 个：给这个连接写一行 `busy\n`，关掉它（不启动线程），接着接受下一个。
//!
//! 一个连接的 `handler` 返回了，它就不再算“正在被服务”，名额空出来给后来的连接。
//! **`handler` panic 了也一样**：那个线程结束了，名额也要归还（panic 时线程的栈照样展开，局部变量照样被丢弃）。
//! 接受完 `clients` 个连接之后，等所有线程都结束（join），再返回 `Ok(())`；某个线程 panic 了也返回 `Ok(())`。
//! 被拒绝的连接也算在 `clients` 里。
//!
//! 这是书里“连接上限”的最小版本：一个服务端同时服务的连接有个数，来得再多也不会开出无数个线程。

use std::io::{self, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::thread;

use crate::Handler;

pub fn serve_capped(
    listener: TcpListener,
    clients: usize,
    max: usize,
    handler: Handler,
) -> io::Result<()> {
    todo!()
}
