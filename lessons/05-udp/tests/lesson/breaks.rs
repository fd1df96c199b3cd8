//! 书里“教程版哪里会坏”的几次真实运行：丢了一个数据报、数据报比缓冲区大、坏字节、陌生人的回答。
//! 每次运行都写成一份记录（`output/breaks-*.txt`）：程序真实打印的行前面标上是谁打印的，
//! 中间夹几行以 `# ` 开头的说明；说明里讲的每一件事，这里都检查过。

use std::collections::HashMap;
use std::mem::MaybeUninit;
use std::thread;
use std::time::{Duration, Instant};

use crate::common;
use crate::twins::GAVE_UP;

use common::{normalize_ports, recv, saved, udp};
use socket2::{MaybeUninitSlice, SockRef};
use testkit::{assert_matches_saved, Finished, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_l05-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l05-client");
const TUTORIAL_SERVER: &str = env!("CARGO_BIN_EXE_l05-tutorial-server");
const TUTORIAL_CLIENT: &str = env!("CARGO_BIN_EXE_l05-tutorial-client");
const HELLO_SERVER: &str = env!("CARGO_BIN_EXE_l05-hello-udp-server");
const HELLO_CLIENT: &str = env!("CARGO_BIN_EXE_l05-hello-udp-client");

/// “证明某件事没有发生”时观察的时长。
const WATCH: Duration = Duration::from_secs(1);

/// 一次运行的记录。
struct Transcript {
    text: String,
    /// 每个程序已经记下了几行标准输出。
    seen: HashMap<&'static str, usize>,
}

impl Transcript {
    fn new() -> Transcript {
        Transcript {
            text: String::new(),
            seen: HashMap::new(),
        }
    }

    /// 一行说明。
    fn note(&mut self, line: &str) {
        self.text.push_str(&format!("# {line}\n"));
    }

    fn push(&mut self, who: &str, text: &str) {
        for line in text.lines() {
            self.text.push_str(&format!("[{who}] {line}\n"));
        }
    }

    /// 记下 `proc` 到现在为止新打印的标准输出。
    fn take(&mut self, who: &'static str, proc: &mut Proc) {
        let all = proc.stdout_so_far();
        self.take_from(who, &all);
    }

    fn take_from(&mut self, who: &'static str, all: &str) {
        let lines: Vec<&str> = all.lines().collect();
        let seen = self.seen.entry(who).or_insert(0);
        let new = lines[*seen..].join("\n");
        *seen = lines.len();
        self.push(who, &new);
    }

    /// 一个已经结束的程序：还没记下的标准输出，然后是标准错误。
    fn finished(&mut self, who: &'static str, out: &Finished) {
        self.take_from(who, &out.stdout);
        self.push(who, &out.stderr);
    }

    /// 端口换成固定值后和书里保存的比较。
    fn save(&self, file: &str, server_port: u16, shown: u16) {
        let text = normalize_ports(&self.text, server_port, shown);
        assert_matches_saved(&saved(file), &text);
    }
}

#[test]
fn breaks_a_lost_datagram_leaves_the_tutorial_client_waiting() {
    let mut t = Transcript::new();
    let mut srv = Proc::server(SERVER, ["--port", "0", "--drop", "0.4", "--seed", "3"]);
    t.note("终端 1：完整版服务端 l05-server --drop 0.4 --seed 3，故意丢掉 40% 的数据报（种子 3 让第一个就丢掉）");
    srv.expect_stdout("模拟丢包：");
    t.take("服务端", &mut srv);
    t.note("终端 2：教程版客户端 l05-tutorial-client 9999");
    let start = Instant::now();
    let mut client = Proc::spawn(TUTORIAL_CLIENT, [srv.port()]);
    srv.expect_stdout("丢掉 ");
    t.take("服务端", &mut srv);
    thread::sleep(WATCH);
    assert!(client.is_running(), "客户端应当还在等");
    assert_eq!(client.stdout_so_far(), "", "客户端不该打印任何东西");
    assert_eq!(client.stderr_so_far(), "");
    t.note("1 秒过去了：客户端什么也没打印，还在等 Michael 的回答，也不重发。教程的 Python 会一直这样等下去");
    let out = client.finish();
    assert!(start.elapsed() >= Duration::from_secs(3), "等满了 3 秒");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", GAVE_UP));
    t.finished("客户端", &out);
    t.note("3 秒到了，教程版放弃，退出码 1。Tracy 和 Sarah 根本没有发出去");
    let log = srv.kill_and_collect();
    assert_eq!(log.stdout.lines().filter(|l| l.contains("字节")).count(), 1);
    assert!(!log.stdout.contains("Tracy"), "{}", log.stdout);
    t.finished("服务端", &log);
    t.save("breaks-lost.txt", srv.addr().port(), 9999);
}

#[test]
fn breaks_a_datagram_larger_than_the_buffer_is_cut_without_a_word() {
    let mut t = Transcript::new();
    let mut srv = Proc::server(TUTORIAL_SERVER, ["0"]);
    t.note("终端 1：教程版服务端 l05-tutorial-server，缓冲区 1024 字节");
    srv.expect_stdout("Bind UDP");
    t.take("服务端", &mut srv);
    let data = "0123456789".repeat(150).into_bytes();
    t.note("测试发出一个 1500 字节的数据报：0123456789 重复 150 次");
    let socket = udp();
    socket.send_to(&data, srv.addr()).unwrap();
    let (reply, _) = recv(&socket, "回答");
    srv.expect_stdout("Received from");
    t.take("服务端", &mut srv);
    assert_eq!(reply, [&b"Hello, "[..], &data[..1024], b"!"].concat());
    assert!(reply.ends_with(b"0123!"));
    t.note(&format!(
        "回答有 {} 字节：Hello, 加上收到的前 1024 字节（最后四个是 0123）再加 !。后面的 476 字节不见了",
        reply.len()
    ));
    thread::sleep(WATCH);
    let log = srv.kill_and_collect();
    assert_eq!(log.stderr, "", "服务端没有报任何错");
    t.finished("服务端", &log);
    t.note("服务端没有报任何错：std 的 recv_from 只告诉它收到了 1024 字节");
    t.save("breaks-truncated.txt", srv.addr().port(), 9999);
}

/// Linux 的 `MSG_TRUNC`（`<sys/socket.h>`）：传给 `recv` 时，返回数据报原本的长度。
#[cfg(target_os = "linux")]
const MSG_TRUNC: i32 = 0x20;

#[test]
fn the_kernel_does_report_truncation() {
    let mine = udp();
    let other = udp();
    let data = [b'x'; 1500];
    for _ in 0..3 {
        other.send_to(&data, mine.local_addr().unwrap()).unwrap();
    }
    let mut text =
        String::from("# 同一个 1500 字节的数据报发三次，每次用 1024 字节的缓冲区收一个\n");

    let mut buf = [0u8; 1024];
    let (n, _) = mine.recv_from(&mut buf).unwrap();
    assert_eq!(n, 1024);
    text.push_str(&format!(
        "std 的 UdpSocket::recv_from：返回 {n}，没有别的消息\n"
    ));

    // recvmsg 把 MSG_TRUNC 放进 msg_flags；socket2 的 recv_from_vectored 把它交给我们。
    // 这里只看长度和标志，不读缓冲区里的字节，所以用未初始化的缓冲区也不需要 unsafe。
    let sock = SockRef::from(&mine);
    let mut raw = [MaybeUninit::<u8>::uninit(); 1024];
    let (n, flags, _) = sock
        .recv_from_vectored(&mut [MaybeUninitSlice::new(&mut raw)])
        .unwrap();
    assert_eq!(n, 1024);
    assert!(flags.is_truncated(), "系统应当报告截断");
    text.push_str(&format!(
        "recvmsg（socket2 的 recv_from_vectored）：返回 {n}，RecvFlags::is_truncated() 是 {}\n",
        flags.is_truncated()
    ));

    #[cfg(target_os = "linux")]
    {
        let (n, _) = sock.recv_from_with_flags(&mut raw, MSG_TRUNC).unwrap();
        assert_eq!(n, 1500);
        text.push_str(&format!(
            "recvfrom 带上 MSG_TRUNC 标志（Linux）：返回 {n}，是数据报原本的长度\n"
        ));
        assert_matches_saved(&saved("truncation-flags.txt"), &text);
    }
}

#[test]
fn breaks_one_bad_byte_stops_the_tutorial_server_for_everyone() {
    let mut t = Transcript::new();
    let mut srv = Proc::server(HELLO_SERVER, ["0"]);
    let server_port = srv.addr().port();
    t.note("终端 1：教程版服务端 l05-hello-udp-server");
    t.take("服务端", &mut srv);
    t.note("终端 2：教程版客户端 l05-hello-udp-client 12345，输入 Michael");
    let mut client = Proc::spawn(HELLO_CLIENT, [srv.port()]);
    client.send_line("Michael");
    client.expect_stdout("hello Michael");
    srv.expect_stdout("接收信息： Michael");
    t.take("服务端", &mut srv);
    t.take("客户端", &mut client);
    t.note("另一个程序往 12345 端口寄来 4 个字节：c a f 和 0xFF（0xFF 在 UTF-8 里不能出现）");
    let stranger = udp();
    stranger.send_to(b"caf\xff", srv.addr()).unwrap();
    let log = srv.finish();
    assert_eq!(log.status.code(), Some(1), "服务端应当出错退出");
    assert!(log
        .stderr
        .contains("Utf8Error { valid_up_to: 3, error_len: Some(1) }"));
    t.finished("服务端", &log);
    t.note("服务端退出了，退出码 1。客户端不知道，接着输入 Tracy");
    let start = Instant::now();
    client.send_line("Tracy");
    let out = client.finish();
    assert!(start.elapsed() >= Duration::from_secs(3));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stderr, GAVE_UP);
    t.finished("客户端", &out);
    t.save("breaks-invalid-utf8.txt", server_port, 12345);
}

#[test]
fn breaks_an_honest_long_line_is_cut_inside_a_character() {
    let mut t = Transcript::new();
    let mut srv = Proc::server(HELLO_SERVER, ["0"]);
    let server_port = srv.addr().port();
    t.note("终端 1：教程版服务端 l05-hello-udp-server");
    t.take("服务端", &mut srv);
    t.note("终端 2：教程版客户端 l05-hello-udp-client 12345，输入一行 400 个“你”（1200 字节）");
    let mut client = Proc::spawn(HELLO_CLIENT, [srv.port()]);
    client.send_line(&"你".repeat(400));
    let log = srv.finish();
    assert_eq!(log.status.code(), Some(1));
    // 1024 = 341 × 3 + 1：第 342 个“你”只收到了 1 个字节。
    assert!(log
        .stderr
        .contains("Utf8Error { valid_up_to: 1023, error_len: None }"));
    t.finished("服务端", &log);
    t.note(
        "1024 字节的缓冲区切在第 342 个“你”的第一个字节后面：前 1023 字节没问题，最后 1 字节不完整",
    );
    let out = client.finish();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stderr, GAVE_UP);
    t.finished("客户端", &out);
    t.save("breaks-cut-character.txt", server_port, 12345);
}

/// 测试扮演服务端（`fake`），另一个套接字扮演冒充者：客户端发出 Michael 之后，冒充者抢先回答。
/// 返回客户端的地址。
fn stranger_gets_in_first(t: &mut Transcript, fake: &std::net::UdpSocket) -> std::net::SocketAddr {
    let (data, c) = recv(fake, "Michael");
    assert_eq!(data, b"Michael");
    t.note("服务端收到 Michael，先不回答");
    t.note("冒充者从另一个端口给客户端寄去：Hello, 我是冒充的!");
    udp().send_to("Hello, 我是冒充的!".as_bytes(), c).unwrap();
    c
}

#[test]
fn breaks_the_tutorial_client_takes_any_reply_as_its_answer() {
    let mut t = Transcript::new();
    let fake = udp();
    let port = fake.local_addr().unwrap().port();
    t.note("这一次由测试扮演 9999 端口上的服务端，再用另一个套接字扮演冒充者");
    t.note("终端 2：教程版客户端 l05-tutorial-client 9999");
    let mut client = Proc::spawn(TUTORIAL_CLIENT, [port.to_string()]);
    let c = stranger_gets_in_first(&mut t, &fake);
    client.expect_stdout("Hello, 我是冒充的!");
    t.take("客户端", &mut client);
    let (data, _) = recv(&fake, "Tracy");
    assert_eq!(data, b"Tracy");
    t.note("客户端把冒充者的话当成了 Michael 的回答，接着发出 Tracy");
    t.note("服务端这才寄出 Hello, Michael!，紧接着是 Hello, Tracy!");
    fake.send_to(b"Hello, Michael!", c).unwrap();
    fake.send_to(b"Hello, Tracy!", c).unwrap();
    let (data, _) = recv(&fake, "Sarah");
    assert_eq!(data, b"Sarah");
    let out = client.finish();
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "Hello, 我是冒充的!\nHello, Michael!\nHello, Tracy!\n"
    );
    t.finished("客户端", &out);
    t.note("三行都对错了号：Tracy 的位置上是 Michael 的回答，Sarah 的位置上是 Tracy 的。客户端照样以退出码 0 结束");
    t.save("breaks-stranger.txt", port, 9999);
}

#[test]
fn the_full_client_ignores_the_stranger_and_the_late_reply() {
    let mut t = Transcript::new();
    let fake = udp();
    let port = fake.local_addr().unwrap().port();
    t.note("同样的安排，换成完整版客户端 l05-client --port 9999 --timeout-ms 5000 --retries 0");
    let mut client = Proc::spawn(
        CLIENT,
        [
            "--port",
            &port.to_string(),
            "--timeout-ms",
            "5000",
            "--retries",
            "0",
        ],
    );
    let c = stranger_gets_in_first(&mut t, &fake);
    thread::sleep(WATCH);
    assert_eq!(client.stdout_so_far(), "", "冒充者的话不该被当成回答");
    t.note("1 秒过去了，客户端什么也没打印：它 connect 过服务端，冒充者的数据报被系统直接扔掉了");
    t.note("服务端寄出 Hello, Michael!");
    fake.send_to(b"Hello, Michael!", c).unwrap();
    client.expect_stdout("Hello, Michael!");
    t.take("客户端", &mut client);
    let (data, _) = recv(&fake, "Tracy");
    assert_eq!(data, b"Tracy");
    t.note("客户端发出 Tracy；服务端又寄来一份迟到的 Hello, Michael!，然后才是 Hello, Tracy!");
    fake.send_to(b"Hello, Michael!", c).unwrap();
    fake.send_to(b"Hello, Tracy!", c).unwrap();
    client.expect_stdout("Hello, Tracy!");
    t.take("客户端", &mut client);
    let (data, _) = recv(&fake, "Sarah");
    assert_eq!(data, b"Sarah");
    t.note("客户端发出 Sarah，服务端回答 Hello, Sarah!");
    fake.send_to(b"Hello, Sarah!", c).unwrap();
    let out = client.finish();
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "Hello, Michael!\n（丢掉一个对不上的回答：Hello, Michael!）\nHello, Tracy!\nHello, Sarah!\n"
    );
    t.finished("客户端", &out);
    t.save("fixed-stranger.txt", port, 9999);
}
