//! 练习 4 ★★★：写一个完整的异步服务端——全服务端共用的计数器，有名额，能优雅地关闭。
//!
//! 协议：客户端一行一条（`\n` 结尾）。服务端每收到一行，就回一行 `<n>\n`，n 是**整个服务端**
//! 到现在一共收到了多少行（所有连接加起来，包括这一行）。第一个客户端说第一句，回 `1\n`；
//! 另一个客户端接着说一句，回 `2\n`。
//!
//! - 很多个客户端同时来，各自得到服务：每个连接一个任务（`tokio::spawn` 或 `JoinSet`），
//!   一个不说话的客户端不能让别人等着；客户端说完一行就等回复，不会半关闭；
//! - 同时最多服务 `max` 个连接（`tokio::sync::Semaphore`）：再来的写一行 `busy\n` 就关闭，不排队；
//!   一个连接结束了（包括出错），名额要归还；
//! - `stop` 被取消时：马上不再接受新连接（放开 `listener`），等正在进行的连接都结束
//!   （对方关闭），然后返回 `Ok(服务过的连接数)`，被 `busy` 拒绝的不算；
//! - 对方关闭连接时最后一段没有 `\n` 的，不算一行，也不回；
//! - 一个连接出错（被重置、说到一半消失）只结束它自己。
//!
//! 评分时，你的 `serve` 在一个只有一个线程的运行时里运行，对面是真实的参考客户端：
//! 同时开着的几个、把一行分两次发的、名额满了还来的、关闭开始时正说到一半的。

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

pub async fn serve(listener: TcpListener, max: usize, stop: CancellationToken) -> io::Result<u64> {
    todo!()
}
