//! 第 07 课练习的评分检查。`workbook grade 07` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。
//!
//! 检查不用参考答案（评分时答案不参与编译）：要用到的处理器（回复 `Your msg=`、在某一步出错或 panic 的）
//! 都在这里自己写。失败时的信息是写给学习者看的：你的结果和期望各是什么，等不到回复时说成“等了几秒”，
//! 并说出最可能的原因。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use lesson_07::socketserver::{
    panic_message, BaseRequestHandler, Connection, Problem, RequestError, ServerHandle, Stage,
    StreamRequestHandler, ThreadingTcpServer,
};
use lesson_07::{Outcome, RECV_SIZE};
use support::serve::Policy;
use testkit::grading::{describe_io, expect_eq, show_bytes};
use testkit::peers::{self, WAIT};
use testkit::{exercise, with_deadline, DEADLINE};

const CLIENT: &str = env!("CARGO_BIN_EXE_l07-client");
const POLL: Duration = Duration::from_millis(20);

// ---- 共用的小工具 ----

/// 给人看的字节：是合法的 UTF-8 就写成带引号的文字（汉字照原样，换行写成 \n），否则写成 `b'…'`。
fn show(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => testkit::grading::cut(&format!("{text:?}")),
        Err(_) => show_bytes(bytes),
    }
}

/// 同 `expect_bytes`，但用 [`show`] 显示。
#[track_caller]
fn expect_text(what: &str, yours: &[u8], expected: &[u8]) {
    if yours != expected {
        panic!(
            "{what}\n  你的结果：{}\n  期望：    {}",
            show(yours),
            show(expected)
        );
    }
}

/// 读回复时是怎么结束的。
enum End {
    /// 读够了期望的字节数。
    Complete,
    /// 对方关闭了连接（或者重置了它）。
    Closed(Option<io::Error>),
    /// 等了 `WAIT` 还不够。
    Waited,
}

/// 读 `n` 个字节（回复可能分几段到达），或者读到对方关闭、等到超时为止。
fn read_reply(conn: &mut TcpStream, n: usize) -> (Vec<u8>, End) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while got.len() < n {
        let want = (n - got.len()).min(buf.len());
        match conn.read(&mut buf[..want]) {
            Ok(0) => return (got, End::Closed(None)),
            Ok(k) => got.extend_from_slice(&buf[..k]),
            Err(e) if support::is_timeout(&e) => return (got, End::Waited),
            Err(e) => return (got, End::Closed(Some(e))),
        }
    }
    (got, End::Complete)
}

/// 服务端报告过的问题（错误处理函数收到的），拼成一句给学习者看的话。
#[derive(Clone, Default)]
struct Reports(Arc<Mutex<Vec<String>>>);

impl Reports {
    fn hook(&self) -> impl Fn(&RequestError) + Send + Sync + 'static {
        let all = Arc::clone(&self.0);
        move |err: &RequestError| all.lock().unwrap().push(err.to_string())
    }

    fn said(&self) -> String {
        let all = self.0.lock().unwrap();
        if all.is_empty() {
            String::new()
        } else {
            format!("\n  服务端报告：{}", all.join("\n  服务端报告："))
        }
    }

    fn panics(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.contains("panic 了"))
            .cloned()
            .collect()
    }
}

/// 发出 `send`，期望收到正好是 `expected` 的回复。`likely` 是等不到回复时最可能的原因。
#[track_caller]
fn exchange(
    conn: &mut TcpStream,
    send: &[u8],
    expected: &[u8],
    what: &str,
    likely: &str,
    reports: &Reports,
) {
    if let Err(e) = conn.write_all(send) {
        panic!(
            "{what}：发出 {} 时出错：{}{}",
            show(send),
            describe_io(&e),
            reports.said()
        );
    }
    expect_reply_or(conn, send, expected, what, (likely, ""), reports);
}

/// 期望接着收到正好是 `expected` 的回复（`sent` 是刚才发出的，只用来说明）。
#[track_caller]
fn expect_reply(
    conn: &mut TcpStream,
    sent: &[u8],
    expected: &[u8],
    what: &str,
    likely: &str,
    reports: &Reports,
) {
    expect_reply_or(conn, sent, expected, what, (likely, ""), reports)
}

/// 同 [`expect_reply`]；`likely` 是两个最可能的原因：等不到回复时的，和连接被关掉时的。
#[track_caller]
fn expect_reply_or(
    conn: &mut TcpStream,
    sent: &[u8],
    expected: &[u8],
    what: &str,
    (likely, if_closed): (&str, &str),
    reports: &Reports,
) {
    let (got, end) = read_reply(conn, expected.len());
    match end {
        End::Complete => expect_text(&format!("{what}：发出 {}", show(sent)), &got, expected),
        End::Waited => panic!(
            "{what}：发出 {} 后等了 {} 秒没收到完整的回复{}\n  收到了：{}\n  期望：  {}{}",
            show(sent),
            WAIT.as_secs(),
            if likely.is_empty() {
                String::new()
            } else {
                format!("（{likely}）")
            },
            show(&got),
            show(expected),
            reports.said()
        ),
        End::Closed(err) => panic!(
            "{what}：发出 {} 后，还没收到完整的回复，连接就{}{}\n  收到了：{}\n  期望：  {}{}",
            show(sent),
            match err {
                Some(e) => format!("断了：{}", describe_io(&e)),
                None => "关了".to_string(),
            },
            if if_closed.is_empty() {
                String::new()
            } else {
                format!("（{if_closed}）")
            },
            show(&got),
            show(expected),
            reports.said()
        ),
    }
}

/// 期望对方接着关闭连接（读到 EOF，或者连接被重置），不再发任何东西。
#[track_caller]
fn expect_closed(conn: &mut TcpStream, within: Duration, what: &str) {
    conn.set_read_timeout(Some(within)).unwrap();
    let mut rest = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match conn.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => rest.extend_from_slice(&buf[..n]),
            Err(e) if support::is_timeout(&e) => panic!(
                "{what}：等了 {} 秒，连接还开着{}",
                within.as_secs_f64(),
                if rest.is_empty() {
                    String::new()
                } else {
                    format!("（其间又收到了 {}）", show(&rest))
                }
            ),
            Err(_) => break,
        }
    }
    if !rest.is_empty() {
        panic!("{what}：关闭之前不该再有回复，却收到了 {}", show(&rest));
    }
}

/// 一个在后台线程里 serve_forever 的服务端；它报告的问题收在 `reports` 里。
struct Running {
    server: Arc<ThreadingTcpServer>,
    serving: Option<thread::JoinHandle<io::Result<()>>>,
    reports: Reports,
}

impl Running {
    fn start<H: BaseRequestHandler + 'static>(
        make: impl Fn(Connection, SocketAddr, ServerHandle) -> io::Result<H> + Send + Sync + 'static,
    ) -> Running {
        let reports = Reports::default();
        let server = Arc::new(
            ThreadingTcpServer::bind("127.0.0.1:0", make)
                .expect("绑定端口")
                .with_error_handler(reports.hook()),
        );
        let s = Arc::clone(&server);
        let serving = Some(thread::spawn(move || s.serve_forever(POLL)));
        Running {
            server,
            serving,
            reports,
        }
    }

    fn addr(&self) -> SocketAddr {
        self.server.server_address()
    }

    /// 停下并关闭；处理线程都结束了才返回（期限内）。
    fn stop(mut self, what: &str) {
        let server = Arc::clone(&self.server);
        let serving = self.serving.take().unwrap();
        let reports = self.reports.clone();
        with_deadline(what, move || {
            server.shutdown();
            server.server_close();
            let _ = serving.join();
        });
        let panics = reports.panics();
        assert!(panics.is_empty(), "处理器 panic 了：{}", panics.join("；"));
    }
}

// ---- 练习 1：按行说话的处理器 ----

const FLUSH: &str =
    "wfile 带缓冲：写完一行回复要 flush，不然它一直留在缓冲区里，要等 finish 才发出去";

fn check_lines<H: BaseRequestHandler + 'static>(
    make: fn(Connection, SocketAddr, ServerHandle) -> io::Result<H>,
) {
    let running = Running::start(make);
    let addr = running.addr();
    let r = running.reports.clone();

    // 教程写法的客户端：发完一行就等回复，不关闭连接。
    let mut a = peers::connect(addr).expect("连接服务端");
    exchange(
        &mut a,
        "你好\n".as_bytes(),
        "第 1 行：你好\n".as_bytes(),
        "发一行、不关连接、等回复",
        FLUSH,
        &r,
    );
    exchange(
        &mut a,
        "世界\r\n".as_bytes(),
        "第 2 行：世界\n".as_bytes(),
        "\\r\\n 结尾的一行（回复里不带 \\r）",
        "",
        &r,
    );
    exchange(
        &mut a,
        b"\xffok\n",
        "第 3 行：\u{fffd}ok\n".as_bytes(),
        "不是 UTF-8 的字节换成 �",
        "read_line 遇到不是 UTF-8 的字节会返回错误；按字节读到 \\n 为止",
        &r,
    );
    exchange(
        &mut a,
        b"\n",
        "第 4 行：\n".as_bytes(),
        "空行也是一行",
        "",
        &r,
    );

    // 一个字节一个字节慢慢发来的一行：只回复一次。每个连接从第 1 行数起。
    let mut b = peers::connect(addr).expect("连接服务端");
    peers::trickle(&mut b, "慢慢\n".as_bytes(), 1, Duration::from_millis(20)).expect("慢慢发");
    expect_reply(
        &mut b,
        "慢慢\n".as_bytes(),
        "第 1 行：慢慢\n".as_bytes(),
        "一个字节一个字节发来的一行，只该回复一次（新连接，从第 1 行数起）",
        "一行可能分好几次到达：用 rfile 读到 \\n 为止，别只读一次",
        &r,
    );
    exchange(
        &mut b,
        b"bye\n",
        "再见\n".as_bytes(),
        "bye 之后回复“再见”",
        FLUSH,
        &r,
    );
    expect_closed(&mut b, WAIT, "回复“再见”之后应当结束，关闭这个连接");

    // 几行挤在一次发送里，bye 在中间：bye 之后的行不再回复。
    let mut c = peers::connect(addr).expect("连接服务端");
    exchange(
        &mut c,
        "一\nbye\n二\n".as_bytes(),
        "第 1 行：一\n再见\n".as_bytes(),
        "一次收到好几行（一\\nbye\\n二\\n）",
        "",
        &r,
    );
    expect_closed(&mut c, WAIT, "bye 之后的“二”不该再有回复，连接应当关闭");

    // 最后一行没有换行，对方就关闭了写的方向：这一行也要回复。
    let mut d = peers::connect(addr).expect("连接服务端");
    d.write_all("a\n末行".as_bytes()).unwrap();
    d.shutdown(Shutdown::Write).unwrap();
    expect_reply(
        &mut d,
        "a\n末行（然后半关闭）".as_bytes(),
        "第 1 行：a\n第 2 行：末行\n".as_bytes(),
        "没有换行的最后一行",
        "",
        &r,
    );
    expect_closed(
        &mut d,
        WAIT,
        "对方关闭（EOF）以后 handle 应当返回，连接关闭",
    );

    // 说到一半就消失（连接被重置）的对方：不能带走服务端。
    let e = peers::connect(addr).expect("连接服务端");
    peers::vanish(e, "说到一半".as_bytes(), usize::MAX).expect("说到一半就消失");
    let mut f = peers::connect(addr).expect("连接服务端");
    exchange(
        &mut f,
        "还在吗\n".as_bytes(),
        "第 1 行：还在吗\n".as_bytes(),
        "有一个对方说到一半就消失以后，下一个客户端",
        "",
        &r,
    );
    drop((a, f));
    running.stop("客户端都走了以后 handle 返回、server_close 结束");
}

// ---- 练习 2：handle_request() ----

/// 测试用的处理器：把每一步记进日志，按 `mode` 在某一步出错或 panic。
struct Probe {
    stream: TcpStream,
    log: Arc<Mutex<Vec<&'static str>>>,
    mode: &'static str,
}

impl BaseRequestHandler for Probe {
    fn setup(&mut self) -> io::Result<()> {
        self.log.lock().unwrap().push("setup");
        match self.mode {
            "setup-error" => Err(io::Error::other("setup 失败")),
            "setup-panic" => panic!("评分检查故意让 setup panic"),
            _ => Ok(()),
        }
    }
    fn handle(&mut self) -> io::Result<()> {
        self.log.lock().unwrap().push("handle");
        let mut buf = [0u8; RECV_SIZE];
        let n = self.stream.read(&mut buf)?;
        self.stream
            .write_all(lesson_07::reply_to(&buf[..n]).as_bytes())?;
        match self.mode {
            "handle-error" | "both-error" => Err(io::Error::other("handle 失败")),
            "handle-panic" => panic!("评分检查故意让 handle panic"),
            _ => Ok(()),
        }
    }
    fn finish(&mut self) -> io::Result<()> {
        self.log.lock().unwrap().push("finish");
        match self.mode {
            "finish-error" | "both-error" => Err(io::Error::other("finish 失败")),
            "finish-panic" => panic!("评分检查故意让 finish panic"),
            _ => Ok(()),
        }
    }
}

/// 造处理器的工厂（练习 2 的文件里有同样的定义）。
type Make = dyn Fn(TcpStream, SocketAddr) -> io::Result<Box<dyn BaseRequestHandler>>;
type HandleRequest = fn(&TcpListener, &dyn Fn(SocketAddr) -> bool, &Make) -> io::Result<Outcome>;

/// 一次 handle_request 的经过。
struct Run {
    /// 返回值；panic 冒了出来时是 Err(panic 的文字)。
    result: Result<io::Result<Outcome>, String>,
    log: Vec<&'static str>,
    made: usize,
    verified: Vec<SocketAddr>,
    client: TcpStream,
    listener: TcpListener,
}

/// 连上一个客户端（它说一句“你好”），按 `mode` 给出处理器，调用一次 handle_request。
fn run_once(handle_request: HandleRequest, mode: &'static str, allow: bool) -> Run {
    let listener = TcpListener::bind("127.0.0.1:0").expect("绑定端口");
    let addr = listener.local_addr().unwrap();
    let client = TcpStream::connect(addr).unwrap();
    client.set_read_timeout(Some(WAIT)).unwrap();
    (&client).write_all("你好".as_bytes()).unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let made = Arc::new(Mutex::new(0));
    let verified = Arc::new(Mutex::new(Vec::new()));
    let (l, m, v) = (Arc::clone(&log), Arc::clone(&made), Arc::clone(&verified));
    let (result, listener) = with_deadline("handle_request", move || {
        let make = move |stream: TcpStream,
                         _addr: SocketAddr|
              -> io::Result<Box<dyn BaseRequestHandler>> {
            *m.lock().unwrap() += 1;
            match mode {
                "make-error" => return Err(io::Error::other("make 失败")),
                "make-panic" => panic!("评分检查故意让 make panic"),
                _ => {}
            }
            Ok(Box::new(Probe {
                stream,
                log: Arc::clone(&l),
                mode,
            }))
        };
        let verify = move |peer: SocketAddr| {
            v.lock().unwrap().push(peer);
            allow
        };
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            handle_request(&listener, &verify, &make)
        }))
        .map_err(|payload| panic_message(payload.as_ref()));
        (result, listener)
    });
    let log = log.lock().unwrap().clone();
    let made = *made.lock().unwrap();
    let verified = verified.lock().unwrap().clone();
    Run {
        result,
        log,
        made,
        verified,
        client,
        listener,
    }
}

/// handle_request 的返回值；panic 冒出来、或者返回了 Err 时说清楚。
#[track_caller]
fn outcome(run: &Run, mode: &str) -> Outcome {
    match &run.result {
        Err(panic) => panic!(
            "{mode}：处理器里的 panic 从你的 handle_request 里冒了出来（{panic}）。\
             造处理器、setup、handle、finish 每一步都要包在 catch_unwind 里：服务端不能因为一个处理器就倒下"
        ),
        Ok(Err(e)) => panic!(
            "{mode}：只有 accept 失败时才该返回 Err，你的 handle_request 却返回了 Err({e})"
        ),
        Ok(Ok(outcome)) => outcome.clone(),
    }
}

#[track_caller]
fn closed_when_returned(run: &mut Run, mode: &str) {
    let mut rest = Vec::new();
    match run.client.read_to_end(&mut rest) {
        Ok(_) => {}
        Err(e) if support::is_timeout(&e) => panic!(
            "{mode}：handle_request 返回以后，客户端等了 {} 秒连接还开着：处理器（连同它的连接）应当已经被丢弃",
            WAIT.as_secs()
        ),
        Err(_) => {}
    }
}

fn check_handle_request(handle_request: HandleRequest) {
    // 一切正常：setup → handle → finish，客户端收到回复，返回 Done。
    let mut run = run_once(handle_request, "一切正常", true);
    expect_eq(
        "一切正常时的返回值",
        &outcome(&run, "一切正常"),
        &Outcome::Done,
    );
    expect_eq(
        "一切正常时的调用顺序",
        &run.log,
        &vec!["setup", "handle", "finish"],
    );
    expect_eq("为一个连接造了几个处理器", &run.made, &1);
    assert!(
        !run.verified.is_empty(),
        "没有调用 verify（Python 的 verify_request）：造处理器之前要先问它让不让这个客户端进来"
    );
    expect_eq(
        "verify 收到的应当是客户端的地址",
        &run.verified,
        &vec![run.client.local_addr().unwrap()],
    );
    let mut reply = Vec::new();
    let _ = run.client.read_to_end(&mut reply);
    expect_text(
        "处理器拿到的应当是刚接受的那个连接（它回复了客户端，然后连接关闭）",
        &reply,
        "Your msg=你好".as_bytes(),
    );
    // 只处理一个：监听套接字上另一个连接还在排队，没有被取走。
    let second = TcpStream::connect(run.listener.local_addr().unwrap()).unwrap();
    run.listener.set_nonblocking(true).unwrap();
    let started = Instant::now();
    loop {
        match run.listener.accept() {
            Ok(_) => break,
            Err(_) if started.elapsed() < WAIT => thread::sleep(Duration::from_millis(2)),
            Err(_) => panic!("handle_request 应当只接受一个连接：第二个连接不在队列里了"),
        }
    }
    drop(second);

    // verify 说不：不造处理器，连接直接关闭。
    let mut run = run_once(handle_request, "verify 说不", false);
    expect_eq(
        "verify 说不时的返回值",
        &outcome(&run, "verify 说不"),
        &Outcome::Refused,
    );
    expect_eq(
        "verify 说不时，不该造处理器（make 被调用的次数）",
        &run.made,
        &0,
    );
    expect_eq("verify 说不时的调用", &run.log, &Vec::<&str>::new());
    closed_when_returned(&mut run, "verify 说不");

    // 每一步出错或 panic。
    let all = vec!["setup", "handle", "finish"];
    for (mode, calls, stage, text) in [
        ("make-error", vec![], Stage::Make, "make 失败"),
        (
            "make-panic",
            vec![],
            Stage::Make,
            "评分检查故意让 make panic",
        ),
        ("setup-error", vec!["setup"], Stage::Setup, "setup 失败"),
        (
            "setup-panic",
            vec!["setup"],
            Stage::Setup,
            "评分检查故意让 setup panic",
        ),
        ("handle-error", all.clone(), Stage::Handle, "handle 失败"),
        (
            "handle-panic",
            all.clone(),
            Stage::Handle,
            "评分检查故意让 handle panic",
        ),
        ("finish-error", all.clone(), Stage::Finish, "finish 失败"),
        (
            "finish-panic",
            all.clone(),
            Stage::Finish,
            "评分检查故意让 finish panic",
        ),
        ("both-error", all.clone(), Stage::Handle, "handle 失败"),
    ] {
        let what = match mode {
            "both-error" => "handle 和 finish 都返回错误".to_string(),
            _ => {
                let (step, how) = mode.split_once('-').unwrap();
                let how = if how == "error" {
                    "返回错误"
                } else {
                    "panic"
                };
                format!("{step} {how}")
            }
        };
        let rule = match mode.split_once('-').unwrap().0 {
            "make" => "处理器都没造出来，setup、handle、finish 一个也不调用",
            "setup" => "setup 出了问题，handle 和 finish 都不调用",
            _ => {
                "像 Python 的 try/finally：不管 handle 成功、返回错误还是 panic，之后都要调用 finish"
            }
        };
        let mut run = run_once(handle_request, mode, true);
        let got = outcome(&run, &what);
        expect_eq(&format!("{what}：调用了哪几步（{rule}）"), &run.log, &calls);
        expect_eq(
            &format!("{what}：返回值（第一个出问题的步骤和问题的文字）"),
            &got,
            &Outcome::Failed(stage, text.to_string()),
        );
        closed_when_returned(&mut run, &what);
    }

    // accept 本身失败（这里是非阻塞的监听套接字上没有连接）：返回 Err，不 panic。
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let make = |_: TcpStream, _: SocketAddr| -> io::Result<Box<dyn BaseRequestHandler>> {
        panic!("accept 失败时不该造处理器")
    };
    let got = panic::catch_unwind(AssertUnwindSafe(|| {
        handle_request(&listener, &|_| true, &make)
    }));
    match got {
        Ok(Err(_)) => {}
        Ok(Ok(o)) => {
            panic!("accept 失败时应当返回它的错误，你的 handle_request 却返回了 Ok({o:?})")
        }
        Err(p) => panic!(
            "accept 失败时应当返回它的错误，你的 handle_request 却 panic 了：{}",
            panic_message(p.as_ref())
        ),
    }
}

// ---- 练习 3：serve_at_most() ----

/// 回复 `Your msg=` 的处理器（评分自己的，不用参考答案：评分时答案不参与编译），
/// finish 时报告“又服务完一个”：学习者的通道一份，评分自己一份。
struct Counted {
    base: StreamRequestHandler,
    finished: Vec<Sender<SocketAddr>>,
}

impl BaseRequestHandler for Counted {
    fn handle(&mut self) -> io::Result<()> {
        let mut buf = [0u8; RECV_SIZE];
        loop {
            let n = self.base.request.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            let reply = lesson_07::reply_to(lesson_07::strip_newline(&buf[..n]));
            self.base.request.write_all(reply.as_bytes())?;
        }
    }
    fn finish(&mut self) -> io::Result<()> {
        for tx in &self.finished {
            let _ = tx.send(self.base.client_address);
        }
        self.base.finish()
    }
}

type ServeAtMost = fn(
    &ThreadingTcpServer,
    usize,
    &Receiver<SocketAddr>,
    Duration,
    Duration,
) -> io::Result<Vec<SocketAddr>>;

/// 一个服务端（还没开始服务），学习者的 `finished` 通道，评分自己的“又走了一个”通道。
fn counted_server() -> (
    Arc<ThreadingTcpServer>,
    Receiver<SocketAddr>,
    Receiver<SocketAddr>,
) {
    let (tx, rx) = mpsc::channel();
    let (seen_tx, seen) = mpsc::channel();
    let senders = Mutex::new((tx, seen_tx));
    let server = ThreadingTcpServer::bind("127.0.0.1:0", move |request, addr, server| {
        let (tx, seen_tx) = &*senders.lock().unwrap();
        Ok(Counted {
            base: StreamRequestHandler::new(request, addr, server)?,
            finished: vec![tx.clone(), seen_tx.clone()],
        })
    })
    .expect("绑定端口");
    (Arc::new(server), rx, seen)
}

/// serve_at_most 返回了什么（panic 了是 Err(panic 的文字)），用了多久。
type Returned = (Result<io::Result<Vec<SocketAddr>>, String>, Duration);

/// 在后台线程里调用学习者的 serve_at_most；返回“它返回了”的通道（带着结果和用了多久）。
fn start_serving(
    serve_at_most: ServeAtMost,
    server: &Arc<ThreadingTcpServer>,
    clients: usize,
    finished: Receiver<SocketAddr>,
    within: Duration,
) -> Receiver<Returned> {
    let (done_tx, done) = mpsc::channel();
    let server = Arc::clone(server);
    thread::spawn(move || {
        let started = Instant::now();
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            serve_at_most(&server, clients, &finished, within, POLL)
        }))
        .map_err(|p| panic_message(p.as_ref()));
        let _ = done_tx.send((result, started.elapsed()));
    });
    done
}

/// 教程写法的客户端说一句、收一句；然后等到服务端那边的 finish 运行了，返回它的地址。
#[track_caller]
fn one_client(addr: SocketAddr, text: &str, seen: &Receiver<SocketAddr>) -> SocketAddr {
    match peers::tutorial_client(addr, text.as_bytes(), 256) {
        Ok(reply) => expect_text(
            &format!("客户端发出 {text:?} 后收到的回复"),
            &reply,
            format!("Your msg={text}").as_bytes(),
        ),
        Err(e) => panic!(
            "客户端发出 {text:?} 后没有收到回复（{}）：serve_forever 在另一个线程里运行了吗？",
            describe_io(&e)
        ),
    }
    seen.recv_timeout(WAIT)
        .expect("客户端走了以后，服务端的 finish 应当运行")
}

#[track_caller]
fn returned(
    done: &Receiver<Returned>,
    within: Duration,
    why: &str,
) -> (io::Result<Vec<SocketAddr>>, Duration) {
    match done.recv_timeout(within) {
        Ok((Ok(result), took)) => (result, took),
        Ok((Err(panic), _)) => panic!("serve_at_most panic 了：{panic}"),
        Err(_) => panic!("{why}"),
    }
}

#[track_caller]
fn port_closed(addr: SocketAddr) {
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_err(),
        "serve_at_most 返回时端口还开着：返回之前应当调用 server_close()"
    );
}

/// 一开始就返回（或 panic）了吗？正确的写法要一直服务到够数或者到期。
#[track_caller]
fn not_returned_at_once(done: &Receiver<Returned>) {
    if let Ok((result, _)) = done.recv_timeout(Duration::from_millis(50)) {
        match result {
            Err(panic) => panic!("serve_at_most panic 了：{panic}"),
            Ok(r) => panic!("还没有客户端来，serve_at_most 就返回了：{r:?}"),
        }
    }
}

fn check_serve_at_most(serve_at_most: ServeAtMost) {
    // 数够了就停：3 个客户端先后来，第 3 个走了才返回。
    let (server, finished, seen) = counted_server();
    let addr = server.server_address();
    let done = start_serving(serve_at_most, &server, 3, finished, DEADLINE);
    not_returned_at_once(&done);
    let mut expected = Vec::new();
    for (n, text) in ["一号", "二号", "三号"].iter().enumerate() {
        expected.push(one_client(addr, text, &seen));
        if n < 2 {
            // 看一小会儿：才服务完 n + 1 个，不该返回。
            if let Ok((result, _)) = done.recv_timeout(Duration::from_millis(300)) {
                panic!(
                    "才服务完 {} 个客户端，serve_at_most 就返回了（应当等到 3 个，数差了一个？）：{}",
                    n + 1,
                    match result {
                        Ok(Ok(v)) => format!("返回了 {} 个地址", v.len()),
                        Ok(Err(e)) => format!("返回了错误 {e}"),
                        Err(p) => format!("panic 了：{p}"),
                    }
                );
            }
        }
    }
    let (result, _) = returned(
        &done,
        Duration::from_secs(3),
        "3 个客户端都服务完了，serve_at_most 过了 3 秒还没返回：是不是多等了一个（收到第 clients 个地址就该停），\
         或者忘了 shutdown()？",
    );
    match result {
        Ok(served) => expect_eq(
            "服务完 3 个客户端后返回的地址（按先后）",
            &served,
            &expected,
        ),
        Err(e) => panic!("serve_at_most 应当返回 Ok（3 个地址），却返回了错误：{e}"),
    }
    port_closed(addr);
    drop(server);

    // 期限是一共的：1 秒的期限里只来了 2 个（0 秒和 0.5 秒），第 3 个在 1.4 秒才来。
    let (server, finished, seen) = counted_server();
    let addr = server.server_address();
    let within = Duration::from_secs(1);
    let done = start_serving(serve_at_most, &server, 5, finished, within);
    let started = Instant::now();
    let mut expected = vec![one_client(addr, "零秒", &seen)];
    thread::sleep(Duration::from_millis(500).saturating_sub(started.elapsed()));
    expected.push(one_client(addr, "半秒", &seen));
    let late = thread::spawn(move || {
        thread::sleep(Duration::from_millis(1400).saturating_sub(started.elapsed()));
        // 到这时服务端早该关了：连不上、没有回复都是对的。
        let _ = peers::tutorial_client(addr, "迟到".as_bytes(), 256);
    });
    let (result, took) = returned(
        &done,
        Duration::from_secs(5),
        "期限是 1 秒，serve_at_most 过了 5 秒还没返回：等客户端要用 recv_timeout，而且只等离期限还剩的时间",
    );
    let _ = late.join();
    match result {
        Ok(served) => expect_eq(
            "1 秒的期限里服务完的客户端（第 3 个 1.4 秒才来，不该算进去：期限是一共的，不是每个客户端各等 1 秒）",
            &served,
            &expected,
        ),
        Err(e) => panic!("期限到了应当返回 Ok（服务完的地址），却返回了错误：{e}"),
    }
    assert!(
        took >= Duration::from_millis(900),
        "期限是 1 秒，serve_at_most 却在 {took:?} 就返回了"
    );
    port_closed(addr);
    drop(server);

    // 通道断开了（没有人会再发地址）：马上停，不等到期限。
    let (server, _finished, _seen) = counted_server();
    let (tx, gone) = mpsc::channel::<SocketAddr>();
    drop(tx);
    let done = start_serving(serve_at_most, &server, 3, gone, DEADLINE);
    let (result, _) = returned(
        &done,
        Duration::from_secs(3),
        "通道已经断开（再也不会有地址了），serve_at_most 过了 3 秒还在等：recv_timeout 返回 Disconnected 时也要停",
    );
    match result {
        Ok(served) => expect_eq("通道断开时返回的地址", &served, &vec![]),
        Err(e) => panic!("通道断开时应当返回 Ok（收到的地址），却返回了错误：{e}"),
    }
    drop(server);

    // serve_forever 出错（这个服务端已经在另一个线程里 serve_forever 了）：返回那个错误。
    let (server, finished, _seen) = counted_server();
    let s = Arc::clone(&server);
    let other = thread::spawn(move || s.serve_forever(POLL));
    let addr = server.server_address();
    // 等评分自己的 serve_forever 真的在服务。
    match peers::tutorial_client(addr, "在吗".as_bytes(), 64) {
        Ok(reply) => assert_eq!(reply, "Your msg=在吗".as_bytes()),
        Err(e) => panic!("评分自己的 serve_forever 没有起来：{e}"),
    }
    let done = start_serving(
        serve_at_most,
        &server,
        5,
        finished,
        Duration::from_millis(300),
    );
    let (result, _) = returned(
        &done,
        Duration::from_secs(5),
        "serve_at_most 过了 5 秒还没返回（期限是 0.3 秒）",
    );
    match result {
        Err(e) if e.to_string().contains("已经在另一个线程里运行") => {}
        other => panic!(
            "serve_forever 返回了错误（这个服务端已经在另一个线程里运行 serve_forever），\
             serve_at_most 应当返回这个错误，却返回了 {other:?}"
        ),
    }
    let _ = with_deadline("评分自己的 serve_forever 停下", move || other.join());

    // serve_forever 的线程 panic 了（评分让服务端的错误处理函数在拒绝连接时 panic）：返回一个错误。
    let (tx, finished) = mpsc::channel();
    let tx = Mutex::new(tx);
    let server = Arc::new(
        ThreadingTcpServer::bind("127.0.0.1:0", move |request, addr, server| {
            Ok(Counted {
                base: StreamRequestHandler::new(request, addr, server)?,
                finished: vec![tx.lock().unwrap().clone()],
            })
        })
        .unwrap()
        .with_policy(Policy::new(Duration::from_secs(30), 1, 1))
        .with_error_handler(|e| {
            if matches!(e.problem, Problem::Refused(_)) {
                panic!("评分检查故意让 serve_forever 的线程 panic");
            }
        }),
    );
    let addr = server.server_address();
    let done = start_serving(serve_at_most, &server, 1, finished, DEADLINE);
    let mut first = peers::connect(addr).unwrap();
    exchange(
        &mut first,
        "第一个".as_bytes(),
        "Your msg=第一个".as_bytes(),
        "第一个客户端",
        "serve_forever 在另一个线程里运行了吗？",
        &Reports::default(),
    );
    // 只有一个名额：第二个连接被拒绝，错误处理函数 panic，serve_forever 的线程随之结束。
    let mut second = peers::connect(addr).unwrap();
    let mut said = Vec::new();
    let _ = second.read_to_end(&mut said);
    drop(first);
    let (result, _) = returned(
        &done,
        Duration::from_secs(5),
        "serve_forever 的线程 panic 了、唯一的客户端也走了，serve_at_most 过了 5 秒还没返回",
    );
    if let Ok(v) = result {
        panic!(
            "serve_forever 的线程 panic 了，serve_at_most 却返回了 Ok({v:?})：join 的结果是 Err 时，要变成一个错误返回"
        );
    }
}

// ---- 练习 4：客户端说 stop 就停的服务端 ----

type ServeUntilStop = fn(TcpListener, &str, Duration) -> io::Result<()>;

const IDLE: Duration = Duration::from_secs(1);

fn check_serve_until_stop(serve_until_stop: ServeUntilStop) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("绑定端口");
    let addr = listener.local_addr().unwrap();
    let (done_tx, done) = mpsc::channel();
    thread::spawn(move || {
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            serve_until_stop(listener, "stop", IDLE)
        }))
        .map_err(|p| panic_message(p.as_ref()));
        let _ = done_tx.send(result);
    });
    if let Ok(result) = done.recv_timeout(Duration::from_millis(50)) {
        match result {
            Err(panic) => panic!("serve_until_stop panic 了：{panic}"),
            Ok(r) => panic!(
                "还没有客户端来，serve_until_stop 就返回了（{r:?}）：它应当一直服务到有人说 stop"
            ),
        }
    }
    let r = Reports::default();
    let still_running = |after: &str| {
        if let Ok(result) = done.try_recv() {
            panic!("还没有人说 stop，{after}之后服务端就停了：{result:?}");
        }
    };

    // 教程写法的客户端 A：发完就等回复，从不半关闭。一次读到的就是一条消息，不等换行。
    let mut a = peers::connect(addr).expect("连接服务端");
    const ONE_READ: &str = "一次读到的就是一条消息：别等换行，也别等对方关闭";
    a.write_all("你好".as_bytes()).unwrap();
    expect_reply_or(
        &mut a,
        "你好".as_bytes(),
        "Your msg=你好".as_bytes(),
        "教程写法的客户端（不带换行，发完就等）",
        (
            ONE_READ,
            "空闲超时到了也没等到你的回复？一次读到的就是一条消息：别等换行，也别等对方关闭",
        ),
        &r,
    );
    exchange(&mut a, b"a\n", b"Your msg=a", "结尾的一个换行去掉", "", &r);
    // A 还连着：B 也要马上得到回复。
    let mut b = peers::connect(addr).expect("连接服务端");
    // A 才连上不到一会儿，离空闲超时（1 秒）还早：一次只服务一个连接的服务端，这时还在等 A。
    b.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let (got, end) = {
        b.write_all("我是B".as_bytes()).unwrap();
        read_reply(&mut b, "Your msg=我是B".len())
    };
    if !matches!(end, End::Complete) {
        panic!(
            "A 还连着时，B 发出“我是B”后 0.3 秒没收到回复（收到 {}）：同一时间只服务一个连接？\
             每个连接要有自己的线程（ThreadingTcpServer）",
            show(&got)
        );
    }
    expect_text("A 还连着时 B 收到的回复", &got, "Your msg=我是B".as_bytes());
    b.set_read_timeout(Some(WAIT)).unwrap();

    // 一个字节一个字节慢慢地发 s、t、o、p：每个字节是一条消息，都不是 stop。
    let mut slow = peers::connect(addr).expect("连接服务端");
    slow.set_nodelay(true).unwrap();
    for byte in [b's', b't', b'o', b'p'] {
        thread::sleep(Duration::from_millis(30));
        exchange(
            &mut slow,
            &[byte],
            format!("Your msg={}", byte as char).as_bytes(),
            "一个字节一个字节慢慢发来的 s、t、o、p（每次读到的一个字节就是一条消息）",
            "",
            &r,
        );
    }
    let mut c = peers::connect(addr).expect("连接服务端");
    for near in ["nonstop", "stops", "Stop"] {
        exchange(
            &mut c,
            near.as_bytes(),
            format!("Your msg={near}").as_bytes(),
            "不是正好 stop 的消息",
            "",
            &r,
        );
    }
    still_running("有人发了 s、t、o、p 和 nonstop、stops、Stop ");

    // 说到一半就消失的对方（发出 st 就把连接重置）：服务端照常。
    let v = peers::connect(addr).expect("连接服务端");
    peers::vanish(v, b"stop", 2).expect("说到一半就消失");
    // 真实的 l07-client 进程：一问一答。
    let out = testkit::run(CLIENT, ["--port", &addr.port().to_string()], "你好\n");
    assert!(
        out.stdout.contains("收到：Your msg=你好"),
        "l07-client 没有收到回复：\n{}{}",
        out.stderr,
        r.said()
    );
    still_running("一个客户端说到一半消失、l07-client 来过");

    // 一个连上以后一句话也不说的客户端，然后有人发 stop\n。
    let mut idle = peers::connect(addr).expect("连接服务端");
    let mut s = peers::connect(addr).expect("连接服务端");
    exchange(
        &mut s,
        b"stop\n",
        "再见".as_bytes(),
        "发出 stop\\n（去掉结尾的换行就是 stop）",
        "先去掉结尾的一个换行再比较",
        &r,
    );
    expect_closed(&mut s, WAIT, "回复“再见”之后应当结束这个连接");
    let wait = IDLE + Duration::from_secs(3);
    match done.recv_timeout(wait) {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => panic!("serve_until_stop 应当返回 Ok(())，却返回了错误：{e}"),
        Ok(Err(p)) => panic!("serve_until_stop panic 了：{p}"),
        Err(_) => panic!(
            "有人说了 stop，serve_until_stop 过了 {} 秒还没返回：叫服务端停下了吗（shutdown）？\
             还连着一个不说话的客户端：空闲超时是 {} 秒（with_policy）时，server_close 最多等它这么久",
            wait.as_secs(),
            IDLE.as_secs()
        ),
    }
    // 返回的时候，所有处理线程都该结束了：那个不说话的客户端的连接已经关闭。
    idle.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buf = [0u8; 16];
    if let Err(e) = idle.read(&mut buf) {
        if support::is_timeout(&e) {
            panic!(
                "serve_until_stop 返回时，那个一直不说话的客户端的连接还开着：\
                 返回之前要 server_close()，它会等所有处理线程结束"
            );
        }
    }
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_err(),
        "serve_until_stop 返回时端口还开着"
    );
    drop((a, b, c, slow));
}

exercise!(
    l07_lines,
    "exercises/lines.rs",
    check_lines,
    lesson_07::exercises::lines::make,
    lesson_07::solutions::lines::make,
);

exercise!(
    l07_handle_request,
    "exercises/handle_request.rs",
    check_handle_request,
    lesson_07::exercises::handle_request::handle_request,
    lesson_07::solutions::handle_request::handle_request,
);

exercise!(
    l07_serve_at_most,
    "exercises/serve_at_most.rs",
    check_serve_at_most,
    lesson_07::exercises::serve_at_most::serve_at_most,
    lesson_07::solutions::serve_at_most::serve_at_most,
);

exercise!(
    l07_serve_until_stop,
    "exercises/stop_word.rs",
    check_serve_until_stop,
    lesson_07::exercises::stop_word::serve_until_stop,
    lesson_07::solutions::stop_word::serve_until_stop,
);
