//! 练习 3 ★★☆：回执服务端。
//!
//! 从 `listener` 接受一个客户端，然后：
//!
//! - 读一次，最多 1024 个字节，回复 `收到 N 个字节`（N 是这次读到的**字节**数，回复按 UTF-8 编码），
//!   返回读到的那些字节；
//! - 对方什么也没发就半关闭了（读到 0 个字节）：同样回复，`收到 0 个字节`；
//! - 对方连上以后 `idle` 这么久一个字节也没发：回复 `超时`，返回一个 `ErrorKind::TimedOut` 的错误；
//! - 其余的读写错误（比如对方中途消失）原样交回，不要 panic。
//!
//! 函数返回时连接关闭（让它离开作用域就行）。
//!
//! 评分时连上来的是像真程序一样的客户端：教程式的客户端发完就等回复，**从不半关闭**；
//! 有的一口气发来 3000 个字节，有的一言不发，有的说到一半就消失。

use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpListener;
use std::time::Duration;

pub fn receipt(listener: &TcpListener, idle: Duration) -> io::Result<Vec<u8>> {
    todo!()
}
