//! 教程版（照教程的 Python 一行一行写成的 Rust）：和 `python/` 里同名的 Python 双向对话，
//! 输出逐行相同；书里展示的输出（`output/<短名>.txt`）和“坏了”的真实运行（`output/breaks-*.txt`）由这里保持真实。
//! 机器上没有 python3 时，和 Python 对话的那一半说明原因后跳过。

use crate::common;

use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{bin, mask, raw_stream, recv_once};
use testkit::{assert_matches_saved, Finished, Proc};

fn script(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn read_saved(name: &str) -> String {
    fs::read_to_string(saved(name)).unwrap_or_else(|e| panic!("读 output/{name} 失败：{e}"))
}

/// 教程版服务端：Rust 的或 Python 的，参数都是 `0`（让系统挑端口）。
fn twin_server(name: &str) -> Proc {
    Proc::server(&bin(&format!("l04-{name}")), ["0"])
}

fn python_server(py: &str, file: &str) -> Proc {
    Proc::server(py, [script(file).as_str(), "0"])
}

/// 一个客户端：Rust 教程版或 Python 教程版，唯一的参数是端口。
enum Client<'a> {
    Rust(&'a str),
    Python(&'a str, &'a str),
}

impl Client<'_> {
    fn spawn(&self, port: &str) -> Proc {
        match self {
            Client::Rust(name) => Proc::spawn(&bin(&format!("l04-{name}")), [port]),
            Client::Python(py, file) => Proc::spawn(py, [script(file).as_str(), port]),
        }
    }

    fn run(&self, port: &str, stdin: &str) -> Finished {
        let mut proc = self.spawn(port);
        proc.send_bytes(stdin.as_bytes());
        proc.finish()
    }
}

/// 运行中的程序，记住已经展示过几行，好把它的输出按真实的先后一段一段地写进“坏了”的记录。
struct Shown {
    proc: Proc,
    label: &'static str,
    lines: usize,
}

impl Shown {
    fn new(proc: Proc, label: &'static str) -> Shown {
        Shown {
            proc,
            label,
            lines: 0,
        }
    }

    /// 上次之后新出现的完整行，每行前面加上标签。
    fn take(&mut self, story: &mut String) {
        let all = self.proc.stdout_so_far();
        for line in all.lines().skip(self.lines) {
            story.push_str(&format!("{}{line}\n", self.label));
            self.lines += 1;
        }
    }

    /// 进程结束后剩下的所有行（包括最后那行不带换行符的提示符）。
    fn take_rest(self, story: &mut String) -> Finished {
        let (label, lines) = (self.label, self.lines);
        let out = self.proc.finish();
        for line in out.stdout.lines().skip(lines) {
            story.push_str(&format!("{label}{line}\n"));
        }
        out
    }
}

fn note(story: &mut String, text: &str) {
    story.push_str(&format!("# {text}\n"));
}

/// 等到标准输出里 `needle` 出现了 `n` 次（有期限）。
fn wait_for_count(p: &mut Proc, needle: &str, n: usize) {
    let deadline = Instant::now() + testkit::DEADLINE;
    while p.stdout_so_far().matches(needle).count() < n {
        assert!(Instant::now() < deadline, "等不到第 {n} 个 {needle:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// 在 1 秒的观察窗口里，确认进程**没有**打印任何新的一行（用来展示“什么也没有发生”）。
fn assert_silent_for_a_second(p: &mut Shown, what: &str) {
    let before = p.proc.stdout_so_far();
    let until = Instant::now() + Duration::from_secs(1);
    while Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(p.proc.stdout_so_far(), before, "{what}");
    }
}

// ───────────────────────── V1 ─────────────────────────

#[test]
fn v1_twins_do_one_exchange_and_exit() {
    let srv = twin_server("v1-server");
    let port = srv.port();
    let out = Client::Rust("v1-client").run(&port, "i am binary\n");
    assert!(out.status.success(), "{}", out.stderr);
    assert_matches_saved(&saved("v1-client.txt"), &mask(&out.stdout, &port, "6969"));
    // V1 服务端答完一句就自己退出了。
    let log = srv.finish();
    assert!(log.status.success(), "{}", log.stderr);
    assert_matches_saved(&saved("v1-server.txt"), &mask(&log.stdout, &port, "6969"));
}

#[test]
fn v1_twins_talk_to_the_python_twins() {
    let Some(py) = testkit::python3("v1_twins_talk_to_the_python_twins") else {
        return;
    };
    for (server, client) in [
        (None, Client::Python(py, "v1_client.py")),
        (Some("v1_server.py"), Client::Rust("v1-client")),
    ] {
        let srv = match server {
            None => twin_server("v1-server"),
            Some(file) => python_server(py, file),
        };
        let port = srv.port();
        let out = client.run(&port, "i am binary\n");
        assert!(out.status.success(), "{}", out.stderr);
        assert_eq!(
            mask(&out.stdout, &port, "6969"),
            read_saved("v1-client.txt")
        );
        let log = srv.finish();
        assert!(log.status.success(), "{}", log.stderr);
        assert_eq!(
            mask(&log.stdout, &port, "6969"),
            read_saved("v1-server.txt")
        );
    }
}

#[test]
fn v1_client_does_not_send_an_empty_line() {
    // EOF 和空行一样：不发送、说明原因、结束，而不是两边一直互相等下去。
    for stdin in ["\n", ""] {
        let srv = twin_server("v1-server");
        let out = Client::Rust("v1-client").run(&srv.port(), stdin);
        assert!(out.status.success(), "{}", out.stderr);
        assert_eq!(
            out.stdout,
            ">>:空行不发送：send(b'') 什么也不发，服务端收不到，两边会一直互相等下去\n"
        );
        // 服务端读到的是 0 字节：它照样打印、照样回复一个空的 []，然后退出。
        let log = srv.finish();
        assert!(log.status.success(), "{}", log.stderr);
        assert!(
            log.stdout.ends_with("Server recive data: b''\n"),
            "{}",
            log.stdout
        );
    }
}

// ───────────────────────── V2 ─────────────────────────

const V2_SESSION: &str = "i am binary\ni am handsome\n";

/// V2 服务端的日志，直到第一个客户端离开、它回到外层循环。
fn v2_log_after_one_client(mut srv: Proc, port: &str) -> String {
    srv.expect_stdout("clinet has broken the connection...");
    wait_for_count(&mut srv, "waiting connection...", 2);
    let log = srv.kill_and_collect().stdout;
    mask(&log, port, "6969")
}

#[test]
fn v2_twins_loop_until_the_empty_line() {
    let srv = twin_server("v2-server");
    let port = srv.port();
    // 空行之后的那一行不会发出去。
    let out = Client::Rust("v2-client").run(&port, "i am binary\ni am handsome\n\n不会发出\n");
    assert!(out.status.success(), "{}", out.stderr);
    assert_matches_saved(&saved("v2-client.txt"), &mask(&out.stdout, &port, "6969"));
    assert_matches_saved(
        &saved("v2-server.txt"),
        &v2_log_after_one_client(srv, &port),
    );
}

#[test]
fn v2_twins_talk_to_the_python_twins() {
    let Some(py) = testkit::python3("v2_twins_talk_to_the_python_twins") else {
        return;
    };
    // Python 的 input() 读到 EOF 会抛异常，所以给它一个空行结束。
    let stdin = format!("{V2_SESSION}\n");
    for (server, client) in [
        (None, Client::Python(py, "v2_client.py")),
        (Some("v2_server.py"), Client::Rust("v2-client")),
    ] {
        let srv = match server {
            None => twin_server("v2-server"),
            Some(file) => python_server(py, file),
        };
        let port = srv.port();
        let out = client.run(&port, &stdin);
        assert!(out.status.success(), "{}", out.stderr);
        assert_eq!(
            mask(&out.stdout, &port, "6969"),
            read_saved("v2-client.txt")
        );
        assert_eq!(
            v2_log_after_one_client(srv, &port),
            read_saved("v2-server.txt")
        );
    }
}

#[test]
fn v2_server_stops_after_five_clients() {
    let servers: Vec<Proc> = match testkit::python3("v2_server_stops_after_five_clients") {
        Some(py) => vec![twin_server("v2-server"), python_server(py, "v2_server.py")],
        None => vec![twin_server("v2-server")],
    };
    for srv in servers {
        let port = srv.port();
        for _ in 0..5 {
            let out = Client::Rust("v2-client").run(&port, "");
            assert!(out.status.success(), "{}", out.stderr);
        }
        let log = srv.finish();
        assert!(log.status.success(), "{}", log.stderr);
        assert_eq!(log.stdout.matches("waiting connection...").count(), 5);
        assert!(
            log.stdout
                .ends_with("服务完 5 个客户端，停下：教程的 while True 会一直等下一个\n"),
            "{}",
            log.stdout
        );
    }
}

/// 坏了：V2 一次只服务一个客户端。客户端 A 还连着的时候，客户端 B 的消息没人读。
#[test]
fn breaks_v2_one_client_blocks_everyone() {
    let srv = twin_server("v2-server");
    let port = srv.port();
    let mut story = String::new();
    let mut srv = Shown::new(srv, "[服务端]  ");
    srv.proc.expect_stdout("waiting connection...");
    srv.take(&mut story);

    note(&mut story, "客户端 A 连上来，说了一句：");
    let mut a = Shown::new(Client::Rust("v2-client").spawn(&port), "[客户端A] ");
    a.proc.send_line("hello from A");
    a.proc.expect_stdout("Clinet recive data: [hello from A]");
    srv.proc.expect_stdout("b'hello from A'");
    a.take(&mut story);
    srv.take(&mut story);

    note(&mut story, "客户端 B 也连上来，说了一句：");
    let mut b = Shown::new(Client::Rust("v2-client").spawn(&port), "[客户端B] ");
    b.proc.send_line("hello from B");
    assert_silent_for_a_second(&mut b, "A 还连着，B 却已经收到了回复");
    assert!(!srv.proc.stdout_so_far().contains("hello from B"));
    note(
        &mut story,
        "客户端 B：1 秒过去了，还没有收到任何回复；服务端也没有读到它的消息",
    );

    note(&mut story, "客户端 A 输入空行，离开：");
    a.proc.send_line("");
    a.take_rest(&mut story);
    b.proc.expect_stdout("Clinet recive data: [hello from B]");
    srv.proc.expect_stdout("b'hello from B'");
    srv.take(&mut story);
    note(&mut story, "客户端 B 这才收到回复：");
    b.take(&mut story);
    note(&mut story, "客户端 B 也离开：");
    b.take_rest(&mut story);
    wait_for_count(&mut srv.proc, "waiting connection...", 3);
    srv.take(&mut story);
    assert_matches_saved(&saved("breaks-v2-queue.txt"), &mask(&story, &port, "6969"));
}

// ───────────────────────── 1.5 节：问好、空转 ─────────────────────────

const GREETING: &str = "b'Hello WorldAAA'\nHello WorldAAA\nHello WorldAAA\n";
const GREETING_END: &str = "说了 3 轮，停下：教程的 while True 会一直说下去";
const SPIN_END: &str = "recv 已经 5 次读到空：客户端走了。教程的循环会这样一直空转下去，这里停下";

/// 客户端由测试扮演：收下问候，说一句“我爱Python”，收到回复后关闭连接——没有留下没读的数据，所以是正常的 FIN。
fn one_sentence_and_leave(port: &str) -> Vec<String> {
    let mut sock = raw_stream(port);
    let hello = recv_once(&sock, "Hello WorldAAA");
    sock.write_all("我爱Python".as_bytes()).unwrap();
    let reply = recv_once(&sock, "我爱Python 是的呢");
    vec![
        format!("收到 {}", String::from_utf8_lossy(&hello)),
        "发送 我爱Python".to_string(),
        format!("收到 {}", String::from_utf8_lossy(&reply)),
    ]
}

/// 坏了：客户端走了以后，教程的服务端线程每次 recv 都立刻读到空，却不离开循环。
#[test]
fn breaks_greeting_server_spins_after_the_client_leaves() {
    let mut srv = twin_server("greeting-server");
    let port = srv.port();
    let said = one_sentence_and_leave(&port);
    assert_eq!(said[0], "收到 Hello WorldAAA");
    assert_eq!(said[2], "收到 我爱Python 是的呢");
    srv.expect_stdout(SPIN_END);
    let log = mask(&srv.kill_and_collect().stdout, &port, "8888");
    assert_matches_saved(&saved("greeting-server.txt"), &log);

    let mut story = String::new();
    note(
        &mut story,
        "一个客户端（测试扮演，像 nc 那样）连上，说了一句，收到回复后关闭连接：",
    );
    for line in &said {
        story.push_str(&format!("[客户端] {line}\n"));
    }
    note(&mut story, "服务端的输出：");
    for line in log.lines() {
        story.push_str(&format!("[服务端] {line}\n"));
    }
    assert_matches_saved(&saved("breaks-greeting-spin.txt"), &story);
}

#[test]
fn python_greeting_server_spins_the_same_way() {
    let Some(py) = testkit::python3("python_greeting_server_spins_the_same_way") else {
        return;
    };
    let mut srv = python_server(py, "greeting_server.py");
    let port = srv.port();
    one_sentence_and_leave(&port);
    srv.expect_stdout(SPIN_END);
    let log = mask(&srv.kill_and_collect().stdout, &port, "8888");
    assert_eq!(log, read_saved("greeting-server.txt"));
}

/// 测试扮演服务端：等客户端连发的两句**都到了**才读，于是一次 read 读到两句（TCP 允许这样）；
/// 之后每句“我爱阿芬”回复一次，和教程版服务端一样。
fn serve_greeting_client_merged(client: &Client) -> Finished {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let proc = client.spawn(&port);
    let (mut sock, _) = listener.accept().unwrap();
    sock.set_read_timeout(Some(testkit::DEADLINE)).unwrap();
    sock.write_all(b"Hello WorldAAA").unwrap();
    let mut both = [0u8; 24];
    sock.read_exact(&mut both).unwrap();
    assert_eq!(std::str::from_utf8(&both).unwrap(), "我爱Python我爱阿芬");
    sock.write_all("我爱Python我爱阿芬 是的呢".as_bytes())
        .unwrap();
    for round in 1..=3 {
        let mut one = [0u8; 12];
        sock.read_exact(&mut one).unwrap();
        assert_eq!(std::str::from_utf8(&one).unwrap(), "我爱阿芬");
        if round < 3 {
            sock.write_all("我爱阿芬 是的呢".as_bytes()).unwrap();
        }
    }
    let out = proc.finish();
    let mut rest = Vec::new();
    assert_eq!(
        sock.read_to_end(&mut rest).unwrap(),
        0,
        "说完 3 轮就关闭连接"
    );
    out
}

#[test]
fn greeting_client_prints_the_greeting_three_ways_and_stops_after_three_rounds() {
    let out = serve_greeting_client_merged(&Client::Rust("greeting-client"));
    assert!(out.status.success(), "{}", out.stderr);
    assert_matches_saved(&saved("greeting-client.txt"), &out.stdout);
    if let Some(py) = testkit::python3("greeting_client (Python)") {
        let out = serve_greeting_client_merged(&Client::Python(py, "greeting_client.py"));
        assert!(out.status.success(), "{}", out.stderr);
        assert_eq!(out.stdout, read_saved("greeting-client.txt"));
    }
}

/// 两个教程版对话时，两句连发的消息会不会并成一次 recv、两条回复会不会并成一次 recv，每次运行都可能不同；
/// 这里只检查每次都成立的部分。
fn assert_greeting_session(client: &Finished, server_log: &str) {
    assert!(client.status.success(), "{}", client.stderr);
    let lines: Vec<&str> = client.stdout.lines().collect();
    assert!(client.stdout.starts_with(GREETING), "{}", client.stdout);
    assert_eq!(
        lines.len(),
        7,
        "问候三行、三轮回复、最后一句：{}",
        client.stdout
    );
    assert!(lines[3].starts_with("我爱Python"), "{}", client.stdout);
    assert!(lines[3..6].iter().all(|l| l.contains(" 是的呢")));
    assert_eq!(lines[6], GREETING_END);
    let log: Vec<&str> = server_log.lines().collect();
    assert!(log[1].starts_with("('127.0.0.1', "), "{server_log}");
    assert!(log[2].starts_with("我爱Python"), "{server_log}");
}

#[test]
fn greeting_twins_talk_in_every_direction() {
    let mut pairs = vec![(None, Client::Rust("greeting-client"))];
    let py = testkit::python3("greeting_twins_talk_in_every_direction（Python 那一半）");
    if let Some(py) = py {
        pairs.push((None, Client::Python(py, "greeting_client.py")));
        pairs.push((
            Some((py, "greeting_server.py")),
            Client::Rust("greeting-client"),
        ));
    }
    for (server, client) in pairs {
        let mut srv = match server {
            None => twin_server("greeting-server"),
            Some((py, file)) => python_server(py, file),
        };
        let port = srv.port();
        let out = client.run(&port, "");
        srv.expect_stdout("我爱阿芬");
        let log = srv.kill_and_collect().stdout;
        assert_greeting_session(&out, &log);
    }
}

// ───────────────────────── TCP 聊天室：回复时间 ─────────────────────────

#[test]
fn time_twins_reply_with_the_time_until_quit() {
    let mut srv = twin_server("time-server");
    let port = srv.port();
    let out = Client::Rust("time-client").run(&port, "你好\nquit\n");
    assert!(out.status.success(), "{}", out.stderr);
    assert_matches_saved(
        &saved("time-client.txt"),
        &mask(&out.stdout, &port, "12345"),
    );
    srv.expect_stdout("服务器接收消息： quit");
    let log = mask(&srv.kill_and_collect().stdout, &port, "12345");
    assert_matches_saved(&saved("time-server.txt"), &log);
}

#[test]
fn time_twins_talk_to_the_python_twins() {
    let Some(py) = testkit::python3("time_twins_talk_to_the_python_twins") else {
        return;
    };
    for (server, client) in [
        (None, Client::Python(py, "time_client.py")),
        (Some("time_server.py"), Client::Rust("time-client")),
    ] {
        let mut srv = match server {
            None => twin_server("time-server"),
            Some(file) => python_server(py, file),
        };
        let port = srv.port();
        let out = client.run(&port, "你好\nquit\n");
        assert!(out.status.success(), "{}", out.stderr);
        assert_eq!(
            mask(&out.stdout, &port, "12345"),
            read_saved("time-client.txt")
        );
        srv.expect_stdout("服务器接收消息： quit");
        let log = mask(&srv.kill_and_collect().stdout, &port, "12345");
        assert_eq!(log, read_saved("time-server.txt"));
    }
}

#[test]
fn time_server_ends_a_client_on_an_empty_read() {
    let mut srv = twin_server("time-server");
    let port = srv.port();
    // 客户端的标准输入一开始就是 EOF：它不发任何东西就关闭连接，服务端读到空消息。
    let out = Client::Rust("time-client").run(&port, "");
    assert_eq!(out.stdout, "start Socket client\n请输入用户端发送内容：\n");
    srv.expect_line("空消息", |l| l == "服务器接收消息： ");
    // 然后回到外层循环，下一个客户端照常得到回复。
    let out = Client::Rust("time-client").run(&port, "还在吗\n");
    assert!(out.stdout.contains("服务器当前时间="), "{}", out.stdout);
}

// ───────────────────────── 9.19 节：服务端由人来回话 ─────────────────────────

/// 客户端说“你好”，坐在服务端前的人（测试）敲一句回话；客户端 exit 离开后，服务端读到空消息、又问人要回话；
/// 人敲了空行（或关掉了标准输入），服务端说明原因后结束。
fn operator_session(mut srv: Proc, mut client: Proc, port: &str) -> (String, String) {
    srv.expect_line("客户端的地址", |l| l.starts_with("('127.0.0.1', "));
    client.send_line("你好");
    srv.expect_stdout("....... 你好");
    srv.send_line("你好，我是服务端");
    client.expect_stdout("你好，我是服务端");
    client.send_line("exit");
    let out = client.finish();
    assert!(out.status.success(), "{}", out.stderr);
    srv.expect_line("空消息", |l| l.ends_with("....... "));
    srv.send_line("");
    let log = srv.finish();
    assert!(log.status.success(), "{}", log.stderr);
    (
        mask(&out.stdout, port, "8888"),
        mask(&log.stdout, port, "8888"),
    )
}

#[test]
fn operator_twins_talk_through_a_person() {
    let srv = twin_server("operator-server");
    let port = srv.port();
    let client = Client::Rust("operator-client").spawn(&port);
    let (out, log) = operator_session(srv, client, &port);
    assert_matches_saved(&saved("operator-client.txt"), &out);
    assert_matches_saved(&saved("operator-server.txt"), &log);
}

#[test]
fn operator_twins_talk_to_the_python_twins() {
    let Some(py) = testkit::python3("operator_twins_talk_to_the_python_twins") else {
        return;
    };
    // Python 客户端的第一行是 print(s)（套接字对象的样子），和 Rust 的不同；其余逐行相同。
    let srv = twin_server("operator-server");
    let port = srv.port();
    let client = Client::Python(py, "operator_client.py").spawn(&port);
    let (out, log) = operator_session(srv, client, &port);
    assert!(out.starts_with("<socket.socket "), "{out}");
    let tail = |s: &str| s.split_once('\n').map(|(_, t)| t.to_string()).unwrap();
    assert_eq!(tail(&out), tail(&read_saved("operator-client.txt")));
    assert_eq!(log, read_saved("operator-server.txt"));

    let srv = python_server(py, "operator_server.py");
    let port = srv.port();
    let client = Client::Rust("operator-client").spawn(&port);
    let (out, log) = operator_session(srv, client, &port);
    assert_eq!(out, read_saved("operator-client.txt"));
    assert_eq!(log, read_saved("operator-server.txt"));
}

#[test]
fn operator_client_does_not_send_an_empty_line() {
    let mut srv = twin_server("operator-server");
    let port = srv.port();
    let out = Client::Rust("operator-client").run(&port, "\n");
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout
            .ends_with(">>>空行不发送：send(b'') 什么也不发，两边会一直互相等下去\n"),
        "{}",
        out.stdout
    );
    srv.expect_line("空消息", |l| l == "....... ");
}

// ───────────────────────── 多线程与网络编程：收发两个线程 ─────────────────────────

const DUPLEX_PROMPT: &str = "请输入要传输的内容：";

/// 收发两个线程同时往屏幕上写：提示符和收到的消息谁先谁后，每次运行都可能不同。
/// 去掉提示符之后，剩下的就是接收线程按顺序打印的内容，每次都一样。
fn without_prompts(stdout: &str) -> String {
    format!("{}\n", stdout.replace(DUPLEX_PROMPT, "").trim_end())
}

/// 说一句“你好”，等它回来；再说 quit：服务端关闭连接，接收线程收到空消息，三次之后停下；最后标准输入结束。
fn duplex_quit_session(srv: &mut Proc, mut client: Proc) -> Finished {
    srv.expect_stdout("连接到服务器");
    client.send_line("你好");
    client.expect_stdout("从服务器接收的信息：你好");
    client.send_line("quit");
    srv.expect_stdout("关闭客户端");
    client.expect_stdout("已经 3 次收到空消息");
    let out = client.finish();
    assert!(out.status.success(), "{}", out.stderr);
    out
}

#[test]
fn duplex_twins_echo_until_quit() {
    let mut srv = twin_server("echo-thread-server");
    let port = srv.port();
    let out = duplex_quit_session(&mut srv, Client::Rust("duplex-client").spawn(&port));
    assert_matches_saved(&saved("duplex-client.txt"), &without_prompts(&out.stdout));
    let log = mask(&srv.kill_and_collect().stdout, &port, "12345");
    assert_matches_saved(&saved("echo-thread-server.txt"), &log);
}

#[test]
fn duplex_twins_talk_to_the_python_twins() {
    let Some(py) = testkit::python3("duplex_twins_talk_to_the_python_twins") else {
        return;
    };
    for (server, client) in [
        (None, Client::Python(py, "duplex_client.py")),
        (Some("echo_thread_server.py"), Client::Rust("duplex-client")),
    ] {
        let mut srv = match server {
            None => twin_server("echo-thread-server"),
            Some(file) => python_server(py, file),
        };
        let port = srv.port();
        let out = duplex_quit_session(&mut srv, client.spawn(&port));
        assert_eq!(
            without_prompts(&out.stdout),
            read_saved("duplex-client.txt")
        );
        let log = mask(&srv.kill_and_collect().stdout, &port, "12345");
        assert_eq!(log, read_saved("echo-thread-server.txt"));
    }
}

#[test]
fn echo_thread_server_serves_two_clients_at_once() {
    let srv = twin_server("echo-thread-server");
    let port = srv.port();
    let mut first = raw_stream(&port);
    let mut second = raw_stream(&port);
    // 第一个客户端还连着、一句话也没说，第二个照样得到回音。
    second.write_all("第二个".as_bytes()).unwrap();
    assert_eq!(recv_once(&second, "回音"), "第二个".as_bytes());
    first.write_all("第一个".as_bytes()).unwrap();
    assert_eq!(recv_once(&first, "回音"), "第一个".as_bytes());
    first.write_all(b"quit").unwrap();
    let mut rest = Vec::new();
    assert_eq!(
        first.read_to_end(&mut rest).unwrap(),
        0,
        "quit 之后连接关闭"
    );
}

/// 等到进程里有一个线程阻塞在等套接字数据的系统调用里：Rust 的 `read` 是 `recvfrom`，
/// Python 设了超时的 `recv` 先 `poll`。读的是 `/proc/<进程号>/task/<线程号>/syscall` 的第一个数。
#[cfg(target_os = "linux")]
fn wait_until_blocked_in_recv(pid: u32) {
    let mut waits = vec![libc::SYS_recvfrom, libc::SYS_ppoll];
    #[cfg(target_arch = "x86_64")]
    waits.push(libc::SYS_poll);
    let waits: Vec<String> = waits.iter().map(|n| n.to_string()).collect();
    let blocked = || {
        fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|task| fs::read_to_string(task.path().join("syscall")).ok())
            .any(|s| {
                s.split_whitespace()
                    .next()
                    .is_some_and(|n| waits.iter().any(|w| w == n))
            })
    };
    let deadline = Instant::now() + testkit::DEADLINE;
    while !blocked() {
        assert!(
            Instant::now() < deadline,
            "接收线程没有在期限内停到 recv 上"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// 坏了：exit 之后，教程的接收线程还卡在 recv 里。对面这次是 9.19 节的服务端：它要等人敲回话，什么也不发。
#[test]
#[cfg(target_os = "linux")]
fn breaks_duplex_receive_thread_waits_after_exit() {
    let mut runs = vec![Client::Rust("duplex-client")];
    let py = testkit::python3("breaks_duplex_receive_thread_waits_after_exit（Python 那一半）");
    if let Some(py) = py {
        runs.push(Client::Python(py, "duplex_client.py"));
    }
    let mut stories = Vec::new();
    for client in runs {
        let srv = twin_server("operator-server");
        let port = srv.port();
        let mut story = String::new();
        let mut srv = Shown::new(srv, "[服务端] ");
        let mut c = Shown::new(client.spawn(&port), "[客户端] ");
        srv.proc
            .expect_line("客户端的地址", |l| l.starts_with("('127.0.0.1', "));
        note(&mut story, "客户端连上来，输入 你好：");
        c.proc.send_line("你好");
        srv.proc.expect_stdout("....... 你好");
        srv.take(&mut story);
        // 接收线程要是还没来得及走到 recv，它看到的 running 已经是 False，根本不会去等。
        wait_until_blocked_in_recv(c.proc.pid());
        note(
            &mut story,
            "客户端的接收线程正阻塞在 recv 里（测试在 /proc 里看到了它停在这个系统调用上）",
        );
        note(
            &mut story,
            "服务端在等坐在它前面的人敲回话（>>>），这里没有人敲。客户端输入 exit：",
        );
        c.proc.send_line("exit");
        // 客户端应当在 3 秒的读超时之后自己结束（finish 的期限是 testkit::DEADLINE）。
        let out = c.take_rest(&mut story);
        assert!(
            out.status.success() && out.stdout.contains("recv 却等了 3 秒"),
            "退出状态 {:?}\nstdout:\n{}\nstderr:\n{}",
            out.status,
            out.stdout,
            out.stderr
        );
        assert!(!out.stdout.contains("从服务器接收的信息"), "{}", out.stdout);
        assert!(srv.proc.is_running());
        note(&mut story, "客户端退出了；服务端还在 >>> 后面等人敲回话");
        stories.push(mask(&story.replace(DUPLEX_PROMPT, ""), &port, "8888"));
    }
    assert_matches_saved(&saved("breaks-duplex-exit.txt"), &stories[0]);
    for other in &stories[1..] {
        assert_eq!(other, &stories[0], "Python 教程版的表现一样");
    }
}

// ───────────────────────── 1.2.2 节：每个连接一个线程 ─────────────────────────

#[test]
fn tutorial_threaded_twins_say_welcome_and_hello() {
    let mut srv = twin_server("tutorial-threaded-server");
    let port = srv.port();
    let out = Client::Rust("tutorial-threaded-client").run(&port, "");
    assert!(out.status.success(), "{}", out.stderr);
    assert_matches_saved(&saved("tutorial-threaded-client.txt"), &out.stdout);
    srv.expect_stdout("closed.");
    let log = mask(&srv.kill_and_collect().stdout, &port, "9999");
    assert_matches_saved(&saved("tutorial-threaded-server.txt"), &log);
}

#[test]
fn tutorial_threaded_twins_talk_to_the_python_twins() {
    let Some(py) = testkit::python3("tutorial_threaded_twins_talk_to_the_python_twins") else {
        return;
    };
    for (server, client) in [
        (None, Client::Python(py, "tutorial_threaded_client.py")),
        (
            Some("tutorial_threaded_server.py"),
            Client::Rust("tutorial-threaded-client"),
        ),
    ] {
        let mut srv = match server {
            None => twin_server("tutorial-threaded-server"),
            Some(file) => python_server(py, file),
        };
        let port = srv.port();
        let out = client.run(&port, "");
        assert!(out.status.success(), "{}", out.stderr);
        assert_eq!(out.stdout, read_saved("tutorial-threaded-client.txt"));
        srv.expect_stdout("closed.");
        let log = mask(&srv.kill_and_collect().stdout, &port, "9999");
        assert_eq!(log, read_saved("tutorial-threaded-server.txt"));
    }
}

/// 每条消息前 sleep(1)：一段对话至少 3 秒。两个客户端同时来时，第二个的 Welcome! 在第一个说完之前就到了。
#[test]
fn tutorial_threaded_server_serves_two_clients_at_once() {
    let srv = twin_server("tutorial-threaded-server");
    let port = srv.port();
    let mut first = Client::Rust("tutorial-threaded-client").spawn(&port);
    first.expect_stdout("Welcome!");
    let mut second = Client::Rust("tutorial-threaded-client").spawn(&port);
    second.expect_stdout("Welcome!");
    assert!(
        !first.stdout_so_far().contains("Hello, Sarah!"),
        "第二个客户端的 Welcome! 要是等到第一个说完才来，就是一个接一个地服务了"
    );
    for c in [first, second] {
        let out = c.finish();
        assert_eq!(out.stdout, read_saved("tutorial-threaded-client.txt"));
    }
}

// ───────────────────────── 作业：登录 ─────────────────────────

const ACCOUNT: &str = "alex:123\negon:456\n";

/// 在一个临时目录里启动登录服务端：教程打开的是当前目录下的 `account`。
fn login_server(dir: &Path, program: &[&str]) -> Proc {
    fs::write(dir.join("account"), ACCOUNT).unwrap();
    let dir = dir.to_str().unwrap();
    let mut args = vec!["-c", r#"cd "$0" && exec "$@" 0"#, dir];
    args.extend_from_slice(program);
    Proc::server("sh", args)
}

fn rust_login_server(dir: &Path) -> Proc {
    login_server(dir, &[&bin("l04-login-server")])
}

const LOGIN_SESSION: &str = "alex\n000\nalex\n123\n";

#[test]
fn login_twins_try_until_success() {
    let dir = tempfile::tempdir().unwrap();
    let mut srv = rust_login_server(dir.path());
    let port = srv.port();
    let out = Client::Rust("login-client").run(&port, LOGIN_SESSION);
    assert!(out.status.success(), "{}", out.stderr);
    assert_matches_saved(&saved("login-client.txt"), &out.stdout);
    // 客户端走后，服务端读到空消息，split 出错，离开内层循环。
    srv.expect_line("空消息", |l| l == "接收信息： ");
    let log = mask(&srv.kill_and_collect().stdout, &port, "8001");
    assert_matches_saved(&saved("login-server.txt"), &log);
}

#[test]
fn login_twins_talk_to_the_python_twins() {
    let Some(py) = testkit::python3("login_twins_talk_to_the_python_twins") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let script_path = script("login_server.py");
    for (python_server, client) in [
        (false, Client::Python(py, "login_client.py")),
        (true, Client::Rust("login-client")),
    ] {
        let mut srv = if python_server {
            login_server(dir.path(), &[py, &script_path])
        } else {
            rust_login_server(dir.path())
        };
        let port = srv.port();
        let out = client.run(&port, LOGIN_SESSION);
        assert!(out.status.success(), "{}", out.stderr);
        assert_eq!(out.stdout, read_saved("login-client.txt"));
        srv.expect_line("空消息", |l| l == "接收信息： ");
        let log = mask(&srv.kill_and_collect().stdout, &port, "8001");
        assert_eq!(log, read_saved("login-server.txt"));
    }
}

#[test]
fn login_client_ends_on_eof_like_pythons_eoferror() {
    let dir = tempfile::tempdir().unwrap();
    let srv = rust_login_server(dir.path());
    let out = Client::Rust("login-client").run(&srv.port(), "alex\n000\n");
    assert_eq!(out.status.code(), Some(1), "{}", out.stdout);
    assert_eq!(
        out.stdout,
        "用户名>>>密码>>>fail\n用户名或密码错误\n用户名>>>\n"
    );
    assert!(
        out.stderr.contains("EOF when reading a line"),
        "{}",
        out.stderr
    );
}

/// 像 nc 那样发一条消息，返回服务端的回复（空：它一个字节也没回就关闭了连接）。
fn send_like_nc(port: &str, message: &str) -> String {
    let mut sock = raw_stream(port);
    sock.write_all(message.as_bytes()).unwrap();
    let mut reply = Vec::new();
    sock.read_to_end(&mut reply).unwrap();
    String::from_utf8(reply).unwrap()
}

/// 坏了：一条不是正好两段 `用户名|密码` 的消息，让 `user, pwd = data.split('|')` 抛出异常，
/// except 跳出内层循环：这个客户端没有得到任何回复就被扔下了。
#[test]
fn breaks_login_message_without_a_bar() {
    let mut servers = vec![None];
    let py = testkit::python3("breaks_login_message_without_a_bar（Python 那一半）");
    if let Some(py) = py {
        servers.push(Some(py));
    }
    let mut stories = Vec::new();
    for python in servers {
        let dir = tempfile::tempdir().unwrap();
        let script_path = script("login_server.py");
        let srv = match python {
            None => rust_login_server(dir.path()),
            Some(py) => login_server(dir.path(), &[py, &script_path]),
        };
        let port = srv.port();
        let mut story = String::new();
        let mut srv = Shown::new(srv, "[服务端] ");
        srv.take(&mut story);
        for message in ["alex", "alex|123|x"] {
            note(&mut story, &format!("用 nc 发一条 {message}，等回复："));
            let reply = send_like_nc(&port, message);
            assert_eq!(reply, "", "服务端应该一个字节也不回就关闭连接");
            srv.proc.expect_stdout(&format!("接收信息： {message}"));
            srv.take(&mut story);
            note(&mut story, "连接被关闭了，一个字节的回复也没有");
        }
        note(&mut story, "外层循环还在：下一个客户端照常登录");
        let mut c = Shown::new(Client::Rust("login-client").spawn(&port), "[客户端] ");
        c.proc.send_bytes(b"alex\n123\n");
        let out = c.take_rest(&mut story);
        assert!(out.status.success(), "{}", out.stderr);
        assert_eq!(out.stdout, "用户名>>>密码>>>success\n");
        srv.proc.expect_stdout("接收信息： alex|123");
        srv.proc.expect_line("空消息", |l| l == "接收信息： ");
        srv.take(&mut story);
        stories.push(mask(&story, &port, "8001"));
    }
    assert_matches_saved(&saved("breaks-login.txt"), &stories[0]);
    for other in &stories[1..] {
        assert_eq!(other, &stories[0], "Python 教程版的表现一样");
    }
}
