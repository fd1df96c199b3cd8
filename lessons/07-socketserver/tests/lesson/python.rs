//! 与 Python 互通，两个方向都用教程的协议：一次读到的就是一条消息，回复 `Your msg=<消息>`，不加换行。
//! - 我们的 Python 版（python/server.py、python/client.py）和 Rust 版逐字节地说同样的话；
//! - 照教程写法的 Python 客户端（python/tutorial_client.py）对 Rust 服务端。
//!
//! 教程版（l07-tutorial-server 和 python/tutorial_server.py）的互通在 twins.rs 里。
//!
//! 机器上没有 python3 时跳过并说明。

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};

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
        .env("WORKBOOK_JUST", "1")
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

fn connect(addr: SocketAddr) -> TcpStream {
    let conn = TcpStream::connect(addr).expect("连接服务端");
    conn.set_read_timeout(Some(DEADLINE)).unwrap();
    conn
}

/// 教程写法：一条消息一次发出，不带换行，然后 recv(1024) 一次。
fn send_then_recv(conn: &mut TcpStream, message: &[u8]) -> Vec<u8> {
    conn.write_all(message).expect("发送");
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf).expect("读回复");
    buf[..n].to_vec()
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

/// 一段固定的对话：几条一问一答（包括坏输入），再一条 1500 字节的消息，然后关闭写端。
/// 返回每条回复，和关闭写端后收到的全部字节。
fn transcript(addr: SocketAddr) -> (Vec<Vec<u8>>, Vec<u8>) {
    let mut conn = connect(addr);
    let replies = [&b"\xff\xfeok"[..], b"abc\r\n", b"b\n\n", b"\n"]
        .iter()
        .map(|m| send_then_recv(&mut conn, m))
        .collect();
    conn.write_all(&[b'x'; 1500]).unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    let mut rest = Vec::new();
    conn.read_to_end(&mut rest).unwrap();
    (replies, rest)
}

#[test]
fn the_python_server_answers_byte_for_byte_like_the_rust_one() {
    let Some(py) = testkit::python3("the_python_server_answers_byte_for_byte_like_the_rust_one")
    else {
        return;
    };
    let rust = Proc::server(SERVER, ["--port", "0"]);
    let python = Proc::server(py, [script("server.py").as_str(), "--port", "0"]);
    let (replies, rest) = transcript(rust.addr());
    let expected: Vec<Vec<u8>> = [
        "Your msg=\u{fffd}\u{fffd}ok",
        "Your msg=abc",
        "Your msg=b\n",
        "Your msg=",
    ]
    .iter()
    .map(|r| r.as_bytes().to_vec())
    .collect();
    assert_eq!(replies, expected);
    let pieces = format!("Your msg={}Your msg={}", "x".repeat(1024), "x".repeat(476));
    assert_eq!(String::from_utf8_lossy(&rest), pieces);
    assert_eq!(transcript(python.addr()), (replies, rest));
}

#[test]
fn the_tutorial_style_client_talks_to_the_rust_server() {
    let Some(py) = testkit::python3("the_tutorial_style_client_talks_to_the_rust_server") else {
        return;
    };
    let mut server = Proc::server(SERVER, ["--port", "0"]);
    // 教程的客户端：input(">>:") 的提示也打印在标准输出上；空行结束。
    let out = run(
        py,
        &[&script("tutorial_client.py"), "--port", &server.port()],
        "你好\nsocketserver\n\n",
    );
    assert_eq!(out, ">>:Your msg=你好\n>>:Your msg=socketserver\n>>:");
    server.expect_stdout("共回复 2 条");
}
