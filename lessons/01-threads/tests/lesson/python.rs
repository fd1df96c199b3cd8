//! 与 Python 版对照：同样的程序，Python 和 Rust 打印出逐行相同的输出。
//! 机器上没有 python3 时跳过并说明。

use assert_cmd::Command;
use testkit::DEADLINE;

fn output(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .timeout(DEADLINE)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("输出是 UTF-8")
}

fn rust(bin: &str) -> String {
    let path = assert_cmd::cargo::cargo_bin(bin);
    output(path.to_str().expect("路径是 UTF-8"), &[])
}

fn python(script: &str) -> Option<String> {
    let py = testkit::python3(script)?;
    let path = format!("{}/python/{script}", env!("CARGO_MANIFEST_DIR"));
    Some(output(py, &[&path]))
}

#[test]
fn named_threads_match_python() {
    if let Some(py) = python("named.py") {
        assert_eq!(py, rust("l01-named"));
    }
}

#[test]
fn stop_flag_matches_python() {
    if let Some(py) = python("stop_flag.py") {
        assert_eq!(py, rust("l01-stop-flag"));
    }
}
