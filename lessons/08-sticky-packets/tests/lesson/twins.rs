//! 教程版（l08-tutorial-server / l08-tutorial-client）和它们的 Python：两个方向互通，
//! 而且每次都看到粘包。
//!
//! 教程里两条消息粘在一起，是因为服务端的线程读得晚了一步：客户端连着 send 两次时，
//! 它还没来得及 recv。在回环地址上这要看运气（多数时候粘，有时不粘），所以测试用
//! [`pause`] 让服务端确定地晚一步：客户端发的时候服务端是暂停的，两条消息都进了它的
//! 接收缓冲区（24 字节）以后，才让它继续去 recv(1024)。

use crate::common::*;
use crate::pause::{resume, stop, wait_for_client_of, wait_unread};

use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::TcpStream;

use testkit::{assert_matches_saved, normalize, wait_until, Proc, DEADLINE};

/// 问候 `Hello WorldAAA` 的字节数。
const GREETING: u32 = 14;
/// `我爱Python` 和 `我爱阿芬` 加起来的字节数（各 12）。
const BOTH: u32 = 24;

/// 客户端（Rust 版和 Python 版一样）看到的全部输出：问候三种样子，粘在一起的那一次回复，
/// 一秒后再发的“我爱阿芬”的回复，然后停下。
const CLIENT_SEES: &str = "b'Hello WorldAAA'
Hello WorldAAA
Hello WorldAAA
我爱Python我爱阿芬 是的呢
我爱阿芬 是的呢
收到 2 次回复：教程的客户端会这样一直聊下去，这里停下
";

/// 服务端对一个客户端打印的内容（地址那一行除外）：一次读到两条，再一条，然后对方走了。
const SERVER_SEES: &str = "我爱Python我爱阿芬
我爱阿芬
recv 连续 3 次读到 0 字节：对方已经关闭了连接，教程的循环会一直空转，这里停下
";

/// 书里统一把客户端的临时端口写成这个数。
const CLIENT_PORT: &str = "54321";

fn script(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

// ANCHOR: server_reads_late
/// 让服务端晚一步读：客户端连着发两条的时候，服务端是暂停的。返回客户端进程和它的端口。
///
/// 1. 服务端暂停，客户端连上来（握手由内核完成），然后客户端也暂停；
/// 2. 服务端继续：accept、打印地址、发出问候，问候留在客户端的接收缓冲区里；
/// 3. 服务端再暂停，客户端继续：收下问候，连着发两条，24 字节都排进服务端的接收缓冲区；
/// 4. 服务端继续：它的 recv(1024) 一次拿走这 24 字节。
fn server_reads_late(server: &Proc, start_client: impl FnOnce() -> Proc) -> (Proc, u16) {
    let sport = server.addr().port();
    stop(server.pid());
    let client = start_client();
    let cport = wait_for_client_of(sport);
    stop(client.pid());
    resume(server.pid());
    wait_unread(cport, sport, GREETING);
    stop(server.pid());
    resume(client.pid());
    wait_unread(sport, cport, BOTH);
    resume(server.pid());
    (client, cport)
}
// ANCHOR_END: server_reads_late

/// 把服务端和客户端的端口换成书里的写法（服务端 8888，客户端 54321）。
fn ports(text: &str, sport: u16, cport: u16) -> String {
    normalize(
        text,
        &[
            (&format!("127.0.0.1:{sport}"), "127.0.0.1:8888"),
            (&format!("127.0.0.1:{cport}"), "127.0.0.1:54321"),
            (&format!("'127.0.0.1', {cport})"), "'127.0.0.1', 54321)"),
        ],
    )
}

/// 等服务端的标准错误里出现 `needle`（有期限）。
fn expect_stderr(server: Proc, needle: &str) -> Proc {
    let server = RefCell::new(server);
    wait_until(
        &format!("服务端的标准错误里出现 {needle:?}"),
        || server.borrow_mut().stderr_so_far().contains(needle),
    );
    server.into_inner()
}

#[test]
fn the_twins_merge_two_sends_into_one_read() {
    let mut server = Proc::server(TUTORIAL_SERVER, ["0"]);
    let port = server.port();
    let (client, cport) = server_reads_late(&server, || Proc::spawn(TUTORIAL_CLIENT, [&port]));
    let sport = server.addr().port();
    let out = client.finish();
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, CLIENT_SEES);
    server.expect_stdout("recv 连续 3 次读到 0 字节");
    let log = ports(&server.kill_and_collect().stdout, sport, cport);
    assert_eq!(
        log,
        format!("127.0.0.1:8888\n('127.0.0.1', {CLIENT_PORT})\n{SERVER_SEES}")
    );
    assert_matches_saved(&saved("tutorial-server.txt"), &log);
    assert_matches_saved(&saved("tutorial-client.txt"), &out.stdout);

    // 书里“粘包”一节的那次运行：旁白（# 开头）说明测试做了什么，下面是两个程序的原样输出。
    let mut breaks = String::from(
        "# 服务端暂停着（SIGSTOP）；客户端收下问候，连着发出两条\n\
         # 服务端的接收缓冲区里有 24 字节还没读（ss -tn 的 Recv-Q）：12 + 12，中间没有任何边界\n\
         # 服务端继续（SIGCONT），第一次 recv(1024)\n",
    );
    breaks += &log
        .lines()
        .map(|l| format!("服务端 | {l}\n"))
        .collect::<String>();
    breaks += &out
        .stdout
        .lines()
        .map(|l| format!("客户端 | {l}\n"))
        .collect::<String>();
    assert_matches_saved(&saved("breaks-merge.txt"), &breaks);
}

#[test]
fn the_tutorial_server_merges_for_the_python_client() {
    let Some(py) = testkit::python3("the_tutorial_server_merges_for_the_python_client") else {
        return;
    };
    let mut server = Proc::server(TUTORIAL_SERVER, ["0"]);
    let port = server.port();
    let client_py = script("tutorial_client.py");
    let (client, cport) = server_reads_late(&server, || {
        Proc::spawn(py, [client_py.as_str(), port.as_str()])
    });
    let sport = server.addr().port();
    let out = client.finish();
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, CLIENT_SEES);
    server.expect_stdout("recv 连续 3 次读到 0 字节");
    let log = ports(&server.kill_and_collect().stdout, sport, cport);
    assert_eq!(
        log,
        format!("127.0.0.1:8888\n('127.0.0.1', {CLIENT_PORT})\n{SERVER_SEES}")
    );
}

#[test]
fn the_python_server_merges_for_the_tutorial_client() {
    let Some(py) = testkit::python3("the_python_server_merges_for_the_tutorial_client") else {
        return;
    };
    let mut server = Proc::server(py, [script("tutorial_server.py").as_str(), "0"]);
    let port = server.port();
    let (client, cport) = server_reads_late(&server, || Proc::spawn(TUTORIAL_CLIENT, [&port]));
    let sport = server.addr().port();
    let out = client.finish();
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, CLIENT_SEES);
    server.expect_stdout("recv 连续 3 次读到 0 字节");
    let log = ports(&server.kill_and_collect().stdout, sport, cport);
    assert_eq!(
        log,
        format!("127.0.0.1:8888\n('127.0.0.1', {CLIENT_PORT})\n{SERVER_SEES}")
    );
}

/// 一个只问好、把两条消息读完就关闭连接的服务端：教程版客户端读到 0 字节，停下而不是空转。
fn greet_read_and_close(py_client: Option<&str>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let client = match py_client {
        Some(py) => Proc::spawn(py, [script("tutorial_client.py").as_str(), &port]),
        None => Proc::spawn(TUTORIAL_CLIENT, [&port]),
    };
    let (mut conn, _) = listener.accept().unwrap();
    conn.set_read_timeout(Some(DEADLINE)).unwrap();
    conn.write_all(b"Hello WorldAAA").unwrap();
    // 两条都读完再关闭：没读完就关闭会发 RST，客户端看到的就是“连接被重置”而不是 EOF。
    let mut both = [0u8; BOTH as usize];
    conn.read_exact(&mut both).unwrap();
    assert_eq!(&both, "我爱Python我爱阿芬".as_bytes());
    drop(conn);
    let out = client.finish();
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    out.stdout
}

#[test]
fn the_tutorial_clients_stop_instead_of_spinning_when_the_server_leaves() {
    let want = "b'Hello WorldAAA'
Hello WorldAAA
Hello WorldAAA
recv 连续 3 次读到 0 字节：服务端已经关闭了连接，教程的循环会一直空转，这里停下
";
    assert_eq!(greet_read_and_close(None), want);
    if let Some(py) =
        testkit::python3("the_tutorial_clients_stop_instead_of_spinning_when_the_server_leaves")
    {
        assert_eq!(greet_read_and_close(Some(py)), want);
    }
}

/// 连上 `server`，一次写出 4800 字节（“我爱Python”重复 400 次）。
fn send_a_long_message(server: &Proc) -> TcpStream {
    let stream = TcpStream::connect(server.addr()).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    (&stream)
        .write_all("我爱Python".repeat(400).as_bytes())
        .unwrap();
    stream
}

#[test]
fn a_long_message_is_cut_at_1024_bytes_in_the_middle_of_a_character() {
    let server = Proc::server(TUTORIAL_SERVER, ["0"]);
    let sport = server.addr().port();
    let stream = send_a_long_message(&server);
    let cport = stream.local_addr().unwrap().port();
    // 第一次 read 拿到 1024 字节：前 1023 个是完整的字符，第 1024 个是“爱”的 3 个字节里的第一个。
    let mut server = expect_stderr(
        server,
        "线程出错：incomplete utf-8 byte sequence from index 1023",
    );
    // Rust 版的线程结束时连接随之关闭（还有 3776 字节没读，所以多半是 RST）：客户端不会一直等。
    let mut rest = Vec::new();
    let _ = (&stream).read_to_end(&mut rest);
    assert!(
        rest.is_empty() || rest == b"Hello WorldAAA",
        "除了问候不该再收到什么：{rest:?}"
    );
    let log = server.kill_and_collect();
    let log = ports(&log.stdout, sport, cport)
        + &log
            .stderr
            .lines()
            .map(|l| format!("（标准错误）{l}\n"))
            .collect::<String>();
    assert_eq!(
        log,
        format!(
            "127.0.0.1:8888\n('127.0.0.1', {CLIENT_PORT})\n\
             （标准错误）线程出错：incomplete utf-8 byte sequence from index 1023\n"
        )
    );
    let breaks = "# 一个客户端连上教程版服务端，用一次 write_all 写出 4800 字节：“我爱Python”重复 400 次\n"
        .to_string()
        + &log
        + "# 第一次 recv(1024) 只拿到前 1024 字节，最后一个字节是“爱”字 3 个字节里的第一个：解码失败，这个连接的线程就此结束\n";
    assert_matches_saved(&saved("breaks-long.txt"), &breaks);
}

#[test]
fn the_python_server_fails_on_the_same_byte() {
    let Some(py) = testkit::python3("the_python_server_fails_on_the_same_byte") else {
        return;
    };
    let server = Proc::server(py, [script("tutorial_server.py").as_str(), "0"]);
    let stream = send_a_long_message(&server);
    let mut server = expect_stderr(
        server,
        "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe7 in position 1023: unexpected end of data",
    );
    assert!(server.is_running(), "只有那个连接的线程结束，服务端还在");
    // Python 版的线程死了，套接字却没有关：主线程的全局变量 sock 还指着这个连接。
    // 客户端收到问候以后什么也等不到，连 EOF 也没有（观察 0.5 秒）。
    let mut greeting = [0u8; GREETING as usize];
    (&stream).read_exact(&mut greeting).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_millis(500)))
        .unwrap();
    let mut buf = [0u8; 16];
    match (&stream).read(&mut buf) {
        Err(e)
            if e.kind() == std::io::ErrorKind::WouldBlock
                || e.kind() == std::io::ErrorKind::TimedOut => {}
        other => panic!("Python 版的连接应当还开着、没有数据，读到的却是 {other:?}"),
    }
    // 下一个客户端连上来，主线程的 sock 换成了新连接，旧的这才被关闭（还有字节没读，所以是 RST）。
    let _next = TcpStream::connect(server.addr()).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    match (&stream).read(&mut buf) {
        Ok(0) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        other => panic!("下一个客户端连上以后，旧连接应当被关闭，读到的却是 {other:?}"),
    }
}

#[test]
fn the_tutorial_server_serves_the_next_client_after_a_broken_one() {
    // 一个连接的线程出错，不影响别的连接：每个客户端一个线程。
    let server = Proc::server(TUTORIAL_SERVER, ["0"]);
    let _broken = send_a_long_message(&server);
    let server = expect_stderr(server, "线程出错");
    let stream = TcpStream::connect(server.addr()).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut greeting = [0u8; GREETING as usize];
    (&stream).read_exact(&mut greeting).unwrap();
    assert_eq!(&greeting, b"Hello WorldAAA");
    (&stream).write_all("你好".as_bytes()).unwrap();
    let mut reply = [0u8; "你好 是的呢".len()];
    (&stream).read_exact(&mut reply).unwrap();
    assert_eq!(std::str::from_utf8(&reply).unwrap(), "你好 是的呢");
}
