//! 练习 1 ★☆☆：用 rfile 和 wfile 写一个按行说话的处理器。
//!
//! 这一课的 `MyHandler` 一次读就当一条消息；这里换一个协议：**一行**是一条消息。
//!
//! - 客户端每发来一行（以 `\n` 结尾，`\r\n` 也算），回复一行 `第 N 行：<这一行>\n`，
//!   N 是这个连接上的第几行，从 1 数起；回复里不带原来的 `\r\n`；
//! - 这一行正好是 `bye` 时，回复 `再见\n`，然后结束（`handle` 返回 `Ok(())`，连接随之关闭）；
//! - 对方关闭了连接（EOF）时结束；最后一行没有换行也算一行，照样回复；
//! - 不是 UTF-8 的字节换成 �（U+FFFD），连接不能因此断掉。
//!
//! 用 `self.base.rfile`（带缓冲的读）一行一行地读，回复写进 `self.base.wfile`（带缓冲的写）。
//! 想一想：客户端发完一行就等回复、不关闭连接，你的回复什么时候才真的发出去？
//!
//! 评分：服务端（`ThreadingTcpServer` + 你的处理器）在测试里运行，对着几个像真程序一样的客户端：
//! 发完一行就等回复的，一个字节一个字节慢慢发的，说到一半就消失的。

use std::io::{self, BufRead, Write};
use std::net::SocketAddr;

use crate::socketserver::{BaseRequestHandler, Connection, ServerHandle, StreamRequestHandler};

pub struct LineHandler {
    pub base: StreamRequestHandler,
}

/// 工厂函数：服务端每接受一个连接调用一次。已经写好了。
pub fn make(
    request: Connection,
    client_address: SocketAddr,
    server: ServerHandle,
) -> io::Result<LineHandler> {
    Ok(LineHandler {
        base: StreamRequestHandler::new(request, client_address, server)?,
    })
}

impl BaseRequestHandler for LineHandler {
    fn handle(&mut self) -> io::Result<()> {
        todo!()
    }

    fn finish(&mut self) -> io::Result<()> {
        self.base.finish()
    }
}
