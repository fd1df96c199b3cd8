//! 练习 2：从一个会“少给”的读取器里读出一帧。
//!
//! `r.read(buf)` 不保证填满 `buf`：网络上一次可能只来 1 个字节。请读出一整帧：
//! 先凑齐 4 字节长度（大端无符号），再凑齐那么多字节的内容。
//!
//! - 帧与帧之间（一个字节都还没读到时）遇到 EOF：对方正常关闭，返回 `Ok(None)`；
//! - 长度或内容读到一半遇到 EOF：返回 `ErrorKind::UnexpectedEof` 的错误；
//! - 长度超过 `max`：返回 `ErrorKind::InvalidData` 的错误，而且**在分配内存之前**就返回，
//!   也不要再多读内容（对方说“后面有 4 GB”时，我们不该真去准备 4 GB）；
//! - `read` 返回 `ErrorKind::Interrupted` 时重试，它不是真正的错误。
//!
//! 提示：`Read::read_exact` 会替你处理“少给”和 `Interrupted`，但你要分清“一个字节都没有”
//! 的 EOF 和“读到一半”的 EOF。

use std::io::{self, ErrorKind, Read};

pub fn read_message(r: &mut dyn Read, max: usize) -> io::Result<Option<Vec<u8>>> {
    todo!()
}
