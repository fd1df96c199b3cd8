//! 练习 4（★★★）：整个服务端，说练习 2、3 的协议。
//!
//! 在 `listener` 上一直服务下去（正常情况下不返回），文件存在 `dir` 里：
//!
//! - 一个连接上可以一个接一个地上传：读一行请求头 `post|<大小>|<摘要>|<文件名>\n`（最多 1024 字节），
//!   再读正好 `<大小>` 个字节；摘要对上、文件存好之后回答 `ok\n`，然后接着读这个连接上的下一个请求头；
//! - 请求头不对、大小超过 `max_size`、文件名不行、文件已经存在、摘要对不上、内容没收齐：
//!   回答 `error <原因>\n`（原因里不能有换行），然后关闭这个连接；对方关闭了连接，就结束这个连接；
//! - 客户端发完就等回答，不会半关闭：收够说好的字节数就回答，不要等对方关闭；
//! - 请求头和文件内容可能一起到达，两个请求也可能一起到达：多读到的字节属于后面的，不能丢；
//! - 同时服务几个客户端：一个不说话的连接不能挡住别人；
//! - 一个连接 `idle` 这么久没有收到任何字节，就关闭它；说到一半就消失的对方，不在 `dir` 里留下任何东西。
//!
//! 可以用你在练习 2、3 里写的函数（`super::header::parse_announced`、`super::receive::receive_checked`），
//! 读一行可以用第 08 课的 `lesson_08::frame::read_delimited`。

use std::io;
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::Duration;

pub fn serve_checked(
    listener: TcpListener,
    dir: PathBuf,
    max_size: u64,
    idle: Duration,
) -> io::Result<()> {
    todo!()
}
