//! 与 Python 版互通：Rust 客户端问 Python 服务端，Python 客户端问 Rust 服务端，
//! 双方说的是同一种“协议”（一个数据报问，一个数据报答）。机器上没有 python3 时跳过并说明。

use crate::common;

use common::{answers, free_port, normalize_addrs, server};
use testkit::Proc;

const CLIENT: &str = env!("CARGO_BIN_EXE_l05-client");

fn script(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn rust_client_talks_to_python_server() {
    let Some(py) = testkit::python3("rust_client_talks_to_python_server") else {
        return;
    };
    let mut pysrv = Proc::server(py, [script("udp_server.py").as_str(), "--port", "0"]);
    let port = pysrv.port();
    let out = testkit::run(CLIENT, ["--port", port.as_str(), "小明", "Tracy"], "");
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(answers(&out.stdout), ["Hello, 小明!", "Hello, Tracy!"]);
    let py_log = pysrv.kill_and_collect().stdout;

    // 同一个客户端问 Rust 服务端：两个服务端打印的内容也一样。
    let mut rsrv = server(&[]);
    let out = testkit::run(
        CLIENT,
        ["--port", rsrv.port().as_str(), "小明", "Tracy"],
        "",
    );
    assert!(out.status.success(), "{}", out.stderr);
    let rust_log = rsrv.kill_and_collect().stdout;
    assert_eq!(
        normalize_addrs(&py_log, pysrv.addr().port()),
        normalize_addrs(&rust_log, rsrv.addr().port())
    );
}

#[test]
fn python_client_talks_to_rust_server() {
    let Some(py) = testkit::python3("python_client_talks_to_rust_server") else {
        return;
    };
    let srv = server(&["--drop", "0.4", "--seed", "3"]);
    let port = srv.port();
    let args = [
        script("udp_client.py"),
        "--port".into(),
        port.clone(),
        "--timeout-ms".into(),
        "1000".into(),
    ];
    let py_out = testkit::run(py, &args, "");
    assert!(py_out.status.success(), "{}", py_out.stderr);
    assert_eq!(
        answers(&py_out.stdout),
        ["Hello, Michael!", "Hello, Tracy!", "Hello, Sarah!"]
    );
    // 对同样丢包的服务端，Python 版和 Rust 版重发的次数、打印的每一行都一样。
    let srv2 = server(&["--drop", "0.4", "--seed", "3"]);
    let rust_out = testkit::run(
        CLIENT,
        ["--port", srv2.port().as_str(), "--timeout-ms", "1000"],
        "",
    );
    assert_eq!(py_out.stdout, rust_out.stdout);
}

#[test]
fn python_client_without_a_server_says_what_to_do() {
    let Some(py) = testkit::python3("python_client_without_a_server_says_what_to_do") else {
        return;
    };
    let port = free_port().to_string();
    let args = [
        script("udp_client.py"),
        "--port".into(),
        port,
        "--timeout-ms".into(),
        "100".into(),
    ];
    let out = testkit::run(py, &args, "");
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("just lesson 05 server"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("Traceback"), "{}", out.stderr);
}
