//! 练习 1 ★☆☆：一问一答，整段对话一个期限。
//!
//! 连上 `addr`，把 `question` 的字节发出去，读**一次**回复（最多 1024 字节，第 04 课的规矩：
//! 一次 read 读到的就是一条回复），返回读到的字节。连接、发送、读回复**合起来**不能超过 `limit`：
//!
//! - 到了期限还没收到回复：返回 `ErrorKind::TimedOut` 的错误（不要返回空的 `Ok`，调用的人会以为对方回了一句空话）；
//! - 对方没回复就关闭了连接（read 读到 0 字节）：返回 `ErrorKind::UnexpectedEof` 的错误；
//! - 对方回复以后不一定关闭连接：读到回复就返回，不要等它关。
//!
//! 用 `tokio::time::timeout` 套住整段对话（可以把几步写进一个 `async { … }` 块）。
//! 评分时对面是真实的参考服务端：马上回答的、回答以后不关连接的、一直不回答的、一句话不说就关的。

use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub async fn ask(addr: SocketAddr, question: String, limit: Duration) -> io::Result<Vec<u8>> {
    todo!()
}
