//! 教程版 `l07-tutorial-server` 和它对照的 `python/tutorial_server.py`：
//! 同样的客户端对两者收到逐字相同的回复，两个服务端打印的 `Your msg=` 行也逐行相同；
//! 处理完 3 个连接后，两者都调用 shutdown()、server_close()，自己退出。
//! 互通：教程写法的 Python 客户端（python/tutorial_client.py）和 l07-client 都对两个教程版各跑一遍。

use testkit::{Finished, Proc};

use crate::programs::normalize_addrs;

pub const TWIN: &str = env!("CARGO_BIN_EXE_l07-tutorial-server");
pub const CLIENT: &str = env!("CARGO_BIN_EXE_l07-client");

pub fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn script(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// 启动 Rust 教程版，或者（给了 python3 时）Python 教程版。
pub fn start(python: Option<&str>) -> Proc {
    match python {
        None => Proc::server(TWIN, ["0"]),
        Some(py) => Proc::server(py, [script("tutorial_server.py").as_str(), "0"]),
    }
}

/// 服务端输出里会变的东西换成固定的：端口（服务端 9999，客户端 50001……），
/// 文件描述符的编号每次运行都可能不同，换成 `N`。
pub fn steady(text: &str, server_port: u16) -> String {
    let text = normalize_addrs(text, server_port);
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("fd: ") {
        out.push_str(&rest[..i + 4]);
        rest = rest[i + 4..].trim_start_matches(|c: char| c.is_ascii_digit());
        out.push('N');
    }
    out.push_str(rest);
    out
}

/// 三个 l07-client 先后各连一次：教程版处理完第 3 个就退出。返回三个客户端的输出和服务端的结束状态。
pub fn three_sessions(server: Proc) -> (Vec<String>, Finished, u16) {
    let port = server.addr().port();
    let outs = ["你好\nsocketserver\n", "一\n", "二\n"]
        .iter()
        .map(|stdin| {
            let out = testkit::run(CLIENT, ["--port", &port.to_string()], stdin);
            assert!(out.status.success(), "{}", out.stderr);
            normalize_addrs(&out.stdout, port)
        })
        .collect();
    (outs, server.finish(), port)
}

/// 去掉打印 self.server、self.client_address、self.request 的那一行：两种语言各有各的样子。
fn without_repr_lines(log: &str) -> String {
    log.lines()
        .filter(|l| !l.starts_with("BaseRequest {") && !l.starts_with("<socketserver."))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn the_twin_serves_three_connections_then_shuts_down() {
    let (outs, done, port) = three_sessions(start(None));
    assert_eq!(
        outs[0],
        "已连接 127.0.0.1:9999\n收到：Your msg=你好\n收到：Your msg=socketserver\n说完了，共收到 2 条回复\n"
    );
    assert!(done.status.success(), "教程版应当自己退出：{}", done.stderr);
    assert!(done.stderr.is_empty(), "{}", done.stderr);
    let log = steady(&done.stdout, port);
    // 每个连接：先打印三样东西，再每读一次打印一行；对方半关闭后那次空的读也打印、也回复。
    assert_eq!(
        without_repr_lines(&log),
        "127.0.0.1:9999\nYour msg=你好\nYour msg=socketserver\nYour msg=\nYour msg=一\nYour msg=\n\
         Your msg=二\nYour msg=\n已经处理完 3 个连接：教程版到此为止，调用 shutdown()\n"
    );
    assert_eq!(log.matches("BaseRequest {").count(), 3, "{log}");
    testkit::assert_matches_saved(&saved("tutorial-server.txt"), &log);
}

#[test]
fn the_python_twin_answers_and_prints_the_same() {
    let Some(py) = testkit::python3("the_python_twin_answers_and_prints_the_same") else {
        return;
    };
    let (rust_outs, rust, rust_port) = three_sessions(start(None));
    let (python_outs, python, python_port) = three_sessions(start(Some(py)));
    assert_eq!(python_outs, rust_outs);
    assert!(python.status.success(), "{}", python.stderr);
    assert_eq!(
        without_repr_lines(&steady(&python.stdout, python_port)),
        without_repr_lines(&steady(&rust.stdout, rust_port))
    );
    assert!(python
        .stdout
        .contains("<socketserver.ThreadingTCPServer object"));
}

#[test]
fn the_tutorial_style_client_talks_to_both_twins() {
    let Some(py) = testkit::python3("the_tutorial_style_client_talks_to_both_twins") else {
        return;
    };
    for python in [None, Some(py)] {
        let mut server = start(python);
        // 教程写法的客户端：input(">>:") 的提示打印在标准输出上；空行结束。
        let out = testkit::run(
            py,
            [
                script("tutorial_client.py").as_str(),
                "--port",
                &server.port(),
            ],
            "你好\nsocketserver\n\n",
        );
        assert!(out.status.success(), "{}", out.stderr);
        // testkit 按行收集输出，最后一行（只有提示）也补上了换行。
        assert_eq!(
            out.stdout,
            ">>:Your msg=你好\n>>:Your msg=socketserver\n>>:\n"
        );
        server.expect_line("服务端回了一句空的 Your msg=", |l| {
            l == "Your msg="
        });
    }
}

#[test]
fn both_twins_have_the_tutorials_faults() {
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpStream};
    let Some(py) = testkit::python3("both_twins_have_the_tutorials_faults") else {
        return;
    };
    for python in [None, Some(py)] {
        let server = start(python);
        // 读到空也回一句：半关闭之后，EOF 之前还有一句空的 Your msg=。
        let mut conn = TcpStream::connect(server.addr()).unwrap();
        conn.set_read_timeout(Some(testkit::DEADLINE)).unwrap();
        conn.write_all("一".as_bytes()).unwrap();
        let mut buf = [0u8; 1024];
        let n = conn.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], "Your msg=一".as_bytes());
        conn.shutdown(Shutdown::Write).unwrap();
        let mut rest = String::new();
        conn.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "Your msg=", "{python:?}");

        // recv(1024) 切在一个汉字中间：.decode() 失败，这个连接一句回复也没有就断了。
        let mut conn = TcpStream::connect(server.addr()).unwrap();
        conn.set_read_timeout(Some(testkit::DEADLINE)).unwrap();
        conn.write_all("你".repeat(400).as_bytes()).unwrap();
        let mut got = Vec::new();
        let closed = conn.read_to_end(&mut got);
        assert!(
            got.is_empty(),
            "{python:?}：{:?}",
            String::from_utf8_lossy(&got)
        );
        assert!(
            closed.is_ok()
                || closed.as_ref().unwrap_err().kind() == std::io::ErrorKind::ConnectionReset,
            "{closed:?}"
        );
        // 第三个连接照常得到回复，然后教程版退出。
        let (outs, done, _) = {
            let port = server.addr().port();
            let out = testkit::run(CLIENT, ["--port", &port.to_string()], "还在吗\n");
            (vec![out.stdout], server.finish(), port)
        };
        assert!(outs[0].contains("收到：Your msg=还在吗"), "{outs:?}");
        assert!(done.status.success(), "{}", done.stderr);
        let why = if python.is_some() {
            "UnicodeDecodeError"
        } else {
            "handle() 出错：incomplete utf-8 byte sequence"
        };
        assert!(done.stderr.contains(why), "{}", done.stderr);
    }
}
