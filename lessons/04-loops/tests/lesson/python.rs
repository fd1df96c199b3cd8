//! 与 Python 互通：本课 `python/` 里的对照程序，以及照教程的样子写的程序，
//! 和 Rust 程序双向对话——Python 客户端对 Rust 服务端、Rust 客户端对 Python 服务端，
//! 说的是同一个协议，打印的是同样的内容。机器上没有 python3 时跳过并说明。

use crate::common;

use std::fs;
use std::io::{Read, Write};
use std::net::Shutdown;

use common::{bin, first_session, mask, raw_stream, SHOWN_TIME};
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

// 下面四个程序照教程的样子写：一次 send、不带换行符，一次 recv(1024) 就是一条消息，不做任何额外处理。
// 它们和本课的 Rust 程序双向对话，证明线路上的格式和教程一字不差。

/// 教程 V2 那样的客户端：发两句，每句之后 recv(1024) 一次。
const TUTORIAL_CLIENT: &str = r#"
import socket, sys
client = socket.socket()
client.connect(("127.0.0.1", int(sys.argv[1])))
for text in ["i am binary", "i am handsome"]:
    client.send(text.encode("utf-8"))
    print(client.recv(1024).decode("utf-8"), flush=True)
client.close()
"#;

/// 教程 V2 那样的服务端：两层循环，读到 b'' 离开内层循环；回复 b'[%s] %s'。
const TUTORIAL_SERVER: &str = r#"
import socket, time
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(5)
print("listening on %s:%d" % server.getsockname(), flush=True)
while True:
    conn, addr = server.accept()
    while True:
        data = conn.recv(1024)
        if not data:
            break
        conn.send(b"[%s] %s" % (data, time.ctime().encode("utf-8")))
    conn.close()
"#;

/// 教程那样的多线程客户端。最后一句 recv 是测试加的：确认服务端因为 exit 关闭了连接。
const TUTORIAL_THREADED_CLIENT: &str = r#"
import socket, sys
s = socket.socket()
s.connect(("127.0.0.1", int(sys.argv[1])))
print(s.recv(1024).decode("utf-8"), flush=True)
for data in [b"Michael", b"Tracy", b"Sarah"]:
    s.send(data)
    print(s.recv(1024).decode("utf-8"), flush=True)
s.send(b"exit")
assert s.recv(1024) == b"", "exit 之后服务端应该关闭连接"
s.close()
"#;

/// 教程那样的多线程服务端：先发 Welcome!，每条消息回复 Hello, %s!，exit 或 b'' 结束。
const TUTORIAL_THREADED_SERVER: &str = r#"
import socket, threading
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
print("listening on %s:%d" % s.getsockname(), flush=True)
def tcplink(sock):
    sock.send(b"Welcome!")
    while True:
        data = sock.recv(1024)
        if not data or data.decode("utf-8") == "exit":
            break
        sock.send(("Hello, %s!" % data.decode("utf-8")).encode("utf-8"))
    sock.close()
while True:
    sock, addr = s.accept()
    threading.Thread(target=tcplink, args=(sock,), daemon=True).start()
"#;

#[test]
fn tutorial_style_client_talks_to_the_rust_server() {
    let Some(py) = testkit::python3("tutorial_style_client_talks_to_the_rust_server") else {
        return;
    };
    let mut srv = Proc::server(&bin("l04-server"), ["--port", "0"]);
    let port = srv.port();
    let out = testkit::run(py, ["-c", TUTORIAL_CLIENT, &port], "");
    assert!(out.status.success(), "{}", out.stderr);
    // 每次 recv 拿到的正好是一条回复；回复里要是多一个换行符，这里就会多出一个空行。
    assert_eq!(
        mask(&out.stdout, &port, "6969"),
        format!("[i am binary] {SHOWN_TIME}\n[i am handsome] {SHOWN_TIME}\n")
    );
    srv.expect_stdout("断开了连接（这次共 2 条消息）");
}

#[test]
fn rust_client_talks_to_a_tutorial_style_server() {
    let Some(py) = testkit::python3("rust_client_talks_to_a_tutorial_style_server") else {
        return;
    };
    let srv = Proc::server(py, ["-c", TUTORIAL_SERVER]);
    let port = srv.port();
    let out = testkit::run(&bin("l04-client"), ["--port", &port], SESSION);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(mask(&out.stdout, &port, "6969"), saved("client.txt"));
}

#[test]
fn tutorial_style_threaded_client_talks_to_the_rust_threaded_server() {
    let Some(py) =
        testkit::python3("tutorial_style_threaded_client_talks_to_the_rust_threaded_server")
    else {
        return;
    };
    let mut srv = Proc::server(&bin("l04-threaded-server"), ["--port", "0"]);
    let out = testkit::run(py, ["-c", TUTORIAL_THREADED_CLIENT, &srv.port()], "");
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(out.stdout, saved("threaded-client.txt"));
    srv.expect_stdout("的连接已关闭（3 条消息）");
}

#[test]
fn rust_threaded_client_talks_to_a_tutorial_style_threaded_server() {
    let Some(py) =
        testkit::python3("rust_threaded_client_talks_to_a_tutorial_style_threaded_server")
    else {
        return;
    };
    let srv = Proc::server(py, ["-c", TUTORIAL_THREADED_SERVER]);
    let port = srv.port();
    let out = testkit::run(&bin("l04-threaded-client"), ["--port", &port], "");
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(out.stdout, saved("threaded-client.txt"));
    let out = testkit::run(
        &bin("l04-threaded-client"),
        ["--port", &port, "--names", "小明,Bob"],
        "",
    );
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(out.stdout, "Welcome!\nHello, 小明!\nHello, Bob!\n");
}

#[test]
fn python_server_splits_a_long_message_the_same_way() {
    let Some(py) = testkit::python3("python_server_splits_a_long_message_the_same_way") else {
        return;
    };
    let mut srv = Proc::server(py, [script("server.py").as_str(), "--port", "0"]);
    let port = srv.port();
    let mut raw = raw_stream(&port);
    let message: Vec<u8> = (0..2500).map(|i| b'0' + (i % 10) as u8).collect();
    raw.write_all(&message).unwrap();
    raw.shutdown(Shutdown::Write).unwrap();
    let mut replies = Vec::new();
    raw.read_to_end(&mut replies).unwrap();
    let again = testkit::run(&bin("l04-client"), ["--port", &port], "还在吗\n");
    assert!(again.stdout.contains("收到：[还在吗] "), "{}", again.stdout);
    let log = srv.kill_and_collect().stdout;
    // 和 Rust 服务端的日志（书里展示的那一段）一样：三次 recv，三条消息。
    assert_eq!(
        mask(&first_session(&log), &port, "6969"),
        saved("long-message.txt")
    );
}
