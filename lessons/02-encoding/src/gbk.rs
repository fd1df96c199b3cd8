//! GBK：简体中文 Windows 的默认编码（代码页 936）。
//!
//! 中文 Windows 的命令行程序（`dir`、`ipconfig`……）输出的是 GBK 字节，所以教程里
//! 执行远程命令的客户端要用 `str(data, "gbk")` 解码。Rust 标准库只懂 UTF-8，
//! GBK 交给 `encoding_rs`：它实现了浏览器使用的 WHATWG 编码标准。

use encoding_rs::{EncoderResult, GBK};

// ANCHOR: gbk_roundtrip
/// 编码成 GBK。GBK 表示不了的字符（比如 emoji）被换成 HTML 数字引用 `&#128512;`，
/// 返回值里的 `bool` 说明有没有发生这种替换——`encoding_rs` 不抛异常，而是把这件事告诉你。
pub fn encode_gbk_lossy(text: &str) -> (Vec<u8>, bool) {
    let (bytes, _encoding, had_errors) = GBK.encode(text);
    (bytes.into_owned(), had_errors)
}

/// 按 GBK 解码。不合法的字节换成 U+FFFD，返回值里的 `bool` 说明有没有换过。
pub fn decode_gbk_lossy(bytes: &[u8]) -> (String, bool) {
    let (text, had_errors) = GBK.decode_without_bom_handling(bytes);
    (text.into_owned(), had_errors)
}
// ANCHOR_END: gbk_roundtrip

// ANCHOR: gbk_strict
/// GBK 表示不了的一个字符，以及它是第几个字符（从 0 数起，和 Python 的
/// `UnicodeEncodeError.start` 一样）。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unmappable {
    pub ch: char,
    pub index: usize,
}

/// 严格地编码成 GBK：遇到表示不了的字符就停下报错，相当于 Python 的 `text.encode("gbk")`。
///
/// 用的是编码器的“不替换”接口：它遇到表示不了的字符时返回 `EncoderResult::Unmappable(c)`，
/// 这时 `read` 已经包括了那个字符，所以它前面有 `text[..read]` 的字符数减一个字符。
pub fn encode_gbk_strict(text: &str) -> Result<Vec<u8>, Unmappable> {
    let mut encoder = GBK.new_encoder();
    // 按最坏情况分配输出缓冲区，一次就能编完。
    let max = encoder
        .max_buffer_length_from_utf8_without_replacement(text.len())
        .unwrap_or(text.len() * 2);
    let mut out = vec![0; max];
    let (result, read, written) =
        encoder.encode_from_utf8_without_replacement(text, &mut out, true);
    match result {
        EncoderResult::InputEmpty => {
            out.truncate(written);
            Ok(out)
        }
        EncoderResult::Unmappable(ch) => Err(Unmappable {
            ch,
            index: text[..read].chars().count() - 1,
        }),
        // 缓冲区是按最坏情况分配的，不会不够；万一不够，也当作编码失败而不是 panic。
        EncoderResult::OutputFull => Err(Unmappable {
            ch: char::REPLACEMENT_CHARACTER,
            index: text[..read].chars().count(),
        }),
    }
}
// ANCHOR_END: gbk_strict

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swimming_in_gbk_is_two_bytes_per_character() {
        let bytes = encode_gbk_strict("I love 游泳").unwrap();
        assert_eq!(bytes, b"I love \xd3\xce\xd3\xbe");
        assert_eq!(decode_gbk_lossy(&bytes), ("I love 游泳".to_string(), false));
        assert_eq!(encode_gbk_lossy("I love 游泳"), (bytes, false));
    }

    #[test]
    fn an_emoji_is_not_in_gbk() {
        assert_eq!(
            encode_gbk_strict("笑😀好"),
            Err(Unmappable {
                ch: '😀', index: 1
            })
        );
        assert_eq!(
            encode_gbk_lossy("笑😀"),
            (b"\xd0\xa6&#128512;".to_vec(), true)
        );
        assert_eq!(encode_gbk_strict(""), Ok(Vec::new()));
    }

    #[test]
    fn bad_gbk_bytes_become_replacement_characters() {
        let (text, had_errors) = decode_gbk_lossy(b"ok\xd3");
        assert_eq!(text, "ok\u{FFFD}");
        assert!(had_errors);
    }
}
