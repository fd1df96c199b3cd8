//! 第 07 课练习的评分检查。`workbook grade 07` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use assert_cmd::Command;
/// 处理器的工厂（练习 2 的文件里有同样的定义）。
type Make = dyn Fn(TcpStream, SocketAddr) -> io::Result<Box<dyn BaseRequestHandler>>;
use lesson_07::socketserver::{BaseRequestHandler, ServerHandle, ThreadingTcpServer};
use lesson_07::RECV_SIZE;
use testkit::{exercise, wait_until, with_deadline, DEADLINE};

const CLIENT: &str = env!("CARGO_BIN_EXE_l07-client");
const POLL: Duration = Duration::from_millis(20);

/// 运行参考客户端（真实进程），返回 (是否成功, 标准输出, 标准错误)。
fn run_client(port: u16, stdin: &str, timeout_secs: &str) -> (bool, String, String) {
    let out = Command::new(CLIENT)
        .args(["--port", &port.to_string(), "--timeout", timeout_secs])
        .env("NO_COLOR", "1")
        .write_stdin(stdin)
        .timeout(DEADLINE)
        .output()
        .expect("能运行 l07-client");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// ---- 练习 1：handle() ----

/// 照教程写法的客户端：一条消息一次 send，不带换行，然后 recv 一次。
/// 等不到回复时给出中文说明，而不是一直等。
fn send_then_recv(conn: &mut TcpStream, message: &[u8]) -> String {
    conn.write_all(message).expect("发送");
    let mut buf = [0u8; 4096];
    let n = match conn.read(&mut buf) {
        Ok(n) => n,
        Err(err) => panic!(
            "发出 {:?}（不带换行）后等了 5 秒没有回复（{err}）：handle 是不是在等换行，\
             或者在等凑满 1024 字节？一次 read 读到多少，就是一条消息",
            String::from_utf8_lossy(message)
        ),
    };
    assert!(
        n > 0,
        "发出 {:?} 后服务端没有回复就关闭了连接（handle 出错或 panic 了？）",
        String::from_utf8_lossy(message)
    );
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

fn check_echo<H: BaseRequestHandler + 'static>(
    make: fn(TcpStream, SocketAddr, ServerHandle) -> io::Result<H>,
) {
    let server = Arc::new(
        ThreadingTcpServer::bind("127.0.0.1:0", make)
            .expect("绑定端口")
            .with_error_handler(|e| eprintln!("{e}")),
    );
    let s = Arc::clone(&server);
    let serving = thread::spawn(move || s.serve_forever(POLL));

    // 教程写法的客户端：发一条，收一条，回复必须正好是 Your msg=<消息>，没有换行。
    let mut raw = TcpStream::connect(server.server_address()).expect("连接服务端");
    raw.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    for (message, expected, what) in [
        (
            &b"\xe4\xbd\xa0\xe5\xa5\xbd"[..],
            "Your msg=你好",
            "不带换行的消息",
        ),
        (
            b"socketserver\n",
            "Your msg=socketserver",
            "结尾的 \\n 要去掉",
        ),
        (b"nc\r\n", "Your msg=nc", "结尾的 \\r\\n 要去掉"),
        (b"b\n\n", "Your msg=b\n", "只去掉结尾的一个换行"),
        (
            b"\xffok",
            "Your msg=\u{fffd}ok",
            "不是 UTF-8 的字节换成 �，不能 panic",
        ),
    ] {
        let reply = send_then_recv(&mut raw, message);
        assert_eq!(
            reply,
            expected,
            "{what}：发出 {:?}，回复应当正好是 {expected:?}（一次写完，不加换行）",
            String::from_utf8_lossy(message)
        );
    }
    // 一条 1500 字节的消息：一次最多读 1024 字节，所以它被分成几次读，每次各得一条回复。
    // 然后关闭写端：handle 读到 EOF 应当直接返回，不能再多回一句空的 "Your msg="。
    let big = "x".repeat(1500);
    raw.write_all(big.as_bytes()).unwrap();
    raw.shutdown(std::net::Shutdown::Write).unwrap();
    let mut rest = String::new();
    raw.read_to_string(&mut rest)
        .expect("读回复：对方关闭写端后，handle 应当返回、连接随之关闭");
    assert!(
        rest.starts_with("Your msg="),
        "1500 字节的消息应当得到以 Your msg= 开头的回复，收到的是 {} 字节：{:?}……",
        rest.len(),
        rest.chars().take(40).collect::<String>()
    );
    let pieces: Vec<&str> = rest.split("Your msg=").skip(1).collect();
    // 回复里每条消息的字节数，失败时给人看。
    let sizes: Vec<usize> = pieces.iter().map(|p| p.len()).collect();
    assert!(
        pieces.len() >= 2 && sizes.iter().all(|&n| n <= RECV_SIZE),
        "1500 字节的消息应当分几次读（每次最多 1024 字节）、每次各回复一条，\
         回复里各条消息的字节数却是 {sizes:?}"
    );
    assert!(
        pieces.iter().all(|p| !p.is_empty()),
        "读到 EOF 后应当直接返回，不能再回一句空的 Your msg=（教程的循环就会这样）：\
         回复里各条消息的字节数是 {sizes:?}"
    );
    assert_eq!(pieces.concat(), big, "几条回复拼起来应当正好是原来的消息");

    // 真实的 l07-client 进程：一问一答两次。
    let port = server.server_address().port();
    let (ok, out, err) = run_client(port, "你好\nsocketserver\n", "5");
    assert!(
        ok,
        "l07-client 没有收到回复（handle 出错或 panic 了？）\n客户端说：{err}"
    );
    assert!(
        out.contains("收到：Your msg=你好\n") && out.contains("收到：Your msg=socketserver\n"),
        "回复应当是 Your msg=<这一行>，l07-client 收到的是：\n{out}"
    );
    assert!(out.contains("共收到 2 条回复"), "{out}");

    // 客户端都走了：handle 应当在 EOF 时返回，server_close 才能等到处理线程结束。
    let closed = Arc::clone(&server);
    with_deadline("对方关闭连接（EOF）后 handle 返回", move || {
        closed.shutdown();
        closed.server_close();
    });
    serving
        .join()
        .expect("serve_forever 不应 panic")
        .expect("serve_forever 正常结束");
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
        if self.mode == "setup-error" {
            return Err(io::Error::other("setup 失败"));
        }
        Ok(())
    }
    fn handle(&mut self) -> io::Result<()> {
        self.log.lock().unwrap().push("handle");
        let mut buf = [0u8; RECV_SIZE];
        let n = self.stream.read(&mut buf)?;
        match self.mode {
            "handle-error" => Err(io::Error::other("handle 失败")),
            "handle-panic" => panic!("handle panic（评分检查故意的）"),
            _ => self
                .stream
                .write_all(lesson_07::reply_to(&buf[..n]).as_bytes()),
        }
    }
    fn finish(&mut self) -> io::Result<()> {
        self.log.lock().unwrap().push("finish");
        Ok(())
    }
}

type HandleRequest = fn(&TcpListener, &Make) -> io::Result<()>;

/// 连上两个客户端（第一个说一句话），调用一次 handle_request，返回 (结果, 日志, make 被调用的次数, 第一个客户端)。
fn run_once(
    handle_request: HandleRequest,
    mode: &'static str,
) -> (
    io::Result<()>,
    Vec<&'static str>,
    usize,
    TcpStream,
    TcpListener,
) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("绑定端口");
    let addr = listener.local_addr().unwrap();
    let mut first = TcpStream::connect(addr).unwrap();
    first.set_read_timeout(Some(DEADLINE)).unwrap();
    first.write_all("你好".as_bytes()).unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let made = Arc::new(Mutex::new(0));
    let (l, m) = (Arc::clone(&log), Arc::clone(&made));
    let (result, listener) = with_deadline("handle_request", move || {
        let make = move |stream: TcpStream,
                         _addr: SocketAddr|
              -> io::Result<Box<dyn BaseRequestHandler>> {
            *m.lock().unwrap() += 1;
            Ok(Box::new(Probe {
                stream,
                log: Arc::clone(&l),
                mode,
            }))
        };
        let result = handle_request(&listener, &make);
        (result, listener)
    });
    let log = log.lock().unwrap().clone();
    let made = *made.lock().unwrap();
    (result, log, made, first, listener)
}

fn check_handle_request(handle_request: HandleRequest) {
    // 正常情况：setup → handle → finish，客户端收到回复，返回 Ok。
    let (result, log, made, first, listener) = run_once(handle_request, "ok");
    assert!(result.is_ok(), "一切正常时应当返回 Ok，却返回了 {result:?}");
    assert_eq!(log, ["setup", "handle", "finish"], "调用顺序不对");
    assert_eq!(made, 1, "应当只为一个连接造一个处理器");
    // handle_request 返回时处理器已被丢弃、连接已关闭：读到 EOF 为止就是全部回复。
    let mut reply = String::new();
    (&first).read_to_string(&mut reply).unwrap();
    assert_eq!(reply, "Your msg=你好", "处理器拿到的应当是刚接受的那个连接");
    // 只处理一个：监听套接字上另一个连接还在排队，没有被取走。
    let second = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    listener.set_nonblocking(true).unwrap();
    wait_until("第二个连接仍在监听套接字上排队", || {
        listener.accept().is_ok()
    });
    drop(second);

    // handle 返回错误：finish 照样运行，错误被返回。
    let (result, log, _, _, _) = run_once(handle_request, "handle-error");
    assert_eq!(
        log,
        ["setup", "handle", "finish"],
        "handle 出错后 finish 也要运行"
    );
    let err = result.expect_err("handle 出错时应当返回它的错误");
    assert!(
        err.to_string().contains("handle 失败"),
        "返回的应当是 handle 的错误：{err}"
    );

    // handle panic：finish 照样运行，返回一个错误而不是继续 panic。
    let (result, log, _, _, _) = run_once(handle_request, "handle-panic");
    assert_eq!(
        log,
        ["setup", "handle", "finish"],
        "handle panic 后 finish 也要运行"
    );
    assert!(result.is_err(), "handle panic 时应当返回一个错误");

    // setup 失败：handle 和 finish 都不调用。
    let (result, log, _, _, _) = run_once(handle_request, "setup-error");
    assert_eq!(log, ["setup"], "setup 失败时不应调用 handle 和 finish");
    let err = result.expect_err("setup 失败时应当返回它的错误");
    assert!(err.to_string().contains("setup 失败"), "{err}");
}

// ---- 练习 3：serve_until() ----

/// 回复 `Your msg=` 的处理器（评分自己的，不用参考答案：评分时答案不参与编译），
/// finish 时报告“又服务完一个”。
struct Counted {
    base: lesson_07::socketserver::StreamRequestHandler,
    finished: mpsc::Sender<SocketAddr>,
}

impl BaseRequestHandler for Counted {
    fn handle(&mut self) -> io::Result<()> {
        let mut buf = [0u8; RECV_SIZE];
        loop {
            let n = io::Read::read(&mut self.base.request, &mut buf)?;
            if n == 0 {
                return Ok(());
            }
            let reply = lesson_07::reply_to(lesson_07::strip_newline(&buf[..n]));
            io::Write::write_all(&mut self.base.request, reply.as_bytes())?;
        }
    }
    fn finish(&mut self) -> io::Result<()> {
        let _ = self.finished.send(self.base.client_address);
        self.base.finish()
    }
}

type ServeUntil = fn(&ThreadingTcpServer, usize, &Receiver<SocketAddr>, Duration) -> io::Result<()>;

fn check_serve_until(serve_until: ServeUntil) {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let server = ThreadingTcpServer::bind("127.0.0.1:0", move |request, client_address, server| {
        Ok(Counted {
            base: lesson_07::socketserver::StreamRequestHandler::new(
                request,
                client_address,
                server,
            )?,
            finished: tx.lock().unwrap().clone(),
        })
    })
    .expect("绑定端口");
    // 测试自己也拿着服务端：serve_until 返回后它还活着，端口只有 server_close() 才会释放
    // （服务端被丢弃时也会释放端口，那样就看不出学习者有没有调用 server_close）。
    let server = Arc::new(server);
    let addr = server.server_address();
    let (done_tx, done_rx) = mpsc::channel();
    let serving = Arc::clone(&server);
    let running = thread::spawn(move || {
        let result = serve_until(&serving, 2, &rx, POLL);
        let _ = done_tx.send(());
        result
    });

    let (ok, out, err) = run_client(addr.port(), "一号\n", "3");
    assert!(
        ok,
        "第一个客户端没有得到回复：serve_forever 在运行吗？\n{err}"
    );
    assert!(out.contains("收到：Your msg=一号"), "{out}");
    assert!(
        done_rx.try_recv().is_err(),
        "才服务了 1 个客户端，serve_until 就返回了（应当等到 2 个）"
    );
    let (ok, out, err) = run_client(addr.port(), "二号\n", "3");
    assert!(
        ok && out.contains("收到：Your msg=二号"),
        "第二个客户端没有得到回复：\n{out}{err}"
    );

    with_deadline(
        "服务完 2 个客户端后 serve_until 返回",
        move || {
            running
                .join()
                .expect("serve_until 不应 panic")
                .expect("serve_until 应当返回 Ok");
        },
    );
    let refused = TcpStream::connect_timeout(&addr, Duration::from_secs(2));
    assert!(
        refused.is_err(),
        "返回之前应当调用 server_close()，释放端口"
    );
    drop(server);
}

exercise!(
    l07_echo,
    "exercises/echo.rs",
    check_echo,
    lesson_07::exercises::echo::make,
    lesson_07::solutions::echo::make,
);

exercise!(
    l07_handle_request,
    "exercises/handle_request.rs",
    check_handle_request,
    lesson_07::exercises::handle_request::handle_request,
    lesson_07::solutions::handle_request::handle_request,
);

exercise!(
    l07_serve_until,
    "exercises/serve_until.rs",
    check_serve_until,
    lesson_07::exercises::serve_until::serve_until,
    lesson_07::solutions::serve_until::serve_until,
);
