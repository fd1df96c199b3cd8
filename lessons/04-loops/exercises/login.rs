//! 练习 3（★★☆）：登录服务端（教程的作业，规矩说得更严）。
//!
//! 账号文件 `account_file` 每行一个账号：`用户名|密码`。在**第一个** `|` 处切开：前面是用户名，
//! 后面的全部是密码（密码里可以有 `|`）。行尾的 `\r` 不算；空行和没有 `|` 的行跳过。
//!
//! 从 `listener` 依次接受 `clients` 个客户端（一次一个，像 V2 服务端那样），然后返回 `Ok(())`。
//! 客户端每发一行（以 `\n` 结尾；行尾的 `\r` 不算），就是一次登录：
//!
//! - 同样在第一个 `|` 处切开。用户名和密码都要和账号文件里的**一字不差**：不去空格，
//!   ` alice | wonderland ` 不是 `alice|wonderland`；`alice|wonderland|junk` 的密码是 `wonderland|junk`。
//!   对上了回复 `success\n`；
//! - 否则（用户名或密码不对、这一行里没有 `|`、空行）回复 `fail\n`，然后继续读下一行；
//! - 一个连接上第 3 次 `fail` 之后，关闭这个连接，去接受下一个客户端。
//!
//! 一行可能分几次到达，几行也可能一次到达：要按换行符切分，而不是“一次 read 就是一行”。
//! 客户端关闭连接，或者出了问题（比如发了半行就断开），只结束它自己的会话：服务端接着服务下一个。

use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;

pub fn serve_login(listener: TcpListener, account_file: &Path, clients: usize) -> io::Result<()> {
    todo!()
}
