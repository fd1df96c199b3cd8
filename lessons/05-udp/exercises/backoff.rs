//! 练习 3（★★☆）：等得越来越久的重发（指数退避）。
//!
//! 用**没有 connect 过**的 `socket` 把 `msg` 发给 `server`，等它寄回 `Hello, <msg>!`。
//! 等不到就重发，而且每重发一次，这一次的等待就翻一倍：
//! 第 1 次发出后等 `first`，第 2 次等 `2 × first`，第 3 次等 `4 × first`……但每次最多等 `max`。
//! 一共最多发 `tries` 次（可以假定 `tries >= 1`）。
//!
//! 等到了，返回 `(回答, 一共发了几次)`；`tries` 次都等不到，返回 `io::ErrorKind::TimedOut` 的错误。
//!
//! - 网络拥挤时大家都在丢包，人人都按固定的间隔猛发，只会更挤：这就是“退避”的用处；
//! - 每次的等待从**发出**的那一刻算起：中途收到不算数的数据报，不能让这一次等得更久；
//! - 不是 `server` 发来的数据报不算回答；内容不是 `Hello, <msg>!` 的也不算，丢掉接着等；
//! - 上一次发出的那个数据报的回答晚到了，也是对的回答：内容一样，收下就是。
//!
//! 评分时，对面有真实的 `l05-server --drop 0.5`（一半的数据报被它故意丢掉）、一个一直不说话的端口
//! （评分量你每次等了多久），还有一个先寄来一串对不上的回答、再让一个冒充者寄来“正确”回答的端口。

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

pub fn ask_backoff(
    socket: &UdpSocket,
    server: SocketAddr,
    msg: &str,
    first: Duration,
    max: Duration,
    tries: u32,
) -> io::Result<(String, u32)> {
    todo!()
}
