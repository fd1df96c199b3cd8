//! 教程版（照教程的 Python 逐行写成的 Rust）：和它们的 Python 说同样的话、打印同样的行。
//! 每一对都跑三种组合：Rust 服务端 + Rust 客户端、Rust 服务端 + Python 客户端、
//! Python 服务端 + Rust 客户端。书里展示的输出（output/*.txt）来自 Rust 和 Rust 那一次，
//! Python 的输出必须和它逐行相同（端口换成默认值之后）。

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::thread;

use testkit::{assert_matches_saved, normalize, Finished, Proc, DEADLINE};

const TUTORIAL_SERVER: &str = env!("CARGO_BIN_EXE_l03-tutorial-server");
const TUTORIAL_CLIENT: &str = env!("CARGO_BIN_EXE_l03-tutorial-client");
const WELCOME_SERVER: &str = env!("CARGO_BIN_EXE_l03-welcome-server");
const WELCOME_CLIENT: &str = env!("CARGO_BIN_EXE_l03-welcome-client");
const RECEIVED_SERVER: &str = env!("CARGO_BIN_EXE_l03-received-server");
const TUTORIAL_HTTP_GET: &str = env!("CARGO_BIN_EXE_l03-tutorial-http-get");

pub(crate) fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn script(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// 一个程序的启动方式：Rust 的可执行文件，或者 python3 加脚本。
#[derive(Clone, Copy)]
pub(crate) enum Side {
    Rust(&'static str),
    Python(&'static str),
}

impl Side {
    fn command(self, py: &'static str) -> (&'static str, Vec<String>) {
        match self {
            Side::Rust(bin) => (bin, Vec::new()),
            Side::Python(file) => (py, vec![script(file)]),
        }
    }

    /// 以端口参数 `port` 启动服务端（读第一行得到地址）。
    pub(crate) fn server(self, py: &'static str, port: &str) -> Proc {
        let (program, mut args) = self.command(py);
        args.push(port.to_string());
        Proc::server(program, args)
    }

    /// 以端口参数 `port` 运行客户端到结束。
    pub(crate) fn run(self, py: &'static str, port: &str) -> Finished {
        let (program, mut args) = self.command(py);
        args.push(port.to_string());
        testkit::run(program, args, "")
    }
}

/// 服务端打印的对方地址 `('127.0.0.1', 40312)` 里的端口。
pub(crate) fn peer_port(server_out: &str) -> Option<String> {
    let line = server_out
        .lines()
        .find(|l| l.starts_with("('127.0.0.1', "))?;
    Some(
        line["('127.0.0.1', ".len()..]
            .trim_end_matches(')')
            .to_string(),
    )
}

/// 把会变的端口换成教程里的默认值：服务端端口换成 `default`，客户端端口换成 54321。
pub(crate) fn shown(text: &str, port: &str, default: &str, peer: Option<&str>) -> String {
    let mut out = normalize(text, &[(&format!(":{port}"), &format!(":{default}"))]);
    if let Some(peer) = peer {
        out = out.replace(&format!(", {peer})"), ", 54321)");
    }
    out
}

fn assert_ok(what: &str, out: &Finished) {
    assert!(
        out.status.success(),
        "{what} 失败了：{:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        out.stdout,
        out.stderr
    );
}

// ---------------------------------------------------------------------------
// 种子 000 §1.2–1.3：一问一答
// ---------------------------------------------------------------------------

const TUTORIAL_SERVER_LINES: [&str; 4] = [
    "127.0.0.1:8888",
    "('127.0.0.1', 54321)",
    r"b'\xe4\xbd\xa0\xe6\x98\xafwho?'",
    "你是who?",
];

/// 教程版服务端接待一个教程版客户端，两边打印的行逐行检查。
fn tutorial_pair(server: Side, client: Side, py: &'static str) -> (String, String) {
    let srv = server.server(py, "0");
    let port = srv.port();
    let out = client.run(py, &port);
    assert_ok("客户端", &out);
    let srv = srv.finish();
    assert_ok("服务端", &srv);
    let peer = peer_port(&srv.stdout);
    assert!(peer.is_some(), "服务端没有打印对方地址：\n{}", srv.stdout);
    assert_ne!(
        peer.as_deref(),
        Some(port.as_str()),
        "客户端用的是另一个（临时）端口"
    );
    (
        shown(&srv.stdout, &port, "8888", peer.as_deref()),
        out.stdout,
    )
}

#[test]
fn tutorial_server_and_client_talk_like_the_tutorial() {
    let (server, client) = tutorial_pair(
        Side::Rust(TUTORIAL_SERVER),
        Side::Rust(TUTORIAL_CLIENT),
        "python3",
    );
    assert_eq!(server.lines().collect::<Vec<_>>(), TUTORIAL_SERVER_LINES);
    assert_eq!(client, "我是Server\n");
    assert_matches_saved(&saved("tutorial-server.txt"), &server);
    assert_matches_saved(&saved("tutorial-client.txt"), &client);
}

#[test]
fn tutorial_server_twin_with_the_python_client() {
    let Some(py) = testkit::python3("tutorial_server_twin_with_the_python_client") else {
        return;
    };
    let (server, client) = tutorial_pair(
        Side::Rust(TUTORIAL_SERVER),
        Side::Python("tutorial_client.py"),
        py,
    );
    assert_eq!(server.lines().collect::<Vec<_>>(), TUTORIAL_SERVER_LINES);
    assert_eq!(client, "我是Server\n");
}

#[test]
fn python_tutorial_server_with_the_client_twin() {
    let Some(py) = testkit::python3("python_tutorial_server_with_the_client_twin") else {
        return;
    };
    let (server, client) = tutorial_pair(
        Side::Python("tutorial_server.py"),
        Side::Rust(TUTORIAL_CLIENT),
        py,
    );
    // Python 打印 addr 和 bytes 的样子，Rust 教程版一个字符不差地照着打印。
    assert_eq!(server.lines().collect::<Vec<_>>(), TUTORIAL_SERVER_LINES);
    assert_eq!(client, "我是Server\n");
}

// ---------------------------------------------------------------------------
// 种子 002 简单的TCP socket示例：欢迎语
// ---------------------------------------------------------------------------

const WELCOME_SERVER_LINES: [&str; 3] = [
    "127.0.0.1:12345",
    "start Socket server",
    "已经接待了 3 个客户端，教程版到此停下（教程里的 while True 会一直等下去）",
];
const WELCOME_CLIENT_OUT: &str =
    "start Socket client\nclient receive message=成功连接到服务器 socket message\n";

/// 教程版欢迎服务端接待 3 个客户端后自己停下。
fn welcome_three(server: Side, client: Side, py: &'static str) -> (String, String) {
    let mut srv = server.server(py, "0");
    let port = srv.port();
    srv.expect_stdout("start Socket server");
    let mut first = None;
    for i in 1..=3 {
        assert!(srv.is_running(), "服务端在第 {i} 个客户端之前就退出了");
        let out = client.run(py, &port);
        assert_ok("客户端", &out);
        assert_eq!(out.stdout, WELCOME_CLIENT_OUT, "第 {i} 个客户端");
        first.get_or_insert(out.stdout);
    }
    let srv = srv.finish();
    assert_ok("服务端", &srv);
    (
        shown(&srv.stdout, &port, "12345", None),
        first.unwrap_or_default(),
    )
}

#[test]
fn welcome_server_serves_three_clients_then_says_why_it_stops() {
    let (server, client) = welcome_three(
        Side::Rust(WELCOME_SERVER),
        Side::Rust(WELCOME_CLIENT),
        "python3",
    );
    assert_eq!(server.lines().collect::<Vec<_>>(), WELCOME_SERVER_LINES);
    assert_matches_saved(&saved("welcome-server.txt"), &server);
    assert_matches_saved(&saved("welcome-client.txt"), &client);
}

#[test]
fn welcome_server_twin_with_the_python_client() {
    let Some(py) = testkit::python3("welcome_server_twin_with_the_python_client") else {
        return;
    };
    let (server, _) = welcome_three(
        Side::Rust(WELCOME_SERVER),
        Side::Python("welcome_client.py"),
        py,
    );
    assert_eq!(server.lines().collect::<Vec<_>>(), WELCOME_SERVER_LINES);
}

#[test]
fn python_welcome_server_with_the_client_twin() {
    let Some(py) = testkit::python3("python_welcome_server_with_the_client_twin") else {
        return;
    };
    let (server, _) = welcome_three(
        Side::Python("welcome_server.py"),
        Side::Rust(WELCOME_CLIENT),
        py,
    );
    assert_eq!(server.lines().collect::<Vec<_>>(), WELCOME_SERVER_LINES);
}

// ---------------------------------------------------------------------------
// 种子 003 的 TCP Server：已接收到数据（客户端用种子 000 的教程版客户端）
// ---------------------------------------------------------------------------

const RECEIVED_SERVER_LINES: [&str; 2] = ["127.0.0.1:9999", r"b'\xe4\xbd\xa0\xe6\x98\xafwho?'"];

fn received_pair(server: Side, client: Side, py: &'static str) -> (String, String) {
    let srv = server.server(py, "0");
    let port = srv.port();
    let out = client.run(py, &port);
    assert_ok("客户端", &out);
    let srv = srv.finish();
    assert_ok("服务端", &srv);
    assert_eq!(out.stdout, "已接收到数据 你是who?\n");
    (shown(&srv.stdout, &port, "9999", None), out.stdout)
}

#[test]
fn received_server_answers_with_what_it_got() {
    let (server, client) = received_pair(
        Side::Rust(RECEIVED_SERVER),
        Side::Rust(TUTORIAL_CLIENT),
        "python3",
    );
    assert_eq!(server.lines().collect::<Vec<_>>(), RECEIVED_SERVER_LINES);
    assert_matches_saved(&saved("received-server.txt"), &server);
    assert_matches_saved(&saved("received-client.txt"), &client);
}

#[test]
fn received_server_twin_with_the_python_client() {
    let Some(py) = testkit::python3("received_server_twin_with_the_python_client") else {
        return;
    };
    let (server, _) = received_pair(
        Side::Rust(RECEIVED_SERVER),
        Side::Python("tutorial_client.py"),
        py,
    );
    assert_eq!(server.lines().collect::<Vec<_>>(), RECEIVED_SERVER_LINES);
}

#[test]
fn python_received_server_with_the_client_twin() {
    let Some(py) = testkit::python3("python_received_server_with_the_client_twin") else {
        return;
    };
    let (server, _) = received_pair(
        Side::Python("received_server.py"),
        Side::Rust(TUTORIAL_CLIENT),
        py,
    );
    assert_eq!(server.lines().collect::<Vec<_>>(), RECEIVED_SERVER_LINES);
}

// ---------------------------------------------------------------------------
// 种子 004 §1.2.1：HTTP GET
// ---------------------------------------------------------------------------

/// 在 `dir` 里运行一个 HTTP 教程版（有期限），返回输出。
pub(crate) fn http_twin_in(dir: &Path, side: Side, py: &'static str, port: &str) -> Finished {
    let (program, mut args) = side.command(py);
    args.push(port.to_string());
    let out = assert_cmd::Command::new(program)
        .args(&args)
        .current_dir(dir)
        .env("PYTHONUNBUFFERED", "1")
        .env("PYTHONIOENCODING", "utf-8")
        .env_remove("RUST_BACKTRACE")
        .env("WORKBOOK_JUST", "1")
        .timeout(DEADLINE)
        .output()
        .expect("HTTP 教程版能运行");
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    Finished {
        status: out.status,
        stdout: text(out.stdout),
        stderr: text(out.stderr),
    }
}

/// Python http.server 的响应头里会变的行（日期、Python 版本）换成固定的值。
fn fixed_head(text: &str) -> String {
    let fixed = [
        ("Date: ", "Date: Sun, 22 Nov 2026 02:03:16 GMT"),
        ("Server: ", "Server: SimpleHTTP/0.6 Python/3.11.7"),
    ];
    let mut out = String::new();
    for line in text.lines() {
        match fixed.iter().find(|(prefix, _)| line.starts_with(prefix)) {
            Some((_, replacement)) => out.push_str(replacement),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[test]
fn tutorial_http_get_against_the_python_http_server() {
    let Some(py) = testkit::python3("tutorial_http_get_against_the_python_http_server") else {
        return;
    };
    let server = Proc::server(py, [script("http_server.py").as_str(), "--port", "0"]);
    let port = server.port();

    let rust_dir = tempfile::tempdir().unwrap();
    let out = http_twin_in(rust_dir.path(), Side::Rust(TUTORIAL_HTTP_GET), py, &port);
    assert_ok("l03-tutorial-http-get", &out);
    assert!(
        out.stdout.starts_with("HTTP/1.0 200 OK\r\n"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("<html"),
        "正文不应当被当成响应头打印：{}",
        out.stdout
    );
    let body = std::fs::read(rust_dir.path().join("index.html")).expect("正文存进了 index.html");
    assert!(
        String::from_utf8_lossy(&body).contains("hello.html"),
        "GET / 得到的是 python/www 的目录列表，里面有 hello.html"
    );
    let head = fixed_head(&out.stdout);
    let length = format!("Content-Length: {}", body.len());
    assert!(head.contains(&length), "{length} 不在响应头里：\n{head}");
    assert_matches_saved(&saved("tutorial-http-get.txt"), &head);

    // Python 教程版取同一个地址：打印的响应头和存下的正文都一样。
    let py_dir = tempfile::tempdir().unwrap();
    let py_out = http_twin_in(
        py_dir.path(),
        Side::Python("tutorial_http_get.py"),
        py,
        &port,
    );
    assert_ok("python/tutorial_http_get.py", &py_out);
    assert_eq!(fixed_head(&py_out.stdout), head);
    assert_eq!(
        std::fs::read(py_dir.path().join("index.html")).unwrap(),
        body
    );
}

#[test]
fn tutorial_http_get_sends_the_tutorials_request_and_reads_to_the_end() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let server = thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("客户端连上来");
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
        // 响应分很多次小写：教程版要一直读到对方关闭，拼起来再切开。
        let response = format!("HTTP/1.1 200 OK\r\nX-Part: 1\r\n\r\n{}", "正文".repeat(600));
        for piece in response.as_bytes().chunks(100) {
            stream.write_all(piece).unwrap();
        }
        request
    });
    let dir = tempfile::tempdir().unwrap();
    let out = http_twin_in(dir.path(), Side::Rust(TUTORIAL_HTTP_GET), "python3", &port);
    let request = server.join().unwrap();
    assert_ok("l03-tutorial-http-get", &out);
    assert_eq!(
        String::from_utf8_lossy(&request),
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(out.stdout, "HTTP/1.1 200 OK\r\nX-Part: 1\n");
    assert_eq!(
        std::fs::read(dir.path().join("index.html")).unwrap(),
        "正文".repeat(600).as_bytes()
    );
}
