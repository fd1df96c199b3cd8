//! 练习 1：接待一个客户端。
//!
//! 从 `listener` 接受一个连接，只读一次、最多 1024 个字节，
//! 回复 `我是Server`（UTF-8 编码），然后返回读到的那些字节。
//! 函数返回时连接要关闭（让连接离开作用域就行）。
//!
//! 评分时，真正的 `l03-client` 程序会连到这个 listener 上，它应当打印出你的回复；
//! 另一个客户端会一口气发来 3000 个字节，你的函数只应交回其中最多 1024 个。

use std::io::{self, Read, Write};
use std::net::TcpListener;

pub fn serve_one(listener: &TcpListener) -> io::Result<Vec<u8>> {
    todo!()
}
