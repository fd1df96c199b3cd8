//! 练习 3：自己写一个 UTF-8 增量解码器（只用标准库）。
//!
//! `chunks` 是从套接字上一次次读到的字节。为每一段返回一个 `String`：这一段读进来之后
//! **新变得完整**的字符。一个字符被拆在两段之间时，前半截要留到下一段，和后半截拼起来再解码。
//!
//! - 不合法的字节换成一个 U+FFFD（`char::REPLACEMENT_CHARACTER`），规则和
//!   `String::from_utf8_lossy` 一样（`error_len()` 是 `Some(n)` 时，这 n 个字节换成一个 U+FFFD）；
//! - 最后一段读完后如果还剩半个字符，它再也等不到后半截了：在最后一段的结果末尾补一个 U+FFFD。
//!
//! 所以返回的 Vec 和 `chunks` 一样长，把它们连起来，等于把所有字节连起来再 `from_utf8_lossy`。
//! 例：`decode_chunks(&[b"I love \xe6", b"\xb8\xb8"])` 返回 `["I love ", "游"]`。

pub fn decode_chunks(chunks: &[&[u8]]) -> Vec<String> {
    todo!()
}
