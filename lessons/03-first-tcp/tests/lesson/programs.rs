//! 第 03 课的服务端和客户端：真实进程、真实套接字。
//! 成对的测试（l03-server + l03-client），以及各种坏输入：非法 UTF-8、空消息、
//! 超大消息、中途消失的客户端、一言不发的客户端、没有服务端、端口被占用。

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;

use testkit::{assert_matches_saved, normalize, parse_addr, Finished, Proc, DEADLINE};

const SERVER: &str = env!("CARGO_BIN_EXE_l03-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l03-client");

fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn client(args: &[&str]) -> Finished {
    testkit::run(CLIENT, args, "")
}

fn no_panic(out: &Finished) {
    assert!(
        !out.stderr.contains("panicked") && !out.stderr.contains("RUST_BACKTRACE"),
        "程序 panic 了：\n{}",
        out.stderr
    );
}

/// 测试里自己当客户端：连上服务端，返回连接（读写都有超时）。
fn raw_connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("连上服务端");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// 服务端输出里“客户端 X 连上了”那一行中的地址。
fn peer_of(server_out: &str) -> SocketAddr {
    let line = server_out
        .lines()
        .find(|l| l.contains("连上了"))
        .unwrap_or_else(|| panic!("服务端没有打印客户端的地址：\n{server_out}"));
    parse_addr(line).unwrap_or_else(|| panic!("这一行里没有地址：{line}"))
}

#[test]
fn server_and_client_talk_like_the_tutorial() {
    let server = Proc::server(SERVER, ["--port", "0"]);
    let port = server.port();
    let out = client(&["--port", &port]);
    no_panic(&out);
    assert!(out.status.success(), "客户端失败：{}", out.stderr);
    assert!(
        out.stdout
            .contains(r"收到回复 12 个字节：b'\xe6\x88\x91\xe6\x98\xafServer'"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("按 UTF-8 解码：我是Server"),
        "{}",
        out.stdout
    );

    // 服务端只服务一次，回复后自己退出。
    let srv = server.finish();
    no_panic(&srv);
    assert!(srv.status.success(), "服务端失败：{}", srv.stderr);
    assert!(
        srv.stdout
            .contains(r"收到 10 个字节：b'\xe4\xbd\xa0\xe6\x98\xafwho?'"),
        "{}",
        srv.stdout
    );
    assert!(
        srv.stdout.contains("按 UTF-8 解码：你是who?"),
        "{}",
        srv.stdout
    );
    let peer = peer_of(&srv.stdout);
    assert!(peer.ip().is_loopback(), "客户端应当来自回环地址：{peer}");
    assert_ne!(
        peer.port().to_string(),
        port,
        "客户端用的是另一个（临时）端口"
    );

    let ports = [
        (format!("127.0.0.1:{port}"), "127.0.0.1:8888".to_string()),
        (peer.to_string(), "127.0.0.1:54321".to_string()),
    ];
    let ports: Vec<(&str, &str)> = ports
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_matches_saved(&saved("server.txt"), &normalize(&srv.stdout, &ports));
    assert_matches_saved(&saved("client.txt"), &normalize(&out.stdout, &ports));
}

#[test]
fn client_sends_the_text_it_is_given() {
    let server = Proc::server(SERVER, ["--port", "0"]);
    let text = "Hello，Rust 🦀";
    let out = client(&["--port", &server.port(), text]);
    assert!(out.status.success(), "{}", out.stderr);
    let srv = server.finish();
    assert!(
        srv.stdout.contains(&format!("收到 {} 个字节", text.len())),
        "字节数应当是 UTF-8 编码后的长度：\n{}",
        srv.stdout
    );
    assert!(
        srv.stdout.contains(&format!("按 UTF-8 解码：{text}")),
        "{}",
        srv.stdout
    );
}

#[test]
fn server_shows_invalid_utf8_without_panicking() {
    let mut server = Proc::server(SERVER, ["--port", "0"]);
    let mut stream = raw_connect(server.addr());
    stream.write_all(b"caf\xe9 \xff ok").unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    assert_eq!(reply, "我是Server".as_bytes(), "坏数据也应得到正常的回复");
    server.expect_stdout("按 UTF-8 解码");
    let srv = server.finish();
    no_panic(&srv);
    assert!(srv.status.success(), "{}", srv.stderr);
    assert!(
        srv.stdout.contains(r"收到 9 个字节：b'caf\xe9 \xff ok'"),
        "{}",
        srv.stdout
    );
    assert!(
        srv.stdout.contains("caf\u{fffd} \u{fffd} ok"),
        "{}",
        srv.stdout
    );
    assert!(
        srv.stdout.contains("从第 4 个字节起不是合法的 UTF-8"),
        "{}",
        srv.stdout
    );
}

#[test]
fn empty_message_is_reported_and_still_answered() {
    let server = Proc::server(SERVER, ["--port", "0"]);
    let mut stream = raw_connect(server.addr());
    // 什么也不发，只说“我说完了”。
    stream.shutdown(Shutdown::Write).unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    assert_eq!(reply, "我是Server".as_bytes());
    let srv = server.finish();
    no_panic(&srv);
    assert!(srv.status.success(), "{}", srv.stderr);
    assert!(srv.stdout.contains("收到 0 个字节：b''"), "{}", srv.stdout);
    assert!(srv.stdout.contains("对方什么也没发"), "{}", srv.stdout);
}

#[test]
fn server_reads_only_1024_bytes_of_a_huge_message() {
    let server = Proc::server(SERVER, ["--port", "0"]);
    let mut stream = raw_connect(server.addr());
    // 1 MiB 多一点的“你好你好……”：每个字 3 个字节，1024 不是 3 的倍数。
    let big = "你好".repeat(1024 * 1024 / 6 + 1).into_bytes();
    assert!(big.len() >= 1024 * 1024);
    let mut writer = stream.try_clone().unwrap();
    // 服务端读 1024 个字节后就关闭连接，剩下的发不出去：写的一方会收到错误，这是预期的。
    let sender = thread::spawn(move || writer.write_all(&big).is_ok());
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    let srv = server.finish();
    let _ = sender.join();
    no_panic(&srv);
    assert!(srv.status.success(), "{}", srv.stderr);
    assert!(srv.stdout.contains("收到 1024 个字节"), "{}", srv.stdout);
    assert!(srv.stdout.contains("缓冲区读满了"), "{}", srv.stdout);
    assert!(
        srv.stdout.contains("最后 1 个字节是一个被截断的字符"),
        "1024 = 3 × 341 + 1：最后一个字只读到了 1 个字节\n{}",
        srv.stdout
    );
}

#[test]
fn client_with_a_long_text_sees_the_reply_or_a_clear_reset() {
    let server = Proc::server(SERVER, ["--port", "0"]);
    let text = "x".repeat(3000);
    let out = client(&["--port", &server.port(), &text]);
    no_panic(&out);
    let srv = server.finish();
    assert!(srv.stdout.contains("收到 1024 个字节"), "{}", srv.stdout);
    // 服务端没读完就关闭，系统会发出 RST：回复可能先到，也可能被重置冲掉。两种都要说清楚。
    match out.status.code() {
        Some(0) => assert!(out.stdout.contains("我是Server"), "{}", out.stdout),
        Some(1) => assert!(out.stderr.contains("重置"), "{}", out.stderr),
        other => panic!("客户端的退出码不对：{other:?}\n{}", out.stderr),
    }
}

#[test]
fn client_that_vanishes_mid_character_does_not_crash_the_server() {
    let server = Proc::server(SERVER, ["--port", "0"]);
    let mut stream = raw_connect(server.addr());
    let half = &"半句话".as_bytes()[..7];
    stream.write_all(half).unwrap();
    drop(stream);
    let srv = server.finish();
    no_panic(&srv);
    assert!(matches!(srv.status.code(), Some(0 | 1)), "{srv:?}");
    assert!(srv.stdout.contains("收到 7 个字节"), "{}", srv.stdout);
    assert!(
        srv.stdout.contains("最后 1 个字节是一个被截断的字符"),
        "{}",
        srv.stdout
    );
}

#[test]
fn client_that_resets_the_connection_gets_a_clear_message() {
    let server = Proc::server(SERVER, ["--port", "0"]);
    let mut stream = raw_connect(server.addr());
    stream.write_all(b"bye").ok();
    reset(stream);
    let srv = server.finish();
    no_panic(&srv);
    // 重置来得早，读的时候就出错；来得晚，数据读到了、回复却送不出去；
    // 再晚一点，回复已经交给系统，服务端照常结束。三种情况都不能 panic，都要说清楚。
    match srv.status.code() {
        Some(0) => assert!(
            srv.stdout.contains("收到 3 个字节：b'bye'"),
            "{}",
            srv.stdout
        ),
        Some(1) => assert!(
            srv.stderr.contains("客户端可能中途断开") || srv.stderr.contains("回复没能送出"),
            "{}",
            srv.stderr
        ),
        other => panic!("服务端的退出码不对：{other:?}\n{}", srv.stderr),
    }
}

/// 用 SO_LINGER = 0 关闭连接：系统发出 RST 而不是正常的 FIN，对方看到“连接被重置”。
fn reset(stream: TcpStream) {
    testkit::peers::reset(stream).expect("设置 SO_LINGER 失败");
}

#[test]
fn silent_client_is_dropped_after_the_timeout() {
    let server = Proc::server(SERVER, ["--port", "0", "--idle-timeout", "1"]);
    // 连上，但一个字也不说；连接保持到服务端退出之后。
    let stream = raw_connect(server.addr());
    let srv = server.finish();
    drop(stream);
    no_panic(&srv);
    assert_eq!(srv.status.code(), Some(1), "{srv:?}");
    assert!(
        srv.stderr.contains("1 秒内什么也没有发送"),
        "{}",
        srv.stderr
    );
}

#[test]
fn client_without_a_server_says_how_to_start_one() {
    let nobody = testkit::closed_port();
    let port = nobody.port().to_string();
    let out = client(&["--port", &port]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("连不上服务端"), "{}", out.stderr);
    assert!(
        out.stderr.contains("just lesson 03 server"),
        "{}",
        out.stderr
    );
}

#[test]
fn server_on_a_taken_port_explains_what_to_do() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = testkit::run(SERVER, ["--port", &port], "");
    no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("无法监听"), "{}", out.stderr);
    assert!(out.stderr.contains("--port 0"), "{}", out.stderr);
}

/// 测试里的小服务端：接受一个连接，把它交给 `handle`。
fn fake_server(
    handle: impl FnOnce(TcpStream) + Send + 'static,
) -> (String, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let handle = thread::spawn(move || {
        let (stream, _) = listener.accept().expect("客户端连上来");
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        handle(stream);
    });
    (port, handle)
}

#[test]
fn client_shows_an_invalid_utf8_reply_without_panicking() {
    let (port, srv) = fake_server(|mut s| {
        let mut buf = [0u8; 1024];
        let _ = s.read(&mut buf);
        s.write_all(b"\xff\xfeHi \xe4\xbd").unwrap();
    });
    let out = client(&["--port", &port]);
    srv.join().unwrap();
    no_panic(&out);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout
            .contains(r"收到回复 7 个字节：b'\xff\xfeHi \xe4\xbd'"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\u{fffd}\u{fffd}Hi \u{fffd}"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("从第 1 个字节起不是合法的 UTF-8"),
        "{}",
        out.stdout
    );
}

#[test]
fn client_says_so_when_a_reply_is_too_long_to_read_whole() {
    let (port, srv) = fake_server(|mut s| {
        let mut buf = [0u8; 1024];
        let _ = s.read(&mut buf);
        // 比客户端的上限还多 1 MiB：客户端读到上限就停，剩下的它不读，写的一方会遇到错误。
        let _ = s.write_all(&vec![b'z'; lesson_03::MAX_REPLY + (1 << 20)]);
    });
    let out = client(&["--port", &port]);
    srv.join().unwrap();
    no_panic(&out);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("后面的部分没有再读"),
        "回复被截断时要说出来：{:?}",
        out.stdout.lines().last()
    );
}

#[test]
fn client_reports_a_server_that_closes_without_replying() {
    let (port, srv) = fake_server(|mut s| {
        // 读完客户端的话（它说完会半关闭），然后一言不发地关闭。
        let mut all = Vec::new();
        let _ = s.read_to_end(&mut all);
    });
    let out = client(&["--port", &port]);
    srv.join().unwrap();
    no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.contains("没有回复任何内容就关闭了连接"),
        "{}",
        out.stderr
    );
}

#[test]
fn client_gives_up_on_a_silent_server() {
    let (tx, rx) = mpsc::channel();
    // 小服务端接受连接后把它交给测试保管，一直不回复，直到客户端退出。
    let (port, srv) = fake_server(move |s| tx.send(s).unwrap());
    let out = client(&["--port", &port, "--timeout", "1"]);
    srv.join().unwrap();
    drop(rx);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("1 秒内没有回复完"), "{}", out.stderr);
}

#[test]
fn works_over_ipv6_when_the_machine_has_it() {
    if TcpListener::bind("[::1]:0").is_err() {
        eprintln!("跳过：这台机器没有 IPv6 回环地址 ::1");
        return;
    }
    let server = Proc::server(SERVER, ["--host", "::1", "--port", "0"]);
    assert!(
        server.addr().is_ipv6(),
        "服务端应当监听 IPv6 地址：{}",
        server.addr()
    );
    let out = client(&["--host", "::1", "--port", &server.port()]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("已连接到服务端 [::1]:"),
        "{}",
        out.stdout
    );
    let srv = server.finish();
    assert!(peer_of(&srv.stdout).is_ipv6(), "{}", srv.stdout);
}

#[test]
fn bad_arguments_are_refused_before_anything_happens() {
    let out = testkit::run(SERVER, ["--idle-timeout", "0"], "");
    assert!(!out.status.success());
    assert!(out.stderr.contains("--idle-timeout"), "{}", out.stderr);
    let out = testkit::run(CLIENT, ["--port", "七万"], "");
    assert!(!out.status.success());
    assert!(out.stderr.contains("--port"), "{}", out.stderr);
}
