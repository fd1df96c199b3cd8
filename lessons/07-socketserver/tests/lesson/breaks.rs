//! 书里“教程版会坏在哪里”的几次运行：真实的 l07-tutorial-server 进程和真实的套接字，
//! 保存成 `output/breaks-*.txt`。以 `# ` 开头的是测试写的旁白，其余是程序真实打印的行；
//! 旁白说的每件事都有一条断言。

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::Command;
use std::time::Duration;

use testkit::{assert_matches_saved, Proc, DEADLINE};

use crate::twins::{saved, steady, CLIENT, TWIN};

/// 服务端的输出行和旁白按发生的先后排在一起。
#[derive(Default)]
struct Transcript {
    text: String,
    /// 服务端的标准输出已经抄进来几行。
    seen: usize,
}

impl Transcript {
    /// 把服务端到目前为止新打印的行抄进来。先用 expect_stdout 等到想要的那一行，再抄。
    fn catch_up(&mut self, server: &mut Proc) {
        let all = server.stdout_so_far();
        for line in all.lines().skip(self.seen) {
            self.line(line);
        }
        self.seen = all.lines().count();
    }

    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }

    fn note(&mut self, text: &str) {
        self.text.push_str("# ");
        self.text.push_str(text);
        self.text.push('\n');
    }

    fn save(&self, name: &str, server_port: u16) {
        assert_matches_saved(&saved(name), &steady(&self.text, server_port));
    }
}

fn connect(server: &Proc) -> TcpStream {
    let conn = TcpStream::connect(server.addr()).expect("连上服务端");
    conn.set_read_timeout(Some(DEADLINE)).unwrap();
    conn.set_nodelay(true).unwrap();
    conn
}

/// 教程写法：一条消息 send 一次，然后 recv(1024) 一次。
fn send_then_recv(conn: &mut TcpStream, message: &str) -> String {
    conn.write_all(message.as_bytes()).expect("发送");
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf).expect("读回复");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// 让服务端进程暂停或继续。暂停的进程被 Proc 丢弃时照样会被 SIGKILL 杀掉。
fn signal(server: &Proc, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &server.pid().to_string()])
        .status()
        .expect("运行 kill")
        .success();
    assert!(ok, "kill {sig} 失败");
}

#[test]
fn the_empty_read_still_gets_a_reply() {
    let mut server = Proc::server(TWIN, ["0"]);
    let port = server.addr().port();
    let mut t = Transcript::default();
    t.catch_up(&mut server);
    let mut conn = connect(&server);
    let reply = send_then_recv(&mut conn, "你好");
    assert_eq!(reply, "Your msg=你好");
    server.expect_stdout("Your msg=你好");
    t.catch_up(&mut server);
    t.note(&format!("客户端：发出“你好”，收到 {reply}"));
    conn.shutdown(Shutdown::Write).unwrap();
    t.note("客户端：说完了，半关闭；再读下去，本该只等到 EOF");
    let mut rest = String::new();
    conn.read_to_string(&mut rest).expect("读到 EOF");
    assert_eq!(rest, "Your msg=");
    server.expect_line("一行空的 Your msg=", |l| l == "Your msg=");
    t.catch_up(&mut server);
    t.note("客户端：EOF 之前却先收到一句多出来的 Your msg=（recv 读到的是空，handle 照样拼好回复发出来，才 break）");

    // 完整版先判断 EOF 再回复：同样的客户端，半关闭之后读到的只有 EOF。
    let full = Proc::server(env!("CARGO_BIN_EXE_l07-server"), ["--port", "0"]);
    let mut conn = connect(&full);
    assert_eq!(send_then_recv(&mut conn, "你好"), "Your msg=你好");
    conn.shutdown(Shutdown::Write).unwrap();
    let mut rest = String::new();
    conn.read_to_string(&mut rest).expect("读到 EOF");
    assert_eq!(rest, "");
    t.note("同样的客户端对完整版 l07-server：半关闭之后读到的只有 EOF");
    t.save("breaks-empty-read.txt", port);
}

#[test]
fn two_sends_can_arrive_in_one_read() {
    let mut server = Proc::server(TWIN, ["0"]);
    let port = server.addr().port();
    let mut t = Transcript::default();
    t.catch_up(&mut server);
    // 服务端暂停期间，两条消息先后发出（关了 Nagle，是两个报文段），都进了服务端内核的接收缓冲区。
    signal(&server, "-STOP");
    let mut conn = connect(&server);
    conn.write_all("一".as_bytes()).unwrap();
    conn.write_all("二".as_bytes()).unwrap();
    signal(&server, "-CONT");
    t.note("客户端：不等回复，连着 send 两次：“一”和“二”（服务端正好忙了一下：这时它暂停着，两条都到了才继续）");
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf).expect("读回复");
    let reply = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert_eq!(reply, "Your msg=一二");
    server.expect_stdout("Your msg=一二");
    t.catch_up(&mut server);
    t.note(&format!(
        "客户端：第一次 recv 收到 {reply}：两条消息被一次 recv(1024) 读到，当成了一条"
    ));
    conn.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    match conn.read(&mut buf) {
        Err(e) if is_timeout(&e) => {}
        other => panic!("不该有第二条回复，却读到了 {other:?}"),
    }
    t.note("客户端：再等 0.5 秒，没有第二条回复");
    t.save("breaks-merged.txt", port);
}

#[test]
fn a_handler_that_fails_drops_its_connection() {
    let mut server = Proc::server(TWIN, ["0"]);
    let port = server.addr().port();
    let mut t = Transcript::default();
    t.catch_up(&mut server);
    let mut conn = connect(&server);
    server.expect_stdout("BaseRequest {");
    t.catch_up(&mut server);
    conn.write_all("你".repeat(400).as_bytes()).unwrap();
    t.note("客户端：一次 send 400 个“你”（1200 字节），等回复");
    let mut got = Vec::new();
    // 服务端关闭时还有没读的字节，所以我们看到的可能是 EOF，也可能是连接被重置。
    let closed = conn.read_to_end(&mut got);
    assert!(got.is_empty(), "{:?}", String::from_utf8_lossy(&got));
    assert!(
        closed.is_ok() || closed.as_ref().unwrap_err().kind() == io::ErrorKind::ConnectionReset,
        "{closed:?}"
    );
    t.note("客户端：一个字节的回复也没有，连接就断了");
    // 服务端照样在服务下一个连接。
    let next = testkit::run(CLIENT, ["--port", &server.port()], "还在吗\n");
    assert!(next.status.success(), "{}", next.stderr);
    assert!(
        next.stdout.contains("收到：Your msg=还在吗"),
        "{}",
        next.stdout
    );
    t.note("下一个客户端 l07-client 发“还在吗”，照样收到 Your msg=还在吗：");
    server.expect_stdout("Your msg=还在吗");
    // 它说完就走；教程版读到 EOF 也先回一句空的 `Your msg=`。等这一行也到了再记，
    // 不然记下的行数要看两个进程谁快。
    server.expect_line("空的 Your msg=", |l| l == "Your msg=");
    t.catch_up(&mut server);
    let done = server.kill_and_collect();
    assert!(
        done.stderr
            .contains("handle() 出错：incomplete utf-8 byte sequence from index 1023"),
        "{}",
        done.stderr
    );
    t.note("教程版的标准错误：框架接住了第一个连接的 handle 返回的错误，报告一行，接着服务");
    for line in done.stderr.lines() {
        t.line(line);
    }
    t.save("breaks-handler-error.txt", port);
}

#[test]
fn an_idle_client_keeps_server_close_waiting() {
    let mut server = Proc::server(TWIN, ["0"]);
    let port = server.addr().port();
    let mut t = Transcript::default();
    t.catch_up(&mut server);
    let idle = connect(&server);
    server.expect_stdout("BaseRequest {");
    t.catch_up(&mut server);
    t.note("客户端 D：连上以后一句话也不说");
    t.note("另外三个 l07-client 先后各说一句就走：");
    for word in ["一", "二", "三"] {
        let out = testkit::run(CLIENT, ["--port", &server.port()], &format!("{word}\n"));
        assert!(out.status.success(), "{}", out.stderr);
    }
    server.expect_stdout("已经处理完 3 个连接");
    t.catch_up(&mut server);
    // 教程版已经调用了 shutdown()，serve_forever 也返回了；server_close() 却在等 D 的处理线程。
    std::thread::sleep(Duration::from_secs(1));
    assert!(server.is_running(), "D 还连着，教程版不该已经退出");
    t.catch_up(&mut server);
    t.note("1 秒过去了，教程版还没有退出：server_close() 要等每一个处理线程结束，D 的那个还卡在 recv 上");
    drop(idle);
    t.note("客户端 D 关闭连接");
    let before = t.seen;
    let done = server.finish();
    assert!(done.status.success(), "{}", done.stderr);
    let tail: Vec<&str> = done.stdout.lines().skip(before).collect();
    assert_eq!(tail, ["Your msg="], "{}", done.stdout);
    t.line(tail[0]);
    t.note("D 的处理线程读到空、回一句 Your msg=、结束；server_close() 这才返回，教程版退出（退出码 0）");

    // 完整版给每个连接设了读超时：不说话的客户端到时就被断开。
    let mut full = Proc::server(
        env!("CARGO_BIN_EXE_l07-server"),
        ["--port", "0", "--idle-timeout", "1"],
    );
    let mut idle = connect(&full);
    let mut rest = Vec::new();
    idle.read_to_end(&mut rest).expect("完整版到时关闭连接");
    assert!(rest.is_empty());
    full.expect_stdout("太久没有说话，或者说得太慢，断开");
    t.note("同样不说话的客户端对完整版 l07-server --idle-timeout 1：1 秒后服务端记下“太久没有说话，或者说得太慢，断开”，关闭连接");
    t.save("breaks-idle.txt", port);
}
