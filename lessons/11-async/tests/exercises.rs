//! 第 11 课练习的评分检查。`workbook grade 11` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。
//!
//! 学习者的函数都是 `async fn`：检查函数自己建一个**只有一个线程**的运行时（和这一课的程序一样）来运行它，
//! 对面是真实的套接字和参考对方（标准库的线程，不在那个运行时里：学习者卡住运行时，卡不住它们）。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::future::Future;
use std::io::{self, BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use testkit::grading::{describe_io, expect_eq, waited};
use testkit::{exercise, peers, DEADLINE};
use tokio_util::sync::CancellationToken;

/// 只有一个线程的运行时。
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("建立运行时")
}

/// 运行学习者的 future，最多等 `limit`：等不到就说清楚它卡在哪里。
fn run_within<T>(what: &str, limit: Duration, future: impl Future<Output = T>) -> T {
    runtime().block_on(async {
        match tokio::time::timeout(limit, future).await {
            Ok(v) => v,
            Err(_) => panic!(
                "{what}：过了 {} 秒还没有返回{}",
                limit.as_secs_f64(),
                HANG_HINT.with(|h| h.get())
            ),
        }
    })
}

thread_local! {
    /// run_within 等不到时附上的一句“可能是因为”。
    static HANG_HINT: std::cell::Cell<&'static str> = const { std::cell::Cell::new("") };
}

fn bind() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").expect("绑定空闲端口")
}

// ---------------------------------------------------------------------------------------------
// 练习 1：一问一答，整段对话一个期限

/// 参考服务端：接受一个连接，读一次请求，按 `reply` 回答（`None` 是一句也不回），
/// 然后开着连接等对方先关（`close_at_once` 时读完请求马上关闭）。
fn one_peer(
    reply: Option<&'static str>,
    close_at_once: bool,
) -> (SocketAddr, thread::JoinHandle<Vec<u8>>) {
    let listener = bind();
    let addr = listener.local_addr().unwrap();
    let handle = thread::spawn(move || {
        let Ok((mut s, _)) = peers::accept_within(&listener, DEADLINE) else {
            return Vec::new();
        };
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut buf = [0u8; 1024];
        let n = s.read(&mut buf).unwrap_or(0);
        let asked = buf[..n].to_vec();
        if close_at_once {
            return asked;
        }
        if let Some(text) = reply {
            let _ = s.write_all(text.as_bytes());
        }
        // 不关连接：等对方关（或者到期限）。
        let _ = s.read(&mut buf);
        asked
    });
    (addr, handle)
}

fn check_ask<F, Fut>(ask: F)
where
    F: Fn(SocketAddr, String, Duration) -> Fut,
    Fut: Future<Output = io::Result<Vec<u8>>>,
{
    // 马上回答、回答以后不关连接的服务端。
    let (addr, peer) = one_peer(Some("Hello, Michael!"), false);
    let started = Instant::now();
    let got = run_within(
        "问一个马上回答的服务端",
        Duration::from_secs(5),
        ask(addr, "Michael".into(), Duration::from_secs(2)),
    );
    let took = started.elapsed();
    match got {
        Ok(reply) => expect_eq(
            "服务端回答了 Hello, Michael!（回答以后没有关闭连接）",
            &String::from_utf8_lossy(&reply).into_owned(),
            &"Hello, Michael!".to_string(),
        ),
        Err(e) if e.kind() == ErrorKind::TimedOut => panic!(
            "服务端马上就回答了，你的 ask 却等到了期限（用了 {:.1} 秒）：回答以后对方没有关闭连接，\
             一次 read 读到的就是回复，不要等 read 读到 0（比如 read_to_end）",
            took.as_secs_f64()
        ),
        Err(e) => panic!(
            "服务端马上就回答了，你的 ask 却返回了错误：{}",
            describe_io(&e)
        ),
    }
    expect_eq(
        "服务端收到的问题",
        &String::from_utf8_lossy(&peer.join().unwrap()).into_owned(),
        &"Michael".to_string(),
    );

    // 一直不回答的服务端：到期限返回 TimedOut。
    let (addr, _peer) = one_peer(None, false);
    HANG_HINT.with(|h| h.set("：期限没有起作用。用 tokio::time::timeout(limit, …) 套住整段对话"));
    let started = Instant::now();
    let got = run_within(
        "问一个一直不回答的服务端（期限 0.5 秒）",
        Duration::from_secs(5),
        ask(addr, "Tracy".into(), Duration::from_millis(500)),
    );
    let took = started.elapsed();
    match got {
        Err(e) if e.kind() == ErrorKind::TimedOut => {}
        Err(e) => panic!(
            "服务端一直不回答，期限到了应当返回 ErrorKind::TimedOut 的错误，你的是 {:?}：{}",
            e.kind(),
            describe_io(&e)
        ),
        Ok(reply) => panic!(
            "服务端一句也没有回答，你的 ask 却返回了 Ok({})：到了期限要返回 TimedOut 的错误，\
             不然调用的人会以为对方回了这么一句",
            testkit::grading::show_bytes(&reply)
        ),
    }
    assert!(
        took >= Duration::from_millis(450),
        "期限是 0.5 秒，你的 ask 只等了 {:.2} 秒就放弃了",
        took.as_secs_f64()
    );

    // 一句话不说就关的服务端。
    let (addr, _peer) = one_peer(None, true);
    let got = run_within(
        "问一个读完问题就关闭连接的服务端",
        Duration::from_secs(5),
        ask(addr, "Sarah".into(), Duration::from_secs(2)),
    );
    match got {
        Err(e) if e.kind() == ErrorKind::UnexpectedEof => {}
        Err(e) => panic!(
            "服务端没回答就关闭了连接（read 读到 0 字节），应当返回 ErrorKind::UnexpectedEof 的错误，你的是 {:?}：{}",
            e.kind(),
            describe_io(&e)
        ),
        Ok(reply) => panic!(
            "服务端没回答就关闭了连接，你的 ask 却返回了 Ok({})：read 读到 0 字节是“对方关了”，不是一条空回复",
            testkit::grading::show_bytes(&reply)
        ),
    }

    // 没有服务端：连接被拒绝，原样报错。
    let nobody = testkit::closed_port();
    let got = run_within(
        "连一个没有服务端的端口",
        Duration::from_secs(5),
        ask(nobody.addr(), "Bob".into(), Duration::from_secs(2)),
    );
    if let Ok(reply) = got {
        panic!(
            "那个端口上没有服务端，你的 ask 却返回了 Ok({})",
            testkit::grading::show_bytes(&reply)
        );
    }
}

exercise!(
    l11_deadline,
    "exercises/deadline.rs",
    check_ask,
    lesson_11::exercises::deadline::ask,
    lesson_11::solutions::deadline::ask,
);

// ---------------------------------------------------------------------------------------------
// 练习 2：慢活交给别的线程

/// 又慢又阻塞的“校验和”：第一个字节是 k，就睡 200 + 100·k 毫秒（k 大的先交上来、后算完）。
fn slow_digest(data: &[u8]) -> u64 {
    let k = data.first().copied().unwrap_or(0) as u64 % 8;
    thread::sleep(Duration::from_millis(200 + 100 * k));
    fnv(data)
}

fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

fn check_digests<F, Fut>(digests: F)
where
    F: Fn(Vec<Vec<u8>>, fn(&[u8]) -> u64) -> Fut,
    Fut: Future<Output = Vec<u64>>,
{
    let items: Vec<Vec<u8>> = (0..4u8).rev().map(|k| vec![k, b'x', k * 7]).collect();
    let expected: Vec<u64> = items.iter().map(|i| fnv(i)).collect();
    let rt = runtime();
    let (got, took, longest_gap) = rt.block_on(async {
        // 旁边的任务：每 20 毫秒醒一次，记下两次醒来之间最长隔了多久。
        let beats = Arc::new(Mutex::new(Vec::<Instant>::new()));
        let ticker = {
            let beats = Arc::clone(&beats);
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_millis(20));
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    beats.lock().unwrap().push(Instant::now());
                }
            })
        };
        tokio::task::yield_now().await; // 让它先跳一下
        let started = Instant::now();
        let got =
            tokio::time::timeout(Duration::from_secs(10), digests(items.clone(), slow_digest))
                .await;
        let ended = Instant::now();
        ticker.abort();
        let mut marks: Vec<Instant> = beats
            .lock()
            .unwrap()
            .iter()
            .copied()
            .filter(|t| *t >= started)
            .collect();
        marks.insert(0, started);
        marks.push(ended);
        let gap = marks
            .windows(2)
            .map(|w| w[1] - w[0])
            .max()
            .unwrap_or_default();
        let got = got.unwrap_or_else(|_| panic!("digests 过了 10 秒还没有返回"));
        (got, ended - started, gap)
    });
    assert!(
        longest_gap < Duration::from_millis(150),
        "你的 digests 运行期间，旁边每 20 毫秒跳一下的任务有 {} 毫秒一下都没跳：运行时唯一的线程被 digest 占住了。\
         在 async 函数里直接调用会阻塞的函数，别的任务（别的连接）都跟着停下；把它交给 tokio::task::spawn_blocking",
        longest_gap.as_millis()
    );
    let (mut a, mut b) = (got.clone(), expected.clone());
    a.sort_unstable();
    b.sort_unstable();
    if got != expected && a == b {
        panic!(
            "4 个结果都对，顺序却不对：你的结果是按算完的先后排的（后交的先算完）。要按 items 原来的顺序返回，\
             比如把 JoinHandle 按顺序放进 Vec，再按这个顺序一个个 .await"
        );
    }
    expect_eq("4 件东西的 digest，按原来的顺序", &got, &expected);
    assert!(
        took < Duration::from_millis(1000),
        "4 件东西分别要 0.5、0.4、0.3、0.2 秒，同时算只要 0.5 秒，你的 digests 用了 {:.2} 秒：\
         是不是交一件、等一件？先把每一件都交给 spawn_blocking，再一件一件地等",
        took.as_secs_f64()
    );
    let empty = run_within(
        "算 0 件东西",
        Duration::from_secs(5),
        digests(Vec::new(), slow_digest),
    );
    expect_eq("items 是空的", &empty, &Vec::new());
}

exercise!(
    l11_offload,
    "exercises/offload.rs",
    check_digests,
    lesson_11::exercises::offload::digests,
    lesson_11::solutions::offload::digests,
);

// ---------------------------------------------------------------------------------------------
// 练习 3：一边读行，一边打心跳

/// 参考对方：接受一个连接，按 `script` 一段一段地发（每段之后停一会儿），然后关闭。
fn scripted_peer(script: Vec<(Vec<u8>, Duration)>) -> SocketAddr {
    let listener = bind();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        let Ok((mut s, _)) = peers::accept_within(&listener, DEADLINE) else {
            return;
        };
        s.set_nodelay(true).unwrap();
        for (bytes, pause) in script {
            if s.write_all(&bytes).is_err() {
                return;
            }
            thread::sleep(pause);
        }
    });
    addr
}

fn check_read_lines<F, Fut>(read_lines: F)
where
    F: Fn(tokio::net::TcpStream, Duration) -> Fut,
    Fut: Future<Output = io::Result<(Vec<String>, u32)>>,
{
    let every = Duration::from_millis(50);
    let yi = "乙".as_bytes();
    let pause = Duration::from_millis(300);
    let script = vec![
        (b"\xe7\x94\xb2\n".to_vec(), Duration::ZERO), // 甲
        (yi[..2].to_vec(), pause),                    // 乙 的前两个字节，停 0.3 秒
        ([&yi[2..], "丙\r\n".as_bytes()].concat(), pause),
        ("末".as_bytes().to_vec(), Duration::ZERO), // 最后一段没有换行
    ];
    let addr = scripted_peer(script);
    let started = Instant::now();
    let got = run_within(
        "读一个分几段发、中间停顿的对方",
        Duration::from_secs(10),
        async {
            let stream = tokio::net::TcpStream::connect(addr).await?;
            read_lines(stream, every).await
        },
    );
    let took = started.elapsed();
    let (lines, beats) = got.unwrap_or_else(|e| {
        let hint = if e.kind() == ErrorKind::InvalidData {
            "。对方在一个汉字的中间停了一下：往 String 里读（read_line）时，select! 选了心跳、下一轮接着读，\
             手里是半个汉字，就报“不是合法的 UTF-8”。读字节（read_until 到一个 Vec<u8>），整行到齐再解码"
        } else {
            ""
        };
        panic!("read_lines 返回了错误：{}{hint}", describe_io(&e))
    });
    let expected = vec!["甲".to_string(), "乙丙".to_string(), "末".to_string()];
    if lines != expected {
        let lost = lines.iter().any(|l| l.contains('\u{fffd}') || l == "丙");
        let why = if lost {
            "：第 2 行的前半截丢了。心跳那一支先好时，select! 丢掉了读的那个 future，读到一半的字节也跟着没了；\
             把读到一半的字节放在循环外面（比如 read_until 往里追加的 Vec<u8>）"
        } else {
            ""
        };
        panic!("读到的行不对{why}\n  你的结果：{lines:?}\n  期望：    {expected:?}");
    }
    let most = (took.as_millis() / every.as_millis()) as u32 + 2;
    assert!(
        beats >= 3,
        "对方停了两次、每次 0.3 秒，每 0.05 秒一次心跳，至少该有 3 次，你的只有 {beats} 次：\
         心跳要和读放在同一个 select! 里，等的时候照样打"
    );
    assert!(
        beats <= most,
        "一共只过了 {:.2} 秒，每 0.05 秒一次心跳，最多 {most} 次，你的却有 {beats} 次",
        took.as_secs_f64()
    );

    // 很多行一口气到达：一行都不能少、顺序不能乱。
    let many: Vec<String> = (0..2000).map(|i| format!("第{i}行")).collect();
    let text: String = many.iter().map(|l| format!("{l}\n")).collect();
    let addr = scripted_peer(vec![(text.into_bytes(), Duration::ZERO)]);
    let (lines, _) = run_within("读 2000 行一口气发来的", Duration::from_secs(10), async {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        read_lines(stream, Duration::from_millis(1)).await
    })
    .unwrap_or_else(|e| panic!("read_lines 返回了错误：{}", describe_io(&e)));
    if lines != many {
        panic!(
            "2000 行一口气发来，心跳每 1 毫秒一次，你读到了 {} 行{}",
            lines.len(),
            lines
                .iter()
                .zip(&many)
                .position(|(a, b)| a != b)
                .map(|i| format!(
                    "，第 {} 行就不对了：{:?}，应当是 {:?}",
                    i + 1,
                    lines[i],
                    many[i]
                ))
                .unwrap_or_default()
        );
    }
}

exercise!(
    l11_heartbeat,
    "exercises/heartbeat.rs",
    check_read_lines,
    lesson_11::exercises::heartbeat::read_lines,
    lesson_11::solutions::heartbeat::read_lines,
);

// ---------------------------------------------------------------------------------------------
// 练习 4：完整的异步服务端

/// 在另一个线程里（它自己的、只有一个线程的运行时）运行学习者的服务端；`done` 收到它的返回值。
struct Running {
    addr: SocketAddr,
    stop: CancellationToken,
    done: mpsc::Receiver<thread::Result<io::Result<u64>>>,
}

fn start<F, Fut>(serve: F, max: usize) -> Running
where
    F: FnOnce(tokio::net::TcpListener, usize, CancellationToken) -> Fut + Send + 'static,
    Fut: Future<Output = io::Result<u64>>,
{
    let listener = bind();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let stop = CancellationToken::new();
    let token = stop.clone();
    let (tx, done) = mpsc::channel();
    thread::spawn(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime().block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("交给 tokio");
                serve(listener, max, token).await
            })
        }));
        let _ = tx.send(result);
    });
    Running { addr, stop, done }
}

/// 一个参考客户端：说一行，等一行回复（最多 `wait`）。
struct Client {
    name: &'static str,
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(name: &'static str, addr: SocketAddr) -> Client {
        let s = peers::connect(addr)
            .unwrap_or_else(|e| panic!("{name} 连不上你的服务端：{}", describe_io(&e)));
        s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        Client {
            name,
            reader: BufReader::new(s),
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        let name = self.name;
        self.reader
            .get_mut()
            .write_all(bytes)
            .unwrap_or_else(|e| panic!("{name} 发送失败：{}", describe_io(&e)));
    }

    fn reply(&mut self, likely: &str) -> String {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => panic!(
                "{} 在等回复，你的服务端却关闭了连接{}",
                self.name,
                if likely.is_empty() {
                    String::new()
                } else {
                    format!("（{likely}）")
                }
            ),
            Ok(_) => line,
            Err(e) => panic!(
                "{}",
                waited(
                    &format!("{} 的回复", self.name),
                    &e,
                    Duration::from_secs(3),
                    likely
                )
            ),
        }
    }

    fn say(&mut self, line: &str, expected: u64, likely: &str) {
        self.send(format!("{line}\n").as_bytes());
        let got = self.reply(likely);
        if got.trim_end() != expected.to_string() {
            let hint = if got.trim_end() == "1" && expected > 1 {
                "：计数要整个服务端共用（比如 Arc<AtomicU64>），不是每个连接各数各的"
            } else {
                ""
            };
            panic!(
                "{} 说了 {line:?}，这是整个服务端收到的第 {expected} 行，应当回 \"{expected}\\n\"，你的服务端回了 {got:?}{hint}",
                self.name
            );
        }
    }
}

fn check_counter<F, Fut>(serve: F)
where
    F: FnOnce(tokio::net::TcpListener, usize, CancellationToken) -> Fut + Send + 'static + Copy,
    Fut: Future<Output = io::Result<u64>>,
{
    let server = start(serve, 3);
    let addr = server.addr;
    // 说到一半就消失（RST）的对方：只结束它自己。
    let vanisher = peers::connect(addr).unwrap_or_else(|e| {
        panic!(
            "连不上你的服务端：{}（serve 还在运行吗？）",
            describe_io(&e)
        )
    });
    peers::vanish(vanisher, b"zz", 2).unwrap();
    // 说了半行就半关闭的对方：最后一段没有 \n，不算一行，也不回。
    let mut p = Client::connect("客户端 P", addr);
    p.send(b"p");
    let _ = p.reader.get_ref().shutdown(std::net::Shutdown::Write);
    let mut rest = String::new();
    match p.reader.read_to_string(&mut rest) {
        Ok(_) if rest.is_empty() => {}
        Ok(_) => panic!(
            "客户端 P 只发了 \"p\"（没有 \\n）就关闭了发送方向，你的服务端却回了 {rest:?}：最后一段没有 \\n 的不算一行，也不回"
        ),
        Err(e) => panic!("{}", waited("客户端 P 的连接关闭", &e, Duration::from_secs(3), "对方关闭了发送方向，读到 EOF 就该结束这个连接")),
    }
    drop(p);
    let mut a = Client::connect("客户端 A", addr);
    a.say("a", 1, "");
    let mut b = Client::connect("客户端 B", addr);
    b.say(
        "b",
        2,
        "A 还开着、没有说话：你的服务端是不是一次只服务一个连接？每个连接 tokio::spawn 一个任务",
    );
    a.say("c", 3, "");
    // 一行分两次发。
    let mut c = Client::connect("客户端 C", addr);
    c.send(b"x");
    let mut early = [0u8; 16];
    c.reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    if let Ok(n) = c.reader.get_ref().read(&mut early) {
        let got = String::from_utf8_lossy(&early[..n]).into_owned();
        if got.starts_with("busy") {
            panic!(
                "客户端 C 收到了 busy：此刻只开着 A、B 两个连接（说到一半就消失的那个早就断开了），上限是 3。\
                 连接结束时名额要归还：许可证放在处理它的任务里，任务结束时丢弃（不要 forget，也不要一拿到就丢）"
            );
        }
        panic!(
            "客户端 C 只发了半行 \"x\"（还没有 \\n），你的服务端就{}：要等到 \\n 才算一行",
            if n == 0 {
                "关闭了连接".to_string()
            } else {
                format!("回了 {got:?}")
            }
        );
    }
    c.reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    c.say("y", 4, "");
    // 名额满了（A、B、C 都开着，上限 3）：再来的收到 busy\n，然后连接关闭。
    let mut d = Client::connect("客户端 D", addr);
    let got =
        d.reply("A、B、C 都开着，上限是 3：第 4 个连接应当马上收到 busy\\n 并被关闭，不能让它排队");
    expect_eq("名额满了时第 4 个连接收到的", &got, &"busy\n".to_string());
    let mut rest = String::new();
    match d.reader.read_line(&mut rest) {
        Ok(0) => {}
        Ok(_) => panic!("客户端 D 收到 busy 以后，你的服务端又说了 {rest:?}：应当关闭连接"),
        Err(e) => panic!(
            "{}",
            waited(
                "客户端 D 的连接关闭",
                &e,
                Duration::from_secs(3),
                "回完 busy 要关闭连接"
            )
        ),
    }
    // B 走了，名额要归还：新来的 E 能得到服务。
    drop(b);
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut e = loop {
        let mut e = Client::connect("客户端 E", addr);
        e.send(b"e\n");
        let got = e.reply("");
        if got != "busy\n" {
            let n = got.trim_end();
            assert!(
                n == "5",
                "客户端 E 说了 \"e\"，这是整个服务端收到的第 5 行，应当回 \"5\\n\"，你的服务端回了 {got:?}"
            );
            break e;
        }
        assert!(
            Instant::now() < deadline,
            "客户端 B 已经关闭了连接，过了 5 秒新来的 E 还是收到 busy：连接结束时名额要归还（许可证跟着任务走，任务结束时丢弃）"
        );
        thread::sleep(Duration::from_millis(20));
    };
    // 关闭：A 和 E 正开着。stop 之后不再接受新连接，A 和 E 说完才返回。
    server.stop.cancel();
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        match TcpStream::connect(addr) {
            Err(_) => break, // 拒绝了：监听套接字已经放开
            Ok(s) => {
                s.set_read_timeout(Some(Duration::from_millis(300)))
                    .unwrap();
                let _ = (&s).write_all(b"g\n");
                let mut buf = [0u8; 16];
                match (&s).read(&mut buf) {
                    Ok(n) if n > 0 && &buf[..n] != b"busy\n" => panic!(
                        "stop 已经取消了，你的服务端还在接受新连接、回了 {:?}：stop 之后马上不再接受新连接",
                        String::from_utf8_lossy(&buf[..n])
                    ),
                    _ => {}
                }
                if Instant::now() > deadline {
                    break; // 连得上但没人理：监听套接字还开着，不算错
                }
            }
        }
    }
    if let Ok(result) = server.done.try_recv() {
        panic!(
            "A 和 E 还开着，你的 serve 就返回了（{}）：stop 之后要等正在进行的连接结束",
            match result {
                Ok(Ok(n)) => format!("Ok({n})"),
                Ok(Err(e)) => format!("Err({})", describe_io(&e)),
                Err(_) => "panic".to_string(),
            }
        );
    }
    a.say("last", 6, "关闭开始时正在进行的连接要让它说完，不能断开");
    drop(a);
    drop(e.reader.get_mut().flush());
    drop(e);
    drop(c);
    let result = server.done.recv_timeout(DEADLINE).unwrap_or_else(|_| {
        panic!(
            "stop 已经取消、所有连接都关闭了，过了 {} 秒你的 serve 还没有返回",
            DEADLINE.as_secs()
        )
    });
    match result {
        Err(p) => std::panic::resume_unwind(p),
        Ok(Err(e)) => panic!("你的 serve 返回了错误：{}", describe_io(&e)),
        Ok(Ok(n)) => expect_eq(
            "serve 返回的服务过的连接数（消失的那个、P、A、B、C、E；被 busy 拒绝的不算）",
            &n,
            &6,
        ),
    }
}

exercise!(
    l11_counter,
    "exercises/counter.rs",
    check_counter,
    lesson_11::exercises::counter::serve,
    lesson_11::solutions::counter::serve,
);
