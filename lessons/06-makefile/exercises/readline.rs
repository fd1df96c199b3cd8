//! 练习 1：Python 文本模式的 `f.readline(limit)`。
//!
//! 从 `reader` 读一行文字，遇到下面任何一种情况就停下（先到先算）：
//! - 读到了换行符 `\n`（换行符本身也放进结果）；
//! - 已经读够 `limit` 个**字符**（不是字节：`你好` 是 2 个字符、6 个字节）；
//! - 对方关闭了连接（EOF）：返回已经读到的部分，可能是空串。
//!
//! 要求：
//! - 一个多字节字符可能被拆在两次读之间送来，照样要正确解码；
//! - 不要多读：停下时，后面的字节必须还留在 `reader` 里，下一次调用能读到它们；
//! - 收到非法的 UTF-8，或 EOF 时最后一个字符不完整，返回 `io::ErrorKind::InvalidData` 的错误。
//!
//! 例：对方发来 `你好\n世界和平万岁` 时，`read_line_limited(r, 10)` 返回 `"你好\n"`，
//! 接着 `read_line_limited(r, 3)` 返回 `"世界和"`。

use std::io::{self, BufRead};

pub fn read_line_limited(reader: &mut dyn BufRead, limit: usize) -> io::Result<String> {
    todo!()
}
