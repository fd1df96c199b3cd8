//! 练习 4（★★★）：一次问一批的 UDP 客户端。
//!
//! 向 `server` 上的 `l05-server` 问 `names` 里的每一个名字，返回它们的回答 `Hello, <名字>!`，
//! **顺序和 `names` 一样**。这是一个完整的客户端：套接字由你自己建。
//!
//! 一个一个地问太慢（每个名字都要等一个来回）。这里换一种问法：
//! 1. 先把每个名字各作为一个数据报**全部发出去**，不等回答；
//! 2. 然后收回答，最多等 `timeout`。回答可能乱序，可能丢，可能重复，可能来自冒充服务端的陌生人，
//!    可能是一个根本没问过的名字的回答：只有来自 `server`、内容正是某个还没回答的名字的 `Hello, <名字>!`，
//!    才算这个名字的回答；
//! 3. 这一轮的 `timeout` 到了，还有没回答的名字，就**只重发这些**，再等 `timeout`；最多重发 `retries` 轮。
//!    上一轮发出的数据报的回答晚到了，也是对的回答。
//!
//! 全部回答了就立刻返回；`retries` 轮之后还有没回答的，返回 `io::ErrorKind::TimedOut` 的错误，
//! 信息里写上还没回答的名字。`names` 为空时什么也不发，返回空的 Vec。可以假定 `names` 里没有重复的名字。
//!
//! 评分时，对面是测试扮演的服务端：它要收齐所有名字才开始回答，回答的顺序是乱的，有的不回答，
//! 有的回答两遍，有的故意晚到；还有一个陌生人冒充它。然后是真实的 `l05-server --drop 0.5`。

use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

pub fn ask_all(
    server: SocketAddr,
    names: &[&str],
    timeout: Duration,
    retries: u32,
) -> io::Result<Vec<String>> {
    todo!()
}
