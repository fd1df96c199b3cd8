//! 与 Python 互通：Rust 客户端对 Python 的 socketserver 服务端，Python 客户端对 Rust 服务端；
//! 还有照教程思路写的 recv(1024) 服务端，用来观察它的问题。机器上没有 python3 时跳过并说明。

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};

use assert_cmd::Command;
use testkit::{Proc, DEADLINE};

const SERVER: &str = env!("CARGO_BIN_EXE_l07-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l07-client");
const INPUT: &str = "你好\nsocketserver\n";

fn script(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run(program: &str, args: &[&str], stdin: &str) -> String {
    let out = Command::new(program)
        .args(args)
        .env("NO_COLOR", "1")
        .write_stdin(stdin)
        .timeout(DEADLINE)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("输出是 UTF-8")
}

/// Rust 客户端对 Rust 服务端的输出，作为标准答案。
fn rust_to_rust() -> String {
    let server = Proc::server(SERVER, ["--port", "0"]);
    let out = run(CLIENT, &["--port", &server.port()], INPUT);
    out.replace(&format!(":{}", server.port()), ":9999")
}

#[test]
fn rust_client_talks_to_the_python_server() {
    let Some(py) = testkit::python3("rust_client_talks_to_the_python_server") else {
        return;
    };
    let server = Proc::server(
        py,
        [
            script("server.py").as_str(),
            "--port",
            "0",
            "--max-clients",
            "1",
        ],
    );
    let out = run(CLIENT, &["--port", &server.port()], INPUT);
    assert_eq!(
        out.replace(&format!(":{}", server.port()), ":9999"),
        rust_to_rust()
    );
    // Python 版也是服务完就 shutdown() + server_close()，干净地退出。
    let done = server.finish();
    assert!(done.status.success(), "{}", done.stderr);
    assert!(done.stdout.contains("共回复 2 条"), "{}", done.stdout);
    assert!(
        done.stdout.contains("server_close() 返回了"),
        "{}",
        done.stdout
    );
}

#[test]
fn python_client_talks_to_the_rust_server() {
    let Some(py) = testkit::python3("python_client_talks_to_the_rust_server") else {
        return;
    };
    let server = Proc::server(SERVER, ["--port", "0"]);
    let out = run(py, &[&script("client.py"), "--port", &server.port()], INPUT);
    assert_eq!(
        out.replace(&format!(":{}", server.port()), ":9999"),
        rust_to_rust()
    );
}

#[test]
fn python_server_answers_bad_input_like_the_rust_one() {
    let Some(py) = testkit::python3("python_server_answers_bad_input_like_the_rust_one") else {
        return;
    };
    for server in [
        Proc::server(SERVER, ["--port", "0"]),
        Proc::server(py, [script("server.py").as_str(), "--port", "0"]),
    ] {
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        stream.write_all(b"\xff\n\n").unwrap();
        stream.shutdown(Shutdown::Write).unwrap();
        let mut replies = String::new();
        stream.read_to_string(&mut replies).unwrap();
        assert_eq!(
            replies,
            format!("{}\nYour msg=\n", lesson_07::NOT_UTF8_REPLY)
        );
    }
}

#[test]
fn the_tutorial_style_server_merges_messages_and_replies_to_eof() {
    let Some(py) = testkit::python3("the_tutorial_style_server_merges_messages_and_replies_to_eof")
    else {
        return;
    };
    let mut server = Proc::server(py, [script("tutorial_style.py").as_str(), "--port", "0"]);
    // 一问一答时，我们的客户端和它说得通：它把收到的换行也原样放进了回复。
    let out = run(CLIENT, &["--port", &server.port()], INPUT);
    assert!(
        out.contains("收到：Your msg=你好\n收到：Your msg=socketserver\n"),
        "{out}"
    );

    // 两条消息一次发出：它只 recv 一次，只回一句，第二条消息没有自己的 "Your msg="。
    let stream = TcpStream::connect(server.addr()).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    (&stream).write_all("一\n二\n".as_bytes()).unwrap();
    let mut first = String::new();
    let mut second = String::new();
    reader.read_line(&mut first).unwrap();
    reader.read_line(&mut second).unwrap();
    assert_eq!(first, "Your msg=一\n");
    assert_eq!(second, "二\n", "粘在一起的第二条消息没有得到自己的回复");
    // 对方关闭写端后，它还会回一句空的 "Your msg=" 才结束。
    stream.shutdown(Shutdown::Write).unwrap();
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "Your msg=");
    server.expect_line("服务端打印出空的 Your msg=", |l| l == "Your msg=");
}
