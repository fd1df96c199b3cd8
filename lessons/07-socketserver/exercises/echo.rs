//! 练习 1：写处理器的 handle()。
//!
//! `EchoHandler` 已经组合好了 `StreamRequestHandler`：`self.base.rfile` 是带缓冲的读端，
//! `self.base.wfile` 是带缓冲的写端。请实现 `handle`：
//!
//! - 一行一行地读 `rfile`，每读到一行，回复 `Your msg=<这一行>` 再加一个换行
//!   （回复里不要带上原来那一行的换行符）；
//! - 每条回复写完立刻 `flush`，否则它会留在缓冲区里，对方一直等不到；
//! - 读到 EOF（`read_line` 返回 0）说明对方说完了，返回 `Ok(())`——别像教程那样在 EOF 上
//!   继续循环，也别再回一句空的 `Your msg=`。
//!
//! 评分时，服务端（ThreadingTcpServer + 你的处理器）跑在测试里，客户端是真实的 l07-client 进程。

use std::io::{self, BufRead, Write};
use std::net::{SocketAddr, TcpStream};

use crate::socketserver::{BaseRequestHandler, ServerHandle, StreamRequestHandler};

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
