//! 练习 3：登录服务端（教程的“作业”）。
//!
//! 账号文件 `account_file` 每行一个账号，格式是 `用户名|密码`（行尾的 `\r` 不算，空行跳过）。
//! 从 `listener` 依次接受 `clients` 个客户端（一次一个，像 V2 服务端那样），然后返回 `Ok(())`。
//! 对每个客户端，读它发来的每一行 `用户名|密码`：
//!
//! - 账号文件里有这个用户、密码也对，回复一行 `success`；
//! - 否则（密码错、没有这个用户、这一行里没有 `|`）回复一行 `fail`，然后**继续**读下一行。
//!
//! 每条回复都以 `\n` 结尾。客户端关闭连接后去接受下一个客户端。
//! 一个客户端出了问题（比如发了半行就断开），只结束它自己的会话，服务端要继续服务下一个。
//!
//! 例：账号文件是 `alice|wonderland`，客户端发 `alice|wonderland\n` 得到 `success\n`，
//! 发 `alice|123\n` 或 `alice\n` 得到 `fail\n`。

use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;

pub fn serve_login(listener: TcpListener, account_file: &Path, clients: usize) -> io::Result<()> {
    todo!()
}
