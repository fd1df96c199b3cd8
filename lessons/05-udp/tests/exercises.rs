//! 第 05 课练习的评分检查。`workbook grade 05` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。
//! 每道题都走真实的 UDP 套接字，对面是参考程序（真实进程）或测试里的套接字。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

mod common;

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::thread;
use std::time::Duration;

use common::{ask, recv, server, udp};
use lesson_05::Dropper;
use testkit::{exercise, with_deadline};

const CLIENT: &str = env!("CARGO_BIN_EXE_l05-client");

fn check_serve_one(serve_one: fn(&UdpSocket) -> io::Result<SocketAddr>) {
    // 第一个数据报来自参考客户端（真实进程），它只给 3 秒、不重发。
    let mine = udp();
    let port = mine.local_addr().unwrap().port().to_string();
    let theirs = mine.try_clone().unwrap();
    let handle = thread::spawn(move || serve_one(&theirs));
    let out = testkit::run(
        CLIENT,
        [
            "--port",
            port.as_str(),
            "--timeout-ms",
            "3000",
            "--retries",
            "0",
            "小明",
        ],
        "",
    );
    assert!(
        out.status.success() && out.stdout.contains("Hello, 小明!"),
        "参考客户端发出“小明”，却没有收到 “Hello, 小明!”。\n客户端 stdout:\n{}stderr:\n{}",
        out.stdout,
        out.stderr
    );
    let from = with_deadline("serve_one 返回", move || handle.join())
        .unwrap_or_else(|p| std::panic::resume_unwind(p))
        .expect("serve_one 不应返回错误");
    assert!(
        from.ip().is_loopback(),
        "返回的应当是客户端的地址，而不是 {from}"
    );

    // 接下来由测试里的套接字发：它知道自己的地址，可以核对返回值。
    let peer = udp();
    for (data, want) in [
        (&b"caf\xff"[..], "Hello, caf\u{FFFD}!"),
        (&b""[..], "Hello, !"),
    ] {
        peer.send_to(data, mine.local_addr().unwrap()).unwrap();
        let theirs = mine.try_clone().unwrap();
        let from = with_deadline("serve_one", move || serve_one(&theirs))
            .unwrap_or_else(|e| panic!("serve_one 返回了错误：{e}"));
        assert_eq!(from, peer.local_addr().unwrap(), "应当返回发送方的地址");
        let (reply, _) = recv(&peer, "回答");
        assert_eq!(
            String::from_utf8_lossy(&reply),
            want,
            "收到 {data:?} 时的回答不对（坏字节要换成 �，空数据报也要回答）"
        );
    }
}

type AskFn = fn(&UdpSocket, SocketAddr, &str, Duration, u32) -> io::Result<String>;

fn check_ask(ask_with_retry: AskFn) {
    // 1. 真实的服务端，丢掉一半的数据报。先按同样的种子算出会连续丢几次，确认 8 次重发够用。
    let names = ["Michael", "Tracy", "Sarah", "小明", "小红", "Bob"];
    let mut dropper = Dropper::new(0.5, 7);
    let plan: Vec<u32> = names
        .iter()
        .map(|_| (0..).take_while(|_| dropper.should_drop()).count() as u32)
        .collect();
    assert!(
        plan.iter().sum::<u32>() > 0 && plan.iter().all(|&n| n <= 8),
        "{plan:?}"
    );
    let mut srv = server(&["--drop", "0.5", "--seed", "7"]);
    let addr = srv.addr();
    let socket = udp();
    for name in names {
        let s = socket.try_clone().unwrap();
        let got = with_deadline("ask_with_retry", move || {
            ask_with_retry(&s, addr, name, Duration::from_millis(300), 8)
        });
        match got {
            Ok(text) => assert_eq!(text, format!("Hello, {name}!"), "返回的回答不对"),
            Err(e) => panic!(
                "问 {name:?} 失败：{e}。服务端丢掉了一部分数据报，等不到回答时要重发（最多 8 次）"
            ),
        }
    }
    let log = srv.kill_and_collect().stdout;
    assert!(log.contains("（模拟丢包）"), "服务端应当丢过数据报：{log}");

    // 2. 陌生人和对不上的回答都不算数。测试扮演服务端：它只寄回一个对不上的回答，
    //    另一个端口冒充服务端寄来内容正确的回答。正确的做法是两者都不收，最后报超时。
    let fake = udp();
    let stranger = udp();
    let mine = udp();
    let me = mine.local_addr().unwrap();
    let fake_addr = fake.local_addr().unwrap();
    let handle = thread::spawn(move || {
        ask_with_retry(&mine, fake_addr, "Bob", Duration::from_millis(300), 1)
    });
    let (data, from) = recv(&fake, "第一次的 Bob");
    assert_eq!(
        (data.as_slice(), from),
        (&b"Bob"[..], me),
        "应当用 send_to 把消息发给服务端"
    );
    stranger.send_to(b"Hello, Bob!", me).unwrap();
    fake.send_to(b"Hello, Ann!", me).unwrap();
    let got = with_deadline("ask_with_retry", move || handle.join())
        .unwrap_or_else(|p| std::panic::resume_unwind(p));
    match got {
        Ok(text) => {
            panic!("返回了 {text:?}：它要么来自冒充的端口，要么不是 “Hello, Bob!”，都不能当作回答")
        }
        Err(e) => assert_eq!(
            e.kind(),
            io::ErrorKind::TimedOut,
            "等不到时应返回 TimedOut：{e}"
        ),
    }
    // 函数返回时，它发出的数据报都已经在 fake 的接收队列里了：除了第一次，还应当重发过一次。
    fake.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 16];
    let mut resent = Vec::new();
    while let Ok((n, _)) = fake.recv_from(&mut buf) {
        resent.push(buf[..n].to_vec());
    }
    assert_eq!(
        resent,
        [b"Bob".to_vec()],
        "等不到对得上的回答时应当重发（retries = 1：第一次之后正好再发 1 次）"
    );

    // 3. 一直不说话的服务端：正好发 1 + 2 次，然后放弃。
    let silent = udp();
    let silent_addr = silent.local_addr().unwrap();
    let mine = udp();
    let got = with_deadline("ask_with_retry", move || {
        ask_with_retry(&mine, silent_addr, "Zoe", Duration::from_millis(100), 2)
    });
    assert!(got.is_err(), "没有回答时应当返回错误，却得到 {got:?}");
    silent.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 16];
    let sent = (0..)
        .take_while(|_| silent.recv_from(&mut buf).is_ok())
        .count();
    assert_eq!(sent, 3, "retries = 2 时应当一共发 3 次");
}

fn check_chunks(split_utf8: fn(&str, usize) -> Vec<&str>) {
    let text = "UDP 保留消息的边界：一次 send_to，对方就一次 recv_from。";
    let pieces = split_utf8(text, 16);
    for (i, piece) in pieces.iter().enumerate() {
        assert!(
            !piece.is_empty() && piece.len() <= 16,
            "第 {i} 段 {piece:?} 有 {} 字节，应当在 1 到 16 之间",
            piece.len()
        );
        if let (Some(next), Some(c)) = (
            pieces.get(i + 1),
            pieces.get(i + 1).and_then(|n| n.chars().next()),
        ) {
            assert!(
                piece.len() + c.len_utf8() > 16,
                "第 {i} 段 {piece:?} 还装得下下一段开头的 {c:?}：每段要尽量装满（下一段是 {next:?}）"
            );
        }
    }
    // 每段作为一个数据报发给缓冲区只有 16 字节的真实服务端，从回答里拼回原文。
    let mut srv = server(&["--buffer", "16"]);
    let socket = udp();
    let mut rebuilt = String::new();
    for piece in &pieces {
        let reply = ask(&socket, srv.addr(), piece.as_bytes());
        let inner = reply
            .strip_prefix("Hello, ")
            .and_then(|r| r.strip_suffix('!'))
            .unwrap_or_else(|| panic!("服务端的回答格式不对：{reply:?}"));
        rebuilt.push_str(inner);
    }
    let log = srv.kill_and_collect().stdout;
    assert!(
        !log.contains("只留下前"),
        "有的段比 16 字节长，被服务端截断了：\n{log}"
    );
    assert!(
        !log.contains("坏字节"),
        "有的段把一个字符切成了两半：\n{log}"
    );
    assert_eq!(rebuilt, text, "服务端收到的各段拼起来不是原文");

    let ascii = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
    let lens: Vec<usize> = split_utf8(ascii, 16).iter().map(|p| p.len()).collect();
    assert_eq!(lens, [16, 16, 8], "40 个 ASCII 字符、每段 16 字节");
    assert_eq!(
        split_utf8("😀😀😀", 5),
        ["😀", "😀", "😀"],
        "4 字节的字符，每段 5 字节只装得下一个"
    );
    assert!(split_utf8("", 16).is_empty(), "空文字应当返回空的 Vec");
}

exercise!(
    l05_serve_one,
    "exercises/serve_one.rs",
    check_serve_one,
    lesson_05::exercises::serve_one::serve_one,
    lesson_05::solutions::serve_one::serve_one,
);

exercise!(
    l05_ask,
    "exercises/ask.rs",
    check_ask,
    lesson_05::exercises::ask::ask_with_retry,
    lesson_05::solutions::ask::ask_with_retry,
);

exercise!(
    l05_chunks,
    "exercises/chunks.rs",
    check_chunks,
    lesson_05::exercises::chunks::split_utf8,
    lesson_05::solutions::chunks::split_utf8,
);
