//! 练习 2：解析请求头。
//!
//! `line` 是客户端发来的一行请求头，结尾的 `\n` 已经去掉了。`max_size` 是允许上传的最大字节数。
//!
//! - 不是合法的 UTF-8：`Err`；
//! - `post|<大小>|<文件名>`：返回 `Request::Post { size, name }`。大小只能由 ASCII 数字组成
//!   （不能是空的，不能带 `+`、`-`、空格、小数点），要放得进 `u64`，而且不能超过 `max_size`。
//!   文件名是第二个 `|` 之后直到行尾的全部内容（文件名里可以再有 `|`）；
//! - `get|<文件名>`：返回 `Request::Get { name }`；
//! - 文件名都要通过 [`sanitize_file_name`]（用这一课库里的，或者你在练习 1 里写的）；
//! - 其他任何样子：`Err`。
//!
//! 出错时的 `String` 是给对方看的一句中文原因。

use crate::upload::{sanitize_file_name, Request};

pub fn parse_header(line: &[u8], max_size: u64) -> Result<Request, String> {
    todo!()
}
