//! 练习 3：客户端的一问一答。
//!
//! 把 `command` 作为一帧发给服务端（第 08 课的长度前缀帧：4 字节大端长度，再是内容），
//! 然后读回**一整帧**回答并返回它的内容。
//!
//! - 回答可能很长（上百万字节），一次 `read` 读不完：要读满帧头说的长度；
//! - 服务端在回答之前就关闭了连接：返回 `ErrorKind::UnexpectedEof` 的错误；
//! - 回答的长度超过 `lesson_08::frame::DEFAULT_MAX_FRAME` 时返回错误，不要先分配那么大的内存。
//!
//! 第 08 课的 `lesson_08::frame::{write_frame, read_frame}` 可以直接用。

use std::io;
use std::net::TcpStream;

pub fn ask(stream: &mut TcpStream, command: &str) -> io::Result<Vec<u8>> {
    todo!()
}
