//! 书里“教程版会坏在哪里”的几次运行：每一次都是真实的进程和套接字，保存成 `output/breaks-*.txt`。
//! 以 `# ` 开头的是测试写的旁白，其余是程序真实打印的行；旁白说的每件事都有一条断言。

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

use testkit::{assert_matches_saved, normalize, Proc, DEADLINE};

use crate::twins::{client, saved, TWIN};

/// 程序的输出行和旁白按发生的先后排在一起。
#[derive(Default)]
struct Transcript(String);

impl Transcript {
    /// 程序真实打印的几行。
    fn lines(&mut self, text: &str) {
        for line in text.lines() {
            self.0.push_str(line);
            self.0.push('\n');
        }
    }

    /// 测试写的一行旁白。
    fn note(&mut self, text: &str) {
        self.0.push_str("# ");
        self.0.push_str(text);
        self.0.push('\n');
    }

    /// 把端口换成 9999，与书里保存的输出比较。
    fn save(&self, name: &str, port: &str) {
        let text = normalize(&self.0, &[(&format!(":{port}"), ":9999")]);
        assert_matches_saved(&saved(name), &text);
    }
}

fn connect(server: &Proc) -> TcpStream {
    let conn = TcpStream::connect(server.addr()).expect("连上服务端");
    conn.set_read_timeout(Some(DEADLINE)).unwrap();
    conn.set_write_timeout(Some(DEADLINE)).unwrap();
    conn
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// 让进程暂停或继续（SIGSTOP / SIGCONT）。暂停的进程被 Proc 丢弃时照样会被 SIGKILL 杀掉。
fn signal(server: &Proc, sig: testkit::signal::Signal) {
    testkit::signal::send(server.pid(), sig);
}

#[test]
fn a_short_message_leaves_read_10_waiting() {
    let mut server = Proc::server(TWIN, ["0"]);
    let mut t = Transcript::default();
    t.lines(&server.stdout_so_far());
    let mut conn = connect(&server);
    conn.write_all("你好".as_bytes()).unwrap();
    t.note("客户端：发出“你好”（2 个字符），不半关闭，等回复……");
    conn.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let mut buf = [0u8; 64];
    // 测试进程被暂停又继续时（机器很忙、有人按了 Ctrl-Z），设了读超时的 read 会返回 Interrupted：再读就是。
    let got = loop {
        match conn.read(&mut buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => break other,
        }
    };
    match got {
        Err(e) if is_timeout(&e) => {}
        other => panic!("教程版不该在收齐 10 个字符之前回复，却读到了 {other:?}"),
    }
    assert_eq!(
        server.stdout_so_far().lines().count(),
        1,
        "服务端除了地址不该打印任何东西"
    );
    t.note("客户端：1 秒过去了，没有收到任何回复；服务端也没再打印一行：它的 read(10) 还在等另外 8 个字符");
    conn.shutdown(Shutdown::Write).unwrap();
    t.note("客户端：半关闭，告诉服务端“我说完了”");
    t.lines(&server.expect_stdout("你好"));
    conn.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut reply = String::new();
    conn.read_to_string(&mut reply).expect("读到 EOF");
    assert_eq!(reply, "Return your msg:你好");
    t.note(&format!("客户端：收到 {reply}，然后是 EOF"));
    t.save("breaks-short-message.txt", &server.port());
    assert!(server.finish().status.success());
}

#[test]
fn the_twin_serves_one_client_and_is_gone() {
    let server = Proc::server(TWIN, ["0"]);
    let port = server.port();
    let first = client(&server, &["你好"]);
    assert!(first.status.success(), "{}", first.stderr);
    // 教程版回复完就退出：等它退出以后，第二个客户端再来。
    let done = server.finish();
    assert!(done.status.success(), "{}", done.stderr);
    assert_eq!(done.stdout.lines().count(), 2, "{}", done.stdout);
    let second = testkit::run(crate::twins::CLIENT, ["--port", &port, "再见"], "");
    assert_eq!(second.status.code(), Some(1), "{}", second.stdout);
    assert!(second.stderr.contains("连接被拒绝"), "{}", second.stderr);
    assert!(second.stdout.is_empty(), "{}", second.stdout);

    let mut t = String::new();
    t.push_str("# 终端 1：教程版服务端\n");
    t.push_str(&done.stdout);
    t.push_str("# 服务端打印完这两行就退出了（退出码 0）\n");
    t.push_str("# 终端 2：第一个客户端 l06-client 你好\n");
    t.push_str(&first.stdout);
    t.push_str("# 终端 2：第二个客户端 l06-client 再见\n");
    t.push_str(&second.stderr);
    let t = normalize(&t, &[(&format!(":{port}"), ":9999")]);
    assert_matches_saved(&saved("breaks-one-client.txt"), &t);
}

#[test]
fn unread_bytes_turn_the_close_into_a_reset() {
    let mut server = Proc::server(TWIN, ["0"]);
    let mut t = Transcript::default();
    t.lines(&server.stdout_so_far());
    // 先让服务端暂停：客户端的 20000 个字节全部进了服务端内核的接收缓冲区，它才开始读。
    signal(&server, testkit::signal::Signal::SIGSTOP);
    let mut conn = connect(&server);
    conn.write_all(&[b'a'; 20000]).unwrap();
    signal(&server, testkit::signal::Signal::SIGCONT);
    t.note("客户端：一口气发出 20000 个字节 a（比服务端 8 KiB 的读缓冲区大），不半关闭；服务端先暂停着，等这些字节全部到达才继续");
    t.lines(&server.expect_stdout("aaaaaaaaaa"));
    let port = server.port();
    let done = server.finish();
    assert!(done.status.success(), "{}", done.stderr);
    t.note("服务端读了 10 个字符、回复、退出：没读的字节还留在它的内核里，于是关闭时发出的是 RST，不是 FIN");
    let mut got = Vec::new();
    let err = conn
        .read_to_end(&mut got)
        .expect_err("对教程版，read_to_end 应当以“连接被重置”结束");
    assert_eq!(err.kind(), io::ErrorKind::ConnectionReset, "{err}");
    assert_eq!(got, b"Return your msg:aaaaaaaaaa");
    t.note(&format!(
        "客户端：read_to_end 返回错误：{err}；出错之前已经读到 {} 字节：{}",
        got.len(),
        String::from_utf8_lossy(&got)
    ));

    // 同样的客户端对完整版：它回复后先半关闭、再读掉剩下的，客户端读到的是回复和 EOF。
    let full = Proc::server(env!("CARGO_BIN_EXE_l06-server"), ["--port", "0"]);
    let mut conn = connect(&full);
    conn.write_all(&[b'a'; 20000]).unwrap();
    let mut got = Vec::new();
    conn.read_to_end(&mut got)
        .expect("对完整版，read_to_end 正常结束");
    assert_eq!(got, b"Return your msg:aaaaaaaaaa");
    t.note("同样的客户端对完整版 l06-server：read_to_end 读到 Return your msg:aaaaaaaaaa，然后是 EOF，没有错误");
    t.save("breaks-reset.txt", &port);
}

#[test]
fn bytes_that_are_not_utf8_end_the_twin() {
    let mut server = Proc::server(TWIN, ["0"]);
    let mut t = Transcript::default();
    t.lines(&server.stdout_so_far());
    let mut conn = connect(&server);
    conn.write_all(b"ab\xffcd").unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    t.note("客户端：发出 5 个字节 61 62 ff 63 64（ab、一个 UTF-8 里不会出现的 ff、cd），再半关闭");
    let port = server.port();
    let done = server.finish();
    assert_eq!(done.status.code(), Some(1), "{}", done.stdout);
    assert_eq!(done.stdout.lines().count(), 1, "{}", done.stdout);
    assert!(done.stderr.starts_with("Error: "), "{}", done.stderr);
    t.lines(&done.stderr);
    let mut got = Vec::new();
    conn.read_to_end(&mut got).expect("读到 EOF");
    assert!(got.is_empty(), "{got:?}");
    t.note("服务端带着这条英文错误退出（退出码 1），一个字也没有回：客户端读到 0 字节就是 EOF");

    // 连接断在一个字符的中间（“你”的 3 个字节只到了 2 个），教程版同样带着错误退出。
    let cut = Proc::server(TWIN, ["0"]);
    let mut conn = connect(&cut);
    conn.write_all(&"好你".as_bytes()[..5]).unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    let mut got = Vec::new();
    conn.read_to_end(&mut got).expect("读到 EOF");
    assert!(got.is_empty(), "{got:?}");
    let done = cut.finish();
    assert_eq!(done.status.code(), Some(1), "{}", done.stdout);
    assert!(done.stderr.contains("FromUtf8Error"), "{}", done.stderr);

    // 同样的字节发给完整版：它回答一句说明，接着服务别人。
    let full = Proc::server(env!("CARGO_BIN_EXE_l06-server"), ["--port", "0"]);
    let mut conn = connect(&full);
    conn.write_all(b"ab\xffcd").unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    let mut reply = String::new();
    conn.read_to_string(&mut reply).expect("读到完整版的回复");
    assert!(reply.starts_with("错误：收到的不是合法的 UTF-8"), "{reply}");
    t.note(&format!("同样的字节发给完整版 l06-server，回复是：{reply}"));
    t.save("breaks-not-utf8.txt", &port);
}
