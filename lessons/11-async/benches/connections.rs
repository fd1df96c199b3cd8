//! 基准：每个连接一个线程（第 04 课）、tokio（这一课）、Python asyncio，同一次运行里并排量三件事：
//!
//! 1. 同时开着一万个连接：每个服务端撑不撑得住，占多少内存（RSS）、每个连接多少、有几个线程；
//! 2. 1000 个活跃的客户端不停地一问一答：每秒多少个来回，p50 和 p99 延迟；
//! 3. 只有 10 个客户端时的同样的数字（线程版在这里可能更快，照实写）。
//!
//! 运行：`cargo bench -p lesson-11`。三个服务端都是单独的进程（RSS 和线程数从 /proc 读），
//! 用的是同一个协议（Welcome! / Hello, <名字>!）；客户端都在这个进程里，是一个单线程的 tokio 运行时。
//! 这个进程先把自己的文件描述符上限提到硬上限，子进程跟着继承。
//!
//! 环境变量：`CONNECTIONS`（默认 10000）、`SECONDS`（每一轮一问一答量几秒，默认 3）、
//! `SVG`（把图写到这个文件，比如 book/src/bench/ch11-connections.svg）。

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use support::serve::Policy;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// 子进程扮演哪个服务端（同一个基准程序，换一个环境变量再启动自己）。
const ROLE: &str = "L11_BENCH_ROLE";

/// 基准里的限制放宽到碰不到：两万个连接，同一个地址也可以占满；空闲两分钟才断开。
fn policy() -> Policy {
    Policy {
        idle: Duration::from_secs(120),
        min_rate: 1,
        max_connections: 20_000,
        per_address: 20_000,
    }
}

fn serve_as(role: &str) {
    let listener = support::bind("127.0.0.1", 0).expect("绑定");
    let addr = listener.local_addr().unwrap();
    match role {
        "threads" => {
            support::announce("线程版", addr);
            lesson_04::threaded::serve_threaded(
                &listener,
                &policy(),
                Duration::ZERO,
                lesson_04::no_log,
            );
        }
        _ => {
            let shutdown = lesson_11::serve::Shutdown::new(Duration::from_secs(1), None);
            lesson_11::block_on(async {
                let listener = lesson_11::tokio_listener(listener).expect("交给 tokio");
                support::announce("tokio 版", addr);
                lesson_11::greet::serve_greet(
                    listener,
                    &policy(),
                    &shutdown,
                    lesson_11::greet::Sleep::Tokio,
                    Duration::ZERO,
                    lesson_11::no_log,
                )
                .await;
            })
            .expect("运行时");
        }
    }
}

/// 一个正在运行的服务端进程。
struct Server {
    name: &'static str,
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(name: &'static str, mut cmd: Command) -> Option<Server> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .ok()?;
    let mut out = BufReader::new(child.stdout.take()?);
    let mut first = String::new();
    out.read_line(&mut first).ok()?;
    let addr = support::parse_addr(&first)?;
    // 其余的输出（Python 版每个连接打印两行）一直读走，不然它写满管道就停下了。
    std::thread::spawn(move || {
        let mut sink = String::new();
        while out.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
            sink.clear();
        }
    });
    Some(Server { name, child, addr })
}

/// (RSS 字节, 线程数)，从 /proc/<pid>/status 读；不是 Linux 时量不到。
fn rss_and_threads(pid: u32) -> Option<(u64, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        text.lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    Some((field("VmRSS:")? * 1024, field("Threads:")?))
}

/// 把自己的文件描述符上限提到硬上限，返回提完以后的上限。
fn raise_fd_limit() -> u64 {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let Ok((_, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return 1024;
    };
    // 提不上去（比如硬上限是“无限”而系统不接受）也不要紧：下面按实际的上限来。
    let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
    // rlim_t 在有的系统上不是 u64。
    #[allow(clippy::unnecessary_cast)]
    getrlimit(Resource::RLIMIT_NOFILE).map_or(1024, |(soft, _)| soft as u64)
}

/// 连上并读到 Welcome!；失败返回 None。
async fn greeted(addr: SocketAddr) -> Option<TcpStream> {
    let work = async {
        let mut s = TcpStream::connect(addr).await.ok()?;
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).await.ok()?;
        (&buf[..n] == b"Welcome!").then_some(s)
    };
    tokio::time::timeout(Duration::from_secs(10), work)
        .await
        .ok()?
}

// ANCHOR: local
/// 开 `n` 个连接（最多 100 个同时在连），全部留着。返回留住的连接。
///
/// 这里的名额用 `Rc` 共享（不是 `Arc`）：`Rc` 不是 `Send`，这些任务不能交给 `tokio::spawn`，
/// 而是交给 `LocalSet::spawn_local`：它们只在当前这个线程上跑，用不着能搬到别的线程去。
async fn hold(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let gate = Rc::new(tokio::sync::Semaphore::new(100));
    let local = tokio::task::LocalSet::new();
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let gate = Rc::clone(&gate);
            local.spawn_local(async move {
                let _turn = gate.acquire().await.ok()?;
                greeted(addr).await
            })
        })
        .collect();
    local.await;
    let mut kept = Vec::new();
    for h in handles {
        if let Ok(Some(s)) = h.await {
            kept.push(s);
        }
    }
    kept
}
// ANCHOR_END: local

struct Trips {
    count: usize,
    p50: Duration,
    p99: Duration,
    failed: usize,
}

/// `clients` 个客户端同时不停地一问一答 `secs` 这么久。
async fn round_trips(addr: SocketAddr, clients: usize, secs: Duration) -> Trips {
    let streams = hold(addr, clients).await;
    let failed = clients - streams.len();
    let start = Instant::now() + Duration::from_millis(50);
    let end = start + secs;
    let local = tokio::task::LocalSet::new();
    let handles: Vec<_> = streams
        .into_iter()
        .map(|mut s| {
            local.spawn_local(async move {
                tokio::time::sleep_until(start.into()).await;
                let mut times = Vec::new();
                let mut buf = [0u8; 64];
                while Instant::now() < end {
                    let t = Instant::now();
                    if s.write_all(b"ping").await.is_err() {
                        break;
                    }
                    match s.read(&mut buf).await {
                        Ok(n) if n > 0 => times.push(t.elapsed()),
                        _ => break,
                    }
                }
                times
            })
        })
        .collect();
    local.await;
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.unwrap_or_default());
    }
    all.sort_unstable();
    let pick = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Trips {
        count: all.len(),
        p50: pick(0.50),
        p99: pick(0.99),
        failed,
    }
}

struct Row {
    name: &'static str,
    held: usize,
    wanted: usize,
    idle_rss: u64,
    rss: u64,
    threads: u64,
    busy: Trips,
    few: Trips,
    secs: f64,
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64)
}

fn measure(server: Server, wanted: usize, secs: Duration, rt: &tokio::runtime::Runtime) -> Row {
    let pid = server.child.id();
    let (idle_rss, _) = rss_and_threads(pid).unwrap_or((0, 0));
    eprintln!("  {}：开 {wanted} 个连接……", server.name);
    let started = Instant::now();
    let held = rt.block_on(hold(server.addr, wanted));
    eprintln!(
        "  {}：留住了 {} 个（用了 {:.1} 秒）",
        server.name,
        held.len(),
        started.elapsed().as_secs_f64()
    );
    let (rss, threads) = rss_and_threads(pid).unwrap_or((0, 0));
    let count = held.len();
    drop(held);
    // 等服务端把一万个连接都收拾完，再量一问一答。
    let quiet = Instant::now() + Duration::from_secs(20);
    while Instant::now() < quiet {
        match rss_and_threads(pid) {
            Some((_, t)) if t > 64 => std::thread::sleep(Duration::from_millis(50)),
            _ => break,
        }
    }
    eprintln!(
        "  {}：1000 个客户端一问一答 {} 秒……",
        server.name,
        secs.as_secs()
    );
    let busy = rt.block_on(round_trips(server.addr, 1000, secs));
    eprintln!(
        "  {}：10 个客户端一问一答 {} 秒……",
        server.name,
        secs.as_secs()
    );
    let few = rt.block_on(round_trips(server.addr, 10, secs));
    Row {
        name: server.name,
        held: count,
        wanted,
        idle_rss,
        rss,
        threads,
        busy,
        few,
        secs: secs.as_secs_f64(),
    }
}

/// 图里的一个量。
type Metric = fn(&Row) -> f64;

/// 开满以后比空闲时多出来的 RSS，平均到每个连接（KiB）。
fn per_connection_kib(r: &Row) -> f64 {
    if r.held == 0 {
        return 0.0;
    }
    r.rss.saturating_sub(r.idle_rss) as f64 / r.held as f64 / 1024.0
}

fn svg(rows: &[Row]) -> String {
    // 两张并排的条形图：每个连接占的内存（KiB）、1000 个客户端时每秒的来回数。
    let (w, h, bar) = (900.0, 240.0, 36.0);
    let colors = ["#d9822b", "#2b7bd9", "#3fa34d"];
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"13\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    let panels: [(&str, Metric, &str); 2] = [
        (
            "每个连接占的内存（KiB，越短越好）",
            per_connection_kib,
            "KiB",
        ),
        (
            "1000 个客户端：每秒来回数（越长越好）",
            |r: &Row| r.busy.count as f64 / r.secs,
            "次/秒",
        ),
    ];
    for (p, (title, value, unit)) in panels.iter().enumerate() {
        let x0 = 20.0 + p as f64 * (w / 2.0);
        out.push_str(&format!(
            "<text x=\"{x0}\" y=\"28\" font-weight=\"bold\">{title}</text>\n"
        ));
        let max = rows.iter().map(value).fold(0.0, f64::max).max(1e-9);
        for (i, r) in rows.iter().enumerate() {
            let y = 50.0 + i as f64 * (bar + 24.0);
            let v = value(r);
            let len = v / max * (w / 2.0 - 250.0);
            let shown = if v < 100.0 {
                format!("{v:.1}")
            } else {
                format!("{v:.0}")
            };
            out.push_str(&format!(
                "<text x=\"{x0}\" y=\"{}\">{}</text>\n<rect x=\"{}\" y=\"{y}\" width=\"{len:.1}\" height=\"{bar}\" fill=\"{}\"/>\n<text x=\"{:.1}\" y=\"{}\">{shown} {unit}</text>\n",
                y + bar / 2.0 + 5.0,
                r.name,
                x0 + 120.0,
                colors[i % colors.len()],
                x0 + 125.0 + len,
                y + bar / 2.0 + 5.0
            ));
        }
    }
    out.push_str("</svg>\n");
    out
}

fn main() {
    if let Ok(role) = std::env::var(ROLE) {
        serve_as(&role);
        return;
    }
    // cargo bench 会传 --bench 之类的参数；这里不用它们。
    let limit = raise_fd_limit();
    let asked: usize = std::env::var("CONNECTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let secs = Duration::from_secs(
        std::env::var("SECONDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(3),
    );
    // 这个进程要开 wanted 个连接，服务端进程也要 wanted 个：留 200 个给别的用途。
    let wanted = asked.min(limit.saturating_sub(200) as usize);
    println!("文件描述符上限：{limit}");
    if wanted < asked {
        println!(
            "上限不够开 {asked} 个连接，只开 {wanted} 个。要开一万个：先 `ulimit -n 20000`（硬上限也不够时，\
             在 /etc/security/limits.conf 里提高 nofile，或者用 `sudo prlimit --nofile=20000 --pid $$`），再运行 cargo bench -p lesson-11"
        );
    }
    let me = std::env::current_exe().expect("知道自己在哪里");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("运行时");
    let mut rows = Vec::new();
    for (name, role) in [("线程版", "threads"), ("tokio 版", "tokio")] {
        let mut cmd = Command::new(&me);
        cmd.env(ROLE, role);
        match start(name, cmd) {
            Some(server) => rows.push(measure(server, wanted, secs, &rt)),
            None => println!("{name}：启动失败"),
        }
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/server.py");
    let mut py = Command::new("python3");
    py.args([
        script,
        "--port",
        "0",
        "--max-connections",
        "20000",
        "--idle-timeout",
        "120",
    ]);
    match start("Python asyncio", py) {
        Some(server) => rows.push(measure(server, wanted, secs, &rt)),
        None => println!("Python asyncio：没有 python3 或者启动失败，跳过"),
    }

    println!();
    println!("同时开着 {wanted} 个连接：");
    println!("| 服务端 | 撑住了 | RSS（空闲 → 开满） | 每个连接 | 线程数 |");
    println!("| --- | --- | --- | --- | --- |");
    for r in &rows {
        let per = per_connection_kib(r);
        println!(
            "| {} | {} / {} | {} → {} | {per:.1} KiB | {} |",
            r.name,
            r.held,
            r.wanted,
            mib(r.idle_rss),
            mib(r.rss),
            r.threads
        );
    }
    for (title, pick) in [("1000 个客户端", 0), ("10 个客户端", 1)] {
        println!();
        println!("{title}不停地一问一答（每轮 {} 秒）：", secs.as_secs());
        println!("| 服务端 | 每秒来回 | p50 | p99 | 没连上的客户端 |");
        println!("| --- | --- | --- | --- | --- |");
        for r in &rows {
            let t = if pick == 0 { &r.busy } else { &r.few };
            println!(
                "| {} | {:.0} | {:.3} 毫秒 | {:.3} 毫秒 | {} |",
                r.name,
                t.count as f64 / r.secs,
                t.p50.as_secs_f64() * 1000.0,
                t.p99.as_secs_f64() * 1000.0,
                t.failed
            );
        }
    }
    if let Ok(path) = std::env::var("SVG") {
        match std::fs::write(&path, svg(&rows)) {
            Ok(()) => println!("\n图写到了 {path}"),
            Err(e) => println!("\n写不了 {path}：{e}"),
        }
    }
}
