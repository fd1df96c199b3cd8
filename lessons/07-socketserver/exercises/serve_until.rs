//! 练习 3：服务够数就干净地停下。
//!
//! `finished` 每收到一个地址，就表示有一个客户端的连接处理完了（处理器的 finish 发出的）。请：
//!
//! 1. 在另一个线程里运行 `server.serve_forever(poll_interval)`（`std::thread::scope` 很合适，
//!    因为 `server` 是借来的）；
//! 2. 在当前线程里从 `finished` 收 `clients` 个地址（通道断开了也停止等待）；
//! 3. 调用 `server.shutdown()`：在 serve_forever 以外的线程里调用，它会等到 serve_forever 真的停下；
//! 4. 等 serve_forever 的线程结束，拿到它的结果；
//! 5. 调用 `server.server_close()` 释放端口、等所有处理线程结束，再返回 serve_forever 的结果。
//!
//! 想一想：如果不开新线程，直接在这里调用 serve_forever，会怎样？

use std::io;
use std::net::SocketAddr;
use std::sync::mpsc::Receiver;
use std::thread;
use std::time::Duration;

use crate::socketserver::ThreadingTcpServer;

pub fn serve_until(
    server: &ThreadingTcpServer,
    clients: usize,
    finished: &Receiver<SocketAddr>,
    poll_interval: Duration,
) -> io::Result<()> {
    todo!()
}
