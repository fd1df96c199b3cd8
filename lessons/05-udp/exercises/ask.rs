//! 练习 2：会重发的提问。
//!
//! 用**没有 connect 过**的 `socket` 把 `msg` 发给 `server`（`send_to`），然后最多等 `timeout`，
//! 等服务端寄回 `Hello, <msg>!`，收到就返回这段文字。
//!
//! - 等不到（数据报丢了），就再发一次；最多重发 `retries` 次，也就是最多发 `retries + 1` 次；
//! - 所有机会都用完还没有回答，返回 `io::ErrorKind::TimedOut` 的错误，绝不能一直等下去；
//! - 不是 `server` 发来的数据报不算回答（`recv_from` 会告诉你是谁发的）；
//! - 内容不是 `Hello, <msg>!` 的也不算（可能是上一个问题迟到的回答），丢掉它，接着等。
//!
//! 评分时，`server` 是真实的 `l05-server --drop 0.5`：一半的数据报会被它故意丢掉。
//!
//! 提示：`socket.set_read_timeout(Some(…))`；读超时的错误用 `support::is_timeout(&err)` 判断。

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

pub fn ask_with_retry(
    socket: &UdpSocket,
    server: SocketAddr,
    msg: &str,
    timeout: Duration,
    retries: u32,
) -> io::Result<String> {
    todo!()
}
