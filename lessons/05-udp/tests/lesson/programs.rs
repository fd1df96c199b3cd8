//! 第 05 课的程序：真实的 UDP 服务端和客户端进程，以及测试里的原始 `UdpSocket`。
//! 书里展示的输出文件由这里保持与实际一致。

use crate::common;

use std::net::UdpSocket;

use common::{answers, ask, free_port, normalize_addrs, recv, saved, server, udp};
use lesson_05::Dropper;
use testkit::{assert_matches_saved, Proc};

const CLIENT: &str = env!("CARGO_BIN_EXE_l05-client");
const SERVER: &str = env!("CARGO_BIN_EXE_l05-server");

fn client(args: &[&str]) -> testkit::Finished {
    testkit::run(CLIENT, args, "")
}

#[test]
fn three_names_get_three_answers() {
    let mut srv = server(&[]);
    let port = srv.port();
    let out = client(&["--port", &port]);
    assert!(out.status.success(), "客户端失败：{}", out.stderr);
    assert_eq!(
        answers(&out.stdout),
        ["Hello, Michael!", "Hello, Tracy!", "Hello, Sarah!"]
    );
    assert_matches_saved(&saved("client.txt"), &out.stdout);
    let log = srv.kill_and_collect().stdout;
    assert!(log.contains("收到 127.0.0.1:"), "{log}");
    assert!(log.contains("的 7 字节：Michael"), "{log}");
    assert_matches_saved(
        &saved("server.txt"),
        &normalize_addrs(&log, srv.addr().port()),
    );
}

#[test]
fn names_come_from_the_arguments() {
    let srv = server(&[]);
    let out = client(&["--port", &srv.port(), "小明", "", "Bob"]);
    assert!(out.status.success(), "{}", out.stderr);
    // 空字符串也是一个数据报（0 字节），照样得到回答。
    assert_eq!(
        answers(&out.stdout),
        ["Hello, 小明!", "Hello, !", "Hello, Bob!"]
    );
}

#[test]
fn datagram_boundaries_are_kept() {
    let srv = server(&[]);
    let socket = udp();
    // 先连发三个，一个也不读：如果是 TCP，三段数据可能在对方那里合成一次读到。
    for data in ["一", "二二", "三三三"] {
        socket.send_to(data.as_bytes(), srv.addr()).unwrap();
    }
    // UDP 的每个数据报都是完整的一份：三次发送，服务端三次接收、三个回答，我们也三次收到。
    let replies: Vec<String> = (0..3)
        .map(|_| String::from_utf8(recv(&socket, "回答").0).unwrap())
        .collect();
    assert_eq!(replies, ["Hello, 一!", "Hello, 二二!", "Hello, 三三三!"]);
}

#[test]
fn server_cuts_a_datagram_larger_than_its_buffer() {
    let mut srv = server(&["--buffer", "8"]);
    let socket = udp();
    // 正好 8 字节：装得下，不算截断。
    assert_eq!(ask(&socket, srv.addr(), b"12345678"), "Hello, 12345678!");
    // 16 字节：服务端只看到前 8 个，其余的被系统丢掉了，回答里也就只有前 8 个。
    assert_eq!(
        ask(&socket, srv.addr(), b"ABCDEFGHIJKLMNOP"),
        "Hello, ABCDEFGH!"
    );
    srv.expect_stdout("的 8 字节：ABCDEFGH（数据报比缓冲区大，只留下前 8 字节");
    let log = srv.kill_and_collect().stdout;
    assert_eq!(log.matches("只留下前 8 字节").count(), 1, "{log}");
    assert_matches_saved(
        &saved("truncate-server.txt"),
        &normalize_addrs(&log, srv.addr().port()),
    );
}

#[test]
fn a_receive_buffer_too_small_loses_the_rest_of_the_datagram() {
    let srv = server(&[]);
    let socket = udp();
    socket.send_to(b"ABCDEFGHIJ", srv.addr()).unwrap();
    // 回答是 18 字节的 "Hello, ABCDEFGHIJ!"，我们只给 7 字节的缓冲区。
    let mut small = [0u8; 7];
    let got = socket.recv_from(&mut small);
    if cfg!(windows) {
        // Windows 不悄悄截断，而是报错 WSAEMSGSIZE。
        assert!(got.is_err(), "Windows 上应当报错：{got:?}");
    } else {
        let (n, _) = got.expect("Linux/macOS 照常返回");
        assert_eq!(&small[..n], b"Hello, ", "只拿到放得下的前 7 字节");
    }
    // 剩下的 11 字节不会留到下一次：下一次收到的是下一个数据报。
    socket.send_to(b"K", srv.addr()).unwrap();
    assert_eq!(
        String::from_utf8(recv(&socket, "第二个回答").0).unwrap(),
        "Hello, K!"
    );
}

#[test]
fn empty_and_invalid_utf8_datagrams_get_short_answers() {
    let mut srv = server(&[]);
    let socket = udp();
    assert_eq!(ask(&socket, srv.addr(), b""), "Hello, !");
    // 坏字节换来的是一句简短的错误，而不是把 � 塞进回答（那会比请求大得多）。
    assert_eq!(
        ask(&socket, srv.addr(), b"caf\xff"),
        lesson_05::NOT_UTF8_REPLY
    );
    // 坏数据没有让服务端出问题：它还在正常回答。
    assert_eq!(ask(&socket, srv.addr(), "你好".as_bytes()), "Hello, 你好!");
    srv.expect_stdout("的 0 字节：（空数据报，照样回答）");
    srv.expect_stdout("caf�（不是合法的 UTF-8，只回答一句简短的错误）");
    assert!(srv.is_running());
}

/// 按服务端的规则预先算出：每个问题在得到回答之前会连续被丢掉几次。
fn drops_per_question(share: f64, seed: u64, questions: usize) -> Vec<u32> {
    let mut dropper = Dropper::new(share, seed);
    (0..questions)
        .map(|_| {
            let mut n = 0;
            while dropper.should_drop() {
                n += 1;
            }
            n
        })
        .collect()
}

#[test]
fn retries_get_every_answer_from_a_dropping_server() {
    let names = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"];
    let plan = drops_per_question(0.5, 51, names.len());
    let total: u32 = plan.iter().sum();
    assert!(
        total > 0 && plan.iter().all(|&n| n <= 12),
        "种子 51 的丢包计划不合用：{plan:?}"
    );

    let mut srv = server(&["--drop", "0.5", "--seed", "51"]);
    let mut args = vec!["--port".to_string(), srv.port()];
    // 回答来得比超时晚，客户端就会多重发一次，下面“正好相等”的检查就不成立了；
    // 所以这里给足 1 秒——本机上一问一答只要几十微秒，再忙的机器也来得及。
    args.extend(["--timeout-ms", "1000", "--retries", "12"].map(String::from));
    args.extend(names.iter().map(|n| n.to_string()));
    let out = testkit::run(CLIENT, &args, "");
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    let want: Vec<String> = names.iter().map(|n| format!("Hello, {n}!")).collect();
    assert_eq!(
        answers(&out.stdout),
        want,
        "每个名字都应当得到回答，而且顺序不乱"
    );
    // 每丢一个数据报，客户端就要重发一次。
    assert_eq!(
        out.stdout.matches("次重发").count() as u32,
        total,
        "{}",
        out.stdout
    );
    let log = srv.kill_and_collect().stdout;
    assert_eq!(log.matches("（模拟丢包）").count() as u32, total, "{log}");
}

#[test]
fn the_book_s_lossy_run() {
    let mut srv = server(&["--drop", "0.4", "--seed", "3"]);
    let out = client(&["--port", &srv.port(), "--timeout-ms", "1000"]);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        answers(&out.stdout),
        ["Hello, Michael!", "Hello, Tracy!", "Hello, Sarah!"]
    );
    assert!(
        out.stdout
            .contains("（Sarah：等了 1000 毫秒没有回答，第 2 次重发）"),
        "{}",
        out.stdout
    );
    assert_matches_saved(&saved("drop-client.txt"), &out.stdout);
    let log = srv.kill_and_collect().stdout;
    assert_matches_saved(
        &saved("drop-server.txt"),
        &normalize_addrs(&log, srv.addr().port()),
    );
}

#[test]
fn a_stale_reply_is_not_taken_for_the_next_answer() {
    // 测试自己扮演服务端，才能精确地安排一个“迟到的旧回答”。
    let fake = udp();
    let port = fake.local_addr().unwrap().port().to_string();
    let client = Proc::spawn(
        CLIENT,
        [
            "--port",
            port.as_str(),
            "--timeout-ms",
            "5000",
            "--retries",
            "0",
            "Michael",
            "Tracy",
        ],
    );
    let (data, c) = recv(&fake, "Michael");
    assert_eq!(data, b"Michael");
    fake.send_to(b"Hello, Michael!", c).unwrap();
    let (data, c2) = recv(&fake, "Tracy");
    assert_eq!((data.as_slice(), c2), (&b"Tracy"[..], c));
    // 先到的是上一个问题的第二份回答（比如对方对一次重发也作了答），然后才是真正的回答。
    fake.send_to(b"Hello, Michael!", c).unwrap();
    fake.send_to(b"Hello, Tracy!", c).unwrap();
    let out = client.finish();
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(answers(&out.stdout), ["Hello, Michael!", "Hello, Tracy!"]);
    assert!(
        out.stdout
            .contains("（丢掉一个对不上的回答：Hello, Michael!）"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_reply_from_a_stranger_is_not_an_answer() {
    let fake = udp();
    let stranger = udp();
    let port = fake.local_addr().unwrap().port().to_string();
    let client = Proc::spawn(
        CLIENT,
        [
            "--port",
            port.as_str(),
            "--timeout-ms",
            "300",
            "--retries",
            "1",
            "Michael",
        ],
    );
    let (_, c) = recv(&fake, "Michael");
    // 另一个端口冒充服务端，发来一个内容完全正确的回答；真正的服务端一直不说话。
    stranger.send_to(b"Hello, Michael!", c).unwrap();
    let (again, _) = recv(&fake, "重发的 Michael");
    assert_eq!(again, b"Michael", "等不到服务端的回答时应当重发");
    let out = client.finish();
    assert_eq!(out.status.code(), Some(1), "{}", out.stdout);
    assert!(
        answers(&out.stdout).is_empty(),
        "冒充者的回答被当成了答案：{}",
        out.stdout
    );
    assert!(out.stderr.contains("没有回答：试了 2 次"), "{}", out.stderr);
}

#[test]
fn a_silent_server_gets_a_bounded_number_of_tries() {
    let silent = udp();
    let port = silent.local_addr().unwrap().port().to_string();
    let out = client(&[
        "--port",
        port.as_str(),
        "--timeout-ms",
        "100",
        "--retries",
        "2",
        "喂",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.contains("试了 3 次，每次等 100 毫秒"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("just lesson 05 server"),
        "{}",
        out.stderr
    );
    // 第一次加两次重发：正好三个数据报，不多不少。
    silent.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 16];
    let mut count = 0;
    while let Ok((n, _)) = silent.recv_from(&mut buf) {
        assert_eq!(&buf[..n], "喂".as_bytes());
        count += 1;
    }
    assert_eq!(count, 3);
}

#[test]
fn client_without_a_server_fails_clearly() {
    let port = free_port().to_string();
    let out = client(&[
        "--port",
        port.as_str(),
        "--timeout-ms",
        "200",
        "--retries",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stdout);
    assert!(
        out.stderr.contains("just lesson 05 server"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(answers(&out.stdout).is_empty());
    if cfg!(target_os = "linux") {
        // 连接过的 UDP 套接字在 Linux 上会收到“端口不可达”，客户端据此说清楚是服务端不在。
        assert!(out.stderr.contains("连接被拒绝"), "{}", out.stderr);
    }
}

#[test]
fn a_port_already_taken_is_reported() {
    let taken = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = testkit::run(SERVER, ["--port", port.as_str()], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("无法监听 127.0.0.1:"), "{}", out.stderr);
    assert!(out.stderr.contains("--port 0"), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn stdin_lines_until_an_empty_line() {
    let srv = server(&[]);
    let port = srv.port();
    let out = testkit::run(
        CLIENT,
        ["--port", port.as_str(), "--stdin"],
        "甲\r\n乙\n\n丙\n",
    );
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        answers(&out.stdout),
        ["Hello, 甲!", "Hello, 乙!"],
        "空行之后的不该再发"
    );

    let mut bad = Proc::spawn(CLIENT, ["--port", port.as_str(), "--stdin"]);
    bad.send_bytes(b"a\xffb\n");
    let out = bad.finish();
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out
        .stdout
        .contains("（这一行不是合法的 UTF-8，坏字节换成了 �）"));
    assert_eq!(answers(&out.stdout), ["Hello, a\u{FFFD}b!"]);
}

#[test]
fn a_message_too_long_for_one_datagram_is_refused() {
    let srv = server(&[]);
    let long = format!("{}\n", "长".repeat(30_000));
    let out = testkit::run(CLIENT, ["--port", srv.port().as_str(), "--stdin"], &long);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr
            .contains("消息有 90000 字节，一个 UDP 数据报装不下"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_cut_question_never_gets_a_matching_answer() {
    let srv = server(&["--buffer", "8"]);
    // 两次的回答都要在各自的等待期内到达，下面才能数出“2 个回答”，所以每次等足 1 秒。
    let out = client(&[
        "--port",
        &srv.port(),
        "--timeout-ms",
        "1000",
        "--retries",
        "1",
        "Christopher",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout
            .contains("（丢掉一个对不上的回答：Hello, Christop!）"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("收到 2 个回答，但都不是"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--buffer"), "{}", out.stderr);
}

#[test]
fn reply_text_is_the_tutorial_s_format() {
    let g = lesson_05::greet("Michael".as_bytes());
    assert_eq!(g.reply, b"Hello, Michael!");
    assert!(!g.lossy);
    assert!(
        lesson_05::greet(b"\xe4\xbd").lossy,
        "半个汉字不是合法的 UTF-8"
    );
    // 同一个种子永远丢掉同样几个；丢包比例大致对得上。
    let a: Vec<bool> = (0..50)
        .scan(Dropper::new(0.3, 9), |d, _| Some(d.should_drop()))
        .collect();
    let b: Vec<bool> = (0..50)
        .scan(Dropper::new(0.3, 9), |d, _| Some(d.should_drop()))
        .collect();
    assert_eq!(a, b);
    let dropped = (0..10_000).filter({
        let mut d = Dropper::new(0.3, 5);
        move |_| d.should_drop()
    });
    let n = dropped.count();
    assert!((2_700..3_300).contains(&n), "丢了 {n} 个，应当接近 3000");
}

#[test]
fn out_of_range_flags_are_refused_by_clap_without_a_panic() {
    // 4294967295 是 u32 的最大值：以前 `retries + 1` 在这里溢出，客户端 panic。
    let silent = udp();
    let port = silent.local_addr().unwrap().port().to_string();
    for (flag, value, message) in [
        (
            "--retries",
            "4294967295",
            "应当在 0 到 100 次之间，而不是 4294967295",
        ),
        ("--retries", "-1", "应当是一个整数（次）"),
        (
            "--timeout-ms",
            "18446744073709551615",
            "应当在 1 到 60000 毫秒之间",
        ),
        ("--timeout-ms", "0", "应当在 1 到 60000 毫秒之间"),
    ] {
        // 写成 --flag=值，"-1" 才不会被当成另一个参数。
        let out = client(&["--port", port.as_str(), &format!("{flag}={value}"), "喂"]);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}：{}", out.stderr);
        assert!(
            out.stderr.contains(message),
            "{flag} {value}：{}",
            out.stderr
        );
        assert!(
            !out.stderr.contains("panicked"),
            "{flag} {value}：{}",
            out.stderr
        );
    }
    // 被拒绝的参数不会让客户端发出任何东西。
    silent.set_nonblocking(true).unwrap();
    assert!(
        silent.recv_from(&mut [0u8; 16]).is_err(),
        "参数不对时不该发送"
    );
    for (flag, value, message) in [
        (
            "--drop",
            "1.5",
            "--drop <比例> 的值 \"1.5\" 不对：应当在 0 到 1 之间",
        ),
        ("--drop", "NaN", "应当在 0 到 1 之间"),
        ("--buffer", "0", "应当在 1 到 65507 字节之间"),
    ] {
        let out = testkit::run(SERVER, ["--port", "0", flag, value], "");
        assert_eq!(out.status.code(), Some(2), "{flag} {value}：{}", out.stderr);
        assert!(
            out.stderr.contains(message),
            "{flag} {value}：{}",
            out.stderr
        );
    }
}

/// 不怀好意的数据报：坏字节、过长的编码、被缓冲区切开的汉字、比缓冲区大的数据报。
fn hostile_datagrams() -> Vec<(&'static str, Vec<u8>)> {
    let mut cut = vec![b'a'; 1023];
    cut.extend_from_slice("你".as_bytes());
    let mut full = "你".repeat(341).into_bytes();
    full.push(b'a');
    vec![
        ("1024 个 0xFF", vec![0xFF; 1024]),
        ("1 个 0xFF", vec![0xFF]),
        ("过长编码 C0 AF", vec![0xC0, 0xAF]),
        ("代理项 ED A0 80", vec![0xED, 0xA0, 0x80]),
        ("1023 个 a 加 你，缓冲区切在“你”中间", cut),
        ("2000 个 0x80", vec![0x80; 2000]),
        ("341 个 你 加 a，正好 1024 字节", full),
        ("空数据报", Vec::new()),
    ]
}

#[test]
fn no_reply_is_much_larger_than_its_request() {
    // UDP 的源地址可以伪造：回答比请求大得多的服务端，会被人拿来把流量“放大”后砸向别人。
    // 所以每个回答最多比它的请求多 32 字节（Hello, ! 是 8 字节，错误回答 30 字节）。
    let mut srv = server(&[]);
    let socket = udp();
    let mut table = String::new();
    for (what, data) in hostile_datagrams() {
        socket.send_to(&data, srv.addr()).unwrap();
        let (reply, from) = recv(&socket, what);
        assert_eq!(from, srv.addr());
        assert!(
            reply.len() <= data.len() + 32,
            "{what}：请求 {} 字节，回答却有 {} 字节",
            data.len(),
            reply.len()
        );
        let shown = String::from_utf8_lossy(&reply);
        let shown: String = if shown.chars().count() > 20 {
            shown.chars().take(12).chain("……".chars()).collect()
        } else {
            shown.into_owned()
        };
        table.push_str(&format!(
            "{what}：请求 {} 字节，回答 {} 字节：{shown}\n",
            data.len(),
            reply.len()
        ));
    }
    assert!(srv.is_running(), "坏数据报不该让服务端退出");
    assert_matches_saved(&saved("reply-sizes.txt"), &table);
    let log = srv.kill_and_collect().stdout;
    assert_eq!(log.matches("只回答一句简短的错误").count(), 6, "{log}");
    assert_matches_saved(
        &saved("hostile-server.txt"),
        &normalize_addrs(&log, srv.addr().port()),
    );
}
