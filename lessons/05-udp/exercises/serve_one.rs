//! 练习 1：回答一个数据报。
//!
//! 从 `socket` 收**一个**数据报（缓冲区 1024 字节就够），给发送方寄回
//! `Hello, <数据>!`，然后返回发送方的地址。
//!
//! - 数据按 UTF-8 解码；不是合法 UTF-8 的字节换成 `�`（U+FFFD），不能 panic；
//! - 空数据报也要回答：`Hello, !`；
//! - 收发出错时把错误返回给调用者（`?`）。
//!
//! 评分时，参考客户端 `l05-client`（真实进程）和测试里的套接字会往你的套接字发数据报。

use std::io;
use std::net::{SocketAddr, UdpSocket};

pub fn serve_one(socket: &UdpSocket) -> io::Result<SocketAddr> {
    todo!()
}
