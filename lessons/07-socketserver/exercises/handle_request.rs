//! 练习 2 ★★☆：自己写一个 handle_request()，带上 Python 的 verify_request。
//!
//! 从 `listener` 接受**正好一个**连接，然后照 socketserver 的规矩走完它：
//!
//! 1. 先问 `verify(对方地址)`（Python 的 `verify_request`）：说 `false`，就不造处理器，
//!    直接关掉连接，返回 `Ok(Outcome::Refused)`；
//! 2. `make(连接, 对方地址)` 造处理器；
//! 3. 调用 `setup()`；它出了问题，`handle()` 和 `finish()` 都不调用；
//! 4. 调用 `handle()`；不管它成功、返回错误还是 panic，都要调用 `finish()`；
//! 5. 全都顺利返回 `Ok(Outcome::Done)`；否则返回 `Ok(Outcome::Failed(第一个出问题的步骤, 问题的文字))`。
//!
//! “出了问题”有两种：返回 `Err`（文字是错误的 `to_string()`），或者 panic（文字是 panic 携带的文字，
//! `crate::socketserver::panic_message` 能把它取出来）。**任何一步的 panic 都不能从这个函数里冒出去**：
//! 服务端不能因为一个处理器就倒下。步骤用 `crate::socketserver::Stage` 的 `Make`、`Setup`、`Handle`、`Finish`。
//! 只有 `accept` 本身失败时返回 `Err`。函数返回时，这个连接应当已经关闭。
//!
//! 评分：测试造好监听套接字，连上客户端，给你各种会在某一步出错或 panic 的处理器，看你调用了哪几步、
//! 返回了什么、有没有 panic 冒出来、连接有没有关、第二个排队的连接是不是还在排队。

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};

use crate::socketserver::{panic_message, BaseRequestHandler, Stage};
use crate::Outcome;

/// 造处理器的工厂函数的类型。
pub type Make = dyn Fn(TcpStream, SocketAddr) -> io::Result<Box<dyn BaseRequestHandler>>;

pub fn handle_request(
    listener: &TcpListener,
    verify: &dyn Fn(SocketAddr) -> bool,
    make: &Make,
) -> io::Result<Outcome> {
    todo!()
}
