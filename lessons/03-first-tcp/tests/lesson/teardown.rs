//! 连接是怎么结束的：l03-teardown 每一幕的真实输出、教程版服务端重启时撞上 TIME_WAIT、
//! strace 看 `TcpListener::bind` 和 Python 的 `socket.socket()` 各自做了什么，
//! 以及“write 什么时候只写出一部分”。

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Command;
use std::thread;
use std::time::Duration;

use testkit::{assert_matches_saved, Proc, DEADLINE};

use super::breaks::Transcript;
use super::twins::{peer_port, saved, script, shown, Side};

const TEARDOWN: &str = env!("CARGO_BIN_EXE_l03-teardown");
const TUTORIAL_SERVER: &str = env!("CARGO_BIN_EXE_l03-tutorial-server");

/// 运行 l03-teardown 的一幕，检查它说了 `must` 里的每一句，在 Linux 上和保存的输出逐行比较。
fn scene(name: &str, must: &[&str]) {
    let out = testkit::run(TEARDOWN, [name], "");
    assert!(out.status.success(), "{out:?}");
    for needle in must {
        assert!(
            out.stdout.contains(needle),
            "缺少 {needle:?}：\n{}",
            out.stdout
        );
    }
    // 连接状态来自 /proc/net/tcp，别的系统上看不到，那里就只检查上面几句。
    if cfg!(target_os = "linux") {
        assert_matches_saved(&saved(&format!("teardown-{name}.txt")), &out.stdout);
    }
}

#[test]
fn four_way_close_and_half_close() {
    scene(
        "close",
        &[
            "服务端 read 返回 0",
            "客户端 read 返回 6 个字节：再见（半关闭以后照样能收）",
            "状态：客户端 FIN_WAIT_2，服务端 CLOSE_WAIT",
            "状态：客户端 TIME_WAIT，服务端 （已经不在表里）",
        ],
    );
}

#[test]
fn closing_with_unread_data_sends_a_reset() {
    scene(
        "reset",
        &[
            "客户端 read 出错：ConnectionReset",
            "客户端再 write 出错：BrokenPipe",
            "状态：客户端 （已经不在表里），服务端 （已经不在表里）",
        ],
    );
}

#[test]
fn time_wait_and_so_reuseaddr() {
    scene(
        "rebind",
        &[
            "失败：AddrInUse",
            "TcpListener::bind（设了 SO_REUSEADDR）：成功",
        ],
    );
}

#[test]
fn the_backlog_is_a_queue_not_a_cap() {
    scene(
        "backlog",
        &[
            "连接 2：连上了",
            "连接 3：300 毫秒内没连上",
            "20 条连接此刻同时开着",
        ],
    );
}

/// 客户端：发出“你是who?”，一直读到服务端关闭连接，然后才关闭自己这一端。
/// 这样服务端一定是先关闭的一方，它那一端进入 TIME_WAIT。返回客户端的地址。
fn ask_and_wait_for_the_close(addr: SocketAddr) -> SocketAddr {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.write_all("你是who?".as_bytes()).unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    assert_eq!(reply, "我是Server".as_bytes());
    stream.local_addr().unwrap()
}

/// 等到本机上 `port` 那一端有一条 TIME_WAIT 的连接。
#[cfg(target_os = "linux")]
fn wait_for_time_wait(port: u16) {
    testkit::wait_until(
        &format!("端口 {port} 上有一条 TIME_WAIT 的连接"),
        || {
            lesson_03::teardown::tcp_table()
                .unwrap_or_default()
                .iter()
                .any(|e| e.local.port() == port && e.state == "TIME_WAIT")
        },
    );
}

/// 教程版服务端跑一次：一个客户端，服务端先关闭。记进 `t`，返回端口。
#[cfg(target_os = "linux")]
fn serve_once_and_leave_time_wait(t: &mut Transcript, side: Side, py: &'static str) -> String {
    let srv = side.server(py, "0");
    let port = srv.port();
    ask_and_wait_for_the_close(srv.addr());
    let out = srv.finish();
    assert!(out.status.success(), "{out:?}");
    t.output(&shown(
        &out.stdout,
        &port,
        "8888",
        peer_port(&out.stdout).as_deref(),
    ));
    wait_for_time_wait(port.parse().unwrap());
    t.say("服务端回复后先关闭了连接：它那一端（127.0.0.1:8888）进入 TIME_WAIT，要等 60 秒才消失");
    port
}

/// 马上在同一个端口上再启动一个教程版服务端：它应当绑不上，返回它说的最后一行。
#[cfg(target_os = "linux")]
fn restart_fails(side: Side, py: &'static str, port: &str) -> String {
    let (program, args) = match side {
        Side::Rust(bin) => (bin, vec![port.to_string()]),
        Side::Python(file) => (py, vec![script(file), port.to_string()]),
    };
    let out = testkit::run(program, &args, "");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(out.stdout, "", "绑不上，所以没有打印地址");
    let last = out.stderr.lines().last().unwrap_or_default().to_string();
    assert!(
        last.contains("Address already in use"),
        "应当是“地址已被占用”：{}",
        out.stderr
    );
    last
}

#[cfg(target_os = "linux")]
#[test]
fn a_tutorial_server_restarted_at_once_meets_time_wait() {
    let Some(py) = testkit::python3("a_tutorial_server_restarted_at_once_meets_time_wait") else {
        return;
    };
    let python = Side::Python("tutorial_server.py");
    let rust = Side::Rust(TUTORIAL_SERVER);
    let mut t = Transcript::default();
    t.say("第一轮：Python 教程版服务端。客户端收下回复后一直读到服务端关闭连接，才关闭自己这一端");
    t.command("python3 python/tutorial_server.py");
    let port = serve_once_and_leave_time_wait(&mut t, python, py);
    t.say("马上在同一个端口上再启动 Python 教程版：");
    t.command("python3 python/tutorial_server.py 8888");
    t.output(&restart_fails(python, py, &port));
    t.say("换成 Rust 教程版，也绑不上：TIME_WAIT 的那一端来自一个没设 SO_REUSEADDR 的监听套接字");
    t.command("l03-tutorial-server 8888");
    t.output(&restart_fails(rust, py, &port));

    t.say("第二轮：Rust 教程版服务端（TcpListener::bind 设了 SO_REUSEADDR），同样的客户端");
    t.command("l03-tutorial-server");
    let port = serve_once_and_leave_time_wait(&mut t, rust, py);
    t.say("马上在同一个端口上再启动 Rust 教程版：");
    t.command("l03-tutorial-server 8888");
    let again = Proc::server(TUTORIAL_SERVER, [&port]);
    assert_eq!(again.port(), port);
    t.output(&shown(&format!("{}\n", again.addr()), &port, "8888", None));
    t.say("绑定成功，在等客户端（测试到此把它结束）");
    drop(again);
    t.say("再换成 Python 教程版：新的套接字没设 SO_REUSEADDR，还是绑不上");
    t.command("python3 python/tutorial_server.py 8888");
    t.output(&restart_fails(python, py, &port));
    assert_matches_saved(&saved("breaks-time-wait.txt"), &t.text());
}

/// strace 能不能在这台机器上用（装了，而且允许跟踪子进程）。
fn strace_works() -> bool {
    Command::new("strace")
        .args(["-qq", "-e", "trace=none", "true"])
        .output()
        .is_ok_and(|o| o.status.success())
}

const SYSCALLS: &str = "trace=socket,setsockopt,bind,listen";

/// 在 strace 下运行一个教程版服务端（端口 0），接待一个客户端，返回它的 socket 相关系统调用。
fn traced(program: &str, args: &[String]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("trace.txt");
    let mut strace_args: Vec<String> = ["-qq", "-e", SYSCALLS, "-e", "signal=none", "-o"]
        .map(String::from)
        .to_vec();
    strace_args.push(file.display().to_string());
    strace_args.push(program.to_string());
    strace_args.extend(args.iter().cloned());
    strace_args.push("0".into());
    let srv = Proc::server("strace", &strace_args);
    ask_and_wait_for_the_close(srv.addr());
    let out = srv.finish();
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(&file).unwrap();
    text.lines()
        .filter(|l| {
            ["socket(", "setsockopt(", "bind(", "listen("]
                .iter()
                .any(|p| l.starts_with(p))
        })
        // 有的机器上，C 库查主机名、用户名时会先连 nscd 之类的本机服务（AF_UNIX 套接字）：
        // 那和这个程序的网络代码无关，不算。
        .filter(|l| !l.starts_with("socket(AF_UNIX") && !l.starts_with("socket(AF_LOCAL"))
        // strace 用空格把“= 返回值”对齐到某一列：压成一个空格，换台机器也一样。
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn strace_shows_who_sets_so_reuseaddr() {
    if !strace_works() {
        eprintln!("跳过 strace_shows_who_sets_so_reuseaddr：这台机器上没有可用的 strace");
        return;
    }
    let Some(py) = testkit::python3("strace_shows_who_sets_so_reuseaddr") else {
        return;
    };
    let rust = traced(TUTORIAL_SERVER, &[]);
    let names: Vec<&str> = rust.iter().map(|l| l.split('(').next().unwrap()).collect();
    assert_eq!(
        names,
        ["socket", "setsockopt", "bind", "listen"],
        "{rust:?}"
    );
    assert!(
        rust[1].contains("SOL_SOCKET, SO_REUSEADDR, [1]"),
        "{rust:?}"
    );
    assert!(
        rust[3].starts_with("listen(3, 128)"),
        "标准库的 backlog 是 128：{rust:?}"
    );

    let python = traced(py, &[script("tutorial_server.py")]);
    assert!(
        !python.iter().any(|l| l.contains("SO_REUSEADDR")),
        "Python 的 socket.socket() 不设 SO_REUSEADDR：{python:?}"
    );
    assert!(python.iter().any(|l| l.starts_with("bind(")), "{python:?}");

    let mut t = Transcript::default();
    t.command(&format!("strace -e {SYSCALLS} l03-tutorial-server 0"));
    t.output(&rust.join("\n"));
    t.command(&format!(
        "strace -e {SYSCALLS} python3 python/tutorial_server.py 0"
    ));
    t.output(&python.join("\n"));
    assert_matches_saved(&saved("strace-bind.txt"), &t.text());
}

/// 一对连好的套接字：（写的一端，读的一端）。
fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let writer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (reader, _) = listener.accept().unwrap();
    (writer, reader)
}

#[test]
fn a_blocking_write_waits_and_short_writes_come_from_timeouts_or_non_blocking_mode() {
    const BIG: usize = 64 << 20;
    let big = vec![b'x'; BIG];
    let mut t = Transcript::default();

    t.say("对方一直在读，没有设写超时：一次 write 64 MiB（67108864 个字节）");
    let (mut writer, mut reader) = pair();
    reader.set_read_timeout(Some(DEADLINE)).unwrap();
    let drain = thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        let mut total = 0;
        while let Ok(n @ 1..) = reader.read(&mut buf) {
            total += n;
        }
        total
    });
    let n = writer.write(&big).unwrap();
    assert_eq!(n, BIG, "阻塞的 write 应当一直等到全部交给系统");
    drop(writer);
    assert_eq!(drain.join().unwrap(), BIG);
    t.output(&format!(
        "write 返回 Ok({n})：缓冲区满了就等，等到全部交给系统才返回"
    ));

    t.say("对方一个字节也不读，写超时设为 200 毫秒：一次 write 64 MiB");
    let (mut writer, _reader) = pair();
    writer
        .set_write_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let n = writer.write(&big).unwrap();
    assert!(0 < n && n < BIG, "应当只写出一部分：{n}");
    t.output(&format!(
        "write 返回 Ok(n)，0 < n < {BIG}：超时到了，只写出了一部分"
    ));

    t.say("对方一个字节也不读，非阻塞模式：一直 write 64 KiB，直到写不进去");
    let (mut writer, _reader) = pair();
    writer.set_nonblocking(true).unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let stopped = (0..100_000)
        .map(|_| writer.write(&chunk))
        .find(|r| r.is_err())
        .expect("缓冲区总有满的时候");
    let kind = stopped.unwrap_err().kind();
    assert_eq!(kind, io::ErrorKind::WouldBlock);
    t.output(&format!(
        "write 返回 Err({kind:?})：缓冲区满了，立刻返回，一个字节也没写"
    ));
    assert_matches_saved(&saved("short-write.txt"), &t.text());
}
