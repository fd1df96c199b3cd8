//! 练习 1（★☆☆）：一次发完，再收回复（流水线式的行客户端）。
//!
//! 连接 `addr` 上的行服务端（`l06-line-server`），然后：
//! 1. 把 `lines` 的每一项作为一行（末尾加 `\n`）写进一个 `BufWriter`——先不等回复；
//! 2. 全部写完后 flush 一次（这样几行很可能挤在同一个 TCP 报文段里出发）；
//! 3. 半关闭（`shutdown(Shutdown::Write)`），告诉服务端“我说完了”；
//! 4. 按行读回复，直到服务端关闭连接；返回全部回复（去掉行尾的换行）。
//!
//! 例：`ask_lines(addr, &["你好", "makefile"])` 返回
//! `["Return your msg:你好", "Return your msg:makefile"]`。
//! 连不上服务端、读写出错时返回错误。想一想：第 2 步和第 3 步的顺序反过来会怎样？
//!
//! 评分时，对面是真正的 `l06-line-server`（正确的，和忘了 flush 的），还有一个把回复分两段、
//! 中间停一会儿才发完的服务端。

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};

pub fn ask_lines(addr: SocketAddr, lines: &[&str]) -> io::Result<Vec<String>> {
    todo!()
}
