//! 练习 3：把 HTTP 响应分成响应头和正文。
//!
//! 在**第一个** `\r\n\r\n` 处分开，返回 `Some((响应头, 正文))`，两者都不含这四个字节。
//! 正文里再出现 `\r\n\r\n` 也还是正文。找不到 `\r\n\r\n` 时返回 `None`
//! （只有 `\n\n` 不算：HTTP 的行尾是 `\r\n`）。
//!
//! 例：`split_response(b"HTTP/1.0 200 OK\r\nA: 1\r\n\r\nhi")`
//! 返回 `Some((b"HTTP/1.0 200 OK\r\nA: 1", b"hi"))`。

pub fn split_response(data: &[u8]) -> Option<(&[u8], &[u8])> {
    todo!()
}
