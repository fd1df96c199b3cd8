//! 第 02 课：字符串编码。
//!
//! 套接字上走的只有字节。Python 3 把文字（`str`）和字节（`bytes`）分成两种类型，
//! Rust 也一样：`String`/`&str` 里一定是合法的 UTF-8，`Vec<u8>`/`&[u8]` 里可以是任何字节。
//! 两者之间的转换就是编码和解码。这个库放书里讲解的几样东西：
//!
//! - [`bytes_literal`]：把字节写成 Python 的 bytes 字面量，好和教程的输出逐字对照；
//! - [`explain_utf8_error`]：把标准库的 `Utf8Error` 说成人话；
//! - [`decode_report`]：按 UTF-8 或 GBK 解码，找出每一处不合法的字节和它的偏移；
//! - [`gbk`]：GBK（中文 Windows 的默认编码）的编码与解码；
//! - [`stream`]：一个字符被拆在两次读取之间时，怎样用增量解码器把它拼回来。

use std::str::Utf8Error;

use encoding_rs::{DecoderResult, Encoding, GBK, UTF_8};

pub mod gbk;
pub mod stream;

// 学习者的练习只在评分时编译（cargo 特性 `exercises`）：写到一半的练习不会拖累这一课的程序和别的课。
#[path = "../exercises/mod.rs"]
#[cfg(feature = "exercises")]
#[allow(unused_variables, unused_imports, unused_mut, dead_code)]
pub mod exercises;

// 参考答案（cargo 特性 `solutions`）：评分时不编译，学习者的文件够不着它。
#[path = "../solutions/mod.rs"]
#[cfg(feature = "solutions")]
#[doc(hidden)]
pub mod solutions;

// ANCHOR: bytes_literal
/// 把字节写成 Python 的 bytes 字面量，和 `print(b)` 的输出一模一样：
/// 可打印的 ASCII 原样写出，`\t` `\n` `\r` `\\` 用转义，其余字节写成 `\xNN`。
/// 引号的选法也和 Python 相同：内容里有单引号而没有双引号时用双引号包起来。
pub fn bytes_literal(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push('b');
    out.push(quote);
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if b as char == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote);
    out
}
// ANCHOR_END: bytes_literal

// ANCHOR: explain_utf8_error
/// 用一句中文说明一次 UTF-8 解码为什么失败。`total` 是被解码的字节总数。
///
/// `valid_up_to()` 是“从开头数起有多少个字节是好的”。`error_len()` 区分两种坏法：
/// `Some(n)` 表示那里的 n 个字节不管后面跟着什么都不合法；`None` 表示数据在一个字符的
/// 中间结束了。从网络上一段一段读数据时，后一种往往只是“还没读完”，等下一段到了就好。
pub fn explain_utf8_error(err: &Utf8Error, total: usize) -> String {
    let good = err.valid_up_to();
    match err.error_len() {
        Some(n) => format!("前 {good} 个字节合法，偏移 {good} 处有 {n} 个不合法的字节"),
        None => format!(
            "前 {good} 个字节合法，最后 {} 个字节是一个没写完的字符",
            total - good
        ),
    }
}
// ANCHOR_END: explain_utf8_error

// ANCHOR: pick_encoding
/// 按名字找编码，只接受这一课讲的两种：UTF-8 和 GBK。
///
/// `encoding_rs` 认得 WHATWG 编码标准里的所有别名，所以 `utf8`、`UTF-8`、`gb2312`、`gbk`
/// 都能找到；`gb2312` 会被当成 GBK，因为 GBK 本来就是 GB2312 的扩充。
pub fn pick_encoding(label: &str) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(label.trim().as_bytes())?;
    (encoding == UTF_8 || encoding == GBK).then_some(encoding)
}
// ANCHOR_END: pick_encoding

// ANCHOR: decode_report
/// 一处不合法的字节：从偏移 `offset` 开始的 `len` 个字节。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadBytes {
    pub offset: usize,
    pub len: usize,
}

/// 一次解码的结果：解出的文字（不合法的字节换成了 U+FFFD），以及每一处不合法字节的位置。
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub text: String,
    pub bad: Vec<BadBytes>,
}

/// 把 `bytes` 按 `encoding` 解码，不合法的地方换成 U+FFFD，同时记下它们的偏移。
///
/// 用的是 `encoding_rs` 的“不替换”解码：每遇到一处坏字节，它就停下来报告
/// `Malformed(坏了几个字节, 坏字节之后又读了几个字节)`，由我们决定怎么办。
/// 我们记下位置、补一个 U+FFFD，再让它接着解码，所以一处坏字节不会让后面的内容丢失。
/// 同一段代码对 UTF-8 和 GBK 都适用。
pub fn decode_report(bytes: &[u8], encoding: &'static Encoding) -> Report {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::new();
    let mut bad = Vec::new();
    let mut consumed = 0;
    loop {
        // 解码器只往 String 已有的空余容量里写；不够时它返回 OutputFull，我们加大再来。
        let need = decoder
            .max_utf8_buffer_length_without_replacement(bytes.len() - consumed)
            .unwrap_or(bytes.len() - consumed);
        text.reserve(need);
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[consumed..], &mut text, true);
        consumed += read;
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => continue,
            DecoderResult::Malformed(len, after) => {
                // 坏字节是“已读部分”的最后几个，但它后面可能还多读了 `after` 个字节。
                let end = consumed - usize::from(after);
                let len = usize::from(len);
                bad.push(BadBytes {
                    offset: end.saturating_sub(len),
                    len,
                });
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    Report { text, bad }
}
// ANCHOR_END: decode_report

/// 把 "e6 b8 b8" 或 "e6b8b8" 这样的十六进制写法变成字节。
pub fn parse_hex(hex: &str) -> anyhow::Result<Vec<u8>> {
    let digits: Vec<char> = hex.chars().filter(|c| !c.is_whitespace()).collect();
    // 不用 is_multiple_of：它从 Rust 1.87 才有，本书要求的最低版本是 1.85。
    if digits.len() % 2 == 1 {
        anyhow::bail!(
            "--hex 的十六进制数字个数应当是偶数（每个字节两位），现在是 {} 个",
            digits.len()
        );
    }
    digits
        .chunks(2)
        .map(|pair| {
            let text: String = pair.iter().collect();
            if !pair.iter().all(char::is_ascii_hexdigit) {
                anyhow::bail!("--hex 里的 {text:?} 不是两位十六进制数");
            }
            Ok(u8::from_str_radix(&text, 16)?)
        })
        .collect()
}

/// 把字节数写成人看得懂的样子：不到 1 KiB 写“1000 个字节”，否则用 KiB、MiB、GiB，
/// 除得尽时不带小数（“16 MiB”），除不尽时保留一位（“1.5 MiB”）。
pub fn human_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            return if bytes.is_multiple_of(size) {
                format!("{} {unit}", bytes / size)
            } else {
                format!("{:.1} {unit}", bytes as f64 / size as f64)
            };
        }
    }
    format!("{bytes} 个字节")
}

/// 命令行里的一个大小：`1000`、`64KiB`、`16 MiB`、`1GiB`（单位不分大小写，K、M、G 也行），
/// 在 1 个字节到 1 GiB 之间。
pub fn parse_size(text: &str) -> Result<u64, String> {
    const MAX: u64 = 1 << 30;
    let trimmed = text.trim();
    let digits = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(digits);
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "看不懂单位 {:?}：写成 1000、64KiB、16MiB 这样",
                unit.trim()
            ))
        }
    };
    let bytes = number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|n| (1..=MAX).contains(n))
        .ok_or_else(|| {
            format!(
                "应当在 1 个字节到 {} 之间，而不是 {text:?}",
                human_size(MAX)
            )
        })?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_python_repr() {
        assert_eq!(
            bytes_literal("I love 游泳".as_bytes()),
            r"b'I love \xe6\xb8\xb8\xe6\xb3\xb3'"
        );
        assert_eq!(bytes_literal(b""), "b''");
        assert_eq!(bytes_literal(b"it's"), "b\"it's\"");
        assert_eq!(bytes_literal(b"'\""), r#"b'\'"'"#);
        assert_eq!(
            bytes_literal(b"a\\b\n\t\r\x00\x7f"),
            r"b'a\\b\n\t\r\x00\x7f'"
        );
    }

    #[test]
    fn utf8_errors_are_explained() {
        let short = &"游泳".as_bytes()[..5];
        let err = std::str::from_utf8(short).unwrap_err();
        assert_eq!(
            explain_utf8_error(&err, short.len()),
            "前 3 个字节合法，最后 2 个字节是一个没写完的字符"
        );
        let bad = vec![b'a', b'b', 0xff, b'c'];
        let err = std::str::from_utf8(&bad).unwrap_err();
        assert_eq!(
            explain_utf8_error(&err, 4),
            "前 2 个字节合法，偏移 2 处有 1 个不合法的字节"
        );
    }

    #[test]
    fn only_utf8_and_gbk_are_picked() {
        assert_eq!(pick_encoding("UTF8"), Some(UTF_8));
        assert_eq!(pick_encoding(" gb2312 "), Some(GBK));
        assert_eq!(pick_encoding("latin1"), None);
        assert_eq!(pick_encoding("不存在"), None);
    }

    /// 标准库找到的每一处坏字节：`from_utf8` 只报第一处，跳过它接着找。
    fn std_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        let mut start = 0;
        while let Err(err) = std::str::from_utf8(&bytes[start..]) {
            let at = start + err.valid_up_to();
            let len = err.error_len().unwrap_or(bytes.len() - at);
            spans.push((at, len));
            start = at + len;
        }
        spans
    }

    /// encoding_rs 找到的坏字节位置，应当和标准库找到的一样，
    /// 解出的文字也应当和 `String::from_utf8_lossy` 一样。
    #[test]
    fn decode_report_agrees_with_the_standard_library() {
        let palette = [
            b'a', 0x80, 0xbf, 0xc2, 0xe0, 0xe6, 0xed, 0xf0, 0xf4, 0x90, 0xff,
        ];
        let mut state = 7u64;
        for _ in 0..300 {
            let bytes: Vec<u8> = (0..24)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                    palette[(state >> 33) as usize % palette.len()]
                })
                .collect();
            let report = decode_report(&bytes, UTF_8);
            let spans: Vec<(usize, usize)> = report.bad.iter().map(|b| (b.offset, b.len)).collect();
            assert_eq!(spans, std_spans(&bytes), "{bytes:?}");
            assert_eq!(report.text, String::from_utf8_lossy(&bytes), "{bytes:?}");
        }
    }

    #[test]
    fn decode_report_finds_bad_gbk() {
        let report = decode_report(b"\xd3\xce\xff\xd3", GBK);
        assert_eq!(report.text, "游\u{FFFD}\u{FFFD}");
        assert_eq!(
            report.bad,
            [
                BadBytes { offset: 2, len: 1 },
                BadBytes { offset: 3, len: 1 }
            ]
        );
    }

    #[test]
    fn sizes_are_written_and_read_the_way_people_do() {
        assert_eq!(human_size(1000), "1000 个字节");
        assert_eq!(human_size(1024), "1 KiB");
        assert_eq!(human_size(16 << 20), "16 MiB");
        assert_eq!(human_size(3 << 19), "1.5 MiB");
        assert_eq!(human_size(1 << 30), "1 GiB");
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("64KiB"), Ok(64 << 10));
        assert_eq!(parse_size(" 16 MiB "), Ok(16 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        for bad in [
            "0",
            "",
            "2GiB",
            "18446744073709551615",
            "16 MB",
            "-1",
            "1.5MiB",
            "很多",
        ] {
            assert!(parse_size(bad).is_err(), "{bad:?} 应当被拒绝");
        }
    }

    #[test]
    fn hex_is_parsed_with_or_without_spaces() {
        assert_eq!(parse_hex("e6 b8b8\n41").unwrap(), b"\xe6\xb8\xb8A");
        assert_eq!(parse_hex("").unwrap(), b"");
        assert!(parse_hex("e6b").is_err());
        assert!(parse_hex("-1").is_err());
        assert!(parse_hex("游泳").is_err());
    }
}
