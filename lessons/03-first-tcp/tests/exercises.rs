//! 第 03 课练习的评分检查。`workbook grade 03` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。
//! 网络练习都走真实的套接字：学习者的服务端接待真正的 l03-client，
//! 学习者的客户端去问真正的 l03-server。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;

use testkit::{exercise, with_deadline, Proc, DEADLINE};

const SERVER: &str = env!("CARGO_BIN_EXE_l03-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l03-client");

fn check_serve_one(serve_one: fn(&TcpListener) -> io::Result<Vec<u8>>) {
    // 第一轮：真正的 l03-client 连上来，说一句话。
    let listener = TcpListener::bind("127.0.0.1:0").expect("能绑定空闲端口");
    let port = listener.local_addr().unwrap().port().to_string();
    let text = "学 Rust 的第三天";
    let client = Proc::spawn(CLIENT, ["--port", &port, "--timeout", "5", text]);
    let got = with_deadline("serve_one", move || serve_one(&listener));
    let got = got.unwrap_or_else(|e| panic!("serve_one 返回了错误：{e}"));
    let out = client.finish();
    assert_eq!(
        String::from_utf8_lossy(&got),
        text,
        "serve_one 返回的应当是客户端发来的字节"
    );
    assert!(
        out.status.success() && out.stdout.contains("按 UTF-8 解码：我是Server"),
        "l03-client 没有收到“我是Server”。它的输出：\n{}{}",
        out.stdout,
        out.stderr
    );

    // 第二轮：客户端一口气发来 3000 个字节，然后说“发完了”。只应读一次、最多 1024 个。
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let sender = thread::spawn(move || {
        let mut s = TcpStream::connect(addr).expect("连上 serve_one");
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        s.set_write_timeout(Some(DEADLINE)).unwrap();
        let _ = s.write_all(&[b'x'; 3000]);
        let _ = s.shutdown(Shutdown::Write);
        // 服务端没读完就关闭，这里可能读到回复，也可能读到“连接被重置”。
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
    });
    let got = with_deadline("serve_one", move || serve_one(&listener));
    let _ = sender.join();
    let got = got.unwrap_or_else(|e| panic!("serve_one 返回了错误：{e}"));
    assert!(
        !got.is_empty() && got.len() <= 1024,
        "只读一次、最多 1024 个字节；你的函数交回了 {} 个字节",
        got.len()
    );
    assert!(got.iter().all(|&b| b == b'x'), "读到的字节不是客户端发的");
}

fn check_ask(ask: fn(SocketAddr, &str) -> anyhow::Result<String>) {
    let server = Proc::server(SERVER, ["--port", "0", "--timeout", "5"]);
    let addr = server.addr();
    let reply = with_deadline("ask", move || ask(addr, "学 Rust 的第三天"));
    let reply = reply.unwrap_or_else(|e| panic!("ask 返回了错误：{e:#}"));
    let out = server.finish();
    assert!(
        out.stdout.contains("按 UTF-8 解码：学 Rust 的第三天"),
        "l03-server 没有收到“学 Rust 的第三天”（要按 UTF-8 编码发送）。它的输出：\n{}{}",
        out.stdout,
        out.stderr
    );
    assert_eq!(reply, "我是Server", "ask 应当返回服务端回复的文字");

    // 没有服务端：返回错误，不 panic。
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let result = with_deadline("ask（没有服务端）", move || ask(closed, "有人吗"));
    assert!(result.is_err(), "连不上时应当返回 Err，而不是 {result:?}");
}

/// 响应头和正文。
type Parts<'a> = Option<(&'a [u8], &'a [u8])>;

fn check_split(split: for<'a> fn(&'a [u8]) -> Parts<'a>) {
    let cases: [(&[u8], Parts<'static>); 6] = [
        (
            b"HTTP/1.0 200 OK\r\nA: 1\r\n\r\nhi",
            Some((b"HTTP/1.0 200 OK\r\nA: 1", b"hi")),
        ),
        (
            b"HTTP/1.1 200 OK\r\n\r\nbody\r\n\r\nmore",
            Some((b"HTTP/1.1 200 OK", b"body\r\n\r\nmore")),
        ),
        (
            b"HTTP/1.1 204 No Content\r\n\r\n",
            Some((b"HTTP/1.1 204 No Content", b"")),
        ),
        (b"\r\n\r\nx", Some((b"", b"x"))),
        (b"HTTP/1.1 200 OK\n\nbody", None),
        (b"HTTP/1.1 200 OK\r\n", None),
    ];
    for (input, want) in cases {
        let got = with_deadline("split_response", move || split(input));
        assert_eq!(
            got,
            want,
            "split_response({}) 不对",
            String::from_utf8_lossy(input).escape_debug()
        );
    }
    assert_eq!(with_deadline("split_response", move || split(b"")), None);
}

fn check_status(status: fn(&str) -> Option<u16>) {
    let cases = [
        ("HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6", Some(200)),
        ("HTTP/1.1 404 Not Found", Some(404)),
        ("HTTP/1.1 204", Some(204)),
        (
            "HTTP/1.1 301 Moved Permanently\r\nX: HTTP/1.1 500 Oops",
            Some(301),
        ),
        ("SSH-2.0-OpenSSH_9.6\r\n", None),
        ("HTTP/1.1 2000 OK", None),
        ("HTTP/1.1 abc OK", None),
        ("HTTP/1.1 +20 OK", None),
        ("HTTP/1.1", None),
        ("", None),
    ];
    for (head, want) in cases {
        let got = with_deadline("status_code", move || status(head));
        assert_eq!(got, want, "status_code({:?}) 不对", head);
    }
}

exercise!(
    l03_serve_one,
    "exercises/serve_one.rs",
    check_serve_one,
    lesson_03::exercises::serve_one::serve_one,
    lesson_03::solutions::serve_one::serve_one,
);

exercise!(
    l03_ask,
    "exercises/ask.rs",
    check_ask,
    lesson_03::exercises::ask::ask,
    lesson_03::solutions::ask::ask,
);

exercise!(
    l03_split,
    "exercises/split.rs",
    check_split,
    lesson_03::exercises::split::split_response,
    lesson_03::solutions::split::split_response,
);

exercise!(
    l03_status,
    "exercises/status.rs",
    check_status,
    lesson_03::exercises::status::status_code,
    lesson_03::solutions::status::status_code,
);
