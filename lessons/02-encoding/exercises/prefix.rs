//! 练习 1：按字节数截短，但不切断字符。
//!
//! 协议常常限制“最多 N 个字节”（比如一个 1024 字节的缓冲区），而 `&s[..n]` 在 `n`
//! 落在一个字符中间时会 panic。返回 `s` 的最长前缀，它不超过 `max_bytes` 个字节，
//! 并且不切断任何字符。
//!
//! 例：`prefix_within("I love 游泳", 8)` 返回 `"I love "`（“游”占第 7、8、9 三个字节，放不下就整个不要），
//! `prefix_within("I love 游泳", 10)` 返回 `"I love 游"`，`max_bytes` 大于长度时返回整个 `s`。

pub fn prefix_within(s: &str, max_bytes: usize) -> &str {
    todo!()
}
