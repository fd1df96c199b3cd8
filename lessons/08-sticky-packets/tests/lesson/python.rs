//! 与 Python 互通：Python 的发送方对 Rust 的服务端，Rust 的客户端对 Python 的服务端。
//! 机器上没有 python3 时跳过并说明。

use crate::common;

use common::*;
use std::io::{Read, Write};

use testkit::Proc;

fn script(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn python_sender_talks_to_the_rust_server_in_every_mode() {
    let Some(py) = testkit::python3("python_sender_talks_to_the_rust_server_in_every_mode") else {
        return;
    };
    for mode in ["ack", "line", "length"] {
        let mut server = server(SERVER, &["--mode", mode]);
        let port = server.port();
        let sender = script("sender.py");
        let out = testkit::run(
            py,
            [
                sender.as_str(),
                "--port",
                &port,
                "--mode",
                mode,
                "我爱Python",
                "我爱阿芬",
            ],
            "",
        );
        assert!(
            out.status.success(),
            "{mode}：{}\n{}",
            out.stdout,
            out.stderr
        );
        assert!(
            out.stdout.contains("服务端：收到 2 条消息，共 24 字节"),
            "{mode}：{}",
            out.stdout
        );
        server.expect_stdout("[#1] 第 1 条消息：12 字节 “我爱Python”");
        server.expect_stdout("[#1] 第 2 条消息：12 字节 “我爱阿芬”");
    }
    // 教程的写法（raw）：Python 连续两次 sendall，Rust 的慢读者一次就读到了两条。
    let mut server = server(SERVER, &["--mode", "raw"]);
    let port = server.port();
    let sender = script("sender.py");
    let out = testkit::run(py, [sender.as_str(), "--port", &port, "--mode", "raw"], "");
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("服务端：读了 1 次 recv，共 24 字节"),
        "{}",
        out.stdout
    );
    server.expect_stdout("第 1 次 recv(1024)：24 字节 “我爱Python我爱阿芬”");
}

#[test]
fn python_framed_client_gets_echoes_from_the_rust_server() {
    let Some(py) = testkit::python3("python_framed_client_gets_echoes_from_the_rust_server") else {
        return;
    };
    let mut server = server(FRAMED_SERVER, &[]);
    let port = server.port();
    let client = script("framed_client.py");
    let out = testkit::run(
        py,
        [client.as_str(), "--port", &port, "你好", "", "我爱阿芬"],
        "",
    );
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("回显：你好（6 字节）"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("回显：（0 字节）"), "{}", out.stdout);
    assert!(
        out.stdout.contains("回显：我爱阿芬（12 字节）"),
        "{}",
        out.stdout
    );
    server.expect_stdout("[#1] 对方关闭了连接，一共回显了 3 帧");
}

#[test]
fn rust_framed_client_gets_echoes_from_the_python_server() {
    let Some(py) = testkit::python3("rust_framed_client_gets_echoes_from_the_python_server") else {
        return;
    };
    let echo_server = script("framed_echo_server.py");
    let mut server = Proc::server(py, [echo_server.as_str(), "--port", "0"]);
    let port = server.port();
    let big = "我爱Python".repeat(2000);
    let out = run_client(FRAMED_CLIENT, &["--port", &port, "你好", "", &big], "");
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("回显：6 字节 “你好”"), "{}", out.stdout);
    assert!(
        out.stdout.contains("回显：0 字节（空消息）"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("回显：24000 字节 “我爱Python"),
        "{}",
        out.stdout
    );
    server.expect_stdout("[#1] 对方关闭了连接，一共回显了 3 帧");
    // Python 版同样先看长度再准备内存：声称 4 GB 的帧被拒绝，连接被断开。
    let stream = std::net::TcpStream::connect(server.addr()).unwrap();
    stream.set_read_timeout(Some(testkit::DEADLINE)).unwrap();
    (&stream).write_all(&[0xff, 0xff, 0xff, 0xff]).unwrap();
    let mut rest = Vec::new();
    let _ = (&stream).read_to_end(&mut rest);
    assert!(rest.is_empty(), "被拒绝的连接不该收到任何回显：{rest:?}");
    server.expect_stdout("[#2] 出错：对方声称这一帧有 4294967295 字节");
}
