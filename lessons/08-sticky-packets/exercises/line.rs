//! 练习 3：带上限地按行读消息。
//!
//! 读一条以 `\n` 结尾的消息，返回不含 `\n` 的文字：
//!
//! - 消息之间（一个字节都还没读到时）遇到 EOF：返回 `Ok(None)`；
//! - 读到一半遇到 EOF（最后一条没有 `\n`）：`ErrorKind::UnexpectedEof` 的错误；
//! - 内容（不算 `\n`）超过 `max` 字节：`ErrorKind::InvalidData` 的错误。要在读的过程中
//!   就发现，不能先把整行读进内存再量长度：对方可以发一条永远不带换行的“消息”；
//! - 内容不是合法的 UTF-8：`ErrorKind::InvalidData` 的错误；
//! - 空行是一条空消息 `Some("")`。
//!
//! 提示：`BufRead::fill_buf` 给你缓冲区里现有的字节，`consume(n)` 表示用掉了 n 个；
//! 或者用 `r.take(…)` 限制 `read_until` 最多读多少。
//!
//! 评分时，真正的 `l08-client --mode line` 会连上来，你的函数要从连接里读出它发的每一行。

use std::io::{self, BufRead, ErrorKind};

pub fn read_line_max(r: &mut dyn BufRead, max: usize) -> io::Result<Option<String>> {
    todo!()
}
