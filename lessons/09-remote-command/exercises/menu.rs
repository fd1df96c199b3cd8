//! 练习 5（★★★）：点菜式的命令服务端：客户端只能点菜单上的菜，一个参数也给不了。
//!
//! 审过的程序表已经比“什么都能运行”安全得多，但客户端仍然能给参数。最保险的做法是：
//! 客户端只说一个名字，服务端按名字运行事先写好的、连参数都定死的命令。
//! 写一个完整的服务端 `serve_menu(listener, menu, clients, idle)`：
//!
//! - 协议和这一课的服务端一样：客户端发一帧（4 字节大端长度，再是内容），内容是一个菜名
//!   （UTF-8，要和菜单上的名字完全相同）；服务端回一帧：
//!   - 菜单上有：直接运行 `menu` 里它对应的 `argv`（不经过 shell，标准输入接到 `Stdio::null()`），
//!     有标准输出就回标准输出；什么都没打印、成功结束回 `no output!`；什么都没打印、失败了回 `error: …`；
//!   - 菜单上没有、不是合法的 UTF-8：回 `error: …`（说明写中文），连接照常，可以接着点；
//!   - 菜名的帧声称超过 1024 字节：回 `error: …` 后关闭这个连接，不要先分配那么大的内存；
//! - 一个连接上可以一帧接一帧地点，直到客户端关闭连接（帧与帧之间读到 EOF）；
//! - **每个客户端一个线程**：一个连上来却不说话的客户端，不能让别人干等；
//!   客户端 `idle` 这么久不说话就断开它；说到一半就消失的客户端只结束它自己的连接；
//! - 一共服务 `clients` 个连接：接受够了就不再接受，等它们都结束以后返回 `Ok(())`。
//!
//! 可以用 `lesson_08::frame::{read_frame, write_frame}` 和 `crate::server::Reply`。

use std::io;
use std::net::TcpListener;
use std::time::Duration;

pub fn serve_menu(
    listener: TcpListener,
    menu: &'static [(&'static str, &'static [&'static str])],
    clients: usize,
    idle: Duration,
) -> io::Result<()> {
    todo!()
}
