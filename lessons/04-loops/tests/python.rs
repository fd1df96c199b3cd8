//! 与 Python 版互通：Python 客户端对 Rust 服务端、Rust 客户端对 Python 服务端，
//! 说的是同一个协议，打印的是同样的内容。机器上没有 python3 时跳过并说明。

mod common;

use std::fs;

use common::{bin, first_session, mask};
use testkit::Proc;

fn script(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn saved(name: &str) -> String {
    let path = format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"));
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("读 {path} 失败：{e}"))
}

const SESSION: &str = "i am binary\ni am handsome\n";

#[test]
fn python_client_talks_to_the_rust_server() {
    let Some(py) = testkit::python3("python_client_talks_to_the_rust_server") else {
        return;
    };
    let srv = Proc::server(&bin("l04-server"), ["--port", "0"]);
    let port = srv.port();
    let out = testkit::run(py, [script("client.py").as_str(), "--port", &port], SESSION);
    assert!(out.status.success(), "{}", out.stderr);
    // 和书里展示的 Rust 客户端的输出逐行相同（时间和端口换成固定值之后）。
    assert_eq!(mask(&out.stdout, &port, "6969"), saved("client.txt"));
}

#[test]
fn rust_client_talks_to_the_python_server() {
    let Some(py) = testkit::python3("rust_client_talks_to_the_python_server") else {
        return;
    };
    let mut srv = Proc::server(py, [script("server.py").as_str(), "--port", "0"]);
    let port = srv.port();
    let out = testkit::run(&bin("l04-client"), ["--port", &port], SESSION);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(mask(&out.stdout, &port, "6969"), saved("client.txt"));
    // 第二个客户端得到回复时，服务端一定已经回到了外层循环。
    let again = testkit::run(&bin("l04-client"), ["--port", &port], "还在吗\n");
    assert!(again.stdout.contains("收到：[还在吗] "), "{}", again.stdout);
    let log = srv.kill_and_collect().stdout;
    // Python 服务端的日志和 Rust 服务端的也一样。
    assert_eq!(
        mask(&first_session(&log), &port, "6969"),
        saved("server.txt")
    );
}

#[test]
fn python_threaded_client_talks_to_the_rust_threaded_server() {
    let Some(py) = testkit::python3("python_threaded_client_talks_to_the_rust_threaded_server")
    else {
        return;
    };
    let srv = Proc::server(&bin("l04-threaded-server"), ["--port", "0"]);
    let out = testkit::run(
        py,
        [script("threaded_client.py").as_str(), "--port", &srv.port()],
        "",
    );
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(out.stdout, saved("threaded-client.txt"));
}

#[test]
fn rust_threaded_client_talks_to_the_python_threaded_server() {
    let Some(py) = testkit::python3("rust_threaded_client_talks_to_the_python_threaded_server")
    else {
        return;
    };
    let mut srv = Proc::server(py, [script("threaded_server.py").as_str(), "--port", "0"]);
    let port = srv.port();
    let out = testkit::run(
        &bin("l04-threaded-client"),
        ["--port", &port, "--names", "小明,Bob"],
        "",
    );
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(out.stdout, "Welcome!\nHello, 小明!\nHello, Bob!\n");
    srv.expect_stdout("的连接已关闭（2 条消息）");
}

#[test]
fn python_and_rust_chat_clients_share_a_room() {
    let Some(py) = testkit::python3("python_and_rust_chat_clients_share_a_room") else {
        return;
    };
    let srv = Proc::server(&bin("l04-chat-server"), ["--port", "0"]);
    let port = srv.port();
    let mut rust = Proc::spawn(&bin("l04-chat-client"), ["--port", &port]);
    rust.expect_stdout("你是 用户1");
    let mut python = Proc::spawn(py, [script("chat_client.py").as_str(), "--port", &port]);
    python.expect_stdout("你是 用户2");
    rust.expect_stdout("用户2 加入了聊天室");
    python.send_line("我是 Python");
    rust.expect_stdout("用户2：我是 Python");
    rust.send_line("我是 Rust");
    python.expect_stdout("用户1：我是 Rust");
    let py_out = python.finish();
    assert!(py_out.status.success(), "{}", py_out.stderr);
    assert!(py_out.stdout.contains("你已离开聊天室"));
    rust.expect_stdout("用户2 离开了聊天室");
    let rust_out = rust.finish();
    assert!(rust_out.status.success(), "{}", rust_out.stderr);
}
