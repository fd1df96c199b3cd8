//! 书里“会坏在哪里”的几次运行：`l02-pitfalls` 让教程版的解码方法碰上真实世界的字节，
//! 保存下来的输出由这里保持与实际一致，书里的每句说法都有一条断言。

use testkit::{assert_matches_saved, Finished};

fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn pitfall(what: &str) -> Finished {
    testkit::run(env!("CARGO_BIN_EXE_l02-pitfalls"), [what], "")
}

/// 标准输出，后面跟着标准错误（每行前加 `标准错误｜`）和退出码，就像在终端里看到的那样。
fn as_seen(out: &Finished) -> String {
    let mut text = out.stdout.clone();
    for line in out.stderr.lines() {
        text.push_str(&format!("标准错误｜{line}\n"));
    }
    let code = out.status.code().expect("程序自己结束，不是被信号杀掉的");
    text.push_str(&format!("# 退出码 {code}\n"));
    text
}

#[test]
fn one_bad_byte_ends_the_tutorials_program() {
    let out = pitfall("bad-bytes");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        out.stdout.contains(
            "Err：invalid utf-8 sequence of 1 bytes from index 7（valid_up_to = 7，error_len = Some(1)）"
        ),
        "{}",
        out.stdout
    );
    // ? 让 main 带着错误返回：标准库把错误的 Debug 形式打印到标准错误，之后什么都没有打印。
    assert!(out.stdout.ends_with("用 ? 交给 main：\n"), "{}", out.stdout);
    assert!(
        out.stderr
            .starts_with("Error: Custom { kind: Other, error: FromUtf8Error"),
        "{}",
        out.stderr
    );
    assert_matches_saved(&saved("breaks-bad-bytes.txt"), &as_seen(&out));
}

#[test]
fn a_character_split_across_two_reads_fails_both_times() {
    let out = pitfall("split-read");
    assert!(out.status.success(), "{out:?}");
    let text = &out.stdout;
    assert!(
        text.contains(r"第 1 次读到 8 个字节：b'I love \xe6'"),
        "{text}"
    );
    assert!(
        text.contains(
            "Err：incomplete utf-8 byte sequence from index 7（valid_up_to = 7，error_len = None）"
        ),
        "{text}"
    );
    assert!(
        text.contains(r"第 2 次读到 5 个字节：b'\xb8\xb8\xe6\xb3\xb3'"),
        "{text}"
    );
    assert!(
        text.contains("Err：invalid utf-8 sequence of 1 bytes from index 0（valid_up_to = 0，error_len = Some(1)）"),
        "{text}"
    );
    assert!(!text.contains("第 3 次"), "{text}");
    assert!(
        text.ends_with("两次读到的字节拼起来：Ok(\"I love 游泳\")\n"),
        "{text}"
    );
    assert_matches_saved(&saved("breaks-split-read.txt"), text);
}

#[test]
fn gbk_bytes_are_not_utf8() {
    let out = pitfall("gbk-as-utf8");
    assert!(out.status.success(), "{out:?}");
    let text = &out.stdout;
    assert!(
        text.contains("str::from_utf8：Err：invalid utf-8 sequence of 1 bytes from index 0"),
        "{text}"
    );
    assert!(
        text.contains("String::from_utf8_lossy：������ C �еľ�û�б�ǩ��"),
        "{text}"
    );
    assert_matches_saved(&saved("breaks-gbk-as-utf8.txt"), text);
}

/// panic 的第一行里有线程号（较新的 Rust 才有）和源文件的行号、列号，每次编译、每次运行都可能不同；
/// 较新的 Rust 还在它前面空一行。换成固定的写法再和书里保存的比较。
fn without_thread_id_and_position(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|line| !line.is_empty())
        .map(|line| match line.split_once(" panicked at ") {
            Some((_, place)) if line.starts_with("thread 'main'") => {
                let file = place.split(':').next().unwrap_or(place);
                let file = file
                    .rsplit_once("lessons/02-encoding/")
                    .map_or(file, |(_, f)| f);
                format!("thread 'main' panicked at {file}:…:")
            }
            _ => line.to_string(),
        })
        .map(|l| l + "\n")
        .collect()
}

#[test]
fn slicing_inside_a_character_panics() {
    let out = pitfall("slice");
    assert_eq!(out.status.code(), Some(101), "{out:?}");
    assert!(out.stdout.contains("text.get(..8)：None"), "{}", out.stdout);
    assert!(
        out.stdout.contains("text.is_char_boundary(8)：false"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("byte index 8 is not a char boundary; it is inside '游' (bytes 7..10)"),
        "{}",
        out.stderr
    );
    let shown = Finished {
        status: out.status,
        stdout: out.stdout.clone(),
        stderr: without_thread_id_and_position(&out.stderr),
    };
    assert_matches_saved(&saved("breaks-slice.txt"), &as_seen(&shown));
}

#[test]
fn panic_header_is_normalized() {
    assert_eq!(
        without_thread_id_and_position(
            "\nthread 'main' (2559) panicked at lessons/02-encoding/src/bin/pitfalls.rs:99:22:\nx\n"
        ),
        "thread 'main' panicked at src/bin/pitfalls.rs:…:\nx\n"
    );
    assert_eq!(
        without_thread_id_and_position("thread 'main' panicked at src/bin/pitfalls.rs:9:2:\n"),
        "thread 'main' panicked at src/bin/pitfalls.rs:…:\n"
    );
}
