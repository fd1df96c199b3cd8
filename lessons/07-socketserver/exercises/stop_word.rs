//! 练习 4 ★★★：一个完整的服务端，客户端说 stop 就停。
//!
//! 在 `listener` 上跑一个**每个连接一个线程**的服务端（`ThreadingTcpServer::from_listener`），
//! 说教程的协议：一次读到的（最多 1024 字节）就是一条消息，去掉结尾的一个换行
//! （`crate::strip_newline`），回复 `Your msg=<消息>`（`crate::reply_to`），一次写完，不加换行。
//!
//! - 某个客户端的一条消息正好是 `stop`（去掉结尾的换行之后）时：回复 `再见`，然后叫服务端停下
//!   （处理器里有 `self.base.server`，Python 的 `self.server`），结束这个连接；
//! - 服务端停下以后，关掉它（`server_close`，等所有处理线程结束、释放端口），返回 `Ok(())`；
//! - 一个连接 `idle` 不收不发就断开：不然一个一直不说话的客户端，会让 `server_close` 一直等下去。
//!   空闲超时是服务端的限制（`with_policy`）；最低速率和连接上限用 `crate::socketserver::default_policy()`
//!   里的数。
//!
//! 你要自己写处理器（一个组合了 `StreamRequestHandler` 或 `BaseRequest` 的结构体，实现
//! `BaseRequestHandler`）和它的工厂函数。
//!
//! 评分：对着真的套接字上几个像真程序一样的客户端：发完就等回复、从不半关闭的；一直连着不说话的；
//! 一个字节一个字节地把 s、t、o、p 慢慢发过来的；说到一半就消失的；最后一个发 `stop\n`。

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use crate::socketserver::{
    default_policy, BaseRequestHandler, Connection, ServerHandle, StreamRequestHandler,
    ThreadingTcpServer,
};
use crate::{reply_to, strip_newline, RECV_SIZE};
use support::serve::Policy;

pub fn serve_until_stop(listener: TcpListener, stop: &str, idle: Duration) -> io::Result<()> {
    todo!()
}
