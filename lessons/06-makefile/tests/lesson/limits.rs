//! 客户端读回复有上限：一个不停往外灌字节的“服务端”不能把客户端的内存撑大。
//! 对方是测试自己开的一个本机监听套接字，最多灌 200 MiB；客户端要在读到上限时带着中文说明停下。
//! 客户端用过的最多内存（峰值 RSS）由 wait4 在它退出时交给我们，不用在它活着时去抢着读 /proc。

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use testkit::DEADLINE;

/// 对方最多灌这么多字节。修好之前，客户端会把它们全部读进内存。
const FLOOD: usize = 200 << 20;

/// 客户端的峰值 RSS 不该超过这么多（KiB）。一个调试构建的客户端平时只用几 MiB。
const RSS_LIMIT_KIB: i64 = 48 * 1024;

/// 接受一个连接，然后不停地写 `x`（没有换行），直到写满 FLOOD 或者对方不在了。
fn flooding_peer() -> (SocketAddr, thread::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let peer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().expect("客户端连上来");
        conn.set_write_timeout(Some(DEADLINE)).unwrap();
        let chunk = vec![b'x'; 64 << 10];
        let mut sent = 0;
        while sent < FLOOD && conn.write_all(&chunk).is_ok() {
            sent += chunk.len();
        }
        // 灌完了：体面地结束（半关闭，再读掉客户端发来的话），免得客户端看到的是连接被重置。
        let _ = conn.shutdown(std::net::Shutdown::Write);
        conn.set_read_timeout(Some(DEADLINE)).unwrap();
        let _ = std::io::copy(&mut conn, &mut std::io::sink());
        sent
    });
    (addr, peer)
}

/// 客户端结束时的样子。
struct Ended {
    code: Option<i32>,
    stderr: String,
    max_rss_kib: i64,
}

/// 运行客户端直到它退出（有期限，超时就杀掉并让测试失败），用 wait4 取得它的峰值 RSS。
// 子进程由下面的 wait4 回收（Child::wait 拿不到 rusage），不会留下僵尸进程。
#[allow(clippy::zombie_processes)]
fn run_measured(program: &str, args: &[&str], stdin: &str) -> Ended {
    let mut child = Command::new(program)
        .args(args)
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::piped())
        // 修好之前客户端会把几百 MiB 的回复打印出来：扔掉标准输出，只看标准错误。
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("启动客户端");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let pid = child.id() as libc::pid_t;
    let deadline = Instant::now() + DEADLINE;
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: rusage 是一块够大的、清零的内存；pid 是我们自己启动、还没有回收的子进程。
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let got = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(got >= 0, "wait4 失败");
        if got == pid {
            break (status, usage);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} 在 {DEADLINE:?} 内没有结束：它是不是一直在读？");
        }
        // 按期限轮询子进程是否结束；这不是在用睡眠等对方就绪。
        thread::sleep(Duration::from_millis(5));
    };
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Ended {
        code,
        stderr: reader.join().unwrap(),
        max_rss_kib: usage.ru_maxrss,
    }
}

/// 测试进程自己到目前为止的峰值 RSS（KiB），读 /proc/self/status 的 VmHWM。
fn own_peak_rss_kib() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn check_stopped_with_a_message(ended: &Ended, needle: &str) {
    assert_eq!(
        ended.code,
        Some(1),
        "应当以退出码 1 停下（峰值 RSS {} KiB）：{}",
        ended.max_rss_kib,
        ended.stderr
    );
    assert!(
        ended.stderr.contains(needle),
        "标准错误里应当有 {needle:?}：{}",
        ended.stderr
    );
    assert!(!ended.stderr.contains("panicked"), "{}", ended.stderr);
    // 子进程是 vfork 之后 exec 出来的：exec 那一刻，Linux 把它和测试进程共用的内存的峰值也记在它的账上。
    // 所以上限取“测试进程自己的峰值再加 16 MiB”和 RSS_LIMIT_KIB 中大的那个：没有上限的客户端要读进
    // 几百 MiB，照样超过它。
    let limit = RSS_LIMIT_KIB.max(own_peak_rss_kib() + 16 * 1024);
    assert!(
        ended.max_rss_kib < limit,
        "客户端用了 {} KiB 内存，超过了 {limit} KiB：回复没有上限",
        ended.max_rss_kib
    );
}

#[test]
fn the_client_stops_reading_an_endless_reply() {
    let (addr, peer) = flooding_peer();
    let port = addr.port().to_string();
    let ended = run_measured(env!("CARGO_BIN_EXE_l06-client"), &["--port", &port], "");
    check_stopped_with_a_message(&ended, "回复超过了 128 KiB");
    let sent = peer.join().unwrap();
    assert!(sent < FLOOD, "客户端应当在对方灌完之前就停下");
}

#[test]
fn the_line_client_stops_reading_an_endless_line() {
    let (addr, peer) = flooding_peer();
    let port = addr.port().to_string();
    let ended = run_measured(
        env!("CARGO_BIN_EXE_l06-line-client"),
        &["--port", &port],
        "你好\n",
    );
    check_stopped_with_a_message(&ended, "一行回复超过了 128 KiB");
    let sent = peer.join().unwrap();
    assert!(sent < FLOOD, "客户端应当在对方灌完之前就停下");
}
