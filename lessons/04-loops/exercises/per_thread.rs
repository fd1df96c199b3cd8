//! 练习 2：每个连接一个线程。
//!
//! 从 `listener` 接受 `clients` 个连接。每接受一个，就启动一个新线程，在线程里调用
//! `handler(连接)`，然后**马上**回去接受下一个（不要等这个连接处理完）。
//! 接受完 `clients` 个之后，等所有线程都结束（join），再返回 `Ok(())`。
//!
//! 评分时，`handler` 会等到所有客户端都同时被服务才回复 `together`；
//! 如果连接是一个接一个处理的，第一个客户端永远等不到别人，只会收到 `alone`。

use std::io;
use std::net::TcpListener;
use std::sync::Arc;
use std::thread;

use crate::Handler;

pub fn serve_each_in_thread(
    listener: TcpListener,
    clients: usize,
    handler: Handler,
) -> io::Result<()> {
    todo!()
}
