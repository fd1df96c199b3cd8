//! 练习 4（★★☆）：整件事有超时的客户端：连上、问一句、收完整帧回答，全部在 `limit` 之内。
//!
//! 书里的 `ask` 拿到一个连好的 `TcpStream`，读回答时每次 `read` 各有各的超时。
//! 对方要是每 0.1 秒才给一个字节，每次 `read` 都不超时，一个回答就能拖上几分钟。
//! 这里要的是**整件事**的超时。写一个 `ask(addr, command, limit)`：
//!
//! - 连上 `addr`，把 `command` 作为一帧发出去（4 字节大端长度，再是内容）；
//! - 读回一整帧回答：回答可能分好几段到达，段与段之间还会停一会儿，要读满帧头说的长度；
//! - 从开始到收完，一共不超过 `limit`：到点还没收完，返回 `ErrorKind::TimedOut` 的错误；
//! - 服务端没说完（帧头或者内容读到一半）就关闭了连接：返回 `ErrorKind::UnexpectedEof`；
//!   连接被重置（对方的程序崩溃）：把那个错误交回来；无论如何不能把半截回答当成回答；
//! - 帧头说的长度超过 `lesson_08::frame::DEFAULT_MAX_FRAME`：马上返回 `ErrorKind::InvalidData`，
//!   不要先分配那么大的内存、也不要等那些字节；
//! - 按协议把回答变成 `Reply`：以 `error: ` 开头的是 `Reply::Error(后面的文字)`，
//!   正好是 `no output!` 的是 `Reply::NoOutput`，别的都是 `Reply::Output(原样的字节)`。
//!
//! 提示：开始时记下什么时候到点，每次 `read` 之前把读超时设成“离到点还剩多久”。

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use crate::server::Reply;

pub fn ask(addr: SocketAddr, command: &str, limit: Duration) -> io::Result<Reply> {
    todo!()
}
