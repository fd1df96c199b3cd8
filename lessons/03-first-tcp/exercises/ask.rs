//! 练习 4 ★★★：在限定的时间里问一句。
//!
//! 连接 `addr`，把 `text` 按 UTF-8 发出去，然后半关闭（告诉服务端“我说完了”）；
//! 把回复一直读到服务端关闭连接（读到 0 个字节），解码成 `String` 返回。
//!
//! 整个回复最多等 `limit`（从调用这个函数算起）：服务端一直不说话，或者一个字节一个字节地
//! 慢慢发个没完，到了 `limit` 都返回错误。小心：`set_read_timeout` 管的是**一次** `read`
//! 最多等多久，一个每隔一会儿就发一个字节的服务端，每次都没让你等到超时。
//!
//! 这些情况返回 `Err`，不要 panic：连不上；超时；连接被服务端重置（回复不完整）；
//! 回复不是合法的 UTF-8（包括最后一个字没收全）。
//!
//! 评分时你的函数去问一个真正的 `l03-server`，还有几个像真程序一样的服务端：回复分两段、
//! 中间停一会儿的；要等你说完才回答的；一言不发的；慢慢发个没完的；说到一半就消失的。

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

pub fn ask(addr: SocketAddr, text: &str, limit: Duration) -> Result<String> {
    todo!()
}
