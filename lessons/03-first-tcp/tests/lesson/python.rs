//! 与 Python 互通：Rust 客户端 ↔ Python 服务端，Python 客户端 ↔ Rust 服务端。
//! 两边说的是同一种“话”（UTF-8 字节，一问一答），所以可以互换。
//! 机器上没有 python3 时跳过并说明。

use testkit::Proc;

const SERVER: &str = env!("CARGO_BIN_EXE_l03-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l03-client");

fn script(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn rust_client_talks_to_python_server() {
    let Some(py) = testkit::python3("rust_client_talks_to_python_server") else {
        return;
    };
    let server = Proc::server(py, [script("server.py").as_str(), "--port", "0"]);
    let out = testkit::run(CLIENT, ["--port", &server.port(), "来自 Rust 的问候"], "");
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("按 UTF-8 解码：我是Server"),
        "{}",
        out.stdout
    );
    let srv = server.finish();
    assert!(srv.status.success(), "{}", srv.stderr);
    assert!(
        srv.stdout.contains("按 UTF-8 解码：来自 Rust 的问候"),
        "{}",
        srv.stdout
    );
    // Python 打印 bytes 的样子和 Rust 这边 bytes_literal 的样子逐字相同。
    let literal = lesson_02::bytes_literal("来自 Rust 的问候".as_bytes());
    assert!(
        srv.stdout.contains(&literal),
        "{literal} 不在：\n{}",
        srv.stdout
    );
}

#[test]
fn python_client_talks_to_rust_server() {
    let Some(py) = testkit::python3("python_client_talks_to_rust_server") else {
        return;
    };
    let server = Proc::server(SERVER, ["--port", "0"]);
    let out = testkit::run(
        py,
        [
            script("client.py").as_str(),
            "--port",
            &server.port(),
            "来自 Python 的问候",
        ],
        "",
    );
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("按 UTF-8 解码：我是Server"),
        "{}",
        out.stdout
    );
    let srv = server.finish();
    assert!(srv.status.success(), "{}", srv.stderr);
    assert!(
        srv.stdout.contains("按 UTF-8 解码：来自 Python 的问候"),
        "{}",
        srv.stdout
    );
}

#[test]
fn rust_and_python_clients_print_the_same_reply() {
    let Some(py) = testkit::python3("rust_and_python_clients_print_the_same_reply") else {
        return;
    };
    let server = Proc::server(SERVER, ["--port", "0"]);
    let py_out = testkit::run(
        py,
        [script("client.py").as_str(), "--port", &server.port()],
        "",
    );
    server.finish();
    let server = Proc::server(SERVER, ["--port", "0"]);
    let rust_out = testkit::run(CLIENT, ["--port", &server.port()], "");
    server.finish();
    assert!(py_out.status.success(), "{}", py_out.stderr);
    assert!(rust_out.status.success(), "{}", rust_out.stderr);
    // Rust 版多打印了连接和发送的两行，回复的两行必须一模一样。
    let tail = |s: &str| {
        s.lines()
            .rev()
            .take(2)
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let rust_tail = tail(&rust_out.stdout);
    assert_eq!(
        rust_tail,
        [
            "按 UTF-8 解码：我是Server",
            r"收到回复 12 个字节：b'\xe6\x88\x91\xe6\x98\xafServer'"
        ],
        "{}",
        rust_out.stdout
    );
    assert_eq!(tail(&py_out.stdout), rust_tail);
}
