//! 两个完整版服务端对付不讲理的对方：文件描述符用完、线程开不出来、一直不说话、一个字节一个字节地拖、
//! 连接开得太多。限制都用很小的值（`--idle-timeout 1`、`--max-connections 2`），测试才快；
//! 每个等待都有期限，为了说明“某件事没有发生”的观察窗口不超过 1 秒。

use std::io::{Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, SocketAddrV4, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};
use testkit::{wait_until, Proc, DEADLINE};

const SERVER: &str = env!("CARGO_BIN_EXE_l06-server");
const LINE_SERVER: &str = env!("CARGO_BIN_EXE_l06-line-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l06-client");
const LINE_CLIENT: &str = env!("CARGO_BIN_EXE_l06-line-client");

/// 连上服务端，读写都有期限。
fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("连上服务端");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// 从本机的另一个回环地址（127.0.0.x）连上服务端：服务端看来，这是另一个对方。
fn connect_from(addr: SocketAddr, last: u8) -> TcpStream {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let local = SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, last), 0);
    socket.bind(&local.into()).expect("绑定 127.0.0.x");
    socket.connect(&addr.into()).expect("连上服务端");
    let stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// 读到对方关闭为止（最多 64 KiB），返回读到的文字；连接被重置也算结束。
fn read_until_closed(stream: &TcpStream) -> String {
    let mut got = Vec::new();
    let _ = stream.take(64 << 10).read_to_end(&mut got);
    String::from_utf8_lossy(&got).into_owned()
}

/// 进程用掉的 CPU 时间（用户态 + 内核态），读 /proc/<pid>/stat。
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("读 /proc/<pid>/stat");
    // 第 2 个字段（程序名）在括号里，可能含空格：从右括号之后开始数。
    let rest = &stat[stat.rfind(')').expect("stat 的格式") + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // rest 从第 3 个字段开始：utime 是第 14 个、stime 是第 15 个。
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let per_sec = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .unwrap_or(100)
        .max(1) as u64;
    Duration::from_millis(ticks * 1000 / per_sec)
}

/// 在 `sh -c 'ulimit -n 64; exec …'` 里启动服务端：它最多只能打开 64 个文件描述符。
fn starved_server(program: &str, extra: &[&str]) -> Proc {
    let mut args = vec![
        "-c",
        "ulimit -n 64 && exec \"$0\" \"$@\"",
        program,
        "--port",
        "0",
    ];
    args.extend_from_slice(extra);
    Proc::server("sh", args)
}

/// 描述符用完时：accept 失败后退避，不空转（CPU 几乎不动），这一阵失败只记一行日志；
/// 空闲的连接走了以后，服务端恢复，照常服务新的客户端。
fn check_no_spin_when_out_of_descriptors(program: &str) {
    // 连接上限放宽，免得它先于描述符用完：这里要看的是描述符用完时的样子。
    let mut server = starved_server(
        program,
        &["--idle-timeout", "60", "--max-connections", "1000"],
    );
    let addr = server.addr();
    // 100 个连上来就不说话的连接：服务端接受了其中大约 60 个，描述符就用完了；其余的还在监听队列里。
    let idle: Vec<TcpStream> = (0..100).map(|_| connect(addr)).collect();
    server.expect_stdout("接受连接失败");
    let before = cpu_time(server.pid());
    let failures_before = server.stdout_so_far().matches("接受连接失败").count();
    // 观察 1 秒：这段时间里服务端一直 accept 不到新连接。
    thread::sleep(Duration::from_secs(1));
    let spent = cpu_time(server.pid()) - before;
    let log = server.stdout_so_far();
    let failures = log.matches("接受连接失败").count();
    // 一阵失败记一行、恢复时记一行。机器很忙时，偶尔开不了线程的连接被拒绝、腾出一个描述符，
    // 就会有一次 accept 成功，另起一阵：所以比的是“失败的行数 = 恢复的行数 + 1”，而不是固定的 1。
    let recovered = log.matches("接受连接恢复正常").count();
    assert!(
        spent < Duration::from_millis(300),
        "描述符用完的 1 秒里，服务端用了 {spent:?} 的 CPU：accept 出错后没有退避，一直在空转"
    );
    assert!(
        failures_before >= 1 && failures == recovered + 1 && failures <= 3,
        "同一阵 accept 失败应当只记一行日志（失败 {failures} 行，恢复 {recovered} 行）：\n{}",
        testkit::grading::cut(&log)
    );
    assert!(log.contains("稍后重试"), "{}", testkit::grading::cut(&log));

    drop(idle);
    server.expect_stdout("接受连接恢复正常");
    if program == SERVER {
        let out = testkit::run(CLIENT, ["--port", &server.port(), "还在"], "");
        assert!(out.status.success(), "恢复之后应当照常服务：{}", out.stderr);
        assert!(
            out.stdout.contains("收到：Return your msg:还在"),
            "{}",
            out.stdout
        );
    } else {
        let out = testkit::run(LINE_CLIENT, ["--port", &server.port()], "还在\n");
        assert!(out.status.success(), "恢复之后应当照常服务：{}", out.stderr);
        assert!(
            out.stdout.contains("收到：Return your msg:还在"),
            "{}",
            out.stdout
        );
    }
    assert!(server.is_running(), "{}", server.stderr_so_far());
}

#[cfg(target_os = "linux")]
#[test]
fn out_of_descriptors_the_makefile_server_backs_off_and_logs_once() {
    check_no_spin_when_out_of_descriptors(SERVER);
}

#[cfg(target_os = "linux")]
#[test]
fn out_of_descriptors_the_line_server_backs_off_and_logs_once() {
    check_no_spin_when_out_of_descriptors(LINE_SERVER);
}

/// 有没有办法给服务端一个可靠的线程上限：root 才能换成一个没有别的进程的用户
/// （RLIMIT_NPROC 按用户数线程，对 root 不起作用），还要有 setpriv 和 prlimit。
fn thread_limit_tools() -> bool {
    let root = nix::unistd::geteuid().is_root();
    let have = |tool: &str| {
        std::process::Command::new(tool)
            .arg("--version")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    root && have("setpriv") && have("prlimit")
}

/// 以一个专用的用户、最多 3 个线程（主线程 + 2 个连接）运行服务端。
fn thread_limited_server(program: &str, uid: u32) -> Proc {
    let id = uid.to_string();
    // 换了用户，仓库所在的目录未必进得去：用一份人人能执行的副本（服务端启动以后就删掉）。
    let shared = testkit::shared_program(program);
    let program = shared.path();
    Proc::server(
        "setpriv",
        [
            &format!("--reuid={id}"),
            &format!("--regid={id}"),
            "--clear-groups",
            "--",
            "prlimit",
            "--nproc=3:3",
            "--",
            program,
            "--port",
            "0",
        ],
    )
}

/// 线程开不出来时：只拒绝这一个连接（对方收到一句“服务端忙”），服务端照常运行；
/// 线程空出来以后，新的客户端照常得到服务。
fn check_refusal_without_threads(program: &str, uid: u32) {
    let mut server = thread_limited_server(program, uid);
    let addr = server.addr();
    let first = connect(addr);
    let second = connect(addr);
    let log = std::cell::RefCell::new(&mut server);
    wait_until("服务端接受了头两个连接", || {
        log.borrow_mut().stdout_so_far().matches("连上了").count() >= 2
    });
    let third = connect(addr);
    let refusal = read_until_closed(&third);
    assert!(
        refusal.contains("服务端忙：暂时开不了新的线程"),
        "开不了线程时，对方应当收到一句说明，而不是 {refusal:?}\n服务端：\n{}\n{}",
        server.stdout_so_far(),
        server.stderr_so_far()
    );
    server.expect_stdout("无法为");
    assert!(
        server.is_running(),
        "开不了线程不应让服务端退出：{}",
        server.stderr_so_far()
    );
    assert!(!server.stderr_so_far().contains("panicked"));

    // 头两个连接走了，它们的线程结束；之后来的客户端照常得到服务。
    first.shutdown(Shutdown::Write).unwrap();
    second.shutdown(Shutdown::Write).unwrap();
    let _ = read_until_closed(&first);
    let _ = read_until_closed(&second);
    wait_until(
        "线程空出来之后，新的客户端得到服务",
        || {
            let conn = connect(addr);
            if program == SERVER {
                (&conn).write_all("你好".as_bytes()).unwrap();
                let _ = conn.shutdown(Shutdown::Write);
                read_until_closed(&conn) == "Return your msg:你好"
            } else {
                let _ = (&conn).write_all("你好\n".as_bytes());
                let _ = conn.shutdown(Shutdown::Write);
                read_until_closed(&conn) == "Return your msg:你好\n"
            }
        },
    );
    assert!(server.is_running());
}

#[cfg(target_os = "linux")]
#[test]
fn without_threads_both_servers_refuse_one_connection_and_keep_serving() {
    if !thread_limit_tools() {
        eprintln!(
            "跳过：要给服务端一个线程上限，需要 root、setpriv 和 prlimit（RLIMIT_NPROC 对 root 不起作用）"
        );
        return;
    }
    // 每个服务端用一个自己的、没有别的进程的用户，RLIMIT_NPROC 才只数它自己的线程。
    let base = 61_000 + std::process::id() % 2_000 * 2;
    check_refusal_without_threads(SERVER, base);
    check_refusal_without_threads(LINE_SERVER, base + 1);
}

/// 慢慢滴：每 `gap` 写一个字节，直到服务端断开；返回断开时已经过了多久（`limit` 内等不到就是 None）。
///
/// `eof_is_closed` 为 false 时只看写：l06-server 回复之后先半关闭，我们读到的 EOF 只说明它不再写了，
/// 不说明它不再读；要等它真的关掉连接，我们的写才会失败（先收到 RST，下一次写就出错）。
fn trickle_until_dropped(
    stream: &TcpStream,
    gap: Duration,
    limit: Duration,
    eof_is_closed: bool,
) -> Option<Duration> {
    let start = Instant::now();
    stream.set_read_timeout(Some(gap)).unwrap();
    let mut buf = [0u8; 256];
    let mut eof = false;
    while start.elapsed() < limit {
        if (&*stream).write_all(b"x").is_err() {
            return Some(start.elapsed());
        }
        if eof {
            thread::sleep(gap);
            continue;
        }
        match (&*stream).read(&mut buf) {
            Ok(0) if eof_is_closed => return Some(start.elapsed()),
            Ok(0) => eof = true,
            Ok(_) => {} // 回复的内容由调用者另外检查
            Err(e) if support::is_timeout(&e) => {}
            Err(_) => return Some(start.elapsed()),
        }
    }
    None
}

/// l06-server 回复之后还要读掉对方多发的字节。以前每次读只有 30 秒的超时，
/// 一个每 20 秒发一个字节的对方能一直占着线程。现在收尾也在空闲超时和最低速率之内。
#[test]
fn the_makefile_server_drops_a_peer_that_trickles_after_the_reply() {
    let server = Proc::server(SERVER, ["--port", "0", "--idle-timeout", "1"]);
    let addr = server.addr();
    let peers: Vec<_> = (0..10)
        .map(|_| {
            thread::spawn(move || {
                let stream = connect(addr);
                stream.set_nodelay(true).unwrap();
                (&stream)
                    .write_all("你好世界和平万岁一二".as_bytes())
                    .unwrap();
                let mut reply = [0u8; 64];
                let n = (&stream).read(&mut reply).unwrap();
                let reply = String::from_utf8_lossy(&reply[..n]).into_owned();
                let held = trickle_until_dropped(
                    &stream,
                    Duration::from_millis(200),
                    Duration::from_secs(6),
                    false,
                );
                (reply, held)
            })
        })
        .collect();
    for peer in peers {
        let (reply, held) = peer.join().unwrap();
        assert!(reply.starts_with("Return your msg:你好"), "{reply:?}");
        let held = held.expect("回复之后每 200 毫秒发一个字节的对方，6 秒后还占着服务端的线程");
        assert!(held < Duration::from_secs(4), "断开得太晚：{held:?}");
    }
}

/// 行服务端：一直不说话的、一个字节一个字节地拖着不发完一行的，都在有限的时间里被断开；
/// 慢慢发、但在空闲超时之内发完一行的，照常得到回复，而且每一行都重新计时。
#[test]
fn the_line_server_drops_idle_and_trickling_clients_but_answers_slow_lines() {
    let mut server = Proc::server(LINE_SERVER, ["--port", "0", "--idle-timeout", "1"]);
    let addr = server.addr();

    let silent = connect(addr);
    let start = Instant::now();
    assert_eq!(read_until_closed(&silent), "", "不说话的客户端应当被断开");
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );

    let dripping = connect(addr);
    dripping.set_nodelay(true).unwrap();
    let held = trickle_until_dropped(
        &dripping,
        Duration::from_millis(200),
        Duration::from_secs(6),
        true,
    )
    .expect("每 200 毫秒一个字节、永远不换行的客户端，6 秒后还被行服务端留着");
    assert!(held < Duration::from_secs(4), "断开得太晚：{held:?}");
    server.expect_stdout("断开连接");

    // 每 50 毫秒一个字节，一行 4 个字节，0.2 秒就发完了：在 1 秒之内，应当照常回复。
    // 三行之间各停 0.5 秒：每一行都在 1 秒之内说完，加起来却超过 1 秒——答完一行就要重新计时。
    let slow = connect(addr);
    slow.set_nodelay(true).unwrap();
    let mut replies = String::new();
    for line in ["甲\n", "乙\n", "丙\n"] {
        for byte in line.as_bytes() {
            (&slow).write_all(&[*byte]).unwrap();
            thread::sleep(Duration::from_millis(50));
        }
        let mut buf = [0u8; 64];
        let n = (&slow)
            .read(&mut buf)
            .expect("慢慢发完的一行也应当得到回复");
        replies.push_str(&String::from_utf8_lossy(&buf[..n]));
        thread::sleep(Duration::from_millis(500));
    }
    assert_eq!(
        replies, "Return your msg:甲\nReturn your msg:乙\nReturn your msg:丙\n",
        "每一行都在空闲超时之内说完了，都应当得到回复"
    );
}

/// 连接上限：`--max-connections 2` 时同一个地址最多占 1 个，全部最多 2 个；再来的收到一句“服务端忙”。
fn check_cap(program: &str) {
    let server = Proc::server(program, ["--port", "0", "--max-connections", "2"]);
    let addr = server.addr();
    let mine = connect_from(addr, 1);
    // 第一个连接先说半句，确认它已经被接受（名额已经占上），再开第二个。
    (&mine).write_all("半".as_bytes()).unwrap();
    let second = connect_from(addr, 1);
    let refusal = read_until_closed(&second);
    assert!(
        refusal.starts_with("错误：服务端忙：你的地址已经占了 1 个连接"),
        "同一个地址的第二个连接应当被拒绝，并说明原因：{refusal:?}"
    );

    let other = connect_from(addr, 2);
    (&other).write_all("半".as_bytes()).unwrap();
    // 两个名额都占上了（第二个也要先确认被接受：它发出的半句不会有回复，所以用第三个连接去试）。
    wait_until("两个名额都被占上", || {
        let third = connect_from(addr, 3);
        read_until_closed(&third).starts_with("错误：服务端忙：已经在服务 2 个连接")
    });

    // 一个名额空出来以后，新的客户端照常得到服务。
    drop(mine);
    wait_until(
        "名额空出来以后，新的客户端得到服务",
        || {
            let conn = connect_from(addr, 4);
            let reply = if program == SERVER {
                let _ = (&conn).write_all("你好".as_bytes());
                let _ = conn.shutdown(Shutdown::Write);
                read_until_closed(&conn)
            } else {
                let _ = (&conn).write_all("你好\n".as_bytes());
                let _ = conn.shutdown(Shutdown::Write);
                read_until_closed(&conn)
            };
            reply.starts_with("Return your msg:你好")
        },
    );
    drop(other);
}

#[cfg(target_os = "linux")]
#[test]
fn the_connection_over_the_cap_is_refused_clearly() {
    check_cap(SERVER);
    check_cap(LINE_SERVER);
}

/// 不怀好意的参数：超出范围的、大得离谱的、不是数的，都在解析时被拒绝，中文说明，退出码 2，不 panic。
#[test]
fn hostile_flags_are_refused_before_anything_starts() {
    let cases: [(&str, &[&str], &str); 12] = [
        (SERVER, &["--idle-timeout", "0"], "应当在 1 到 86400 秒之间"),
        (
            SERVER,
            &["--idle-timeout", "18446744073709551615"],
            "应当在 1 到 86400 秒之间",
        ),
        (SERVER, &["--min-rate", "0"], "--min-rate"),
        (SERVER, &["--max-connections", "0"], "--max-connections"),
        (
            SERVER,
            &["--max-connections", "4294967296"],
            "--max-connections",
        ),
        (SERVER, &["--buffer", "0"], "应当在 1 字节到 1 MiB 之间"),
        (
            SERVER,
            &["--buffer", "100000000000000"],
            "应当在 1 字节到 1 MiB 之间",
        ),
        (
            LINE_SERVER,
            &["--idle-timeout", "0"],
            "应当在 1 到 86400 秒之间",
        ),
        (LINE_SERVER, &["--min-rate", "-5"], "--min-rate"),
        (
            LINE_SERVER,
            &["--max-connections", "100000"],
            "--max-connections",
        ),
        (
            CLIENT,
            &["--timeout", "18446744073709551615"],
            "应当在 1 到 3600 秒之间",
        ),
        (LINE_CLIENT, &["--timeout", "0"], "应当在 1 到 3600 秒之间"),
    ];
    for (program, args, needle) in cases {
        let mut all = vec!["--port", "0"];
        // 写成 --flag=值，"-5" 才不会被当成另一个参数。
        let joined = format!("{}={}", args[0], args[1]);
        all.push(&joined);
        let out = testkit::run(program, &all, "");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{program} {args:?}：{}{}",
            out.stdout,
            out.stderr
        );
        assert!(
            out.stderr.contains(needle),
            "{program} {args:?}：{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("错误："),
            "{program} {args:?}：{}",
            out.stderr
        );
        assert!(
            !out.stderr.contains("panicked"),
            "{program} {args:?}：{}",
            out.stderr
        );
        assert!(
            out.stdout.is_empty(),
            "参数不对时不该开始监听：{}",
            out.stdout
        );
    }
}

/// 每个完整版程序都有 `--version` 和中文的 `--help`，默认值只写一次。
#[test]
fn every_program_has_version_and_chinese_help() {
    for program in [
        SERVER,
        LINE_SERVER,
        CLIENT,
        LINE_CLIENT,
        env!("CARGO_BIN_EXE_l06-methods"),
    ] {
        let out = testkit::run(program, ["--version"], "");
        assert!(out.status.success(), "{program} --version：{}", out.stderr);
        assert!(
            out.stdout.contains(env!("CARGO_PKG_VERSION")),
            "{}",
            out.stdout
        );
        let help = testkit::run(program, ["--help"], "");
        assert!(help.status.success(), "{}", help.stderr);
        for word in ["用法", "选项", "显示帮助", "显示版本"] {
            assert!(
                help.stdout.contains(word),
                "{program} --help 里应当有 {word}：\n{}",
                help.stdout
            );
        }
        for english in ["Usage", "Options", "[default", "默认 "] {
            assert!(
                !help.stdout.contains(english),
                "{program} --help 里不应有 {english:?}：\n{}",
                help.stdout
            );
        }
    }
    let help = testkit::run(SERVER, ["--help"], "").stdout;
    assert!(
        help.contains("（默认：8KiB）"),
        "读缓冲区的默认值写成人看得懂的大小：\n{help}"
    );
}
