//! socketserver 框架本身的行为：调用顺序、出错和 panic、shutdown、server_close、handle_request、UDP。
//! 服务端在测试进程里运行，客户端是真实的 TcpStream / UdpSocket。

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use lesson_07::socketserver::{
    BaseRequestHandler, Connection, Problem, RequestError, ServerHandle, Stage,
    StreamRequestHandler, TcpServer, ThreadingTcpServer, UdpRequest, UdpServer,
};
use testkit::{wait_until, with_deadline, DEADLINE};

const POLL: Duration = Duration::from_millis(20);

type Log = Arc<Mutex<Vec<String>>>;

fn log_of(log: &Log) -> Vec<String> {
    log.lock().unwrap().clone()
}

/// 测试用的处理器：按 `mode` 在某一步出错或 panic，并把每一步记进日志。
struct Recorder {
    base: StreamRequestHandler,
    log: Log,
    mode: &'static str,
}

impl Recorder {
    fn note(&self, what: &str) {
        self.log.lock().unwrap().push(what.to_string());
    }
}

impl BaseRequestHandler for Recorder {
    fn setup(&mut self) -> io::Result<()> {
        self.note("setup");
        match self.mode {
            "setup-error" => Err(io::Error::other("setup 故意失败")),
            "setup-panic" => panic!("setup 故意 panic"),
            _ => Ok(()),
        }
    }

    fn handle(&mut self) -> io::Result<()> {
        self.note("handle");
        // 读一行，回复一行：处理器确实在和真实的客户端说话。
        let mut line = String::new();
        self.base.rfile.read_line(&mut line)?;
        match line.trim_end() {
            "error" => return Err(io::Error::other("handle 故意失败")),
            "panic" => panic!("handle 故意 panic"),
            "shutdown" => self.base.server.shutdown(),
            _ => {}
        }
        // 故意不 flush：finish 里的 base.finish() 会把它发出去。
        writeln!(self.base.wfile, "Your msg={}", line.trim_end())?;
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.note("finish");
        self.base.finish()?;
        if self.mode == "finish-error" {
            return Err(io::Error::other("finish 故意失败"));
        }
        Ok(())
    }
}

struct Errors(Receiver<(Stage, String)>);

impl Errors {
    fn next(&self) -> (Stage, String) {
        self.0
            .recv_timeout(DEADLINE)
            .expect("期限内应当报告一个错误")
    }
}

fn error_hook(tx: Sender<(Stage, String)>) -> impl Fn(&RequestError) + Send + Sync + 'static {
    let tx = Mutex::new(tx);
    move |err: &RequestError| {
        let what = match &err.problem {
            Problem::Error(e) => format!("错误：{e}"),
            Problem::Panic(m) => format!("panic：{m}"),
            Problem::Refused(why) => format!("拒绝：{}", why.message()),
            Problem::Recovered(n) => format!("恢复：{n}"),
        };
        let _ = tx.lock().unwrap().send((err.stage, what));
    }
}

fn recorder(
    log: &Log,
    mode: &'static str,
) -> impl Fn(Connection, SocketAddr, ServerHandle) -> io::Result<Recorder> + Send + Sync + 'static {
    let log = Arc::clone(log);
    move |request, addr, server| {
        Ok(Recorder {
            base: StreamRequestHandler::new(request, addr, server)?,
            log: Arc::clone(&log),
            mode,
        })
    }
}

fn sync_server(mode: &'static str) -> (TcpServer, Log, Errors) {
    let log = Log::default();
    let (tx, rx) = mpsc::channel();
    let server = TcpServer::bind("127.0.0.1:0", recorder(&log, mode))
        .unwrap()
        .with_error_handler(error_hook(tx));
    (server, log, Errors(rx))
}

/// 连上服务端，发一行，返回读到的全部回复（直到服务端关闭连接）。
fn talk(addr: SocketAddr, line: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    // 一次写完；服务端可能已经关了连接（setup 失败时），写失败也没关系，看回复就知道。
    let _ = stream.write_all(format!("{line}\n").as_bytes());
    let mut reply = String::new();
    let _ = io::Read::read_to_string(&mut stream, &mut reply);
    reply
}

/// 在测试线程之外处理一个请求，同时当客户端说一句话；返回回复。
fn one_request(server: TcpServer, line: &'static str) -> (String, TcpServer) {
    let addr = server.server_address();
    let serving = thread::spawn(move || {
        assert!(server.handle_request().unwrap(), "应当处理了一个请求");
        server
    });
    let reply = talk(addr, line);
    let server = with_deadline("handle_request", move || serving.join().unwrap());
    (reply, server)
}

#[test]
fn setup_handle_finish_run_in_order() {
    let (server, log, errors) = sync_server("ok");
    let (reply, _server) = one_request(server, "你好");
    assert_eq!(
        reply, "Your msg=你好\n",
        "finish 应当把 wfile 里没 flush 的回复发出去"
    );
    assert_eq!(log_of(&log), ["setup", "handle", "finish"]);
    assert!(errors.0.try_recv().is_err(), "一切正常时不应报告错误");
}

#[test]
fn finish_runs_when_handle_returns_an_error() {
    let (server, log, errors) = sync_server("ok");
    let (reply, _server) = one_request(server, "error");
    assert_eq!(reply, "", "出错的连接被关闭，没有回复");
    assert_eq!(log_of(&log), ["setup", "handle", "finish"]);
    let (stage, what) = errors.next();
    assert_eq!(stage, Stage::Handle);
    assert!(what.contains("handle 故意失败"), "{what}");
}

#[test]
fn finish_runs_when_handle_panics() {
    let (server, log, errors) = sync_server("ok");
    let (reply, _server) = one_request(server, "panic");
    assert_eq!(reply, "");
    assert_eq!(log_of(&log), ["setup", "handle", "finish"]);
    let (stage, what) = errors.next();
    assert_eq!(stage, Stage::Handle);
    assert_eq!(what, "panic：handle 故意 panic");
}

#[test]
fn handle_and_finish_do_not_run_when_setup_fails() {
    for mode in ["setup-error", "setup-panic"] {
        let (server, log, errors) = sync_server(mode);
        let (reply, _server) = one_request(server, "你好");
        assert_eq!(reply, "", "{mode}：setup 失败后连接直接关闭");
        assert_eq!(
            log_of(&log),
            ["setup"],
            "{mode}：handle 和 finish 都不应运行"
        );
        assert_eq!(errors.next().0, Stage::Setup, "{mode}");
    }
}

#[test]
fn a_failing_finish_is_reported() {
    let (server, log, errors) = sync_server("finish-error");
    let (reply, _server) = one_request(server, "你好");
    assert_eq!(reply, "Your msg=你好\n");
    assert_eq!(log_of(&log), ["setup", "handle", "finish"]);
    assert_eq!(errors.next().0, Stage::Finish);
}

#[test]
fn the_default_error_report_is_a_chinese_sentence() {
    let err = RequestError {
        client_address: Some("127.0.0.1:5000".parse().unwrap()),
        stage: Stage::Handle,
        problem: Problem::Panic("坏了".into()),
    };
    assert_eq!(
        err.to_string(),
        "处理 127.0.0.1:5000 时 handle() panic 了：坏了；finish() 已照常运行，连接已关闭，服务端继续运行"
    );
}

#[test]
fn handle_request_serves_exactly_one_request() {
    let (server, log, _errors) = sync_server("ok");
    let server = server.with_timeout(Some(Duration::from_millis(50)));
    let addr = server.server_address();
    // 两个客户端都连上、都说了话。
    let mut first = TcpStream::connect(addr).unwrap();
    let mut second = TcpStream::connect(addr).unwrap();
    for (s, text) in [(&mut first, "一"), (&mut second, "二")] {
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        s.write_all(format!("{text}\n").as_bytes()).unwrap();
    }
    let server = with_deadline("handle_request", move || {
        assert!(server.handle_request().unwrap());
        server
    });
    assert_eq!(
        log_of(&log),
        ["setup", "handle", "finish"],
        "只处理了一个请求"
    );
    let mut reply = String::new();
    BufReader::new(&first).read_line(&mut reply).unwrap();
    assert_eq!(reply, "Your msg=一\n");
    // 第二个还在等；再调用一次才轮到它。
    let server = with_deadline("handle_request", move || {
        assert!(server.handle_request().unwrap());
        server
    });
    reply.clear();
    BufReader::new(&second).read_line(&mut reply).unwrap();
    assert_eq!(reply, "Your msg=二\n");
    // 没有人再来：等完 timeout 返回 false。
    let handled = with_deadline("handle_request", move || server.handle_request().unwrap());
    assert!(!handled, "没有请求时应当超时返回 false");
}

#[test]
fn a_synchronous_server_serves_one_client_at_a_time() {
    let (server, _log, _errors) = sync_server("ok");
    let server = Arc::new(server);
    let addr = server.server_address();
    let s = Arc::clone(&server);
    let serving = thread::spawn(move || s.serve_forever(POLL));
    // 第一个客户端连上后不说话：同步服务端的 handle 卡在读它上面。
    let first = TcpStream::connect(addr).unwrap();
    let mut second = TcpStream::connect(addr).unwrap();
    second.write_all("二\n".as_bytes()).unwrap();
    second
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut reply = String::new();
    let early = BufReader::new(&second).read_line(&mut reply);
    assert!(
        early.is_err(),
        "第一个连接还没处理完，同步服务端不可能回复第二个：{reply:?}"
    );
    // 第一个说完一句并离开，第二个才被处理。
    (&first).write_all("一\n".as_bytes()).unwrap();
    drop(first);
    second.set_read_timeout(Some(DEADLINE)).unwrap();
    reply.clear();
    BufReader::new(&second).read_line(&mut reply).unwrap();
    assert_eq!(reply, "Your msg=二\n");
    with_deadline("shutdown", move || {
        server.shutdown();
        serving.join().unwrap().unwrap();
    });
}

/// 一个会在 handle 里停住、直到测试放行的处理器：用来观察 shutdown 和 server_close 等不等它。
struct Blocker {
    entered: Sender<()>,
    release: Arc<Mutex<Receiver<()>>>,
    log: Log,
}

impl BaseRequestHandler for Blocker {
    fn handle(&mut self) -> io::Result<()> {
        let _ = self.entered.send(());
        let _ = self.release.lock().unwrap().recv_timeout(DEADLINE);
        self.log.lock().unwrap().push("handle 结束".into());
        Ok(())
    }
}

/// 造 Blocker 的工厂，以及测试这一头的两个通道：`entered` 收“处理器开始运行了”，`release` 放行。
struct Gate {
    entered: Receiver<()>,
    release: Sender<()>,
}

fn blocker_factory(
    log: &Log,
    gate: &mut Option<Gate>,
) -> impl Fn(Connection, SocketAddr, ServerHandle) -> io::Result<Blocker> + Send + Sync + 'static {
    let (entered_tx, entered) = mpsc::channel();
    let (release, release_rx) = mpsc::channel();
    *gate = Some(Gate { entered, release });
    let release = Arc::new(Mutex::new(release_rx));
    let entered = Mutex::new(entered_tx);
    let log = Arc::clone(log);
    move |_req, _addr, _server| {
        Ok(Blocker {
            entered: entered.lock().unwrap().clone(),
            release: Arc::clone(&release),
            log: Arc::clone(&log),
        })
    }
}

#[test]
fn shutdown_returns_only_after_serve_forever_has_stopped() {
    let log = Log::default();
    let mut gate = None;
    let factory = blocker_factory(&log, &mut gate);
    let Gate { entered, release } = gate.unwrap();
    let server = Arc::new(TcpServer::bind("127.0.0.1:0", factory).unwrap());
    let s = Arc::clone(&server);
    let l = Arc::clone(&log);
    let serving = thread::spawn(move || {
        s.serve_forever(POLL).unwrap();
        l.lock().unwrap().push("serve_forever 返回".into());
    });
    let _client = TcpStream::connect(server.server_address()).unwrap();
    entered.recv_timeout(DEADLINE).expect("处理器开始运行");
    // 同步服务端正在 handle 里：serve_forever 要等它处理完才能停。
    let handle = server.shutdown_handle();
    let l = Arc::clone(&log);
    let stopper = thread::spawn(move || {
        handle.shutdown();
        l.lock().unwrap().push("shutdown 返回".into());
    });
    release.send(()).unwrap();
    with_deadline("shutdown", move || stopper.join().unwrap());
    let log_now = log_of(&log);
    assert_eq!(log_now[0], "handle 结束");
    assert!(
        log_now.contains(&"shutdown 返回".to_string()),
        "shutdown 应当已经返回：{log_now:?}"
    );
    with_deadline("serve_forever", move || serving.join().unwrap());
    let order = log_of(&log);
    let pos = |s: &str| order.iter().position(|x| x == s).unwrap();
    assert!(pos("handle 结束") < pos("shutdown 返回"), "{order:?}");
}

#[test]
fn shutdown_from_the_serving_thread_does_not_deadlock() {
    // 同步服务端的处理器运行在 serve_forever 的线程里；在那里调用 shutdown 在 Python 里会永远卡住。
    let (server, log, _errors) = sync_server("ok");
    let addr = server.server_address();
    let serving = thread::spawn(move || server.serve_forever(POLL));
    assert_eq!(talk(addr, "shutdown"), "Your msg=shutdown\n");
    with_deadline(
        "serve_forever 在处理器调用 shutdown 后返回",
        move || serving.join().unwrap().unwrap(),
    );
    assert_eq!(log_of(&log), ["setup", "handle", "finish"]);
}

#[test]
fn shutdown_before_serve_forever_makes_it_return_at_once() {
    let (server, _log, _errors) = sync_server("ok");
    with_deadline("shutdown", move || {
        server.shutdown();
        server.serve_forever(Duration::from_secs(3600)).unwrap();
        // 停止请求用掉了：再次 serve_forever 时会一直服务，直到有人再叫停。
        let server = Arc::new(server);
        let s = Arc::clone(&server);
        let serving = thread::spawn(move || s.serve_forever(POLL));
        assert_eq!(talk(server.server_address(), "还在"), "Your msg=还在\n");
        server.shutdown();
        serving.join().unwrap().unwrap();
    });
}

#[test]
fn serve_forever_refuses_to_run_twice_at_once() {
    let (server, _log, _errors) = sync_server("ok");
    let server = Arc::new(server);
    let s = Arc::clone(&server);
    let serving = thread::spawn(move || s.serve_forever(POLL));
    // 等第一个 serve_forever 真的在服务：能处理请求了。
    assert_eq!(talk(server.server_address(), "在吗"), "Your msg=在吗\n");
    let err = server.serve_forever(POLL).unwrap_err();
    assert!(err.to_string().contains("已经在另一个线程里运行"), "{err}");
    with_deadline("shutdown", move || {
        server.shutdown();
        serving.join().unwrap().unwrap();
    });
}

#[test]
fn server_close_waits_for_handler_threads_and_frees_the_port() {
    let log = Log::default();
    let mut gate = None;
    let factory = blocker_factory(&log, &mut gate);
    let Gate { entered, release } = gate.unwrap();
    let server = Arc::new(ThreadingTcpServer::bind("127.0.0.1:0", factory).unwrap());
    let addr = server.server_address();
    let s = Arc::clone(&server);
    let serving = thread::spawn(move || s.serve_forever(POLL));
    let _client = TcpStream::connect(addr).unwrap();
    entered.recv_timeout(DEADLINE).expect("处理线程开始运行");
    let s = Arc::clone(&server);
    let l = Arc::clone(&log);
    let closer = thread::spawn(move || {
        s.shutdown();
        l.lock().unwrap().push("shutdown 返回".into());
        s.server_close();
        l.lock().unwrap().push("server_close 返回".into());
    });
    wait_until("shutdown 返回", || log_of(&log).len() == 1);
    // serve_forever 已经停了，新连接不会再被处理；等到端口关闭，说明 server_close 已经在等处理线程了。
    wait_until("server_close 释放端口", || {
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_err()
    });
    assert!(
        !closer.is_finished(),
        "处理线程还没结束，server_close 却已经返回了"
    );
    release.send(()).unwrap();
    with_deadline("server_close", move || closer.join().unwrap());
    assert_eq!(
        log_of(&log),
        ["shutdown 返回", "handle 结束", "server_close 返回"]
    );
    serving.join().unwrap().unwrap();
}

#[test]
fn a_panicking_or_failing_handler_does_not_stop_the_others() {
    let log = Log::default();
    let (tx, errors) = mpsc::channel();
    let server = Arc::new(
        ThreadingTcpServer::bind("127.0.0.1:0", recorder(&log, "ok"))
            .unwrap()
            .with_error_handler(error_hook(tx)),
    );
    let s = Arc::clone(&server);
    let serving = thread::spawn(move || s.serve_forever(POLL));
    let addr = server.server_address();
    assert_eq!(talk(addr, "panic"), "");
    assert_eq!(talk(addr, "error"), "");
    assert_eq!(talk(addr, "之后"), "Your msg=之后\n");
    let stages: Vec<Stage> = (0..2)
        .map(|_| errors.recv_timeout(DEADLINE).unwrap().0)
        .collect();
    assert_eq!(stages, [Stage::Handle, Stage::Handle]);
    with_deadline("shutdown", move || {
        server.shutdown();
        server.server_close();
        serving.join().unwrap().unwrap();
    });
    wait_until("三个连接都运行了 finish", || {
        log_of(&log).iter().filter(|s| *s == "finish").count() == 3
    });
}

/// UDP 处理器：`self.request` 是数据报和用来回复的套接字。
struct Shout {
    request: UdpRequest,
    client_address: SocketAddr,
}

impl BaseRequestHandler for Shout {
    fn handle(&mut self) -> io::Result<()> {
        let reply = format!("Your msg={}", String::from_utf8_lossy(&self.request.data));
        self.request
            .socket
            .send_to(reply.as_bytes(), self.client_address)?;
        Ok(())
    }
}

#[test]
fn udp_server_replies_to_each_datagram() {
    let server = Arc::new(
        UdpServer::bind("127.0.0.1:0", |request, client_address, _server| {
            Ok(Shout {
                request,
                client_address,
            })
        })
        .unwrap(),
    );
    let s = Arc::clone(&server);
    let serving = thread::spawn(move || s.serve_forever(POLL));
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut buf = [0; 100];
    for text in ["Michael", "你好"] {
        client
            .send_to(text.as_bytes(), server.server_address())
            .unwrap();
        let (n, from) = client.recv_from(&mut buf).unwrap();
        assert_eq!(from, server.server_address());
        assert_eq!(
            std::str::from_utf8(&buf[..n]).unwrap(),
            format!("Your msg={text}")
        );
    }
    with_deadline("shutdown", move || {
        server.shutdown();
        serving.join().unwrap().unwrap();
        server.server_close();
        // 关闭之后不再处理请求。
        assert!(server.handle_request().is_err());
    });
}

/// 监听套接字的积压队列里有几个连接：握手已经完成、还没有被 accept 取走
/// （Linux 的 /proc/net/tcp 里，LISTEN（状态 0A）那一行的 rx_queue 就是这个数）。
#[cfg(target_os = "linux")]
fn listen_queue(port: u16) -> usize {
    let table = std::fs::read_to_string("/proc/net/tcp").expect("读 /proc/net/tcp");
    let wanted = format!(":{port:04X}");
    table
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|f| f.len() > 4 && f[1].ends_with(&wanted) && f[3] == "0A")
        .and_then(|f| f[4].split(':').nth(1).map(str::to_string))
        .map(|rx| usize::from_str_radix(&rx, 16).expect("rx_queue 是十六进制数"))
        .expect("/proc/net/tcp 里有这个端口的 LISTEN 行")
}

#[cfg(target_os = "linux")]
#[test]
fn busy_servers_leave_new_connections_in_the_listen_queue() {
    // 同步服务端的第一个处理器停在 handle 里。后来的连接应当留在内核的积压队列里排队，
    // 而不是被接受连接的线程一股脑收进程序里：积压队列满了，新的握手才会被内核挡住（背压）。
    let log = Log::default();
    let mut gate = None;
    let factory = blocker_factory(&log, &mut gate);
    let Gate { entered, release } = gate.unwrap();
    let server = Arc::new(TcpServer::bind("127.0.0.1:0", factory).unwrap());
    let addr = server.server_address();
    let s = Arc::clone(&server);
    let serving = thread::spawn(move || s.serve_forever(POLL));
    let first = TcpStream::connect(addr).unwrap();
    entered
        .recv_timeout(DEADLINE)
        .expect("第一个处理器开始运行");
    const WAITING: usize = 20;
    let waiting: Vec<TcpStream> = (0..WAITING)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    // 接受连接的线程手里最多拿着一个，其余的都该还在积压队列里。
    let most_taken = 1;
    wait_until("后来的连接留在积压队列里", || {
        listen_queue(addr.port()) >= WAITING - most_taken
    });
    // 再看一小会儿：队列没有被悄悄地抽干。
    thread::sleep(Duration::from_millis(200));
    assert!(listen_queue(addr.port()) >= WAITING - most_taken);
    for _ in 0..=WAITING {
        release.send(()).unwrap();
    }
    drop(first);
    drop(waiting);
    with_deadline("shutdown", move || {
        server.shutdown();
        serving.join().unwrap().unwrap();
        server.server_close();
    });
}

// ---- 每个服务端都有的限制（support::serve 的那一套） ----

use support::serve::{Policy, Refusal};

#[test]
fn every_tcp_server_gets_the_shared_limits_by_default() {
    let (server, _log, _errors) = sync_server("ok");
    let policy = server.policy();
    assert_eq!(
        policy.idle,
        Duration::from_secs(support::serve::DEFAULT_IDLE_SECS)
    );
    assert_eq!(policy.min_rate, support::pace::MIN_RATE);
    assert_eq!(
        policy.max_connections,
        support::serve::DEFAULT_MAX_CONNECTIONS as usize
    );
    assert_eq!(policy.per_address, policy.max_connections / 2);
}

#[test]
fn an_idle_peer_is_dropped_by_the_framework_not_by_the_handler() {
    // Recorder 自己没有设任何超时：它的 read_line 会一直等。是框架给连接套上的限制让它结束。
    let (server, log, errors) = sync_server("ok");
    let server = server.with_policy(Policy::new(Duration::from_millis(300), 1, 8));
    let addr = server.server_address();
    let serving = thread::spawn(move || {
        assert!(server.handle_request().unwrap());
        server
    });
    let mut idle = TcpStream::connect(addr).unwrap();
    idle.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut rest = String::new();
    let started = std::time::Instant::now();
    let _ = io::Read::read_to_string(&mut idle, &mut rest);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "空闲超时是 0.3 秒，连接却过了 {:?} 才关闭",
        started.elapsed()
    );
    let _server = with_deadline("handle_request", move || serving.join().unwrap());
    assert_eq!(log_of(&log), ["setup", "handle", "finish"]);
    let (stage, what) = errors.next();
    assert_eq!(stage, Stage::Handle);
    assert!(what.contains("错误"), "{what}");
}

#[test]
fn a_connection_over_the_cap_gets_the_servers_own_refusal_and_the_slot_comes_back() {
    let log = Log::default();
    let mut gate = None;
    let factory = blocker_factory(&log, &mut gate);
    let Gate { entered, release } = gate.unwrap();
    let (tx, errors) = mpsc::channel();
    // 2 个名额，同一个地址最多 1 个。拒绝时按这个服务端自己的协议说一行。
    let server = Arc::new(
        ThreadingTcpServer::bind("127.0.0.1:0", factory)
            .unwrap()
            .with_policy(Policy::new(Duration::from_secs(30), 1, 2))
            .with_refusal(|out, why| {
                let _ = writeln!(out, "BUSY {}", why.message());
            })
            .with_error_handler(move |e| {
                let _ = tx.send(format!("{e}"));
            }),
    );
    let addr = server.server_address();
    let s = Arc::clone(&server);
    let serving = thread::spawn(move || s.serve_forever(POLL));
    let first = TcpStream::connect(addr).unwrap();
    entered
        .recv_timeout(DEADLINE)
        .expect("第一个连接的处理器开始运行");
    let mut second = TcpStream::connect(addr).unwrap();
    second.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut said = String::new();
    io::Read::read_to_string(&mut second, &mut said).unwrap();
    assert_eq!(
        said,
        format!("BUSY {}\n", Refusal::TooManyFromYou(1).message())
    );
    let reported = errors.recv_timeout(DEADLINE).unwrap();
    assert!(
        reported.starts_with("拒绝了 127.0.0.1:") && reported.contains("服务端忙"),
        "{reported}"
    );
    // 第一个处理器结束：名额归还，下一个连接得到处理。处理线程收尾之前来的连接还会被拒绝，再试就好
    // （Blocker 不用连接，一拿到就丢掉了，所以得到处理的连接也是马上读到 EOF，只是没有 BUSY 那句话）。
    release.send(()).unwrap();
    drop(first);
    let started = std::time::Instant::now();
    loop {
        let mut third = TcpStream::connect(addr).unwrap();
        third.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut said = String::new();
        let _ = io::Read::read_to_string(&mut third, &mut said);
        if said.is_empty() {
            break;
        }
        assert!(said.starts_with("BUSY"), "{said}");
        assert!(started.elapsed() < DEADLINE, "名额一直没有还回来");
        thread::sleep(Duration::from_millis(5));
    }
    entered
        .recv_timeout(DEADLINE)
        .expect("名额归还后，下一个连接得到处理");
    release.send(()).unwrap();
    with_deadline("shutdown", move || {
        server.shutdown();
        server.server_close();
        serving.join().unwrap().unwrap();
    });
}

#[test]
fn a_panicking_handler_gives_its_slot_back() {
    let log = Log::default();
    let (tx, errors) = mpsc::channel();
    // 只有 1 个名额：处理器 panic 以后名额要是没还，后面的连接就全被拒绝了。
    let server = Arc::new(
        ThreadingTcpServer::bind("127.0.0.1:0", recorder(&log, "ok"))
            .unwrap()
            .with_policy(Policy::new(Duration::from_secs(30), 1, 1))
            .with_error_handler(error_hook(tx)),
    );
    let s = Arc::clone(&server);
    let serving = thread::spawn(move || s.serve_forever(POLL));
    let addr = server.server_address();
    // 上一个处理线程收尾（连接关闭之后）才归还名额：紧接着来的连接可能还会被拒绝，等一等就好。
    let talk_when_free = |line: &str| {
        let started = std::time::Instant::now();
        loop {
            let reply = talk(addr, line);
            if !reply.starts_with("服务端忙") {
                return reply;
            }
            assert!(started.elapsed() < DEADLINE, "名额一直没有还回来：{reply}");
            thread::sleep(Duration::from_millis(5));
        }
    };
    for n in 1..=3 {
        assert_eq!(talk_when_free("panic"), "");
        wait_until("panic 的处理器报告了错误", || {
            matches!(errors.try_recv(), Ok((Stage::Handle, _)))
        });
        assert_eq!(log_of(&log).iter().filter(|s| *s == "finish").count(), n);
    }
    assert_eq!(talk_when_free("之后"), "Your msg=之后\n");
    with_deadline("shutdown", move || {
        server.shutdown();
        server.server_close();
        serving.join().unwrap().unwrap();
    });
}
