//! 与 Python 版对照：同样的程序，Python 和 Rust 打印出逐行相同的输出；
//! `bytes_literal` 与 Python 的 `repr(bytes)` 对所有 256 个字节值和各种引号组合都一致。
//! 机器上没有 python3 时跳过并说明。

use assert_cmd::Command;
use lesson_02::bytes_literal;
use testkit::DEADLINE;

fn output(program: &str, args: &[&str], stdin: &str) -> String {
    let out = Command::new(program)
        .args(args)
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .env("PYTHONIOENCODING", "utf-8")
        .write_stdin(stdin.to_string())
        .timeout(DEADLINE)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("输出是 UTF-8")
}

fn rust(bin: &str, args: &[&str]) -> String {
    let path = assert_cmd::cargo::cargo_bin(bin);
    output(path.to_str().expect("路径是 UTF-8"), args, "")
}

fn python(test: &str, script: &str, args: &[&str]) -> Option<String> {
    let py = testkit::python3(test)?;
    let path = format!("{}/python/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut all = vec![path.as_str()];
    all.extend_from_slice(args);
    Some(output(py, &all, ""))
}

/// 逐行比较，第一处不同的行号和内容都写进失败信息里。
fn assert_same_lines(python: &str, rust: &str, what: &str) {
    let (p, r): (Vec<&str>, Vec<&str>) = (python.lines().collect(), rust.lines().collect());
    for (i, (pl, rl)) in p.iter().zip(&r).enumerate() {
        assert_eq!(
            pl,
            rl,
            "{what}：第 {} 行不同\nPython：{pl}\nRust：  {rl}",
            i + 1
        );
    }
    assert_eq!(
        p.len(),
        r.len(),
        "{what}：行数不同\nPython:\n{python}\nRust:\n{rust}"
    );
}

#[test]
fn encode_matches_python() {
    for args in [
        &[][..],
        &["你好，世界"],
        &["abc"],
        &["😀 emoji"],
        &["It's \"quoted\"\t"],
    ] {
        if let Some(py) = python("encode_matches_python", "encode.py", args) {
            assert_same_lines(&py, &rust("l02-encode", args), &format!("encode {args:?}"));
        }
    }
}

#[test]
fn gbk_matches_python() {
    if let Some(py) = python("gbk_matches_python", "gbk.py", &[]) {
        assert_same_lines(&py, &rust("l02-gbk", &[]), "gbk");
    }
}

#[test]
fn split_matches_python() {
    if let Some(py) = python("split_matches_python", "split.py", &[]) {
        assert_same_lines(&py, &rust("l02-split", &[]), "split");
    }
}

/// 十六进制写法，交给 Python 的 bytes.fromhex。
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn bytes_literal_matches_python_repr() {
    let mut cases: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
    cases.push((0..=255u8).collect());
    cases.push((0..=255u8).rev().collect());
    for quoted in [
        &b""[..],
        b"'",
        b"\"",
        b"'\"",
        b"\"'",
        b"it's",
        b"say \"hi\"",
        b"it's \"both\"",
        b"\\'",
        b"\\\"",
        b"''\"",
        b"\r\n\t\x0b\x0c\x7f\x80",
    ] {
        cases.push(quoted.to_vec());
    }
    cases.push("I love 游泳".as_bytes().to_vec());
    // 空的字节串在一行里就是空行，Python 的 fromhex("") 也得到 b''。
    let input: String = cases.iter().map(|c| hex(c) + "\n").collect();
    let Some(py) = testkit::python3("bytes_literal_matches_python_repr") else {
        return;
    };
    let script =
        "import sys\nfor line in sys.stdin:\n    print(repr(bytes.fromhex(line.strip())))\n";
    let out = output(py, &["-c", script], &input);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), cases.len(), "Python 的输出行数不对：\n{out}");
    for (case, want) in cases.iter().zip(lines) {
        assert_eq!(
            bytes_literal(case),
            want,
            "bytes_literal({case:?}) 与 Python 的 repr 不同"
        );
    }
}
