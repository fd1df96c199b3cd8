//! 一个只用标准库写成的小 socketserver，名字尽量沿用 Python 的。
//!
//! Python 的 `socketserver` 把每个服务端都要写的那几件事——接受连接的循环、每个连接一个线程、
//! 出错后的清理、停下来的办法——写好了一次，我们只需写“拿到一个连接后做什么”（请求处理器）。
//! 这里用 Rust 把同样的结构再搭一遍：
//!
//! ```text
//! Python                                   这里
//! BaseRequestHandler（setup/handle/finish）  trait BaseRequestHandler
//! StreamRequestHandler（rfile/wfile）        struct StreamRequestHandler（组合进你的处理器）
//! TCPServer / UDPServer                    TcpServer / UdpServer
//! ThreadingMixIn                           ThreadingMixIn（类型参数）
//! ThreadingTCPServer                       ThreadingTcpServer = BaseServer<TcpTransport, ThreadingMixIn>
//! RequestHandlerClass(request, addr, srv)  工厂函数 Fn(request, client_address, server) -> io::Result<H>
//! self.request（TCP 的套接字）              Connection：读写像套接字，但受服务端的限制
//! ```
//!
//! Python 的 `socketserver` 没有的一样东西：每个 TCP 服务端默认就有第 04 课讲的那套限制
//! （`support::serve`）：连接上限（同一个地址最多占一半名额，多出来的连接收到一句“服务端忙”），
//! 空闲超时和最低速率（每个连接包在 `Guarded` 里，一整次收发都有期限），accept 出错后退避、
//! 同一阵错误只报告一次，开不了处理线程只拒绝那一个连接。`with_policy` 换数值，`with_refusal`
//! 换拒绝时说的话；处理器的写法不变。

use std::any::Any;
use std::fmt;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::marker::PhantomData;
use std::net::{
    IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs,
    UdpSocket,
};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle, ThreadId};
use std::time::Duration;

use support::serve::{Backoff, Guarded, Policy, Refusal, Slot, Slots};

// ANCHOR: handler_trait
/// 请求处理器：每来一个请求（TCP 的一个连接、UDP 的一个数据报）就新建一个，
/// 服务端依次调用 `setup` → `handle` → `finish`。
///
/// 约定与 Python 相同：`setup` 失败时 `handle` 和 `finish` 都不调用；
/// `setup` 成功后，不论 `handle` 正常返回、返回错误还是 panic，`finish` 都会被调用。
pub trait BaseRequestHandler {
    /// 每个连接的准备工作，比如设置超时、打开日志。默认什么也不做。
    fn setup(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// 处理这个请求：读对方发来的数据，写回复。必须实现。
    fn handle(&mut self) -> io::Result<()>;

    /// 每个连接的收尾工作，比如把缓冲区里的字节发出去、记一笔日志。默认什么也不做。
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}
// ANCHOR_END: handler_trait

/// 出问题的是哪一步。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// 接受连接（或接收数据报）时。
    Accept,
    /// 为请求启动处理线程时。
    Spawn,
    /// 用工厂函数创建处理器时。
    Make,
    Setup,
    Handle,
    Finish,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Accept => "接受连接",
            Stage::Spawn => "启动处理线程",
            Stage::Make => "创建处理器",
            Stage::Setup => "setup()",
            Stage::Handle => "handle()",
            Stage::Finish => "finish()",
        })
    }
}

/// 出了什么问题：返回了错误，还是 panic 了；或者是服务端按规矩拒绝了一个连接、accept 恢复了正常。
#[derive(Debug)]
pub enum Problem {
    Error(io::Error),
    Panic(String),
    /// 名额满了（或者开不了线程）：已经把原因告诉对方，连接已关闭。
    Refused(Refusal),
    /// 一阵 accept 错误过去了：这一阵连续失败了几次。
    Recovered(u64),
}

/// 处理一个请求时出的问题。服务端把它交给错误处理函数（Python 的 `handle_error`），然后继续服务。
#[derive(Debug)]
pub struct RequestError {
    /// 对方的地址；接受连接本身失败时还不知道是谁，为 `None`。
    pub client_address: Option<SocketAddr>,
    pub stage: Stage,
    pub problem: Problem,
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = match self.client_address {
            Some(addr) => format!("处理 {addr} 时 "),
            None => String::new(),
        };
        match (&self.problem, self.stage) {
            (Problem::Refused(why), _) => {
                let addr = self
                    .client_address
                    .map(|a| a.to_string())
                    .unwrap_or_default();
                return write!(f, "拒绝了 {addr}：{}；服务端继续运行", why.message());
            }
            (Problem::Recovered(n), _) => {
                return write!(f, "接受连接恢复正常（这一阵连续失败了 {n} 次）");
            }
            (Problem::Error(err), Stage::Accept) => {
                // accept 失败的那个连接还在积压队列里，马上重试只会马上再失败（比如文件描述符用完了）。
                return write!(
                    f,
                    "{who}接受连接出错：{err}；稍后重试（等待从 {} 毫秒起逐步加长，最多 {} 秒），\
                     这一阵的错误不再逐条报告，服务端继续运行",
                    Backoff::FIRST.as_millis(),
                    Backoff::MAX.as_secs()
                );
            }
            // 读写超时（空闲超时、最低速率）：说成人话，而不是系统的原文（Linux 上是 os error 11）。
            (Problem::Error(err), _) if support::is_timeout(err) => write!(
                f,
                "{who}{} 超时：对方太久没有动静，或者收发太慢",
                self.stage
            )?,
            (Problem::Error(err), _) => write!(f, "{who}{} 出错：{err}", self.stage)?,
            (Problem::Panic(msg), _) => write!(f, "{who}{} panic 了：{msg}", self.stage)?,
        }
        let after = match self.stage {
            Stage::Accept | Stage::Spawn => "；服务端继续运行",
            Stage::Make | Stage::Setup => {
                "；没有调用 handle() 和 finish()，连接已关闭，服务端继续运行"
            }
            Stage::Handle => "；finish() 已照常运行，连接已关闭，服务端继续运行",
            Stage::Finish => "；连接已关闭，服务端继续运行",
        };
        f.write_str(after)
    }
}

/// 把 panic 携带的值变成文字（`panic!` 的参数通常是 `&str` 或 `String`）。
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "（panic 携带的不是文字）".to_string()
    }
}

type Factory<R> =
    dyn Fn(R, SocketAddr, ServerHandle) -> io::Result<Box<dyn BaseRequestHandler>> + Send + Sync;
type ErrorHook = dyn Fn(&RequestError) + Send + Sync;

// ANCHOR: call_order
/// 为一个请求创建处理器并按 setup → handle → finish 的顺序调用它。
///
/// 这就是 Python `BaseRequestHandler.__init__` 里那段 `setup(); try: handle() finally: finish()`。
/// 每一步都包在 `catch_unwind` 里：处理器 panic 只结束这一个请求，不会带走整个服务端。
fn run_handler<R>(
    factory: &Factory<R>,
    request: R,
    client_address: SocketAddr,
    server: ServerHandle,
    on_error: &ErrorHook,
) {
    let report = |stage, problem| {
        on_error(&RequestError {
            client_address: Some(client_address),
            stage,
            problem,
        })
    };
    let mut handler = match catch(|| factory(request, client_address, server)) {
        Ok(handler) => handler,
        Err(problem) => return report(Stage::Make, problem),
    };
    if let Err(problem) = catch(|| handler.setup()) {
        // 准备都没做好，就不该处理，也没有什么要收尾：handle 和 finish 都不调用。
        return report(Stage::Setup, problem);
    }
    let handled = catch(|| handler.handle());
    // 不管 handle 是正常返回、返回了错误还是 panic 了，finish 都要运行（Python 的 finally）。
    let finished = catch(|| handler.finish());
    if let Err(problem) = handled {
        report(Stage::Handle, problem);
    }
    if let Err(problem) = finished {
        report(Stage::Finish, problem);
    }
    // 这里 handler 被丢弃，它拥有的套接字随之关闭，对方读到 EOF。
}

/// 运行一步，把“返回错误”和“panic”都变成 `Problem`。
fn catch<T>(step: impl FnOnce() -> io::Result<T>) -> Result<T, Problem> {
    match panic::catch_unwind(AssertUnwindSafe(step)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(Problem::Error(err)),
        Err(payload) => Err(Problem::Panic(panic_message(payload.as_ref()))),
    }
}
// ANCHOR_END: call_order

/// 服务端默认的错误处理：向标准错误打印一行中文（Python 的 `handle_error` 打印整段 traceback）。
fn print_error(err: &RequestError) {
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "{err}");
}

/// 锁住互斥量；就算另一个线程拿着锁时 panic 了（锁“中毒”），里面的数据也还能用。
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

// ANCHOR: handle
/// 服务端的“遥控器”：可以复制，交给别的线程或处理器，用来叫服务端停下。
/// 处理器通过它拿到 Python 里的 `self.server`。
#[derive(Clone)]
pub struct ServerHandle {
    control: Arc<Control>,
}

struct Control {
    address: SocketAddr,
    /// Python 的 `__shutdown_request`：serve_forever 每一轮都看一眼。
    shutdown_request: AtomicBool,
    /// 正在运行 serve_forever 的线程；没有在服务时为 `None`。
    serving: Mutex<Option<ThreadId>>,
    /// serve_forever 结束时通知等在 shutdown() 里的线程（Python 的 `__is_shut_down` 事件）。
    stopped: Condvar,
}
// ANCHOR_END: handle

/// 打印出来只看得到地址，就像 Python 打印 `self.server` 时看到的是一个对象。
impl fmt::Debug for ServerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerHandle")
            .field("server_address", &self.control.address)
            .finish()
    }
}

impl ServerHandle {
    fn new(address: SocketAddr) -> ServerHandle {
        ServerHandle {
            control: Arc::new(Control {
                address,
                shutdown_request: AtomicBool::new(false),
                serving: Mutex::new(None),
                stopped: Condvar::new(),
            }),
        }
    }

    /// 服务端真正绑定到的地址（Python 的 `server.server_address`）。
    pub fn server_address(&self) -> SocketAddr {
        self.control.address
    }

    // ANCHOR: shutdown
    /// 叫 `serve_forever` 停下，并等到它真的停下才返回。
    ///
    /// 和 Python 一样，停止请求会一直留着：在 `serve_forever` 开始之前调用，它一开始就会停。
    /// 和 Python 不同的是，在运行 `serve_forever` 的那个线程里调用（比如同步服务端的处理器里）
    /// 不会死锁：等自己是等不到的，所以这时只留下停止请求就返回，当前请求处理完后循环就结束。
    pub fn shutdown(&self) {
        let control = &self.control;
        control.shutdown_request.store(true, Ordering::SeqCst);
        let mut serving = lock(&control.serving);
        if *serving == Some(thread::current().id()) {
            return;
        }
        while serving.is_some() {
            serving = control
                .stopped
                .wait(serving)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }
    // ANCHOR_END: shutdown
}

/// serve_forever 不管怎样结束（包括 panic），都要清掉“正在服务”的标记并叫醒 shutdown()。
struct ServingGuard<'a> {
    control: &'a Control,
}

impl Drop for ServingGuard<'_> {
    fn drop(&mut self) {
        let mut serving = lock(&self.control.serving);
        self.control.shutdown_request.store(false, Ordering::SeqCst);
        *serving = None;
        self.control.stopped.notify_all();
    }
}

/// 服务端从哪里拿请求：TCP 是接受连接，UDP 是收数据报。
pub trait Transport: Send + Sync + 'static {
    /// 交给处理器的“请求”：TCP 是连接，UDP 是数据报加上用来回复的套接字。
    type Request: Send + 'static;
    fn local_addr(&self) -> SocketAddr;
    /// 最多等 `timeout`（`None` 表示一直等）拿到一个请求；等不到返回 `Ok(None)`。
    fn get_request(&self, timeout: Option<Duration>)
        -> io::Result<Option<Incoming<Self::Request>>>;
    /// 换掉服务端的限制（连接上限、空闲超时、最低速率）。没有连接的传输方式（UDP）不用它。
    fn set_policy(&mut self, _policy: &Policy) {}
    /// 开不了处理线程时用来告诉对方原因的东西（在交出请求之前先备一份）；UDP 没有什么可说的。
    fn spare(&self, _request: &Self::Request) -> Option<Box<dyn FnOnce(Refusal) + Send>> {
        None
    }
    /// 这个请求占着的名额（的一份）：处理器运行期间由框架拿着，所以名额要等处理器结束、
    /// 连接也关了才归还——处理器早早丢掉连接，它的线程也还占着服务端的资源。
    fn hold(&self, _request: &Self::Request) -> Option<Box<dyn Send>> {
        None
    }
    /// 不再接收新的请求，释放端口。可以调用多次。
    fn close(&self);
    fn is_closed(&self) -> bool;
}

/// `get_request` 拿到的东西：一个请求，或者一件要报告的事。
#[derive(Debug)]
pub enum Incoming<R> {
    Request(R, SocketAddr),
    /// 来了一个连接，但没有交给处理器：拒绝了它（名额满了），或者准备它时出了错。它已经关闭。
    TurnedAway(RequestError),
    /// 接受连接出错。同一阵错误只有第一个到这里，后面的只让接受连接的线程歇得更久。
    Failed(io::Error),
    /// 一阵接受连接的错误过去了：这一阵连续失败了几次。
    Recovered(u64),
}

/// 怎样处理一个请求：在 serve_forever 的线程里直接处理，还是每个请求一个新线程。
pub trait Concurrency: Send + Sync + 'static {
    const THREAD_PER_REQUEST: bool;
}

/// 同步处理：一次只处理一个请求，处理完才接受下一个（Python 的 `TCPServer`）。
pub struct Synchronous;
impl Concurrency for Synchronous {
    const THREAD_PER_REQUEST: bool = false;
}

/// 每个请求一个线程（Python 的 `ThreadingMixIn`）。
pub struct ThreadingMixIn;
impl Concurrency for ThreadingMixIn {
    const THREAD_PER_REQUEST: bool = true;
}

// ANCHOR: aliases
/// 一次服务一个连接的 TCP 服务端。
pub type TcpServer = BaseServer<TcpTransport, Synchronous>;
/// 每个连接一个线程的 TCP 服务端：`class ThreadingTCPServer(ThreadingMixIn, TCPServer)`。
pub type ThreadingTcpServer = BaseServer<TcpTransport, ThreadingMixIn>;
/// 一次处理一个数据报的 UDP 服务端。
pub type UdpServer = BaseServer<UdpTransport, Synchronous>;
/// 每个数据报一个线程的 UDP 服务端。
pub type ThreadingUdpServer = BaseServer<UdpTransport, ThreadingMixIn>;
// ANCHOR_END: aliases

// ANCHOR: default_policy
/// 没有另外设定时，每个服务端的限制：`support` 的默认值，和第 04 课以后的程序一样——
/// 30 秒不收不发、或者收发平均每秒不到 16 KiB 就断开，最多同时 64 个连接，同一个地址最多 32 个。
pub fn default_policy() -> Policy {
    Policy::new(
        Duration::from_secs(support::serve::DEFAULT_IDLE_SECS),
        support::pace::MIN_RATE,
        support::serve::DEFAULT_MAX_CONNECTIONS as usize,
    )
}
// ANCHOR_END: default_policy

/// 所有服务端共同的部分（Python 的 `BaseServer`）。
pub struct BaseServer<T: Transport, C: Concurrency> {
    transport: T,
    factory: Arc<Factory<T::Request>>,
    on_error: Arc<ErrorHook>,
    control: ServerHandle,
    threads: Mutex<Vec<JoinHandle<()>>>,
    started: AtomicU64,
    timeout: Option<Duration>,
    policy: Policy,
    _concurrency: PhantomData<C>,
}

impl<T: Transport, C: Concurrency> BaseServer<T, C> {
    fn with_transport<F, H>(mut transport: T, factory: F) -> BaseServer<T, C>
    where
        F: Fn(T::Request, SocketAddr, ServerHandle) -> io::Result<H> + Send + Sync + 'static,
        H: BaseRequestHandler + 'static,
    {
        let control = ServerHandle::new(transport.local_addr());
        let factory: Arc<Factory<T::Request>> = Arc::new(move |request, addr, server| {
            factory(request, addr, server).map(|h| Box::new(h) as Box<dyn BaseRequestHandler>)
        });
        let policy = default_policy();
        transport.set_policy(&policy);
        BaseServer {
            transport,
            factory,
            on_error: Arc::new(print_error),
            control,
            threads: Mutex::new(Vec::new()),
            started: AtomicU64::new(0),
            timeout: None,
            policy,
            _concurrency: PhantomData,
        }
    }

    /// `handle_request` 最多等多久（Python 的 `server.timeout`）；`None`（默认）表示一直等。
    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// 换掉默认的错误处理（默认向标准错误打印一行中文），相当于在 Python 里重写 `handle_error`。
    pub fn with_error_handler(
        mut self,
        hook: impl Fn(&RequestError) + Send + Sync + 'static,
    ) -> Self {
        self.on_error = Arc::new(hook);
        self
    }

    /// 换掉默认的限制（[`default_policy`]），比如用命令行的 `--idle-timeout`、`--min-rate`、
    /// `--max-connections`（`support::cli::Limits::policy()`）。要在 serve_forever 之前调用。
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.transport.set_policy(&policy);
        self.policy = policy;
        self
    }

    /// 这个服务端的限制。
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// 真正绑定到的地址。
    pub fn server_address(&self) -> SocketAddr {
        self.control.server_address()
    }

    /// 一个可以交给别的线程的遥控器，用来调用 `shutdown()`。
    pub fn shutdown_handle(&self) -> ServerHandle {
        self.control.clone()
    }

    /// 叫 `serve_forever` 停下，等它停下后返回。见 [`ServerHandle::shutdown`]。
    pub fn shutdown(&self) {
        self.control.shutdown();
    }

    // ANCHOR: serve_forever
    /// 一直服务，直到有人调用 `shutdown()`。
    ///
    /// 每次最多等 `poll_interval` 拿新请求：等到了就处理，等不到也会回到循环开头，
    /// 看看是否有人叫停——所以叫停最多晚 `poll_interval` 生效，而空闲时也不会空转。
    pub fn serve_forever(&self, poll_interval: Duration) -> io::Result<()> {
        let control = &self.control.control;
        {
            let mut serving = lock(&control.serving);
            if serving.is_some() {
                return Err(io::Error::other(
                    "这个服务端已经在另一个线程里运行 serve_forever 了",
                ));
            }
            *serving = Some(thread::current().id());
        }
        let _guard = ServingGuard { control };
        // 等 0 秒等于不等，循环就会空转，所以至少等 1 毫秒。
        let poll_interval = poll_interval.max(Duration::from_millis(1));
        // 传输方式自己报告不了的错误（比如 UDP 收数据报出错）：同样退避，同一阵只报告一次。
        let mut backoff = Backoff::default();
        while !control.shutdown_request.load(Ordering::SeqCst) {
            match self.transport.get_request(Some(poll_interval)) {
                Ok(Some(incoming)) => {
                    if let Some(n) = backoff.succeeded() {
                        self.report(None, Stage::Accept, Problem::Recovered(n));
                    }
                    match incoming {
                        Incoming::Request(request, client_address) => {
                            self.process_request(request, client_address)
                        }
                        Incoming::TurnedAway(err) => (self.on_error)(&err),
                        Incoming::Failed(err) => {
                            self.report(None, Stage::Accept, Problem::Error(err))
                        }
                        Incoming::Recovered(n) => {
                            self.report(None, Stage::Accept, Problem::Recovered(n))
                        }
                    }
                }
                Ok(None) => {} // 这一轮没有新请求：回到开头看看有没有人叫停。
                Err(_) if self.transport.is_closed() => break,
                Err(err) => {
                    let (wait, first) = backoff.failed();
                    if first {
                        self.report(None, Stage::Accept, Problem::Error(err));
                    }
                    thread::sleep(wait);
                }
            }
        }
        Ok(())
    }
    // ANCHOR_END: serve_forever

    // ANCHOR: handle_request
    /// 只处理一个请求：等一个请求（最多等 `with_timeout` 设的时间），处理它，然后返回。
    /// 处理了一个请求（或者按规矩拒绝了一个连接）返回 `Ok(true)`，等超时了返回 `Ok(false)`
    /// （Python 在这里调用 `handle_timeout`）。
    pub fn handle_request(&self) -> io::Result<bool> {
        loop {
            match self.transport.get_request(self.timeout)? {
                Some(Incoming::Request(request, client_address)) => {
                    self.process_request(request, client_address);
                    return Ok(true);
                }
                Some(Incoming::TurnedAway(err)) => {
                    (self.on_error)(&err);
                    return Ok(true);
                }
                Some(Incoming::Failed(err)) => return Err(err),
                // 只是一条消息（accept 恢复了）：报告它，接着等请求。
                Some(Incoming::Recovered(n)) => {
                    self.report(None, Stage::Accept, Problem::Recovered(n))
                }
                None => return Ok(false),
            }
        }
    }
    // ANCHOR_END: handle_request

    // ANCHOR: process_request
    /// 处理一个请求：同步服务端就在当前线程里处理；`ThreadingMixIn` 为它启动一个新线程。
    fn process_request(&self, request: T::Request, client_address: SocketAddr) {
        // 线程开不出来时，job 连同里面的连接一起被丢弃；先备一份，好告诉对方为什么。
        let spare = if C::THREAD_PER_REQUEST {
            self.transport.spare(&request)
        } else {
            None
        };
        let held = self.transport.hold(&request);
        let factory = Arc::clone(&self.factory);
        let on_error = Arc::clone(&self.on_error);
        let server = self.control.clone();
        let job = move || {
            run_handler(&*factory, request, client_address, server, &*on_error);
            drop(held);
        };
        if !C::THREAD_PER_REQUEST {
            return job();
        }
        let number = self.started.fetch_add(1, Ordering::Relaxed) + 1;
        match thread::Builder::new()
            .name(format!("处理-{number}"))
            .spawn(job)
        {
            Ok(thread) => {
                drop(spare);
                let mut threads = lock(&self.threads);
                // 顺手收掉已经结束的线程，列表就不会随着连接数一直变长。
                let (done, running): (Vec<_>, Vec<_>) =
                    threads.drain(..).partition(|t| t.is_finished());
                for t in done {
                    let _ = t.join();
                }
                *threads = running;
                threads.push(thread);
            }
            // 线程没启动起来：只拒绝这一个连接（告诉对方“服务端忙”，连接关闭，名额归还），服务端照常运行。
            Err(err) => {
                self.report(Some(client_address), Stage::Spawn, Problem::Error(err));
                if let Some(tell) = spare {
                    tell(Refusal::NoThread);
                }
            }
        }
    }
    // ANCHOR_END: process_request

    // ANCHOR: server_close
    /// 关闭服务端：不再接受连接、释放端口，并等所有处理线程结束
    /// （Python 3.7 起 `ThreadingMixIn.server_close` 也会等它的线程）。
    pub fn server_close(&self) {
        self.transport.close();
        let threads = std::mem::take(&mut *lock(&self.threads));
        for thread in threads {
            let _ = thread.join();
        }
    }
    // ANCHOR_END: server_close

    fn report(&self, client_address: Option<SocketAddr>, stage: Stage, problem: Problem) {
        (self.on_error)(&RequestError {
            client_address,
            stage,
            problem,
        });
    }
}

impl<C: Concurrency> BaseServer<TcpTransport, C> {
    /// 绑定 `addr` 并准备好服务（Python 的 `TCPServer(server_address, RequestHandlerClass)`）。
    pub fn bind<F, H>(addr: impl ToSocketAddrs, factory: F) -> io::Result<Self>
    where
        F: Fn(Connection, SocketAddr, ServerHandle) -> io::Result<H> + Send + Sync + 'static,
        H: BaseRequestHandler + 'static,
    {
        Self::from_listener(TcpListener::bind(addr)?, factory)
    }

    /// 用一个已经绑定好的监听套接字建服务端（程序里用 `support::bind` 得到更好的错误信息）。
    pub fn from_listener<F, H>(listener: TcpListener, factory: F) -> io::Result<Self>
    where
        F: Fn(Connection, SocketAddr, ServerHandle) -> io::Result<H> + Send + Sync + 'static,
        H: BaseRequestHandler + 'static,
    {
        Ok(Self::with_transport(TcpTransport::new(listener)?, factory))
    }

    /// 换掉拒绝连接时对对方说的话。默认写一句 [`Refusal::message`]，不加换行
    /// （和教程协议的回复一样）；别的协议按自己的样子写（一行、一个帧……）。
    pub fn with_refusal(
        mut self,
        refuse: impl Fn(&mut dyn Write, Refusal) + Send + Sync + 'static,
    ) -> Self {
        self.transport.refuse = Arc::new(refuse);
        self
    }
}

impl<C: Concurrency> BaseServer<UdpTransport, C> {
    /// 绑定 `addr` 并准备好服务（Python 的 `UDPServer(server_address, RequestHandlerClass)`）。
    pub fn bind<F, H>(addr: impl ToSocketAddrs, factory: F) -> io::Result<Self>
    where
        F: Fn(UdpRequest, SocketAddr, ServerHandle) -> io::Result<H> + Send + Sync + 'static,
        H: BaseRequestHandler + 'static,
    {
        Self::from_socket(UdpSocket::bind(addr)?, factory)
    }

    /// 用一个已经绑定好的 UDP 套接字建服务端。
    pub fn from_socket<F, H>(socket: UdpSocket, factory: F) -> io::Result<Self>
    where
        F: Fn(UdpRequest, SocketAddr, ServerHandle) -> io::Result<H> + Send + Sync + 'static,
        H: BaseRequestHandler + 'static,
    {
        Ok(Self::with_transport(UdpTransport::new(socket)?, factory))
    }
}

type RefuseHook = dyn Fn(&mut dyn Write, Refusal) + Send + Sync;

/// 默认的拒绝：写一句原因，不加换行。
fn say_refusal(stream: &mut dyn Write, why: Refusal) {
    let _ = stream.write_all(why.message().as_bytes());
}

// ANCHOR: tcp_transport
/// TCP：接受连接。
///
/// 标准库的 `accept` 没有超时，会一直等下去；而 serve_forever 需要“最多等 poll_interval”。
/// 所以由一个专门的线程阻塞在 `accept` 上，把接到的连接交给通道，
/// serve_forever 用 `recv_timeout(poll_interval)` 从通道里取——这就是一个带超时的 accept，
/// 起到 Python 里 `selector.select(poll_interval)` 的作用，而且没有空转。
///
/// 通道的容量是 0：接受线程手里的连接没被取走，它就不去 accept 下一个。服务端忙不过来时，
/// 新连接留在内核的积压队列里，队列满了内核就不再完成新的握手——这就是背压。
/// 无界的通道会把积压队列抽干，连接全堆进程序里，对方还以为已经有人在服务它。
pub struct TcpTransport {
    address: SocketAddr,
    incoming: Mutex<Option<Receiver<Accepted>>>,
    closing: Arc<AtomicBool>,
    acceptor: Mutex<Option<JoinHandle<()>>>,
    policy: Policy,
    slots: Arc<Slots>,
    refuse: Arc<RefuseHook>,
}

/// 接受连接的线程交给 serve_forever 的东西。
enum Accepted {
    Conn(TcpStream, SocketAddr),
    /// 一阵错误里的第一个。
    Failed(io::Error),
    /// 一阵错误过去了，连续失败了几次。
    Recovered(u64),
}

impl TcpTransport {
    fn new(listener: TcpListener) -> io::Result<TcpTransport> {
        let address = listener.local_addr()?;
        let (tx, rx) = mpsc::sync_channel(0);
        let closing = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&closing);
        let acceptor = thread::Builder::new()
            .name("接受连接".to_string())
            .spawn(move || accept_loop(listener, tx, flag))?;
        let policy = default_policy();
        Ok(TcpTransport {
            address,
            incoming: Mutex::new(Some(rx)),
            closing,
            acceptor: Mutex::new(Some(acceptor)),
            slots: Slots::new(&policy),
            policy,
            refuse: Arc::new(say_refusal),
        })
    }

    /// 给刚接受的连接一个名额，包上限制，交给处理器；名额满了就按规矩拒绝它。
    fn admit(&self, stream: TcpStream, addr: SocketAddr) -> Incoming<Connection> {
        let turned = |problem| {
            Incoming::TurnedAway(RequestError {
                client_address: Some(addr),
                stage: Stage::Accept,
                problem,
            })
        };
        let slot = match self.slots.acquire(addr.ip()) {
            Ok(slot) => slot,
            Err(why) => {
                turn_away(&stream, &self.policy, &*self.refuse, why);
                return turned(Problem::Refused(why));
            }
        };
        match Connection::admitted(stream, &self.policy, Some(slot)) {
            Ok(conn) => Incoming::Request(conn, addr),
            Err(err) => turned(Problem::Error(err)),
        }
    }
}

fn accept_loop(listener: TcpListener, tx: SyncSender<Accepted>, closing: Arc<AtomicBool>) {
    let mut backoff = Backoff::default();
    loop {
        let accepted = listener.accept();
        if closing.load(Ordering::SeqCst) {
            // server_close 为了叫醒我们连了自己一下；之后来的连接也一律不收。
            // 函数返回时 listener 被丢弃，端口随之释放。
            return;
        }
        let event = match accepted {
            Ok((stream, addr)) => {
                if let Some(n) = backoff.succeeded() {
                    if tx.send(Accepted::Recovered(n)).is_err() {
                        return;
                    }
                }
                Accepted::Conn(stream, addr)
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => {
                // 比如文件描述符用完了：那个连接还在积压队列里，马上再 accept 只会马上再失败。
                // 歇一会儿再试，越歇越久（最多 1 秒）；这一阵只把第一个错误交出去报告。
                let (wait, first) = backoff.failed();
                if first && tx.send(Accepted::Failed(err)).is_err() {
                    return;
                }
                thread::sleep(wait);
                continue;
            }
        };
        // 等 serve_forever 取走它才回去 accept 下一个；通道关了（server_close）就退出。
        if tx.send(event).is_err() {
            return;
        }
    }
}

/// 拒绝一个连接：写一句话也有时间限制，对方不读也卡不住服务端。写完先半关闭，
/// 对方读完这句话就读到 EOF；然后连接被丢弃。
fn turn_away(stream: &TcpStream, policy: &Policy, refuse: &RefuseHook, why: Refusal) {
    let quick = policy.idle.min(Duration::from_secs(1));
    let _ = stream.set_write_timeout(Some(quick));
    let mut writer = stream;
    refuse(&mut writer, why);
    let _ = stream.shutdown(Shutdown::Write);
}
// ANCHOR_END: tcp_transport

impl Transport for TcpTransport {
    type Request = Connection;

    fn local_addr(&self) -> SocketAddr {
        self.address
    }

    fn get_request(&self, timeout: Option<Duration>) -> io::Result<Option<Incoming<Connection>>> {
        let got = {
            let incoming = lock(&self.incoming);
            let Some(rx) = incoming.as_ref() else {
                return Err(closed_error());
            };
            match timeout {
                Some(t) => rx.recv_timeout(t),
                None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            }
        };
        match got {
            Ok(Accepted::Conn(stream, addr)) => Ok(Some(self.admit(stream, addr))),
            Ok(Accepted::Failed(err)) => Ok(Some(Incoming::Failed(err))),
            Ok(Accepted::Recovered(n)) => Ok(Some(Incoming::Recovered(n))),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(closed_error()),
        }
    }

    fn set_policy(&mut self, policy: &Policy) {
        self.policy = policy.clone();
        self.slots = Slots::new(policy);
    }

    /// 备一份连接（只是多一个指向它的句柄，不多占文件描述符）：线程开不出来时，
    /// job 里的那份被丢弃，这一份还能用来告诉对方“服务端忙”，然后连接关闭、名额归还。
    fn hold(&self, request: &Connection) -> Option<Box<dyn Send>> {
        let slot = request.shared.slot.clone()?;
        Some(Box::new(slot))
    }

    fn spare(&self, request: &Connection) -> Option<Box<dyn FnOnce(Refusal) + Send>> {
        let conn = request.clone();
        let policy = self.policy.clone();
        let refuse = Arc::clone(&self.refuse);
        Some(Box::new(move |why| {
            conn.stream(|s| turn_away(s, &policy, &*refuse, why))
        }))
    }

    fn close(&self) {
        if self.closing.swap(true, Ordering::SeqCst) {
            return;
        }
        // 接受连接的线程可能阻塞在 accept 上：连自己一下把它叫醒，它看到 closing 就退出。
        let woke =
            TcpStream::connect_timeout(&wake_address(self.address), Duration::from_secs(2)).is_ok();
        // 它也可能拿着一个连接等在 send 上：关掉通道，send 失败，它就退出。
        // 那个已经接受、还没来得及处理的连接随之丢弃：对方读到连接关闭，而不是一直等。
        drop(lock(&self.incoming).take());
        if let Some(acceptor) = lock(&self.acceptor).take() {
            // 万一叫不醒（极少见，比如文件描述符正好用完），就不等它：它会在下一次 accept 返回时退出。
            if woke {
                let _ = acceptor.join();
            }
        }
    }

    fn is_closed(&self) -> bool {
        self.closing.load(Ordering::SeqCst)
    }
}

impl Drop for TcpTransport {
    fn drop(&mut self) {
        self.close();
    }
}

/// 监听在 `0.0.0.0` / `[::]` 上时，连本机回环地址来叫醒 accept。
fn wake_address(addr: SocketAddr) -> SocketAddr {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port())
}

fn closed_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "服务端已经关闭（调用过 server_close）",
    )
}

// ANCHOR: connection
/// 处理器拿到的 TCP 连接（Python 的 `self.request`）。读写和 `TcpStream` 一样（`Read`、`Write`），
/// 但每一次读写都经过 `support::serve::Guarded`：空闲超时和最低速率按整个连接记账，
/// 一整次 `write_all`、一整次 `read_line` 都有期限，而不只是其中的每一次系统调用。
///
/// 可以 `clone`：几份指向同一个连接、同一本账（`StreamRequestHandler` 的 `rfile` 和 `wfile` 就是这样）。
/// 最后一份被丢弃时连接关闭；它占的名额等处理器也结束了才归还。
#[derive(Clone)]
pub struct Connection {
    shared: Arc<Shared>,
}

struct Shared {
    /// 读写都经过它。同一时间只有一个线程在用这个连接（处理器只有一个线程），锁不会有人争。
    /// 不另外 `try_clone` 一个句柄：那要多占一个文件描述符，描述符快用完时，刚接受的连接会因此被丢掉。
    guarded: Mutex<Guarded>,
    /// 名额。框架在处理器运行期间另拿着一份（`Transport::hold`）：连接关了、处理器也结束了，才归还。
    slot: Option<Arc<Slot>>,
}

impl Connection {
    /// 给一个连接套上 `policy` 的空闲超时和最低速率（不占名额：服务端以外的代码和测试用）。
    pub fn new(stream: TcpStream, policy: &Policy) -> io::Result<Connection> {
        Connection::admitted(stream, policy, None)
    }

    fn admitted(stream: TcpStream, policy: &Policy, slot: Option<Slot>) -> io::Result<Connection> {
        Ok(Connection {
            shared: Arc::new(Shared {
                guarded: Mutex::new(Guarded::new(stream, policy.idle, policy.min_rate)?),
                slot: slot.map(Arc::new),
            }),
        })
    }

    fn stream<T>(&self, f: impl FnOnce(&TcpStream) -> T) -> T {
        f(lock(&self.shared.guarded).inner())
    }

    /// 重新开始计时：期限回到“现在 + 空闲超时”。协议里有“一条消息”的边界时，
    /// 开始等下一条消息之前调用它；不调用，就是整个连接平均下来要够快。
    pub fn restart(&self) {
        lock(&self.shared.guarded).restart();
    }

    /// 半关闭或全关闭（`Shutdown::Write` 告诉对方“我说完了”）。
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.stream(|s| s.shutdown(how))
    }

    /// 对方的地址。
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream(TcpStream::peer_addr)
    }

    /// 本机这一端的地址。
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream(TcpStream::local_addr)
    }
}
// ANCHOR_END: connection

impl Read for Connection {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self).read(buf)
    }
}

impl Read for &Connection {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        lock(&self.shared.guarded).read(buf)
    }
}

impl Write for Connection {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        (&*self).flush()
    }
}

impl Write for &Connection {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        lock(&self.shared.guarded).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        lock(&self.shared.guarded).flush()
    }
}

/// 打印出来和 `TcpStream` 一样：两端的地址和文件描述符（教程版打印 `self.request` 时看到的）。
impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.shared.guarded.try_lock() {
            Ok(guarded) => guarded.inner().fmt(f),
            // 另一个线程正拿着它读写：不等，只说一声。
            Err(_) => f.write_str("Connection { 正在读写 }"),
        }
    }
}

/// UDP 的“请求”：收到的数据报，加上用来回复的套接字（Python 里是 `(data, socket)`）。
pub struct UdpRequest {
    pub data: Vec<u8>,
    pub socket: UdpSocket,
}

/// UDP：收数据报。UDP 套接字本身就支持读超时，不需要额外的线程。
pub struct UdpTransport {
    socket: UdpSocket,
    address: SocketAddr,
    closed: AtomicBool,
}

impl UdpTransport {
    /// 一个数据报最多收这么多字节，多出的部分被截掉（Python 的 `max_packet_size` 也是 8192）。
    pub const MAX_PACKET_SIZE: usize = 8192;

    fn new(socket: UdpSocket) -> io::Result<UdpTransport> {
        Ok(UdpTransport {
            address: socket.local_addr()?,
            socket,
            closed: AtomicBool::new(false),
        })
    }
}

impl Transport for UdpTransport {
    type Request = UdpRequest;

    fn local_addr(&self) -> SocketAddr {
        self.address
    }

    fn get_request(&self, timeout: Option<Duration>) -> io::Result<Option<Incoming<UdpRequest>>> {
        if self.is_closed() {
            return Err(closed_error());
        }
        // 读超时不能是 0，所以至少 1 毫秒。
        self.socket
            .set_read_timeout(timeout.map(|t| t.max(Duration::from_millis(1))))?;
        let mut buf = vec![0; Self::MAX_PACKET_SIZE];
        match self.socket.recv_from(&mut buf) {
            Ok((n, addr)) => {
                buf.truncate(n);
                let socket = self.socket.try_clone()?;
                Ok(Some(Incoming::Request(
                    UdpRequest { data: buf, socket },
                    addr,
                )))
            }
            Err(err) if support::is_timeout(&err) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// UDP 没有连接可断；关闭后不再收数据报，套接字在服务端被丢弃时释放。
    fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }

    fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }
}

/// Python 的 `BaseRequestHandler` 在 `__init__` 里存下的三样东西：`self.request`（这个连接）、
/// `self.client_address`（对方地址）、`self.server`（服务端）。不包缓冲。
/// 处理器把它作为一个字段组合进来；要缓冲，用 [`StreamRequestHandler`]。
#[derive(Debug)]
pub struct BaseRequest {
    pub request: Connection,
    pub client_address: SocketAddr,
    pub server: ServerHandle,
}

impl BaseRequest {
    pub fn new(request: Connection, client_address: SocketAddr, server: ServerHandle) -> Self {
        BaseRequest {
            request,
            client_address,
            server,
        }
    }
}

// ANCHOR: stream_handler
/// 面向流的处理器的公共部分（Python 的 `StreamRequestHandler`）：
/// 把连接包成带缓冲的 `rfile`（读）和 `wfile`（写）。三者是同一个连接：
/// 服务端的空闲超时和最低速率对它们一起记账。
///
/// Rust 没有继承，所以你的处理器把它作为一个字段“组合”进来，
/// 在自己的 `setup`/`finish` 里调用它的 `setup`/`finish`——相当于 Python 的 `super().setup()`。
pub struct StreamRequestHandler {
    pub request: Connection,
    pub client_address: SocketAddr,
    pub server: ServerHandle,
    pub rfile: BufReader<Connection>,
    pub wfile: BufWriter<Connection>,
}

impl StreamRequestHandler {
    pub fn new(
        request: Connection,
        client_address: SocketAddr,
        server: ServerHandle,
    ) -> io::Result<Self> {
        // clone 只是多一个指向同一个连接的句柄：rfile 和 wfile 各拿一个。
        let rfile = BufReader::new(request.clone());
        let wfile = BufWriter::new(request.clone());
        Ok(StreamRequestHandler {
            request,
            client_address,
            server,
            rfile,
            wfile,
        })
    }

    /// rfile 和 wfile 在 `new` 里已经建好，这里没有别的要准备。
    pub fn setup(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// 把 wfile 里还没发出去的字节发出去。忘了 flush 的回复也不会丢。
    pub fn finish(&mut self) -> io::Result<()> {
        self.wfile.flush()
    }
}
// ANCHOR_END: stream_handler
