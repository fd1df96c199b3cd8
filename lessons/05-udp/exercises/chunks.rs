//! 练习 3：把一段长文字切成装得下的数据报。
//!
//! 服务端的缓冲区只有 `max_bytes` 字节，更长的数据报会被截断。把 `text` 切成若干段，
//! 每段**最多** `max_bytes` 字节，并且：
//!
//! - 不能把一个汉字（一个 UTF-8 字符的几个字节）切到两段里，否则每段都不是合法的 UTF-8；
//! - 每段尽量装满：从头开始，每段取能装下的最多的完整字符；
//! - 按顺序拼起来正好是 `text`；`text` 为空时返回空的 Vec。
//!
//! 可以假定 `max_bytes >= 4`（一个 UTF-8 字符最多 4 字节）。
//! 评分时，每段会作为一个数据报发给真实的 `l05-server --buffer <max_bytes>`，
//! 从它的回答里拼回原文。
//!
//! 提示：`str::is_char_boundary`。

pub fn split_utf8(text: &str, max_bytes: usize) -> Vec<&str> {
    todo!()
}
