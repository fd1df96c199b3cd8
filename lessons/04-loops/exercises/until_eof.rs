//! 练习 1：读到 EOF 就停下的回显循环。
//!
//! 从 `stream` 里反复读（每次最多 1024 字节，就像 `recv(1024)`），把读到的字节**原样**写回去，
//! 直到对方关闭连接——也就是 `read` 返回 `Ok(0)` 的时候——然后返回一共回显了多少字节。
//!
//! 注意教程 1.5 节的坑：对方关闭之后，每次 `read` 都会立刻返回 0 字节。
//! 如果读到 0 时不离开循环，这个函数就永远不会返回，还会占满一个 CPU 核。
//!
//! 例：对方发来 `你好`（6 字节）后关闭连接，函数写回这 6 个字节并返回 `Ok(6)`。

use std::io::{self, Read, Write};
use std::net::TcpStream;

pub fn echo_until_eof(mut stream: TcpStream) -> io::Result<u64> {
    todo!()
}
