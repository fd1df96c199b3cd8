//! 第 05 课练习的评分检查。`workbook grade 05` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。
//! 每道题都走真实的 UDP 套接字，对面是参考程序（真实进程）或测试扮演的对方：
//! 会丢包的服务端、回答迟到的服务端、冒充服务端的陌生人。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

mod common;

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::{ask, server, udp};
use lesson_05::Dropper;
use testkit::grading::{cut, describe_io, expect_eq, show_bytes, waited};
use testkit::{exercise, with_deadline};

const CLIENT: &str = env!("CARGO_BIN_EXE_l05-client");

/// 学习者的函数已经返回了：它该寄出的数据报此刻已经在本机的接收队列里，最多再等这么久。
const SETTLE: Duration = Duration::from_secs(2);

/// 收一个数据报（最多等 `wait`），等不到时用学习者看得懂的话说明（`likely` 是可能的原因）。
fn receive(socket: &UdpSocket, what: &str, wait: Duration, likely: &str) -> (Vec<u8>, SocketAddr) {
    socket.set_read_timeout(Some(wait)).unwrap();
    let mut buf = vec![0u8; 65536];
    match socket.recv_from(&mut buf) {
        Ok((n, from)) => {
            buf.truncate(n);
            (buf, from)
        }
        Err(e) => panic!("{}", waited(what, &e, wait, likely)),
    }
}

/// 此刻已经在接收队列里的全部数据报（不等待）。
fn queued(socket: &UdpSocket) -> Vec<Vec<u8>> {
    socket.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 2048];
    let mut all = Vec::new();
    while let Ok((n, _)) = socket.recv_from(&mut buf) {
        all.push(buf[..n].to_vec());
    }
    socket.set_nonblocking(false).unwrap();
    all
}

fn texts(datagrams: &[Vec<u8>]) -> Vec<String> {
    datagrams
        .iter()
        .map(|d| String::from_utf8_lossy(d).into_owned())
        .collect()
}

/// 在另一个线程里运行学习者的函数，把它的 panic 原样传回来。
fn join<T: Send + 'static>(handle: thread::JoinHandle<T>, what: &str) -> T {
    with_deadline(what, move || handle.join()).unwrap_or_else(|p| std::panic::resume_unwind(p))
}

fn check_serve_one(serve_one: fn(&UdpSocket) -> io::Result<SocketAddr>) {
    // 第一个数据报来自参考客户端（真实进程），它只等 3 秒、不重发。
    let mine = udp();
    let port = mine.local_addr().unwrap().port().to_string();
    let theirs = mine.try_clone().unwrap();
    let handle = thread::spawn(move || serve_one(&theirs));
    let client = testkit::Proc::spawn(
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
    );
    let from = join(handle, "serve_one 返回").unwrap_or_else(|e| {
        panic!("serve_one 返回了错误：{}", describe_io(&e));
    });
    let out = client.finish();
    assert!(
        out.status.success() && out.stdout.contains("Hello, 小明!"),
        "参考客户端 l05-client 发出“小明”，没有收到 Hello, 小明!。\n它打印的是：\n{}{}",
        cut(&out.stdout),
        cut(&out.stderr)
    );
    assert!(
        from.ip().is_loopback() && from != mine.local_addr().unwrap(),
        "serve_one 应当返回发来数据报的那一方的地址，而不是 {from}"
    );

    // 接下来由测试里的套接字发：它知道自己的地址，可以核对返回值。
    let mut long = vec![b'a'; 1024];
    let long_reply = format!("Hello, {}!", "a".repeat(1024));
    // (发什么, 期望的回答, 怎样说它, 回答不对时可能的原因)
    let cases: Vec<(Vec<u8>, String, &str, &str)> = vec![
        (
            vec![0xFF; 1000],
            "错误：从第 1 个字节起不是合法的 UTF-8".into(),
            "1000 个 0xFF",
            "",
        ),
        (
            b"caf\xff".to_vec(),
            "错误：从第 4 个字节起不是合法的 UTF-8".into(),
            "caf 后面跟着一个 0xFF",
            "N 从 1 数起",
        ),
        (
            "好你".as_bytes()[..5].to_vec(),
            "错误：从第 4 个字节起不是合法的 UTF-8".into(),
            "“好”之后，“你”的 3 个字节只到了 2 个",
            "不完整的字符也是解不开的字节",
        ),
        (Vec::new(), "Hello, !".into(), "空数据报", ""),
        (
            "你好".as_bytes().to_vec(),
            "Hello, 你好!".into(),
            "你好",
            "",
        ),
        (
            std::mem::take(&mut long),
            long_reply,
            "1024 个 a",
            "缓冲区装得下 1024 字节的数据报吗？",
        ),
    ];
    let peer = udp();
    for (data, want, what, likely) in cases {
        peer.send_to(&data, mine.local_addr().unwrap()).unwrap();
        let theirs = mine.try_clone().unwrap();
        let from = with_deadline("serve_one", move || serve_one(&theirs)).unwrap_or_else(|e| {
            panic!("收到 {what} 时，serve_one 返回了错误：{}", describe_io(&e))
        });
        expect_eq(
            &format!("收到 {what} 时，serve_one 应当返回发送方的地址"),
            &from,
            &peer.local_addr().unwrap(),
        );
        let (reply, _) = receive(
            &peer,
            "回答",
            SETTLE,
            "serve_one 返回了，却没有把回答寄回发送方？",
        );
        if reply.len() > data.len() + 64 {
            panic!(
                "收到 {what}（{} 字节）时，回答有 {} 字节：{}\n回答不能比请求大这么多（坏字节换成 � 会让回答变成 3 倍大）",
                data.len(),
                reply.len(),
                show_bytes(&reply)
            );
        }
        let likely = if likely.is_empty() {
            String::new()
        } else {
            format!("（{likely}）")
        };
        expect_eq(
            &format!("收到 {what}（{}）时的回答不对{likely}", show_bytes(&data)),
            &String::from_utf8_lossy(&reply).into_owned(),
            &want,
        );
    }
}

fn check_chunks(split_utf8: fn(&str, usize) -> Vec<&str>) {
    let text = "UDP 保留消息的边界：一次 send_to，对方就一次 recv_from。";
    let pieces = split_utf8(text, 16);
    for (i, piece) in pieces.iter().enumerate() {
        assert!(
            !piece.is_empty() && piece.len() <= 16,
            "每段 16 字节时，第 {i} 段 {piece:?} 有 {} 字节，应当在 1 到 16 之间",
            piece.len()
        );
        if let Some(c) = pieces.get(i + 1).and_then(|n| n.chars().next()) {
            assert!(
                piece.len() + c.len_utf8() > 16,
                "第 {i} 段 {piece:?} 还装得下下一段开头的 {c:?}：每段要尽量装满（全部的段：{pieces:?}）"
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
            .unwrap_or_else(|| {
                panic!("服务端回答的是 {reply:?}：这一段 {piece:?} 不是合法的 UTF-8？")
            });
        rebuilt.push_str(inner);
    }
    let log = srv.kill_and_collect().stdout;
    assert!(
        !log.contains("只留下前"),
        "有的段比 16 字节长，被服务端截断了：\n{}",
        cut(&log)
    );
    expect_eq("服务端收到的各段拼起来应当是原文", &rebuilt.as_str(), &text);

    let ascii = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
    let lens: Vec<usize> = split_utf8(ascii, 16).iter().map(|p| p.len()).collect();
    expect_eq(
        "40 个 ASCII 字符、每段最多 16 字节，各段的长度",
        &lens,
        &vec![16, 16, 8],
    );
    expect_eq(
        "4 字节的字符、每段最多 5 字节：每段只装得下一个",
        &split_utf8("😀😀😀", 5),
        &vec!["😀", "😀", "😀"],
    );
    expect_eq(
        "每段正好装得下时不要多切",
        &split_utf8("你好世界", 6),
        &vec!["你好", "世界"],
    );
    expect_eq(
        "空文字应当切成 0 段",
        &split_utf8("", 16),
        &Vec::<&str>::new(),
    );
}

type BackoffFn =
    fn(&UdpSocket, SocketAddr, &str, Duration, Duration, u32) -> io::Result<(String, u32)>;

/// 对一个一直不说话的端口问一次，量出每个数据报到达的时刻，核对每次等了多久、一共发了几次。
fn check_waits(ask_backoff: BackoffFn, first_ms: u64, max_ms: u64, tries: u32, want: &[u64]) {
    let silent = udp();
    let to = silent.local_addr().unwrap();
    let mine = udp();
    let start = Instant::now();
    let handle = thread::spawn(move || {
        let got = ask_backoff(
            &mine,
            to,
            "喂",
            Duration::from_millis(first_ms),
            Duration::from_millis(max_ms),
            tries,
        );
        (got, start.elapsed())
    });
    // 收下它发来的每一个数据报，记下时刻；1 秒没有新的就算发完了（最长的一次等待也远不到 1 秒）。
    let mut arrivals = Vec::new();
    silent
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let mut buf = [0u8; 64];
    while let Ok((n, _)) = silent.recv_from(&mut buf) {
        assert_eq!(&buf[..n], "喂".as_bytes(), "发出去的应当是 msg 本身");
        arrivals.push(Instant::now());
        if arrivals.len() > tries as usize {
            break;
        }
    }
    let (got, took) = join(handle, "ask_backoff");
    let what = format!(
        "first = {first_ms} 毫秒、max = {max_ms} 毫秒、tries = {tries}，对一个一直不说话的服务端"
    );
    match got {
        Ok(answer) => panic!("{what}，却返回了 {answer:?}"),
        Err(e) => expect_eq(
            &format!("{what}，最后应当返回 TimedOut 的错误（{e}）"),
            &e.kind(),
            &io::ErrorKind::TimedOut,
        ),
    }
    expect_eq(
        &format!("{what}，一共发了几次"),
        &arrivals.len(),
        &(tries as usize),
    );
    let gaps: Vec<u64> = arrivals
        .windows(2)
        .map(|w| (w[1] - w[0]).as_millis() as u64)
        .collect();
    for (i, (&gap, &expected)) in gaps.iter().zip(want).enumerate() {
        assert!(
            gap * 100 >= expected * 85 && gap <= expected + 150,
            "{what}：第 {} 次发出后等了约 {gap} 毫秒才重发，应当等 {expected} 毫秒\n\
             （每次的等待：{want:?} 毫秒，你的：{gaps:?} 毫秒。每重发一次等待翻倍，但不超过 max）",
            i + 1
        );
    }
    let total: u64 =
        want.iter().sum::<u64>() + want.last().copied().unwrap_or(first_ms.min(max_ms));
    let took = took.as_millis() as u64;
    assert!(
        took * 100 >= total * 85 && took <= total + 400,
        "{what}：一共用了 {took} 毫秒，应当约 {total} 毫秒（最后一次发出后也要等满那一次的时间，再报错）"
    );
}

fn check_backoff(ask_backoff: BackoffFn) {
    // 1. 等待翻倍、封顶；发满 tries 次再放弃。
    check_waits(ask_backoff, 100, 200, 5, &[100, 200, 200, 200]);
    // first 比 max 还长时，第一次也只等 max。
    check_waits(ask_backoff, 400, 100, 2, &[100]);

    // 2. 测试扮演服务端：先寄来一串对不上的回答，再让一个陌生人寄来内容正确的回答；
    //    这些都不算数，第一次的 100 毫秒到了就该重发。收到重发之后，服务端才寄回正确的回答。
    let fake = udp();
    let stranger = udp();
    let mine = udp();
    let me = mine.local_addr().unwrap();
    let fake_addr = fake.local_addr().unwrap();
    let handle = thread::spawn(move || {
        ask_backoff(
            &mine,
            fake_addr,
            "Bob",
            Duration::from_millis(100),
            Duration::from_millis(400),
            4,
        )
    });
    let (data, from) = receive(
        &fake,
        "第一次发来的 Bob",
        SETTLE,
        "有没有用 send_to 把 msg 发给 server？",
    );
    let first = Instant::now();
    expect_eq(
        "服务端收到的第一个数据报（内容，发送方）",
        &(data.as_slice(), from),
        &(&b"Bob"[..], me),
    );
    stranger.send_to(b"Hello, Bob!", me).unwrap();
    fake.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 64];
    let resent = loop {
        if let Ok((n, _)) = fake.recv_from(&mut buf) {
            break Some((buf[..n].to_vec(), first.elapsed()));
        }
        if first.elapsed() > Duration::from_millis(800) {
            break None;
        }
        let _ = fake.send_to(b"Hello, Ann!", me);
        thread::sleep(Duration::from_millis(20));
    };
    fake.set_nonblocking(false).unwrap();
    match resent {
        None => match join(handle, "ask_backoff") {
            Ok(got) => panic!(
                "返回了 {got:?}：那个 Hello, Bob! 是陌生人 {} 寄来的，不是 server（{fake_addr}），不能当作回答",
                stranger.local_addr().unwrap()
            ),
            Err(e) => panic!(
                "第一次发出 100 毫秒后应当重发，过了 800 毫秒还没有重发（最后返回了错误：{e}）。\
                 期间收到的一串对不上的回答，不能让这一次等得更久"
            ),
        },
        Some((data, after)) => {
            expect_eq("重发的数据报", &data.as_slice(), &&b"Bob"[..]);
            assert!(
                after <= Duration::from_millis(300),
                "第一次发出后 {after:?} 才重发，应当是 100 毫秒：期间收到的一串对不上的回答不能让等待变长"
            );
        }
    }
    fake.send_to(b"Hello, Bob!", me).unwrap();
    match join(handle, "ask_backoff") {
        Ok(got) => expect_eq(
            "陌生人和对不上的回答都不算数；重发之后服务端才回答，应当返回 (回答, 2)",
            &got,
            &("Hello, Bob!".to_string(), 2),
        ),
        Err(e) => panic!(
            "服务端回答了 Hello, Bob!，却返回了错误：{}",
            describe_io(&e)
        ),
    }

    // 3. 回答迟到：第一次的回答在重发之后才到。内容是对的，收下，一共发了 2 次。
    let late = udp();
    let late_addr = late.local_addr().unwrap();
    let mine = udp();
    let handle = thread::spawn(move || {
        ask_backoff(
            &mine,
            late_addr,
            "Zoe",
            Duration::from_millis(100),
            Duration::from_millis(400),
            4,
        )
    });
    let (_, client) = receive(
        &late,
        "Zoe",
        SETTLE,
        "有没有用 send_to 把 msg 发给 server？",
    );
    thread::sleep(Duration::from_millis(160));
    late.send_to(b"Hello, Zoe!", client).unwrap();
    match join(handle, "ask_backoff") {
        Ok(got) => expect_eq(
            "第一次的回答在重发之后才到（内容是对的），应当收下，返回 (回答, 2)",
            &got,
            &("Hello, Zoe!".to_string(), 2),
        ),
        Err(e) => panic!("迟到的回答也是对的回答，却返回了错误：{}", describe_io(&e)),
    }
    let extra = texts(&queued(&late));
    expect_eq(
        "迟到的回答收到之后就不该再发了；之后又收到了",
        &extra,
        &vec!["Zoe".to_string()],
    );

    // 4. 对面的端口上没有程序。connect 过的套接字会把 ICMP“端口不可达”变成一次接收的错误
    //    （Linux 上是 ConnectionRefused）：这不是丢包，应当马上返回这个错误，而不是一直重发到次数用完。
    if cfg!(target_os = "linux") {
        let gone = common::free_port();
        let to: SocketAddr = ([127, 0, 0, 1], gone).into();
        let mine = udp();
        mine.connect(to).unwrap();
        let start = Instant::now();
        let got = with_deadline("ask_backoff", move || {
            ask_backoff(
                &mine,
                to,
                "喂",
                Duration::from_millis(200),
                Duration::from_millis(400),
                5,
            )
        });
        let took = start.elapsed();
        match got {
            Ok(answer) => panic!("对面的端口上没有程序，却返回了 {answer:?}"),
            Err(e) => assert!(
                e.kind() != io::ErrorKind::TimedOut && took < Duration::from_millis(900),
                "对面的端口上没有程序，系统已经报告了（连接被拒绝），应当马上返回那个错误；\
                 你用了 {:.1} 秒，返回的是：{}。只有读超时才是“这一次没等到”，别的错误重发也没用",
                took.as_secs_f64(),
                describe_io(&e)
            ),
        }
    }

    // 5. 真实的服务端，丢掉一半的数据报。先按同样的种子算出每个名字会连续被丢几次。
    let names = ["Michael", "Tracy", "Sarah", "小明", "小红", "Bob"];
    let mut dropper = Dropper::new(0.5, 3);
    let plan: Vec<u32> = names
        .iter()
        .map(|_| (0..).take_while(|_| dropper.should_drop()).count() as u32)
        .collect();
    let mut srv = server(&["--drop", "0.5", "--seed", "3"]);
    let addr = srv.addr();
    let socket = udp();
    for (name, drops) in names.into_iter().zip(plan) {
        let s = socket.try_clone().unwrap();
        let got = with_deadline("ask_backoff", move || {
            ask_backoff(
                &s,
                addr,
                name,
                Duration::from_millis(150),
                Duration::from_millis(300),
                6,
            )
        });
        match got {
            Ok(got) => expect_eq(
                &format!("服务端丢掉了 {name} 的前 {drops} 个数据报：回答和发的次数"),
                &got,
                &(format!("Hello, {name}!"), drops + 1),
            ),
            Err(e) => panic!(
                "问 {name:?} 失败：{}。服务端丢掉了它的前 {drops} 个数据报，等不到回答时要重发",
                describe_io(&e)
            ),
        }
    }
    let log = srv.kill_and_collect().stdout;
    assert!(
        log.contains("（模拟丢包）"),
        "服务端应当丢过数据报：{}",
        cut(&log)
    );
}

type AskAllFn = fn(SocketAddr, &[&str], Duration, u32) -> io::Result<Vec<String>>;

/// 测试扮演的服务端收到的一“轮”数据报。
struct Round {
    /// 收到的名字，排好序。
    names: Vec<String>,
    /// 发送方。
    from: Option<SocketAddr>,
    /// 这一轮第一个数据报到达的时刻。
    at: Instant,
}

/// 收一轮：等第一个数据报最多 `first` 这么久，之后 150 毫秒没有新的就算这一轮完了。
fn round(fake: &UdpSocket, first: Duration) -> Round {
    let mut names = Vec::new();
    let mut from = None;
    let mut at = Instant::now();
    let mut buf = [0u8; 256];
    fake.set_read_timeout(Some(first)).unwrap();
    while let Ok((n, who)) = fake.recv_from(&mut buf) {
        if from.is_none() {
            at = Instant::now();
        }
        names.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        from = Some(who);
        fake.set_read_timeout(Some(Duration::from_millis(150)))
            .unwrap();
    }
    names.sort();
    Round { names, from, at }
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

fn check_ask_all(ask_all: AskAllFn) {
    let hello =
        |names: &[&str]| -> Vec<String> { names.iter().map(|n| format!("Hello, {n}!")).collect() };

    // 1. 测试扮演的服务端：收齐 5 个名字才回答；回答乱序，有的回答两遍，乙和丁不回答，
    //    还有一个没问过的名字的回答；一个陌生人冒充它寄来乙的回答。
    let names = ["甲", "乙", "丙", "丁", "戊"];
    let timeout = Duration::from_millis(400);
    let fake = udp();
    let stranger = udp();
    let fake_addr = fake.local_addr().unwrap();
    let handle = thread::spawn(move || ask_all(fake_addr, &names, timeout, 3));
    let first = round(&fake, Duration::from_millis(1500));
    let client = first.from;
    let first_at = first.at;
    let first = first.names;
    if first != sorted(&names) {
        let got = join(handle, "ask_all");
        panic!(
            "参考服务端在第一轮只收到 {first:?}，它要收齐 5 个名字才开始回答。\
             要先把所有名字都发出去，再等回答（一个一个地问，每个都要等一个来回）。ask_all 返回了 {got:?}"
        );
    }
    let client = client.unwrap();
    stranger.send_to("Hello, 乙!".as_bytes(), client).unwrap();
    for reply in ["戊", "丙", "甲", "甲", "己"] {
        fake.send_to(format!("Hello, {reply}!").as_bytes(), client)
            .unwrap();
    }
    let second = round(&fake, Duration::from_millis(1500));
    if second.from.is_some_and(|from| from != client) {
        let got = join(handle, "ask_all");
        panic!(
            "第一轮从 {client} 发出，第二轮却从 {} 发出：换了一个新的套接字，寄给旧端口的回答（包括迟到的）就收不到了。\
             整个 ask_all 用同一个套接字。ask_all 返回了 {got:?}",
            second.from.unwrap()
        );
    }
    let waited_ms = (second.at - first_at).as_millis();
    let second = second.names;
    if second != sorted(&["乙", "丁"]) {
        let got = join(handle, "ask_all");
        let why = if second.is_empty() {
            "一个也没有重发：没回答的名字要重发"
        } else if second
            .iter()
            .any(|n| ["甲", "丙", "戊"].contains(&n.as_str()))
        {
            "已经回答过的名字不要再发"
        } else if !second.iter().any(|n| n == "乙") {
            "乙 的“回答”来自一个陌生的端口，不算数，乙 还要重发"
        } else {
            "没回答的是 乙 和 丁，每个重发一次"
        };
        panic!(
            "第一轮回答了甲、丙、戊（甲回答了两遍），陌生人寄来了乙的“回答”；第二轮应当只重发乙和丁，你重发的是 {second:?}：{why}。ask_all 返回了 {got:?}"
        );
    }
    assert!(
        waited_ms >= 300,
        "第一轮发出后只过了约 {waited_ms} 毫秒就重发了：每一轮要等满 timeout（400 毫秒），回答才有机会到"
    );
    // 丁马上回答；乙的回答故意晚到：第二轮等满了、重发了乙之后它才到。内容是对的，要收下。
    // 这期间服务端还不停地重复寄来甲的回答：它们不算数，也不能让这一轮等得更久。
    fake.send_to("Hello, 丁!".as_bytes(), client).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let repeater = {
        let (fake, stop) = (fake.try_clone().unwrap(), Arc::clone(&stop));
        thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let _ = fake.send_to("Hello, 甲!".as_bytes(), client);
                thread::sleep(Duration::from_millis(40));
            }
        })
    };
    let third = round(&fake, Duration::from_millis(600)).names;
    stop.store(true, Ordering::Relaxed);
    repeater.join().unwrap();
    fake.send_to("Hello, 乙!".as_bytes(), client).unwrap();
    let got = join(handle, "ask_all");
    if third.is_empty() {
        panic!(
            "第二轮等满 400 毫秒之后应当重发乙，600 毫秒里却一个也没有重发（ask_all 返回了 {got:?}）。\
             每一轮的期限从发出时算起：期间不停地收到重复的回答，也不能让这一轮等得更久"
        );
    }
    expect_eq(
        "第二轮之后只剩乙没有回答：第三轮应当只重发乙",
        &third,
        &vec!["乙".to_string()],
    );
    match got {
        Ok(got) => expect_eq(
            "回答要按 names 的顺序排好（乙的回答晚到了一轮，它也是对的回答）",
            &got,
            &hello(&names),
        ),
        Err(e) => panic!(
            "乙的回答晚到了一轮（在你重发乙之后才到），内容是对的，应当收下；你返回了错误：{}",
            describe_io(&e)
        ),
    }

    // 2. 真实的服务端，丢掉一半的数据报：重发几轮，全部问到。
    let mut srv = server(&["--drop", "0.5", "--seed", "11"]);
    let addr = srv.addr();
    let many = [
        "Michael", "Tracy", "Sarah", "小明", "小红", "Bob", "Ann", "Zoe",
    ];
    let got = with_deadline("ask_all", move || {
        ask_all(addr, &many, Duration::from_millis(200), 20)
    });
    match got {
        Ok(got) => expect_eq("对丢包的 l05-server 问 8 个名字", &got, &hello(&many)),
        Err(e) => panic!(
            "对丢掉一半数据报的 l05-server 问 8 个名字、最多重发 20 轮，却失败了：{}",
            describe_io(&e)
        ),
    }
    let log = srv.kill_and_collect().stdout;
    assert!(
        log.contains("（模拟丢包）"),
        "服务端应当丢过数据报：{}",
        cut(&log)
    );

    // 3. 只回答一部分的服务端：最后报 TimedOut，说出哪些没回答；每一轮只重发没回答的。
    let partial = udp();
    let partial_addr = partial.local_addr().unwrap();
    let handle = thread::spawn(move || {
        ask_all(
            partial_addr,
            &["小红", "小明"],
            Duration::from_millis(100),
            2,
        )
    });
    let mut seen = Vec::new();
    partial
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let mut buf = [0u8; 64];
    while let Ok((n, from)) = partial.recv_from(&mut buf) {
        let name = String::from_utf8_lossy(&buf[..n]).into_owned();
        if name == "小红" {
            partial.send_to("Hello, 小红!".as_bytes(), from).unwrap();
        }
        seen.push(name);
    }
    seen.sort();
    match join(handle, "ask_all") {
        Ok(got) => panic!("服务端从来不回答小明，ask_all 却返回了 {got:?}"),
        Err(e) => {
            expect_eq(
                &format!("小明一直没有回答时的错误（{e}）"),
                &e.kind(),
                &io::ErrorKind::TimedOut,
            );
            let text = e.to_string();
            assert!(
                text.contains("小明") && !text.contains("小红"),
                "错误信息里应当写上没回答的名字（小明），不写已经回答了的（小红）：{text:?}"
            );
        }
    }
    expect_eq(
        "retries = 2：小红第一轮就回答了，只发一次；小明一共发 3 次",
        &seen,
        &vec![
            "小明".to_string(),
            "小明".into(),
            "小明".into(),
            "小红".into(),
        ],
    );

    // 4. 没有名字：什么也不发，返回空的 Vec。
    let silent = udp();
    let silent_addr = silent.local_addr().unwrap();
    let got = with_deadline("ask_all", move || {
        ask_all(silent_addr, &[], Duration::from_millis(100), 2)
    });
    match got {
        Ok(got) => expect_eq("names 为空时", &got, &Vec::new()),
        Err(e) => panic!(
            "names 为空时应当返回空的 Vec，却返回了错误：{}",
            describe_io(&e)
        ),
    }
    expect_eq(
        "names 为空时，一个数据报也不该发",
        &queued(&silent).len(),
        &0,
    );
}

exercise!(
    l05_serve_one,
    "exercises/serve_one.rs",
    check_serve_one,
    lesson_05::exercises::serve_one::serve_one,
    lesson_05::solutions::serve_one::serve_one,
);

exercise!(
    l05_chunks,
    "exercises/chunks.rs",
    check_chunks,
    lesson_05::exercises::chunks::split_utf8,
    lesson_05::solutions::chunks::split_utf8,
);

exercise!(
    l05_backoff,
    "exercises/backoff.rs",
    check_backoff,
    lesson_05::exercises::backoff::ask_backoff,
    lesson_05::solutions::backoff::ask_backoff,
);

exercise!(
    l05_ask_all,
    "exercises/ask_all.rs",
    check_ask_all,
    lesson_05::exercises::ask_all::ask_all,
    lesson_05::solutions::ask_all::ask_all,
);
