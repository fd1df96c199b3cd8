//! 练习 1 ★☆☆：读出状态码。
//!
//! 响应头的第一行叫状态行，形如 `HTTP/1.1 404 Not Found`：版本、空格、三位数字的状态码、
//! 空格和一段说明（说明可以没有）。从响应头里取出状态码。
//! 只看第一行；第一行不以 `HTTP/` 开头，或者状态码不是恰好三位数字时，返回 `None`。
//!
//! 例：`status_code("HTTP/1.0 200 OK\r\nServer: x")` 返回 `Some(200)`。

pub fn status_code(head: &str) -> Option<u16> {
    todo!()
}
