//! 练习 1：写处理器的 handle()。
//!
//! `EchoHandler` 已经组合好了 `StreamRequestHandler`：`self.base.request` 是这个连接本身
//! （Python 的 `self.request`）。请实现 `handle`，和教程的 `MyHandler` 在线上一模一样：
//!
//! - 每次从连接读**一次**，最多 [`RECV_SIZE`]（1024）字节（教程的 `recv(1024)`）：
//!   有多少读多少，不等凑满 1024 字节，也不等换行。读到的这一块就是一条消息；
//! - 去掉消息结尾的**一个** `\n` 或 `\r\n`（`crate::strip_newline` 已经写好），
//!   回复 `Your msg=<消息>`（`crate::reply_to` 已经写好，不是 UTF-8 的字节会换成 �，不会 panic）；
//! - 一条回复**一次写完**（`write_all`），**不加换行**；
//! - `read` 返回 0 就是 EOF：对方说完了，返回 `Ok(())`——别像教程那样在 EOF 上再回一句空的
//!   `Your msg=`，也别在 EOF 上继续循环。
//!
//! 评分时，服务端（ThreadingTcpServer + 你的处理器）跑在测试里；客户端有两个：照教程写法
//! “发一条、recv 一次”的裸连接，和真实的 l07-client 进程。

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};

use crate::socketserver::{BaseRequestHandler, ServerHandle, StreamRequestHandler};
use crate::{reply_to, strip_newline, RECV_SIZE};

pub struct EchoHandler {
    pub base: StreamRequestHandler,
}

/// 工厂函数：服务端每接受一个连接调用一次。已经写好了。
pub fn make(
    request: TcpStream,
    client_address: SocketAddr,
    server: ServerHandle,
) -> io::Result<EchoHandler> {
    Ok(EchoHandler {
        base: StreamRequestHandler::new(request, client_address, server)?,
    })
}

impl BaseRequestHandler for EchoHandler {
    fn handle(&mut self) -> io::Result<()> {
        todo!()
    }

    fn finish(&mut self) -> io::Result<()> {
        self.base.finish()
    }
}
