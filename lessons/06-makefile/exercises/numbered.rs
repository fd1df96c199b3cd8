//! 练习 2：带行号的回声服务端（一个连接）。
//!
//! 对这个连接上收到的每一行（去掉行尾的 `\n` 或 `\r\n`），立刻回复一行 `<行号>: <这一行>`，
//! 行号从 1 开始。例：收到 `你好`、`makefile` 两行，依次回复 `1: 你好\n`、`2: makefile\n`。
//! 对方关闭连接（EOF）时返回 `Ok(回复了几行)`。
//!
//! 用 `BufReader` 读、`BufWriter` 写（`stream.try_clone()` 得到第二个句柄）。
//! 评分用的是真正的 `l06-line-client`：它发一行，等到回复，才发下一行。
//! 所以每写完一个回复都要做一件事，否则对方永远等不到……

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::net::TcpStream;

pub fn serve_numbered(stream: TcpStream) -> io::Result<usize> {
    todo!()
}
