//! 和 Python asyncio 版互通：Rust 服务端对 Python 客户端，Python 服务端对 Rust 客户端（以及别的课的客户端）。
//! 没有 python3 时说明原因后跳过。

use std::io::{Read, Write};

use testkit::{peers, Proc};

use crate::common::*;

fn py_server(py: &str, script: &str, extra: &[&str]) -> Proc {
    let mut args = vec![python(script), "--port".into(), "0".into()];
    args.extend(extra.iter().map(|s| s.to_string()));
    Proc::server(py, args)
}

#[test]
fn the_python_client_crowd_talks_to_the_rust_server() {
    let Some(py) = testkit::python3("the_python_client_crowd_talks_to_the_rust_server") else {
        return;
    };
    let srv = server(SERVER, &["--quiet"]);
    let one = testkit::run(py, [python("client.py"), "--port".into(), srv.port()], "");
    assert!(one.status.success(), "{one:?}");
    assert_eq!(
        one.stdout,
        "Welcome!\nHello, Michael!\nHello, Tracy!\nHello, Sarah!\n"
    );
    let many = testkit::run(
        py,
        [
            python("client.py"),
            "--port".into(),
            srv.port(),
            "--clients".into(),
            "30".into(),
        ],
        "",
    );
    assert!(many.status.success(), "{many:?}");
    assert!(many.stdout.contains("90 条回复全部正确"), "{}", many.stdout);
}

#[test]
fn rust_clients_talk_to_the_python_server() {
    let Some(py) = testkit::python3("rust_clients_talk_to_the_python_server") else {
        return;
    };
    let srv = py_server(py, "server.py", &[]);
    let ours = testkit::run(CLIENT, ["--port", &srv.port(), "--clients", "30"], "");
    assert!(ours.status.success(), "{ours:?}");
    let theirs = testkit::run(&other("l04-threaded-client"), ["--port", &srv.port()], "");
    assert_eq!(
        theirs.stdout,
        "Welcome!\nHello, Michael!\nHello, Tracy!\nHello, Sarah!\n"
    );
}

#[cfg(unix)]
#[test]
fn the_python_server_drains_on_ctrl_c_like_ours() {
    let Some(py) = testkit::python3("the_python_server_drains_on_ctrl_c_like_ours") else {
        return;
    };
    let mut srv = py_server(py, "server.py", &["--delay-ms", "200"]);
    let mut s = peers::connect(srv.addr()).unwrap();
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"Welcome!");
    s.write_all(b"Tracy").unwrap();
    srv.expect_stdout("接受来自");
    ctrl_c(&srv);
    srv.expect_stdout("不再接受新连接");
    let n = s.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"Hello, Tracy!");
    s.write_all(b"exit").unwrap();
    let done = srv.finish();
    assert_eq!(done.status.code(), Some(0), "{done:?}");
}

#[test]
fn the_lesson_08_client_talks_to_the_python_framed_server() {
    let Some(py) = testkit::python3("the_lesson_08_client_talks_to_the_python_framed_server")
    else {
        return;
    };
    let srv = py_server(py, "framed_server.py", &[]);
    let out = testkit::run(
        &other("l08-framed-client"),
        ["--port", &srv.port(), "你好", "我爱阿芬"],
        "",
    );
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stdout.contains("发了 2 帧，每帧都收到了回显"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_lesson_04_chat_clients_talk_in_the_python_room() {
    let Some(py) = testkit::python3("the_lesson_04_chat_clients_talk_in_the_python_room") else {
        return;
    };
    let srv = py_server(py, "chat_server.py", &[]);
    let client = other("l04-chat-client");
    let mut a = Proc::spawn(&client, ["--port", &srv.port()]);
    a.expect_stdout("用户1");
    let mut b = Proc::spawn(&client, ["--port", &srv.port()]);
    b.expect_stdout("用户2");
    b.send_line("你好甲");
    a.expect_stdout("用户2：你好甲");
}

#[test]
fn the_lesson_05_client_talks_to_the_python_udp_server() {
    let Some(py) = testkit::python3("the_lesson_05_client_talks_to_the_python_udp_server") else {
        return;
    };
    let srv = py_server(py, "udp_server.py", &[]);
    let out = testkit::run(&other("l05-client"), ["--port", &srv.port()], "");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        out.stdout,
        "Hello, Michael!\nHello, Tracy!\nHello, Sarah!\n"
    );
}

/// 别的课的 Python 文件。
fn lesson_py(path: &str) -> String {
    format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_tutorials_own_python_clients_work_against_the_async_servers_unchanged() {
    let Some(py) = testkit::python3(
        "the_tutorials_own_python_clients_work_against_the_async_servers_unchanged",
    ) else {
        return;
    };
    // 教程 004 §1.2.2 的客户端（第 04 课的教程版对照）和第 04 课的 Python 客户端。
    let srv = server(SERVER, &[]);
    let out = testkit::run(
        py,
        [
            lesson_py("04-loops/python/tutorial_threaded_client.py"),
            srv.port(),
        ],
        "",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        out.stdout,
        "Welcome!\nHello, Michael!\nHello, Tracy!\nHello, Sarah!\n"
    );
    let out = testkit::run(
        py,
        [
            lesson_py("04-loops/python/threaded_client.py"),
            "--port".into(),
            srv.port(),
        ],
        "",
    );
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.contains("Hello, Sarah!"), "{}", out.stdout);
    // 第 05 课的 Python UDP 客户端。
    let udp = server(UDP_SERVER, &[]);
    let out = testkit::run(
        py,
        [
            lesson_py("05-udp/python/udp_client.py"),
            "--port".into(),
            udp.port(),
        ],
        "",
    );
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stdout.contains("Hello, Michael!") && out.stdout.contains("Hello, Sarah!"),
        "{}",
        out.stdout
    );
    // 第 08 课的 Python 分帧客户端。
    let framed = server(FRAMED_SERVER, &[]);
    let out = testkit::run(
        py,
        [
            lesson_py("08-sticky-packets/python/framed_client.py"),
            "--port".into(),
            framed.port(),
            "你好".into(),
            "我爱阿芬".into(),
        ],
        "",
    );
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.contains("我爱阿芬"), "{}", out.stdout);
}
