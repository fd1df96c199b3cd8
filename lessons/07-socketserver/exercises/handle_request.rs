//! 练习 2：自己写一个 handle_request()。
//!
//! 从 `listener` 接受**正好一个**连接，用 `make(连接, 对方地址)` 造一个处理器，然后按 socketserver 的
//! 规矩调用它：
//!
//! 1. 先调用 `setup()`。如果它返回错误，直接把这个错误返回——`handle()` 和 `finish()` 都不调用；
//! 2. 再调用 `handle()`；
//! 3. 不管 `handle()` 是成功、返回错误还是 panic，都要调用 `finish()`；
//! 4. 返回值：`handle()` 出错时返回它的错误；`handle()` panic 时返回一个
//!    `io::Error::other(...)`（不要让 panic 继续往外冒）；否则返回 `finish()` 的结果。
//!
//! `make` 返回错误时，也直接返回那个错误。
//! 提示：`std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler.handle()))`。

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};

use crate::socketserver::BaseRequestHandler;

/// 造处理器的工厂函数的类型。
pub type Make = dyn Fn(TcpStream, SocketAddr) -> io::Result<Box<dyn BaseRequestHandler>>;

pub fn handle_request(listener: &TcpListener, make: &Make) -> io::Result<()> {
    todo!()
}
