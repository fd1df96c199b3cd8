//! 练习 2：客户端问一句。
//!
//! 连接 `addr`，把 `text` 按 UTF-8 发出去，读回服务端的回复，解码成 `String` 返回。
//! `l03-server` 回复一次就关闭连接，所以可以一直读到对方关闭（读到 0 个字节）为止。
//! 连不上、回复不是 UTF-8 时返回错误，不要 panic。
//!
//! 评分时，你的函数会去问一个真正的 `l03-server` 进程。

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, Result};

pub fn ask(addr: SocketAddr, text: &str) -> Result<String> {
    todo!()
}
