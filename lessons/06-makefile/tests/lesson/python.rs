//! 与 Python 版互通：Rust 客户端对 Python 服务端，Python 客户端对 Rust 服务端。
//! 同一句话，两个客户端打印出逐行相同的输出。机器上没有 python3 时跳过并说明。

use assert_cmd::Command;
use testkit::{Proc, DEADLINE};

fn script(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

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

fn rust_client(port: &str, args: &[&str]) -> String {
    let path = assert_cmd::cargo::cargo_bin("l06-client");
    let mut all = vec!["--port", port];
    all.extend_from_slice(args);
    output(path.to_str().expect("路径是 UTF-8"), &all)
}

fn python_client(py: &str, port: &str, args: &[&str]) -> String {
    let path = script("makefile_client.py");
    let mut all = vec![path.as_str(), "--port", port];
    all.extend_from_slice(args);
    output(py, &all)
}

#[test]
fn rust_client_talks_to_the_python_server() {
    let Some(py) = testkit::python3("rust_client_talks_to_the_python_server") else {
        return;
    };
    let server = Proc::server(py, [script("makefile_server.py").as_str(), "--port", "0"]);
    let out = rust_client(&server.port(), &[]);
    assert!(
        out.contains("收到：Return your msg:你好世界和平万岁一二\n"),
        "{out}"
    );
    let out = rust_client(&server.port(), &["你好"]);
    assert!(out.contains("收到：Return your msg:你好\n"), "{out}");
}

#[test]
fn python_client_talks_to_the_rust_server_and_prints_the_same() {
    let Some(py) = testkit::python3("python_client_talks_to_the_rust_server_and_prints_the_same")
    else {
        return;
    };
    let server = Proc::server(env!("CARGO_BIN_EXE_l06-server"), ["--port", "0"]);
    for args in [&[][..], &["你好"][..], &["abc 一二三四五六七八九十"][..]] {
        let from_python = python_client(py, &server.port(), args);
        assert!(
            from_python.contains("收到：Return your msg:"),
            "{from_python}"
        );
        assert_eq!(
            from_python,
            rust_client(&server.port(), args),
            "参数 {args:?}"
        );
    }
}
