//! 第 02 课的程序：真实运行每个程序，检查输出；书里展示的输出文件由这里保持与实际一致。
//! 也在这里检查坏输入：不合法的 UTF-8、空输入、1 MiB 的输入、超过上限的输入、错误的参数。

use std::io::Write;

use assert_cmd::Command;
use predicates::prelude::*;
use testkit::{assert_matches_saved, DEADLINE};

fn cmd(bin: &str) -> Command {
    let mut c = Command::cargo_bin(bin).expect("程序已编译");
    c.env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .env("WORKBOOK_JUST", "1")
        .timeout(DEADLINE);
    c
}

/// 运行程序，标准输入给定，要求退出码是 `code`，返回标准输出和标准错误。
fn run_with(bin: &str, args: &[&str], stdin: &[u8], code: i32) -> (String, String) {
    let out = cmd(bin)
        .args(args)
        .write_stdin(stdin.to_vec())
        .assert()
        .code(code)
        .stderr(predicate::str::contains("panicked").not())
        .get_output()
        .clone();
    (
        String::from_utf8(out.stdout).expect("输出是 UTF-8"),
        String::from_utf8(out.stderr).expect("错误输出是 UTF-8"),
    )
}

fn run(bin: &str, args: &[&str]) -> String {
    run_with(bin, args, b"", 0).0
}

fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn encode_prints_the_tutorials_five_lines_first() {
    let out = run("l02-encode", &[]);
    let lines: Vec<&str> = out.lines().collect();
    // 教程里 Python 程序的输出，一字不差。
    assert_eq!(
        lines[..5],
        [
            "I love 游泳",
            r"b'I love \xe6\xb8\xb8\xe6\xb3\xb3'",
            r"b'I love \xe6\xb8\xb8\xe6\xb3\xb3'",
            "I love 游泳",
            "I love 游泳",
        ],
        "{out}"
    );
    assert!(out.contains("字节数：13，字符数：9"), "{out}");
    assert!(
        out.contains("前 10 个字节合法，最后 2 个字节是一个没写完的字符"),
        "{out}"
    );
    assert!(
        out.contains("前 7 个字节合法，偏移 7 处有 1 个不合法的字节"),
        "{out}"
    );
    assert!(out.contains("有损解码：I love ���泳"), "{out}");
    assert_matches_saved(&saved("encode.txt"), &out);
}

#[test]
fn encode_works_for_other_text() {
    let out = run("l02-encode", &["你好"]);
    assert!(out.contains(r"b'\xe4\xbd\xa0\xe5\xa5\xbd'"), "{out}");
    assert!(out.contains("字节数：6，字符数：2"), "{out}");
    // 只有 ASCII 时少一个字节仍然合法，也没有可以换成 0xff 的非 ASCII 字节。
    let out = run("l02-encode", &["abc"]);
    assert!(out.contains("仍然是合法的 UTF-8：ab"), "{out}");
    assert!(!out.contains("0xff"), "{out}");
    // 空字符串也不会 panic。
    let out = run("l02-encode", &[""]);
    assert!(out.contains("字节数：0，字符数：0"), "{out}");
}

#[test]
fn gbk_round_trip_mojibake_and_an_unmappable_character() {
    let out = run("l02-gbk", &[]);
    assert!(
        out.contains(r"GBK 编码：b'I love \xd3\xce\xd3\xbe'（11 个字节，UTF-8 要 13 个）"),
        "{out}"
    );
    assert!(out.contains("按 GBK 解码回来：I love 游泳"), "{out}");
    assert!(
        out.contains("UTF-8 字节当成 GBK 解码：I love 娓告吵"),
        "{out}"
    );
    assert!(
        out.contains("  按 GBK 解码：驱动器 C 中的卷没有标签。"),
        "{out}"
    );
    assert!(out.contains("'😀'（U+1F600）GBK 表示不了"), "{out}");
    assert!(
        out.contains(r"b'\xd0\xa6&#128512;'（报告有替换：是）"),
        "{out}"
    );
    assert_matches_saved(&saved("gbk.txt"), &out);

    let out = run("l02-gbk", &["你好😀"]);
    assert!(out.contains("GBK 表示不了第 3 个字符 '😀'"), "{out}");
}

#[test]
fn split_character_is_garbled_alone_and_whole_when_decoded_incrementally() {
    let out = run("l02-split", &[]);
    assert!(
        out.contains(r"第 1 次读到 8 个字节：b'I love \xe6'"),
        "{out}"
    );
    assert!(
        out.contains(r"第 2 次读到 5 个字节：b'\xb8\xb8\xe6\xb3\xb3'"),
        "{out}"
    );
    assert!(!out.contains("第 3 次"), "{out}");
    assert!(
        out.contains("合起来：单独解码得到“I love ���泳”，增量解码得到“I love 游泳”"),
        "{out}"
    );
    assert_matches_saved(&saved("split.txt"), &out);

    // 分在两个字符之间：两种做法结果一样。
    let out = run("l02-split", &["--at", "7"]);
    assert!(out.contains("正好在两个字符之间"), "{out}");
    assert!(
        out.contains("单独解码得到“I love 游泳”，增量解码得到“I love 游泳”"),
        "{out}"
    );
}

#[test]
fn split_peer_vanishing_mid_character_leaves_a_replacement_character() {
    let out = run("l02-split", &["--truncate"]);
    assert!(
        out.contains("还剩半个字符，等不到后半截了，换成“�”"),
        "{out}"
    );
    assert!(out.contains("增量解码得到“I love 游�”"), "{out}");
    assert_matches_saved(&saved("split-truncate.txt"), &out);
}

#[test]
fn split_rejects_bad_positions_without_panicking() {
    for at in ["13", "100"] {
        let (_, err) = run_with("l02-split", &["--at", at], b"", 1);
        assert!(err.contains("--at 要在 1 到 12 之间"), "--at {at}: {err}");
    }
    // 不可能对的值在解析参数时就被拒绝（退出码 2）。
    for at in ["0", "-1", "18446744073709551615"] {
        let (_, err) = run_with("l02-split", &[&format!("--at={at}")], b"", 2);
        assert!(err.contains("--at"), "--at {at}: {err}");
    }
    let (_, err) = run_with("l02-split", &["a"], b"", 1);
    assert!(err.contains("至少要 2 个才能分两次发"), "{err}");
}

#[test]
fn decode_valid_utf8_from_stdin() {
    let (out, _) = run_with("l02-decode", &[], "I love 游泳\n".as_bytes(), 0);
    assert_eq!(
        out,
        "I love 游泳\n（UTF-8：14 个字节，10 个字符，没有不合法的字节）\n"
    );
}

#[test]
fn decode_reports_every_invalid_byte_with_its_offset() {
    let (out, err) = run_with("l02-decode", &[], b"I love \xff\xb8\xb8\xe6\xb3\n", 1);
    assert!(out.starts_with("I love ����\n"), "{out}");
    for line in [
        r"偏移 7：不合法的字节 b'\xff'",
        r"偏移 8：不合法的字节 b'\xb8'",
        r"偏移 9：不合法的字节 b'\xb8'",
        r"偏移 10：不合法的字节 b'\xe6\xb3'",
    ] {
        assert!(out.contains(line), "缺少 {line:?}：\n{out}");
    }
    assert!(
        err.contains("输入不是合法的 UTF-8：共 4 处不合法的字节，第一处在偏移 7"),
        "{err}"
    );
    assert!(err.contains("--encoding gbk"), "{err}");
}

#[test]
fn decode_gbk_bytes_as_utf8_and_as_gbk() {
    let hex = ["--hex", "c7 fd b6 af c6 f7 20 43"];
    let (out, err) = run_with("l02-decode", &hex, b"", 1);
    assert!(out.contains(r"偏移 5：不合法的字节 b'\xf7'"), "{out}");
    assert!(err.contains("共 6 处不合法的字节"), "{err}");
    assert_matches_saved(&saved("decode-as-utf8.txt"), &out);

    let (out, _) = run_with("l02-decode", &[hex[0], hex[1], "--encoding", "gbk"], b"", 0);
    assert_eq!(
        out,
        "驱动器 C\n（GBK：8 个字节，5 个字符，没有不合法的字节）\n"
    );
    assert_matches_saved(&saved("decode-as-gbk.txt"), &out);

    // 半个 GBK 汉字：按 GBK 解码也报告偏移，并建议另一种编码。
    let (out, err) = run_with("l02-decode", &["--encoding", "GB2312"], b"ok\xd3", 1);
    assert!(out.contains(r"偏移 2：不合法的字节 b'\xd3'"), "{out}");
    assert!(
        err.contains("输入不是合法的 GBK") && err.contains("--encoding utf-8"),
        "{err}"
    );
}

#[test]
fn decode_empty_input_is_not_an_error() {
    let (out, _) = run_with("l02-decode", &[], b"", 0);
    assert!(out.contains("输入是空的（0 个字节）"), "{out}");
}

#[test]
fn decode_a_mebibyte() {
    // 略多于 1 MiB：“游泳 ”每组 7 个字节、3 个字符。
    let unit = "游泳 ";
    let count = 1024 * 1024 / unit.len() + 1;
    let text = unit.repeat(count);
    let (out, _) = run_with("l02-decode", &[], text.as_bytes(), 0);
    let summary = format!(
        "（UTF-8：{} 个字节，{} 个字符，没有不合法的字节）",
        text.len(),
        count * 3
    );
    assert!(
        out.ends_with(&format!("{summary}\n")),
        "最后一行应当是 {summary}"
    );
    assert!(out.starts_with(&text), "解码出的文字应当原样打印出来");

    // 同样大小，只在靠近末尾处坏一个字节：偏移要准。
    let mut bytes = text.into_bytes();
    let bad_at = bytes.len() - 7; // 最后一个“游”字的首字节
    bytes[bad_at] = 0xff;
    let (out, err) = run_with("l02-decode", &[], &bytes, 1);
    let line = format!(r"偏移 {bad_at}：不合法的字节 b'\xff'");
    assert!(out.contains(&line), "缺少 {line:?}");
    assert!(err.contains(&format!("第一处在偏移 {bad_at}")), "{err}");
}

#[test]
fn decode_lists_at_most_ten_places() {
    let (out, err) = run_with("l02-decode", &[], &[0xff; 25], 1);
    assert_eq!(out.matches("不合法的字节").count(), 10, "{out}");
    assert!(out.contains("……还有 15 处没有列出"), "{out}");
    assert!(err.contains("共 25 处"), "{err}");
}

#[test]
fn decode_reads_a_file() {
    let mut file = tempfile::NamedTempFile::new().expect("能建临时文件");
    file.write_all(b"\xd3\xce\xd3\xbe").expect("能写临时文件");
    let path = file.path().to_str().expect("路径是 UTF-8");
    let (out, _) = run_with("l02-decode", &[path, "--encoding", "gbk"], b"", 0);
    assert!(out.starts_with("游泳\n"), "{out}");
}

#[test]
fn decode_bad_arguments_and_oversized_input_get_clear_errors() {
    let (_, err) = run_with("l02-decode", &["--max-bytes", "1000"], &[b'a'; 1001], 1);
    assert!(err.contains("输入超过了上限（1000 个字节）"), "{err}");
    // 正好在上限上是可以的。
    run_with("l02-decode", &["--max-bytes", "1000"], &[b'a'; 1000], 0);
    // 上限可以带单位，报错时也用人看得懂的大小。
    let (_, err) = run_with("l02-decode", &["--max-bytes", "1KiB"], &[b'a'; 1025], 1);
    assert!(err.contains("输入超过了上限（1 KiB）"), "{err}");
    // 不可能对的上限在解析参数时就被拒绝（退出码 2）。
    for bad in ["0", "2GiB", "18446744073709551615", "很多"] {
        let (_, err) = run_with("l02-decode", &["--max-bytes", bad], b"", 2);
        assert!(err.contains("--max-bytes"), "--max-bytes {bad}: {err}");
    }

    let (_, err) = run_with("l02-decode", &["--encoding", "latin1"], b"x", 1);
    assert!(err.contains("不支持的编码 \"latin1\""), "{err}");
    let (_, err) = run_with("l02-decode", &["--hex", "e6 b"], b"", 1);
    assert!(err.contains("个数应当是偶数"), "{err}");
    let (_, err) = run_with("l02-decode", &["--hex", "+f"], b"", 1);
    assert!(err.contains("不是两位十六进制数"), "{err}");
    let (_, err) = run_with("l02-decode", &["/这个文件/不存在"], b"", 1);
    assert!(err.contains("打不开文件 /这个文件/不存在"), "{err}");
}

/// 完整版的程序：都有 --version，帮助是中文，每个默认值只写一次。
#[test]
fn every_full_program_has_a_version_and_chinese_help() {
    for bin in [
        "l02-pitfalls",
        "l02-encode",
        "l02-gbk",
        "l02-split",
        "l02-decode",
    ] {
        let version = run(bin, &["--version"]);
        assert!(version.starts_with(&format!("{bin} ")), "{version}");
        let help = run(bin, &["--help"]);
        assert!(help.contains(&format!("用法: {bin}")), "{help}");
        assert!(
            help.contains("显示帮助") && help.contains("显示版本"),
            "{help}"
        );
        for english in ["Usage", "Options", "Arguments", "Print help", "[default"] {
            assert!(
                !help.contains(english),
                "{bin} 的帮助里有 {english:?}：\n{help}"
            );
        }
        for line in help.lines() {
            assert!(
                line.matches("默认").count() <= 1,
                "{bin}：默认值写了两次：{line}"
            );
        }
    }
    // 大小写成人看得懂的样子。
    let help = run("l02-decode", &["--help"]);
    assert!(help.contains("（默认：16MiB）"), "{help}");
}
