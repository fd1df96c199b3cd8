//! 练习 3（★★☆）：把坏字节写成 `\xNN`。
//!
//! Python 的 `data.decode("utf-8", errors="backslashreplace")` 不丢掉坏字节，也不换成 �，
//! 而是把每一个坏字节写成四个字符 `\xNN`（两位**小写**十六进制），好的文字原样保留。
//! 日志里记下“对方到底发了什么”时，这比 � 有用得多。写一个 Rust 版：
//!
//! - 合法的 UTF-8 字符原样放进结果（中文、emoji 都不转义，反斜杠本身也不转义）；
//! - 不属于任何合法字符的每一个字节，写成 `\xNN`；
//! - 数据在一个字符的中间结束时，剩下的那几个字节也是坏字节。
//!
//! 例：`backslash_replace(b"I love \xff\xb8\xb8\xe6\xb3\xb3")` 返回 `r"I love \xff\xb8\xb8泳"`，
//! `backslash_replace(b"ok\xe6\xb8")` 返回 `r"ok\xe6\xb8"`。
//!
//! `std::str::from_utf8` 只告诉你**第一处**问题；它的错误里的两个数告诉你好的部分有多长、坏的有几个字节。

pub fn backslash_replace(bytes: &[u8]) -> String {
    todo!()
}
