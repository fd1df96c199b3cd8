//! 第 04 课练习的评分检查。`workbook grade 04` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。
//! 每个检查都走真实的套接字：学习者写的函数在测试的一个线程里运行，测试扮演对方
//! （用 `testkit::peers` 里像真程序一样的对方：慢慢发的、说到一半就消失的、发完就等着回答的）。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use lesson_04::Handler;
use testkit::exercise;
use testkit::grading::{describe_io, expect_bytes, expect_eq, show_bytes, waited};

use testkit::peers;

/// 等学习者的函数返回的期限。
const RETURN_WITHIN: Duration = Duration::from_secs(5);
/// 等一句回答的期限。
const REPLY_WITHIN: Duration = Duration::from_secs(3);

fn listen() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("绑定空闲端口");
    let addr = listener.local_addr().expect("有地址");
    (listener, addr)
}

/// 比较收到的字节：两边都是文字（合法的 UTF-8）时按文字显示，读起来方便；否则写成 `b'…'`。
#[track_caller]
fn expect_text(what: &str, yours: &[u8], expected: &[u8]) {
    match (std::str::from_utf8(yours), std::str::from_utf8(expected)) {
        (Ok(y), Ok(e)) => expect_eq(what, y, e),
        _ => expect_bytes(what, yours, expected),
    }
}

/// 收到的字节给人看：是文字就按文字显示，否则写成 `b'…'`。
fn show_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => testkit::grading::cut(&format!("{text:?}")),
        Err(_) => show_bytes(bytes),
    }
}

/// 超时或出错时，已经收到的那一部分（什么也没收到时不说）。
fn so_far(got: &[u8]) -> String {
    if got.is_empty() {
        String::new()
    } else {
        format!("；到这时收到的是 {}", show_text(got))
    }
}

/// 在后台线程里运行学习者的函数，结果从通道里拿。
fn in_background<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> mpsc::Receiver<T> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = peers::connect(addr).unwrap_or_else(|e| {
        panic!(
            "连不上你的服务端（{}）：函数是不是已经返回或 panic 了？（一个客户端出的错只能结束它自己的会话，不能让整个函数返回）",
            describe_io(&e)
        )
    });
    stream.set_read_timeout(Some(REPLY_WITHIN)).unwrap();
    stream
}

/// 等后台线程里的函数交回结果；它 panic 了或超时都让检查失败，并说明可能的原因。
fn wait_result<T>(rx: &mpsc::Receiver<io::Result<T>>, what: &str, hang_hint: &str) -> T {
    match rx.recv_timeout(RETURN_WITHIN) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => panic!("{what} 返回了错误：{}", describe_io(&e)),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} 等了 {RETURN_WITHIN:?} 还没有返回：{hang_hint}")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic!(
                "{what} panic 了（还是 todo!() 吗？join().unwrap() 遇到 panic 过的线程也会 panic）"
            )
        }
    }
}

/// 在后台运行的学习者函数。测试扮演对方时，对方这边出了错（比如连接被重置），
/// 多半是因为学习者的函数已经 panic 或提前返回了：那时说出真正的原因，而不是“连接被重置”。
struct Running<T> {
    rx: mpsc::Receiver<io::Result<T>>,
    name: &'static str,
    /// 检查自己已经从通道里拿走了结果（之后通道断开不说明学习者 panic 了）。
    taken: std::cell::Cell<bool>,
}

impl<T: Send + std::fmt::Debug + 'static> Running<T> {
    fn start(name: &'static str, f: impl FnOnce() -> io::Result<T> + Send + 'static) -> Running<T> {
        Running {
            rx: in_background(f),
            name,
            taken: std::cell::Cell::new(false),
        }
    }

    /// 最多等 `limit`，看函数是不是已经返回了。
    fn returned_within(&self, limit: Duration) -> Option<io::Result<T>> {
        let got = self.rx.recv_timeout(limit).ok();
        if got.is_some() {
            self.taken.set(true);
        }
        got
    }

    /// 运行对方的剧本。剧本失败时，如果学习者的函数已经 panic 了（通道断开、没有留下结果），
    /// 那才是真正的原因（对方这边看到的“连接被重置”“连不上”只是它的后果）；否则原样报告剧本的失败。
    fn script<R>(&self, f: impl FnOnce() -> R) -> R {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            Ok(r) => r,
            Err(payload) => {
                if !self.taken.get()
                    && matches!(self.rx.try_recv(), Err(mpsc::TryRecvError::Disconnected))
                {
                    panic!("{} panic 了（还是 todo!() 吗？）", self.name);
                }
                std::panic::resume_unwind(payload)
            }
        }
    }

    fn result(&self, hang_hint: &str) -> T {
        if self.taken.get() {
            panic!("{} 早就返回了", self.name);
        }
        wait_result(&self.rx, self.name, hang_hint)
    }
}

/// 读到对方关闭为止（最多等 `REPLY_WITHIN`）；超时说成“等了 N 秒”，并附上可能的原因。
fn read_until_closed(stream: &mut TcpStream, what: &str, likely: &str) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return got,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return got,
            Err(e) => panic!("{}{}", waited(what, &e, REPLY_WITHIN, likely), so_far(&got)),
        }
    }
}

// ───────────────────────── 练习 1：读到 EOF 再回答 ─────────────────────────

type Tally = fn(TcpStream) -> io::Result<(u64, u64)>;

/// 让学习者的函数服务一个连接，`talk` 扮演对方。返回函数的结果（等不到就让检查失败）。
fn tally_once(tally: Tally, talk: impl FnOnce(TcpStream)) -> io::Result<(u64, u64)> {
    let (listener, addr) = listen();
    let running = Running::start("tally_until_eof", move || {
        let (stream, _) = listener.accept()?;
        tally(stream)
    });
    running.script(|| talk(connect(addr)));
    match running.rx.recv_timeout(RETURN_WITHIN) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "对方已经说完（半关闭）了，tally_until_eof 等了 {RETURN_WITHIN:?} 还没有返回：\
             对方说完之后 read 会一直返回 0——读到 0 时要离开循环，否则它会永远空转"
        ),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic!("tally_until_eof panic 了（还是 todo!() 吗？）")
        }
    }
}

/// 对方还没说完，连接却已经被关掉了。
fn still_talking(e: &io::Error) -> ! {
    panic!(
        "对方还没说完，你的函数就关掉了连接（{}）：要一直读到 read 返回 0（对方半关闭）再回答、再返回",
        describe_io(e)
    )
}

/// 对方把 `pieces` 一段一段地发过来（每段之间停一会儿），在半关闭之前确认还没有收到回答，
/// 然后半关闭，读回答。
fn send_in_pieces_then_half_close(pieces: &[&[u8]]) -> impl FnOnce(TcpStream) -> Vec<u8> {
    let pieces: Vec<Vec<u8>> = pieces.iter().map(|p| p.to_vec()).collect();
    move |mut stream: TcpStream| {
        for piece in &pieces {
            peers::trickle(&mut stream, piece, piece.len(), Duration::from_millis(150))
                .unwrap_or_else(|e| still_talking(&e));
        }
        // 对方还没有说完：这时不该有任何回答。
        stream
            .set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        let mut early = [0u8; 256];
        if let Ok(n) = stream.read(&mut early) {
            panic!(
                "对方分 {} 段发来，还没有说完（没有半关闭），你就回答了 {}：\
                 要一直读到 read 返回 0（对方说完了）再回答，而不是读一次就回答",
                pieces.len(),
                show_text(&early[..n])
            );
        }
        stream.set_read_timeout(Some(REPLY_WITHIN)).unwrap();
        stream
            .shutdown(Shutdown::Write)
            .unwrap_or_else(|e| still_talking(&e));
        read_until_closed(
            &mut stream,
            "回答",
            "对方半关闭以后，read 返回 0：这时该离开循环、写出回答了",
        )
    }
}

/// 一种情形：说明、对方一段一段发的内容、期望的回答、期望的返回值。
type TallyCase<'a> = (&'a str, Vec<&'a [u8]>, &'a str, (u64, u64));

fn check_until_eof(tally: Tally) {
    let cases: [TallyCase; 3] = [
        (
            "分三段慢慢到达、最后一段没有换行符",
            vec![
                "你好\n".as_bytes(),
                "世界\n第三".as_bytes(),
                "行没有换行".as_bytes(),
            ],
            "35 字节，3 行\n",
            (35, 3),
        ),
        (
            "以换行符结尾（最后没有半行）",
            vec![b"one\ntwo\n", b"three\n"],
            "14 字节，3 行\n",
            (14, 3),
        ),
        ("一个字也没说就半关闭", vec![], "0 字节，0 行\n", (0, 0)),
    ];
    for (what, pieces, reply, counts) in cases {
        let (tx, rx) = mpsc::channel();
        let talk = send_in_pieces_then_half_close(&pieces);
        let result = tally_once(tally, move |stream| {
            let _ = tx.send(talk(stream));
        });
        let got = rx.recv().expect("对方的回答");
        expect_text(&format!("{what}：回答"), &got, reply.as_bytes());
        match result {
            Ok(v) => expect_eq(&format!("{what}：返回值 (字节数, 行数)"), &v, &counts),
            Err(e) => panic!("{what}：tally_until_eof 返回了错误：{}", describe_io(&e)),
        }
    }

    // 很长的一段（比 1024 字节长得多），一次写出：字节数和行数都要数对。
    let long: String = (0..3000).map(|i| format!("第 {i} 行\n")).collect();
    let (tx, rx) = mpsc::channel();
    let data = long.clone().into_bytes();
    let result = tally_once(tally, move |mut stream| {
        stream
            .write_all(&data)
            .unwrap_or_else(|e| still_talking(&e));
        stream
            .shutdown(Shutdown::Write)
            .unwrap_or_else(|e| still_talking(&e));
        let _ = tx.send(read_until_closed(&mut stream, "回答", ""));
    });
    let want = format!("{} 字节，3000 行\n", long.len());
    expect_text(
        "3000 行、几万字节一次发来：回答",
        &rx.recv().unwrap(),
        want.as_bytes(),
    );
    expect_eq(
        "3000 行：返回值",
        &result.ok(),
        &Some((long.len() as u64, 3000)),
    );

    // 说到一半就消失（连接被重置）：要把错误返回，而不是当作说完了。
    let result = tally_once(tally, |stream| {
        peers::vanish(stream, "说到一半".as_bytes(), 100).expect("断开");
    });
    if let Ok(v) = result {
        panic!(
            "对方说到一半，连接被重置（RST）了，你却返回了 Ok({v:?})：read 出错时要把错误返回，\
             只有读到 0 字节才是“对方说完了”"
        );
    }
}

// ───────────────────────── 练习 2：有上限的每个连接一个线程 ─────────────────────────

type Capped = fn(TcpListener, usize, usize, Handler) -> io::Result<()>;

/// 评分用的处理函数：先写 `hello\n`，然后读对方的行：`panic` 就故意 panic，对方关闭就返回。
struct Probe {
    active: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
    finished: Arc<AtomicUsize>,
}

impl Probe {
    fn new() -> Probe {
        Probe {
            active: Arc::new(AtomicUsize::new(0)),
            most: Arc::new(AtomicUsize::new(0)),
            finished: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn handler(&self) -> Handler {
        let (active, most, finished) = (
            Arc::clone(&self.active),
            Arc::clone(&self.most),
            Arc::clone(&self.finished),
        );
        Arc::new(move |mut stream: TcpStream| {
            let now = active.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            // 不管怎样结束（包括下面故意的 panic），都记下“这个处理函数结束了”。
            struct Done(Arc<AtomicUsize>, Arc<AtomicUsize>);
            impl Drop for Done {
                fn drop(&mut self) {
                    self.0.fetch_sub(1, Ordering::SeqCst);
                    self.1.fetch_add(1, Ordering::SeqCst);
                }
            }
            let _done = Done(Arc::clone(&active), Arc::clone(&finished));
            let _ = stream.write_all(b"hello\n");
            let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
            for line in BufReader::new(stream).lines() {
                match line {
                    Ok(l) if l == "panic" => panic!("处理函数故意 panic（评分检查的一部分）"),
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
        })
    }
}

/// 等计数到 `n`（有期限）。
fn wait_for(count: &AtomicUsize, n: usize, why: &str) {
    let deadline = Instant::now() + RETURN_WITHIN;
    while count.load(Ordering::SeqCst) < n {
        assert!(Instant::now() < deadline, "{why}");
        thread::sleep(Duration::from_millis(5));
    }
}

/// 读一行回答（`hello` 或 `busy`）。
fn first_line(stream: &TcpStream, who: &str, likely: &str) -> String {
    let mut line = String::new();
    match BufReader::new(stream).read_line(&mut line) {
        Ok(0) => panic!("{who}：连接被关掉了，一个字也没收到（应当收到 hello 或 busy）"),
        Ok(_) => line.trim_end().to_string(),
        Err(e) => panic!(
            "{who}：{}",
            waited(" hello 或 busy ", &e, REPLY_WITHIN, likely)
        ),
    }
}

fn check_per_thread(serve_capped: Capped) {
    const MAX: usize = 2;
    const CLIENTS: usize = 64;
    let probe = Probe::new();
    let handler = probe.handler();
    let (listener, addr) = listen();
    let running = Running::start("serve_capped", move || {
        serve_capped(listener, CLIENTS, MAX, handler)
    });
    running.script(|| {
    let made = std::cell::Cell::new(0);
    let mut open = |who: &str| {
        made.set(made.get() + 1);
        assert!(made.get() <= CLIENTS, "{who}：评分用完了 {CLIENTS} 个连接");
        connect(addr)
    };

    let c1 = open("第 1 个客户端");
    expect_eq(
        "第 1 个客户端收到",
        &first_line(&c1, "第 1 个客户端", "accept 之后要在新线程里调用 handler"),
        &"hello".to_string(),
    );
    let c2 = open("第 2 个客户端");
    expect_eq(
        "第 1 个客户端还连着，第 2 个客户端收到",
        &first_line(
            &c2,
            "第 2 个客户端",
            "第 1 个客户端还连着：是不是在主线程里直接调用了 handler，一个处理完才 accept 下一个？",
        ),
        &"hello".to_string(),
    );
    let mut c3 = open("第 3 个客户端");
    let said = first_line(&c3, "第 3 个客户端", "已经有 2 个连接在被服务，这一个应当马上收到 busy");
    expect_eq(
        &format!("已经有 {MAX} 个连接在被服务（max = {MAX}），第 3 个客户端收到"),
        &said,
        &"busy".to_string(),
    );
    let rest = read_until_closed(&mut c3, "连接关闭", "写了 busy\\n 之后要关掉这个连接（丢掉它）");
    expect_text("busy 之后不该再有别的", &rest, b"");

    // 第 1 个客户端走了：它的 handler 返回之后，名额要空出来。
    drop(c1);
    wait_for(&probe.finished, 1, "第 1 个客户端走了，评分的处理函数却一直没有结束");
    // 先等评分的处理函数真的结束了（它自己记下的），再去试新的连接：剩下的只是你归还名额的那一步。
    let fresh = |open: &mut dyn FnMut(&str) -> TcpStream, why: &str| -> TcpStream {
        let deadline = Instant::now() + REPLY_WITHIN;
        loop {
            let c = open("等名额的客户端");
            if first_line(&c, "等名额的客户端", "") == "hello" {
                return c;
            }
            assert!(Instant::now() < deadline, "{why}");
            thread::sleep(Duration::from_millis(100));
        }
    };
    let c4 = fresh(
        &mut open,
        "第 1 个客户端走了，它的 handler 也已经返回，后来的连接却一直收到 busy：handler 返回后要归还名额",
    );
    // 第 2 个客户端让它的 handler 故意 panic：那个线程结束了，名额也要归还。
    (&c2).write_all(b"panic\n").unwrap();
    wait_for(&probe.finished, 2, "评分的处理函数没有按要求 panic");
    let c5 = fresh(
        &mut open,
        "handler panic 之后名额没有归还，后来的连接一直收到 busy：\
         用一个在 drop 时归还名额的值（panic 时栈照样展开，它照样被丢弃），而不是在调用 handler 之后才减一",
    );
    drop(c2);
    // 现在 c4、c5 在被服务：再来一个还是 busy（名额不能多还）。
    let c6 = open("又一个客户端");
    expect_eq(
        "c4、c5 两个连接正在被服务，又一个客户端收到",
        &first_line(&c6, "又一个客户端", ""),
        &"busy".to_string(),
    );
    expect_eq(
        "同时被服务的连接最多有几个",
        &probe.most.load(Ordering::SeqCst),
        &MAX,
    );
    // 把剩下的连接数用完，这些连接都马上关掉。
    while made.get() < CLIENTS {
        drop(open("凑数的客户端"));
    }
    // 还有两个连接没有关，它们的处理线程都还在：这时函数不应该已经返回。
    if let Some(result) = running.returned_within(Duration::from_millis(300)) {
        panic!(
            "还有连接在被服务、处理线程还没结束，函数就返回了（{result:?}）：返回前要 join 每一个线程"
        );
    }
    drop((c4, c5));
    });
    running.result(
        "所有客户端都断开了，函数却没有返回：接受完 clients 个连接后要 join 所有线程再返回；\
         某个线程 panic 了，join 会返回 Err，不要让它挡住别的",
    );
    expect_eq(
        "函数返回时，还没有结束的处理函数（返回前要 join 每一个线程）",
        &probe.active.load(Ordering::SeqCst),
        &0,
    );
}

// ───────────────────────── 练习 3：登录服务端 ─────────────────────────

type Login = fn(TcpListener, &Path, usize) -> io::Result<()>;

/// 一个客户端会话：发出一段字节（可能含几行、或者只是半行），按顺序读回每一行回答。
struct Session {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Session {
    fn new(addr: SocketAddr) -> Session {
        let stream = connect(addr);
        let reader = BufReader::new(stream.try_clone().expect("复制套接字"));
        Session { stream, reader }
    }

    /// 发出 `bytes`（可能分几段，中间停一会儿），然后读 `answers.len()` 行回答，逐行比较。
    fn say(&mut self, pieces: &[&str], answers: &[(&str, &str)]) {
        for (i, piece) in pieces.iter().enumerate() {
            if i > 0 {
                thread::sleep(Duration::from_millis(150));
            }
            self.stream.write_all(piece.as_bytes()).unwrap_or_else(|e| {
                panic!(
                    "发送 {piece:?} 失败（{}）：你的服务端是不是已经关掉了连接？",
                    describe_io(&e)
                )
            });
        }
        let sent: String = pieces.concat();
        for (want, why) in answers {
            let mut reply = String::new();
            let line = match self.reader.read_line(&mut reply) {
                Ok(0) => panic!(
                    "发送 {sent:?} 之后服务端关闭了连接，没有回答：格式不对的一行也应该回复 fail 并继续"
                ),
                Ok(_) => reply.trim_end_matches('\n').to_string(),
                Err(e) => panic!(
                    "发送 {sent:?} 之后，{}",
                    waited(
                        "回答",
                        &e,
                        REPLY_WITHIN,
                        "要按换行符切分：一行可能分几次到达，几行也可能一次到达；每行回复 success 或 fail，以 \\n 结尾"
                    )
                ),
            };
            if line != *want {
                panic!("发送 {sent:?}：{why}\n  你的回答：{line:?}\n  期望：    {want:?}");
            }
        }
    }
}

fn with_accounts(accounts: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("临时文件");
    file.write_all(accounts.as_bytes()).expect("写账号文件");
    file
}

fn check_login(serve_login: Login) {
    let file = with_accounts(
        "alice|wonderland\nbob|builder\r\n\n没有竖线的一行\ncarol|a|b\n张三|密码 123\n",
    );
    let path = file.path().to_path_buf();
    let (listener, addr) = listen();
    let running = Running::start("serve_login", move || serve_login(listener, &path, 3));
    running.script(|| {
        let mut first = Session::new(addr);
        first.say(
            &["ali", "ce|wonderland\n"],
            &[("success", "一行分两次到达，合起来是 alice|wonderland")],
        );
        first.say(
            &["carol|a|b\n"],
            &[(
                "success",
                "账号文件里 carol 的密码是 a|b：在第一个 | 处切开，后面的全是密码",
            )],
        );
        first.say(
        &["bob|builder\nalice|wonderland|junk\n"],
        &[
            ("success", "两行一次到达：第一行 bob|builder（账号文件那一行以 \\r\\n 结尾）"),
            (
                "fail",
                "alice 的密码是 wonderland，而这一行的密码是 wonderland|junk：要在第一个 | 处切开，\
                 不能用 split('|') 切成几段再只看前两段",
            ),
        ],
    );
        first.say(
            &["张三|密码 123\r\n"],
            &[(
                "success",
                "telnet 式的 \\r\\n 结尾；密码里的空格是密码的一部分",
            )],
        );
        first.say(
            &[" alice | wonderland \n"],
            &[(
                "fail",
                "用户名和密码要一字不差：不要去掉空格（trim），\" alice \" 不是 \"alice\"",
            )],
        );
        first.say(&["没有竖线\n"], &[("fail", "没有 | 的一行回复 fail")]);
        // 这是这个连接上的第 3 次 fail：服务端要关掉这个连接。
        let rest = read_until_closed(
            &mut first.stream,
            "连接关闭",
            "一个连接上第 3 次 fail 之后，要关闭这个连接、去接受下一个客户端",
        );
        expect_text("第 3 次 fail 之后不该再有别的回答", &rest, b"");

        // 第二个客户端发了半行就消失了（连接被重置）：只能结束它自己的会话。
        let rude = connect(addr);
        peers::vanish(rude, b"bob|buil", 100).expect("断开");
        if let Some(result) = running.returned_within(Duration::from_millis(300)) {
            panic!(
                "一个客户端发了半行就断开（连接被重置），serve_login 就跟着返回了（{}）：\
                 一个客户端出的错只能结束它自己的会话——调用会话函数时忽略它返回的错误，接着 accept 下一个",
                match result {
                    Ok(()) => "Ok(())".to_string(),
                    Err(e) => format!("Err：{}", describe_io(&e)),
                }
            );
        }

        let mut third = Session::new(addr);
        third.say(
            &["\n"],
            &[(
                "fail",
                "空行回复 fail；前一个客户端出了错，你的服务端应该照常服务这一个",
            )],
        );
        third.say(&["dave|123\n"], &[("fail", "账号文件里没有 dave")]);
        third.say(&["bob|builder\n"], &[("success", "bob|builder 是对的")]);
        drop(third);
    });
    running.result("服务完 clients 个客户端后函数应该返回；客户端关闭连接后要去 accept 下一个");
    drop(file);

    // 换一个账号文件：答案必须来自文件，而不是写死在代码里。
    // erin 的密码是 "x y "，最后有一个空格。
    let file = with_accounts("dave|123\nerin|x y \n");
    let path = file.path().to_path_buf();
    let (listener, addr) = listen();
    let running = Running::start("serve_login", move || serve_login(listener, &path, 1));
    running.script(|| {
        let mut only = Session::new(addr);
        only.say(
            &["dave|123\n", "alice|wonderland\n"],
            &[
                (
                    "success",
                    "换了账号文件：dave|123 是对的（账号要从文件里读）",
                ),
                ("fail", "换了账号文件：里面没有 alice"),
            ],
        );
        only.say(
            &["erin|x y \n"],
            &[(
                "success",
                "账号文件里 erin 的密码是 \"x y \"（最后有一个空格）：空格都是密码的一部分，\
                 账号文件的一行和客户端的一行都只去掉行尾的 \\r，不要 trim",
            )],
        );
        only.say(
            &[" dave|123\n"],
            &[(
                "fail",
                "行首的空格也是用户名的一部分：\" dave\" 不是 \"dave\"，只去掉行尾的 \\r，不要 trim 整行",
            )],
        );
        only.say(
            &["dave|123 \n"],
            &[(
                "fail",
                "dave 的密码是 \"123\"，不是 \"123 \"：行尾只去掉 \\r，不要 trim 整行（trim_end 也不行）",
            )],
        );
        drop(only);
    });
    running.result("客户端关闭连接后函数应该返回");
}

// ───────────────────────── 练习 4：传话筒 ─────────────────────────

type Relay = fn(TcpListener) -> io::Result<(u64, u64)>;

/// 读正好 `want.len()` 个字节（有期限），和 `want` 比较。
fn expect_relayed(stream: &mut TcpStream, want: &[u8], what: &str, likely: &str) {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while got.len() < want.len() {
        match stream.read(&mut buf[..want.len() - got.len()]) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => panic!("{}{}", waited(what, &e, REPLY_WITHIN, likely), so_far(&got)),
        }
    }
    expect_text(what, &got, want);
}

/// 测试这一头的连接已经被学习者的函数关掉了。
fn closed_on(who: &str, e: &io::Error) -> ! {
    panic!(
        "{who} 的连接已经被你的函数关掉了（{}）：一方说完（半关闭）时，只半关闭另一方的写方向（Shutdown::Write），\
         不要关掉整个连接；出错时才关掉两个连接",
        describe_io(e)
    )
}

fn check_relay(relay: Relay) {
    let (listener, addr) = listen();
    let running = Running::start("relay", move || relay(listener));
    let from_b = "你好，我是 B\n".as_bytes();
    let answer = "收到，再见\n".as_bytes();
    running.script(|| {
    let mut a = connect(addr);
    let mut b = connect(addr);

    b.write_all(from_b).unwrap();
    expect_relayed(
        &mut a,
        from_b,
        " B 先说的话（转到 A）",
        "A 一直没说话：两个方向要同时转（一个方向一个线程），不能先等着读 A",
    );
    a.set_nodelay(true).unwrap();
    a.write_all(b"first half, ").unwrap();
    expect_relayed(
        &mut b,
        b"first half, ",
        " A 的前半句（后半句还没发，转到 B）",
        "读到多少就转多少：不要等 A 说完（read_to_end）才转",
    );
    a.write_all(b"second half\n").unwrap_or_else(|e| closed_on("A", &e));
    a.shutdown(Shutdown::Write).unwrap_or_else(|e| closed_on("A", &e));
    let rest = read_until_closed(
        &mut b,
        " EOF：A 说完（半关闭）之后，B 这边",
        "A 那个方向 read 返回 0 时，要 shutdown(Shutdown::Write) B 的连接，把“说完了”转过去",
    );
    expect_text("A 的后半句，转到 B", &rest, b"second half\n");

    // A 只是半关闭：它还在听。B 的回答也要转过去。
    if let Err(e) = b.write_all(answer) {
        panic!(
            "A 说完以后，B 还想回答，却写不进去（{}）：一个方向说完时只半关闭另一头的写方向，不要关掉整个连接",
            describe_io(&e)
        );
    }
    b.shutdown(Shutdown::Write).unwrap_or_else(|e| closed_on("B", &e));
    let back = read_until_closed(
        &mut a,
        " B 在 A 说完之后的回答（和 B 说完时的 EOF）",
        "A 只是半关闭（还在听）：B 这个方向要照常转，B 说完时再半关闭 A",
    );
    expect_text(
        "A 半关闭之后，B 的回答转到 A",
        &back,
        answer,
    );
    });
    let counts =
        running.result("两个方向都说完了（都半关闭了），函数却没有返回：等两个方向都结束就返回");
    let a_to_b = ("first half, second half\n".len()) as u64;
    let b_to_a = (from_b.len() + answer.len()) as u64;
    expect_eq(
        "返回值 (A 转给 B 的字节数, B 转给 A 的字节数)",
        &counts,
        &(a_to_b, b_to_a),
    );

    // A 说到一半就消失了（连接被重置），B 一声不吭地还连着：函数要关掉两个连接，返回错误。
    let (listener, addr) = listen();
    let rx = in_background(move || relay(listener));
    let a = connect(addr);
    let mut b = connect(addr);
    peers::vanish(a, "说到一半".as_bytes(), 100).expect("断开");
    match rx.recv_timeout(RETURN_WITHIN) {
        Ok(Err(_)) => {}
        Ok(Ok(v)) => {
            panic!("A 的连接被重置（RST）了，你却返回了 Ok({v:?})：读写出错时要返回这个错误")
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "A 的连接被重置之后，等了 {RETURN_WITHIN:?} 函数还没有返回：出错时把两个连接都关掉\
             （shutdown(Shutdown::Both)），另一个方向的 read 才会结束，而不是等 B 自己说完"
        ),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("relay panic 了（还是 todo!() 吗？）"),
    }
    read_until_closed(
        &mut b,
        "B 的连接被关掉",
        "A 出错之后，B 的连接也要关掉（shutdown(Shutdown::Both)）",
    );
}

exercise!(
    l04_until_eof,
    "exercises/until_eof.rs",
    check_until_eof,
    lesson_04::exercises::until_eof::tally_until_eof,
    lesson_04::solutions::until_eof::tally_until_eof,
);

exercise!(
    l04_per_thread,
    "exercises/per_thread.rs",
    check_per_thread,
    lesson_04::exercises::per_thread::serve_capped,
    lesson_04::solutions::per_thread::serve_capped,
);

exercise!(
    l04_login,
    "exercises/login.rs",
    check_login,
    lesson_04::exercises::login::serve_login,
    lesson_04::solutions::login::serve_login,
);

exercise!(
    l04_relay,
    "exercises/relay.rs",
    check_relay,
    lesson_04::exercises::relay::relay,
    lesson_04::solutions::relay::relay,
);
