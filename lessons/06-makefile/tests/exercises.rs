//! 第 06 课练习的评分检查。`workbook grade 06` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。
//! 每道题都走真实的套接字：参考程序是真正的进程，参考对方（`testkit::peers`）像真的程序那样说话——
//! 发完就等、从不半关闭的客户端，分两段回复的服务端，慢慢滴的、说到一半就消失的对方。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use testkit::grading::{cut, describe_io, expect_eq, show_bytes, waited};
use testkit::{exercise, peers, with_deadline, Proc, DEADLINE};

/// 一对连好的本机 TCP 连接：(对方这一头, 交给学习者的那一头)。
fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let peer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (mine, _) = listener.accept().unwrap();
    for s in [&peer, &mine] {
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        s.set_write_timeout(Some(DEADLINE)).unwrap();
    }
    peer.set_nodelay(true).unwrap();
    (peer, mine)
}

/// 把 `bytes` 切成 4 字节一块分别 write（几乎每一刀都切在汉字中间），写完半关闭。
fn send_in_pieces(sender: TcpStream, bytes: Vec<u8>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        for piece in bytes.chunks(4) {
            let _ = (&sender).write_all(piece);
        }
        let _ = sender.shutdown(Shutdown::Write);
    })
}

/// 一段时间，写成“1.2 秒”。
fn secs(d: Duration) -> String {
    format!("{:.1} 秒", d.as_secs_f64())
}

/// 在另一个线程里运行，把那里的 panic 原样传回来。
fn join<T: Send + 'static>(handle: thread::JoinHandle<T>, what: &str) -> T {
    with_deadline(what, move || handle.join()).unwrap_or_else(|p| std::panic::resume_unwind(p))
}

type AskLines = fn(SocketAddr, &[&str]) -> io::Result<Vec<String>>;

fn check_pipeline(ask_lines: AskLines) {
    // 正确的行服务端和“忘了 flush”的行服务端都要能用：我们说完了才读回复，两者都会回答。
    // 它们的空闲超时是 5 秒：没有半关闭的客户端，要等到服务端不耐烦关掉连接才拿到回复。
    for flags in [&[][..], &["--no-flush"][..]] {
        let mut args = vec!["--port", "0", "--idle-timeout", "5"];
        args.extend_from_slice(flags);
        let server = Proc::server(env!("CARGO_BIN_EXE_l06-line-server"), &args);
        let addr = server.addr();
        let start = Instant::now();
        let got = with_deadline("ask_lines", move || {
            ask_lines(addr, &["你好", "makefile", "一二三"]).map_err(|e| {
                let hint = match e.kind() {
                    io::ErrorKind::BrokenPipe => {
                        "：半关闭之后就不能再写了，flush 要在 shutdown 之前"
                    }
                    _ => "",
                };
                format!("{}{hint}", describe_io(&e))
            })
        });
        let took = start.elapsed();
        let want: Vec<String> = ["你好", "makefile", "一二三"]
            .iter()
            .map(|l| format!("Return your msg:{l}"))
            .collect();
        let server_name = if flags.is_empty() {
            "l06-line-server"
        } else {
            "l06-line-server --no-flush"
        };
        match &got {
            Ok(lines) if lines.is_empty() => panic!(
                "对 {server_name} 发了 3 行，一个回复也没收到：服务端读到的是一个空的 EOF。\
                 想想 flush 和 shutdown 的先后：半关闭时，话还在 BufWriter 里吗？"
            ),
            Ok(_) => expect_eq(
                &format!("对 {server_name} 发了 3 行，收到的回复"),
                &got,
                &Ok(want),
            ),
            Err(e) => panic!("对 {server_name} 发了 3 行，ask_lines 返回了错误：{e}"),
        }
        assert!(
            took < Duration::from_secs(3),
            "ask_lines 用了 {:.1} 秒才返回：服务端是等了 5 秒不耐烦了才关掉连接的。写完之后有没有半关闭（shutdown(Write)）？",
            took.as_secs_f64()
        );

        let many: Vec<String> = (1..=200).map(|i| format!("第 {i} 行")).collect();
        let got = with_deadline("ask_lines 200 行", move || {
            let refs: Vec<&str> = many.iter().map(String::as_str).collect();
            ask_lines(addr, &refs)
                .map(|r| r.len())
                .map_err(|e| describe_io(&e))
        });
        expect_eq(
            &format!("对 {server_name} 发了 200 行，收到几个回复"),
            &got,
            &Ok(200),
        );
    }

    // 回复分两段到达、中间停了 300 毫秒：要一直读到对方关闭，而不是读一次就算完。
    let split = peers::split_reply_server(
        "Return your msg:你好\nReturn your ".as_bytes(),
        "msg:再见\n".as_bytes(),
        Duration::from_millis(300),
        4096,
    );
    let addr = split.addr;
    let got = with_deadline("ask_lines", move || {
        ask_lines(addr, &["你好", "再见"]).map_err(|e| describe_io(&e))
    });
    expect_eq(
        "服务端的回复分两段到达（第二段 300 毫秒后才到），应当收到两行完整的回复",
        &got,
        &Ok(vec![
            "Return your msg:你好".to_string(),
            "Return your msg:再见".to_string(),
        ]),
    );
    let request = split.request().unwrap_or_default();
    assert!(
        request.starts_with("你好\n".as_bytes()),
        "服务端收到的应当以 你好\\n 开头：{}",
        show_bytes(&request)
    );

    // 没有服务端时返回错误，而不是 panic。
    let nobody = testkit::closed_port();
    let addr = nobody.addr();
    let got = with_deadline("ask_lines 连不上", move || {
        ask_lines(addr, &["x"]).is_err()
    });
    assert!(got, "连不上服务端时应当返回 Err");
}

type ReadLine = fn(&mut dyn BufRead, usize) -> io::Result<String>;

fn check_readline(read_line_bytes: ReadLine) {
    let text = "你好\n世界和平万岁é😀ab\ncd";
    // (max_bytes, 期望)：依次调用，同一个 reader。
    let plan: [(usize, &str); 9] = [
        (10, "你好\n"),
        (10, "世界和"),
        (4, "平"),
        (6, "万岁"),
        (5, "é"),
        (4, "😀"),
        (3, "ab\n"),
        (100, "cd"),
        (100, ""),
    ];
    for capacity in [1, 8192] {
        let (sender, receiver) = pair();
        let writer = send_in_pieces(sender, text.as_bytes().to_vec());
        let got = with_deadline("read_line_bytes", move || {
            // 缓冲区只有 1 字节时，fill_buf 每次只给一个字节：每个汉字一定被拆成 3 次。
            let mut reader = BufReader::with_capacity(capacity, receiver);
            let mut got = Vec::new();
            for (max, _) in plan {
                match read_line_bytes(&mut reader, max) {
                    Ok(line) => got.push(line),
                    Err(e) => {
                        got.push(format!("（错误：{e}）"));
                        break;
                    }
                }
            }
            got
        });
        writer.join().unwrap();
        for (i, ((max, want), got)) in plan.iter().zip(&got).enumerate() {
            if got != want {
                let before: Vec<&str> = plan[..i].iter().map(|(_, w)| *w).collect();
                panic!(
                    "读缓冲区 {capacity} 字节，对方发来 {text:?}。前 {i} 次读到 {before:?} 之后，\
                     第 {} 次 read_line_bytes(r, {max})：\n  你的结果：{got:?}\n  期望：    {want:?}\n\
                     （遇到换行、再放一个字符就超过 {max} 字节、EOF，都要停；放不下的字符一个字节也不能拿走）",
                    i + 1
                );
            }
        }
        expect_eq(
            &format!("读缓冲区 {capacity} 字节，依次读完 {text:?} 要几次"),
            &got.len(),
            &plan.len(),
        );
    }

    for (bytes, what) in [
        (b"ok\xff\n".to_vec(), "非法的 UTF-8 字节 ff"),
        ("好你".as_bytes()[..5].to_vec(), "EOF 时最后一个字符不完整"),
        (b"\xe4\xbdA\n".to_vec(), "一个汉字只来了两个字节，接着是 A"),
        (b"\xc0\xaf\n".to_vec(), "过长的编码 c0 af（UTF-8 不允许）"),
    ] {
        for capacity in [1, 8192] {
            let (sender, receiver) = pair();
            let writer = send_in_pieces(sender, bytes.clone());
            let got = with_deadline("read_line_bytes", move || {
                let mut reader = BufReader::with_capacity(capacity, receiver);
                read_line_bytes(&mut reader, 100).map_err(|e| e.kind())
            });
            writer.join().unwrap();
            expect_eq(
                &format!(
                    "{what}（{}，读缓冲区 {capacity} 字节）：应当返回 InvalidData 错误",
                    show_bytes(&bytes)
                ),
                &got,
                &Err(io::ErrorKind::InvalidData),
            );
        }
    }
}

type Drain = fn(&TcpStream, u64, Duration) -> io::Result<u64>;

/// 对方这一头：等着读到 EOF（学习者半关闭了），最多等 2 秒；返回有没有读到。
fn saw_eof(peer: &TcpStream) -> bool {
    peer.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut buf = [0u8; 64];
    matches!((&*peer).read(&mut buf), Ok(0))
}

/// 运行学习者的 drain（另一个线程），返回结果和用了多久。
fn run_drain(
    drain: Drain,
    mine: TcpStream,
    limit: u64,
    within: Duration,
) -> thread::JoinHandle<(io::Result<u64>, Duration, TcpStream)> {
    thread::spawn(move || {
        let start = Instant::now();
        let got = drain(&mine, limit, within);
        (got, start.elapsed(), mine)
    })
}

fn check_drain(drain: Drain) {
    // 1. 说完就关：先等到 EOF（学习者半关闭了），再发 300 个字节，然后关闭。
    let (peer, mine) = pair();
    let handle = run_drain(drain, mine, 1 << 20, Duration::from_secs(2));
    let eof = saw_eof(&peer);
    if eof {
        (&peer).write_all(&[b'x'; 300]).unwrap();
    }
    drop(peer);
    let (got, took, _) = join(handle, "drain");
    assert!(
        eof,
        "对方 2 秒内没有读到 EOF：drain 应当先半关闭（shutdown(Shutdown::Write)），让对方知道回复已经完了"
    );
    expect_eq(
        "对方读到 EOF 后又发了 300 个字节，然后关闭：读掉了几个字节",
        &got.map_err(|e| describe_io(&e)),
        &Ok(300),
    );
    assert!(
        took < Duration::from_millis(1500),
        "对方发完就关了，drain 却用了 {}：读到 EOF（read 返回 0）就该停",
        secs(took)
    );

    // 2. 一口气灌 5 MiB：读到 limit 就停，一个字节也不多读。
    let (peer, mine) = pair();
    let flood = thread::spawn(move || {
        let chunk = vec![b'y'; 64 << 10];
        for _ in 0..80 {
            if (&peer).write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let handle = run_drain(drain, mine, 1_000_000, Duration::from_secs(5));
    let (got, _, mine) = join(handle, "drain");
    expect_eq(
        "对方一口气灌来 5 MiB，limit 是 1000000：读掉了几个字节",
        &got.map_err(|e| describe_io(&e)),
        &Ok(1_000_000),
    );
    drop(mine);
    flood.join().unwrap();

    // 3. 慢慢滴：每 50 毫秒一个字节，3 秒后才关闭。within 是 500 毫秒：到时候就停。
    let (peer, mine) = pair();
    let handle = run_drain(drain, mine, 1 << 20, Duration::from_millis(500));
    let dripper = thread::spawn(move || {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(3) {
            if (&peer).write_all(b"z").is_err() {
                break;
            }
            thread::sleep(Duration::from_millis(50));
        }
    });
    let (got, took, mine) = join(handle, "drain");
    drop(mine);
    assert!(
        took < Duration::from_millis(1200),
        "对方每 50 毫秒发一个字节，within 是 500 毫秒，drain 却用了 {}：\
         只给每一次 read 设超时是不够的，要给整个收尾一个期限（每次 read 之前算一算还剩多少时间）",
        secs(took)
    );
    assert!(
        took >= Duration::from_millis(400),
        "对方还在慢慢地发，within 是 500 毫秒，drain 却只用了 {}就停了",
        secs(took)
    );
    match got {
        Ok(n) => assert!(
            (3..=20).contains(&n),
            "500 毫秒里对方每 50 毫秒发一个字节，应当读掉大约 10 个，而不是 {n} 个"
        ),
        Err(e) => panic!(
            "期限到了就停下、返回读掉的字节数；你返回了错误：{}",
            describe_io(&e)
        ),
    }
    dripper.join().unwrap();

    // 4. 一声不吭，也不关闭：within 一到就停，读掉 0 个。
    let (peer, mine) = pair();
    let handle = run_drain(drain, mine, 1 << 20, Duration::from_millis(300));
    let (got, took, _) = join(handle, "drain");
    drop(peer);
    expect_eq(
        "对方一声不吭、也不关闭：读掉了几个字节",
        &got.map_err(|e| describe_io(&e)),
        &Ok(0),
    );
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_millis(1000),
        "对方一声不吭，within 是 300 毫秒，drain 用了 {}",
        secs(took)
    );

    // 5. 说到一半就重置连接：那也是结束，返回已经读掉的，而不是错误。
    let (peer, mine) = pair();
    let handle = run_drain(drain, mine, 1 << 20, Duration::from_secs(2));
    let eof = saw_eof(&peer);
    (&peer).write_all(&[b'w'; 100]).unwrap();
    thread::sleep(Duration::from_millis(100));
    peers::vanish(peer, b"", 0).unwrap();
    let (got, took, _) = join(handle, "drain");
    assert!(eof, "对方没有读到 EOF：drain 应当先半关闭");
    match got {
        Ok(n) => expect_eq("对方发了 100 个字节后重置了连接：读掉了几个字节", &n, &100),
        Err(e) => panic!(
            "对方发了 100 个字节后重置了连接：那也是收尾结束了，应当返回 Ok(读掉的字节数)，而不是错误（{}）",
            describe_io(&e)
        ),
    }
    assert!(
        took < Duration::from_millis(1500),
        "对方重置连接之后 drain 还在等：{}",
        secs(took)
    );
}

/// 学习者的服务端还在运行吗：它返回了就说明它不该返回，它 panic 了就把那个 panic 原样交出去。
fn alive(server: &mut Option<thread::JoinHandle<io::Result<()>>>, stage: &str) {
    if !server.as_ref().is_some_and(|h| h.is_finished()) {
        return;
    }
    match server.take().unwrap().join() {
        Ok(got) => panic!(
            "{stage}时，serve_numbered 已经返回了（{got:?}）：它应当一直服务下去，每个连接一个线程"
        ),
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// 连上学习者的服务端，读写都有期限。
fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("连上服务端");
    stream.set_read_timeout(Some(peers::WAIT)).unwrap();
    stream.set_write_timeout(Some(peers::WAIT)).unwrap();
    stream.set_nodelay(true).unwrap();
    stream
}

/// 读一行回复（最多 4 KiB）；等不到时说成学习者看得懂的话。
fn reply_line(reader: &mut BufReader<&TcpStream>, after: &str) -> String {
    let mut line = Vec::new();
    match reader.by_ref().take(4096).read_until(b'\n', &mut line) {
        Ok(_) => String::from_utf8_lossy(&line).into_owned(),
        Err(e) => panic!(
            "{}",
            waited(
                &format!("{after} 之后的回复"),
                &e,
                peers::WAIT,
                "每个回复写完之后要 flush；也不能等对方关闭连接才回复"
            )
        ),
    }
}

/// 对方关掉了这条连接吗：读到 EOF 或者出错（连接被重置）都算；`within` 内还连着就是 false。
fn closed_within(stream: &TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match (&*stream).read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if support::is_timeout(&e) => return false,
            Err(_) => return true,
        }
    }
}

/// 每 `gap` 写一个字节（永远不换行），直到连接被对方关掉；返回那时过了多久（`limit` 内没关就是 None）。
fn drip_until_closed(stream: &TcpStream, gap: Duration, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if (&*stream).write_all(b"x").is_err() || closed_within(stream, gap) {
            return Some(start.elapsed());
        }
    }
    None
}

fn check_numbered(serve_numbered: fn(TcpListener, Duration) -> io::Result<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let idle = Duration::from_secs(1);
    // 学习者的服务端一直运行；评分结束时这个进程退出，它也就结束了。
    let mut server = Some(thread::spawn(move || serve_numbered(listener, idle)));

    // 1. 教程式的客户端：发一行就等回复，从不半关闭。回复要马上到（远不到 idle 的 1 秒）。
    let asked = Instant::now();
    let reply = peers::tutorial_client(addr, "你好\n".as_bytes(), 64).unwrap_or_else(|e| {
        // 连不上、被重置：多半是服务端已经不在了（返回了，或者 panic 了）。先看看它。
        thread::sleep(Duration::from_millis(100));
        alive(&mut server, "第一个客户端来");
        panic!(
            "{}",
            waited(
                "回复",
                &e,
                peers::WAIT,
                "每个回复写完之后要 flush；也不能等对方关闭连接才回复"
            )
        )
    });
    expect_eq(
        "教程式的客户端发来 你好\\n（不半关闭），收到的回复",
        &String::from_utf8_lossy(&reply).into_owned(),
        &"1: 你好\n".to_string(),
    );
    let took = asked.elapsed();
    assert!(
        took < Duration::from_millis(700),
        "回复过了 {}才到：它一直留在 BufWriter 里，直到连接结束、BufWriter 被丢弃时才被 flush 出去。\
         每个回复写完之后都要 flush",
        secs(took)
    );
    alive(&mut server, "第一个客户端走了");

    // 2. 一个连接里的一整段对话：\r\n、坏字节、最后一行没有换行。
    let conn = connect(addr);
    let mut reader = BufReader::new(&conn);
    for (send, want, what) in [
        (&b"a\r\n"[..], "1: a\n", "a\\r\\n（行尾的 \\r 也要去掉）"),
        (&b"b\n"[..], "2: b\n", "b\\n（行号每行加一）"),
        (
            &b"ok\xff\n"[..],
            "3: 错误：不是 UTF-8\n",
            "ok\\xff\\n（坏的一行也占一个行号，连接继续）",
        ),
        ("好\n".as_bytes(), "4: 好\n", "好\\n"),
    ] {
        (&conn).write_all(send).unwrap();
        expect_eq(
            &format!("同一个连接里发来 {what}，收到的回复"),
            &reply_line(&mut reader, what),
            &want.to_string(),
        );
    }
    (&conn).write_all(b"x\ny").unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
    expect_eq(
        "接着发来 x\\ny 然后半关闭：最后一行没有换行也要回复，然后关闭连接",
        &String::from_utf8_lossy(&rest).into_owned(),
        &"5: x\n6: y\n".to_string(),
    );

    // 3. 三个对方同时来：一直不说话的、慢慢发但按时发完的、慢得不像话的。
    let silent = connect(addr);
    let started = Instant::now();
    // 不说话的连接不能挡住别人：另一个客户端马上就要得到回复。
    let reply = peers::tutorial_client(addr, "在吗\n".as_bytes(), 64)
        .unwrap_or_else(|e| panic!("{}", waited("回复", &e, peers::WAIT, "")));
    let took = started.elapsed();
    expect_eq(
        "一个连接一直不说话的时候，另一个客户端发来 在吗\\n",
        &String::from_utf8_lossy(&reply).into_owned(),
        &"1: 在吗\n".to_string(),
    );
    assert!(
        took < Duration::from_millis(700),
        "一个连接一直不说话，另一个客户端等了 {}才得到回复：每个连接要有自己的线程",
        secs(took)
    );
    let slow = thread::spawn(move || {
        // 每 100 毫秒一个字节，一行 4 个字节：0.4 秒说完，在 1 秒之内。两行之间停 0.4 秒：
        // 每一行都按时说完了，加起来却超过 1 秒——每一行都要重新计时。
        let conn = connect(addr);
        let mut reader = BufReader::new(&conn);
        let mut got = Vec::new();
        for (i, line) in ["慢\n", "稳\n"].into_iter().enumerate() {
            for byte in line.as_bytes() {
                if (&conn).write_all(&[*byte]).is_err() {
                    return Err(format!(
                        "慢慢发的客户端（每一行都在 1 秒之内说完）发第 {} 行时，连接被关掉了；之前收到的回复：{got:?}。\
                         idle 是一行的期限，不是整个连接的：开始读新的一行时，期限要重新算",
                        i + 1
                    ));
                }
                thread::sleep(Duration::from_millis(100));
            }
            got.push(reply_line(&mut reader, "慢慢发来的一行"));
            thread::sleep(Duration::from_millis(400));
        }
        Ok(got)
    });
    let drip = thread::spawn(move || {
        let conn = connect(addr);
        drip_until_closed(
            &conn,
            Duration::from_millis(150),
            Duration::from_millis(3500),
        )
    });
    let silent_closed = closed_within(&silent, Duration::from_millis(2500));
    let silent_after = started.elapsed();
    assert!(
        silent_closed,
        "一个一直不说话的连接，过了 2.5 秒还连着：idle（1 秒）到了还没收到完整的一行，就要关闭它"
    );
    assert!(
        silent_after >= Duration::from_millis(700),
        "一个不说话的连接 {}就被关了，idle 是 1 秒",
        secs(silent_after)
    );
    let got = join(slow, "慢慢发的客户端").unwrap_or_else(|why| panic!("{why}"));
    expect_eq(
        "每 100 毫秒发一个字节、两行各在 1 秒内说完（中间停 0.4 秒），收到的回复",
        &got,
        &vec!["1: 慢\n".to_string(), "2: 稳\n".to_string()],
    );
    match join(drip, "慢得不像话的客户端") {
        Some(after) => assert!(
            after >= Duration::from_millis(700),
            "一个字节一个字节地发的对方，{}就被关了，idle 是 1 秒",
            secs(after)
        ),
        None => panic!(
            "每 150 毫秒发一个字节、永远不换行的对方，3.5 秒后还连着：每次 read 都不超时，\
             可这一行 1 秒内没有收完，就该关闭这个连接（给一整行一个期限，而不只是每一次 read）"
        ),
    }
    alive(&mut server, "几个慢的对方走了");

    // 4. 说到一半就消失（RST）：只结束那一个连接，服务端照常服务别人。
    peers::vanish(connect(addr), "半句话没说完".as_bytes(), 9).unwrap();
    let reply = peers::tutorial_client(addr, "还在吗\n".as_bytes(), 64)
        .unwrap_or_else(|e| panic!("{}", waited("回复", &e, peers::WAIT, "")));
    expect_eq(
        "一个对方说到一半就重置了连接之后，下一个客户端发来 还在吗\\n",
        &String::from_utf8_lossy(&reply).into_owned(),
        &"1: 还在吗\n".to_string(),
    );

    // 5. 一行的长度：1024 字节正好可以；再长就回复一句错误，然后关闭连接。
    let conn = connect(addr);
    let mut reader = BufReader::new(&conn);
    let mut line = vec![b'k'; 1024];
    line.push(b'\n');
    (&conn).write_all(&line).unwrap();
    let mut got = String::new();
    let _ = reader.by_ref().take(4096).read_line(&mut got);
    expect_eq(
        "发来一行正好 1024 个字节（不算换行），收到的回复",
        &cut(&got),
        &cut(&format!("1: {}\n", "k".repeat(1024))),
    );
    let conn = connect(addr);
    let _ = (&conn).write_all(&[b'x'; 2000]);
    let _ = (&conn).write_all(b"\n");
    let mut all = Vec::new();
    let _ = (&conn).take(8192).read_to_end(&mut all);
    expect_eq(
        "发来一行 2000 个字节：回复一句错误，然后关闭连接",
        &cut(&String::from_utf8_lossy(&all)),
        &"错误：一行太长\n".to_string(),
    );
    let conn = connect(addr);
    (&conn).write_all(&[b'm'; 1024]).unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    let mut all = Vec::new();
    let _ = (&conn).take(8192).read_to_end(&mut all);
    expect_eq(
        "发来 1024 个字节、没有换行就半关闭：最后一行没有换行也照样回复",
        &cut(&String::from_utf8_lossy(&all)),
        &cut(&format!("1: {}\n", "m".repeat(1024))),
    );
    alive(&mut server, "评分结束");
}

exercise!(
    l06_pipeline,
    "exercises/pipeline.rs",
    check_pipeline,
    lesson_06::exercises::pipeline::ask_lines,
    lesson_06::solutions::pipeline::ask_lines,
);

exercise!(
    l06_readline,
    "exercises/readline.rs",
    check_readline,
    lesson_06::exercises::readline::read_line_bytes,
    lesson_06::solutions::readline::read_line_bytes,
);

exercise!(
    l06_drain,
    "exercises/drain.rs",
    check_drain,
    lesson_06::exercises::drain::drain,
    lesson_06::solutions::drain::drain,
);

exercise!(
    l06_numbered,
    "exercises/numbered.rs",
    check_numbered,
    lesson_06::exercises::numbered::serve_numbered,
    lesson_06::solutions::numbered::serve_numbered,
);
