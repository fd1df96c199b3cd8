//! 练习 3 ★★☆：服务够数、或者时间到了，就干净地停下。
//!
//! 这一课的 `serve_until` 只会数：不来够 `clients` 个客户端，它就一直等下去。这里再加一个期限：
//!
//! 1. 在另一个线程里运行 `server.serve_forever(poll_interval)`（`server` 是借来的：`std::thread::scope`）；
//! 2. 在当前线程里从 `finished` 收地址（每个地址表示有一个客户端的连接处理完了），收到 `clients` 个、
//!    或者从调用这个函数起过了 `within`（一共，不是每个客户端各等 `within`）、或者通道断开了，就不再等；
//! 3. 调用 `server.shutdown()`，等 serve_forever 的线程结束，拿到它的结果（那个线程 panic 了也要变成一个错误）；
//! 4. 调用 `server.server_close()`；
//! 5. serve_forever 出了错就返回那个错误；否则按收到的先后返回收到的地址。
//!
//! 想一想：`finished.recv()` 会等多久？通道断开以后，`recv_timeout` 又会怎样？
//!
//! 评分：测试给你一个回复 `Your msg=` 的服务端，用教程写法的客户端（发完就等回复）先后来连。

use std::io;
use std::net::SocketAddr;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::socketserver::ThreadingTcpServer;

pub fn serve_at_most(
    server: &ThreadingTcpServer,
    clients: usize,
    finished: &Receiver<SocketAddr>,
    within: Duration,
    poll_interval: Duration,
) -> io::Result<Vec<SocketAddr>> {
    todo!()
}
