//! 练习 4（★★★）：两个人之间的传话筒。
//!
//! 从 `listener` 接受两个连接：先连上的是 A，后连上的是 B。然后**同时**做两件事：
//! 把 A 发来的字节转给 B，把 B 发来的字节转给 A。读到多少就转多少，不要等一方说完再转。
//!
//! - 一方说完了（它那个方向的 `read` 返回 `Ok(0)`：它半关闭了）：**半关闭**另一方的写方向
//!   （`shutdown(Shutdown::Write)`），把“说完了”也转过去；另一个方向照常转，直到它也说完。
//! - 两个方向都说完了：返回 `Ok((A 转给 B 的字节数, B 转给 A 的字节数))`。
//! - 任何一个方向出错（比如一方的连接被重置）：把两个连接都关掉（`shutdown(Shutdown::Both)`），
//!   返回这个错误——不要等另一方自己说完。
//!
//! 这是收发两个线程的客户端（`chat-client`）的另一种样子：那里一头是键盘，这里两头都是套接字。

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;

pub fn relay(listener: TcpListener) -> io::Result<(u64, u64)> {
    todo!()
}
