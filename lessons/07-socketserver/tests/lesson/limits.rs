//! 完整版 l07-server 对付不讲理的对方：一个字节一个字节地发的、读得极慢的、开太多连接的，
//! 以及 accept 出错（文件描述符用完）和不讲理的命令行参数。限制来自框架（每个建在它上面的服务端都有），
//! 数值来自 `--idle-timeout`、`--min-rate`、`--max-connections`。

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use testkit::{Proc, DEADLINE};

const SERVER: &str = env!("CARGO_BIN_EXE_l07-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l07-client");

#[test]
fn a_one_byte_a_second_client_is_dropped() {
    let mut server = Proc::server(
        SERVER,
        ["--port", "0", "--idle-timeout", "1", "--min-rate", "100"],
    );
    let mut conn = TcpStream::connect(server.addr()).unwrap();
    conn.set_read_timeout(Some(DEADLINE)).unwrap();
    conn.set_nodelay(true).unwrap();
    let start = Instant::now();
    // 每秒一个字节：每个字节在这个协议里都是一条消息，都得到回复；可平均每秒只有十来个字节。
    let dropped = loop {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "每秒发一个字节的客户端 10 秒后还连着：最低速率没有起作用"
        );
        if conn.write_all(b"a").is_err() {
            break start.elapsed();
        }
        let mut buf = [0u8; 64];
        match conn.read(&mut buf) {
            Ok(n) if n > 0 => assert_eq!(&buf[..n], b"Your msg=a"),
            _ => break start.elapsed(),
        }
        thread::sleep(Duration::from_secs(1));
    };
    // 期限从 1 秒起，每收发 n 个字节往后推 n / 100 秒：大约 1.1 秒时到期。
    assert!(
        dropped >= Duration::from_millis(900),
        "太早断开了（{dropped:?}）：空闲超时是 1 秒"
    );
    server.expect_line("说它太慢、断开了它的一行", |l| {
        l.contains("说得太慢，断开")
    });
    assert!(server.is_running());
}

#[test]
fn a_client_that_keeps_up_is_not_dropped() {
    let server = Proc::server(
        SERVER,
        ["--port", "0", "--idle-timeout", "1", "--min-rate", "100"],
    );
    let mut conn = TcpStream::connect(server.addr()).unwrap();
    conn.set_read_timeout(Some(DEADLINE)).unwrap();
    // 一问一答不停地说 1.2 秒，比空闲超时还长：它一直快过每秒 100 字节，不该被断开。
    let start = Instant::now();
    let mut rounds = 0;
    while start.elapsed() < Duration::from_millis(1200) {
        conn.write_all("说个不停".as_bytes()).unwrap();
        let mut buf = [0u8; 64];
        let n = conn.read(&mut buf).expect("一直说话的客户端不该被断开");
        assert_eq!(&buf[..n], "Your msg=说个不停".as_bytes());
        rounds += 1;
        thread::sleep(Duration::from_millis(10));
    }
    assert!(rounds > 10);
}

#[test]
fn a_reader_that_drains_slowly_is_dropped_although_each_write_moves() {
    let mut server = Proc::server(
        SERVER,
        ["--port", "0", "--idle-timeout", "1", "--min-rate", "20000"],
    );
    // 接收缓冲区调小（要在连接之前）：服务端的回复很快就堆满，它的 write_all 只能跟着我们读的速度
    // 一点一点往前走。
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.connect(&server.addr().into()).unwrap();
    let conn: TcpStream = socket.into();
    let stop = Arc::new(AtomicBool::new(false));
    let mut sender = conn.try_clone().unwrap();
    sender
        .set_write_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let flag = Arc::clone(&stop);
    // 另一个线程不停地发消息、从不读：服务端每读到一次就要写一条回复。
    let sending = thread::spawn(move || {
        let message = [b'x'; 1000];
        while !flag.load(Ordering::Relaxed) {
            match sender.write(&message) {
                Ok(_) => {}
                Err(e) if support::is_timeout(&e) => {}
                Err(_) => return,
            }
        }
    });
    // 我们每 200 毫秒只读 600 字节（每秒 3 KB，远低于每秒 20000 字节）。每次读都让服务端的
    // 一次 write 往前走一点，所以“每次系统调用最多等多久”的超时永远不会到；要靠整次写的期限。
    let mut conn = conn;
    conn.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let start = Instant::now();
    let mut buf = [0u8; 600];
    let gone = loop {
        if start.elapsed() > Duration::from_secs(15) {
            break false;
        }
        match conn.read(&mut buf) {
            Ok(0) => break true,
            Ok(_) => thread::sleep(Duration::from_millis(200)),
            Err(e) if support::is_timeout(&e) => {}
            Err(_) => break true,
        }
    };
    stop.store(true, Ordering::Relaxed);
    let _ = conn.shutdown(std::net::Shutdown::Both);
    testkit::with_deadline("发送线程结束", move || sending.join().unwrap());
    assert!(
        gone,
        "读得极慢的客户端 15 秒后还连着：一整次 write_all 没有期限"
    );
    // 期限到的时候服务端多半正卡在 write_all 里（“读得太慢”），也可能刚写完一条、正要读下一条。
    server.expect_line("说它太慢、断开了它的一行", |l| {
        l.contains("太慢") && l.contains("断开")
    });
    assert!(server.is_running());
}

/// 从 `ip`（127.0.0.x）连到 `addr`。这个系统不让绑定这个地址时返回 None（比如 macOS 只有 127.0.0.1）。
fn connect_from(ip: Ipv4Addr, addr: SocketAddr) -> Option<TcpStream> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    if socket
        .bind(&SocketAddr::new(IpAddr::V4(ip), 0).into())
        .is_err()
    {
        eprintln!("这台机器不能从 {ip} 连出：跳过按地址分名额的那一半");
        return None;
    }
    socket.connect(&addr.into()).unwrap();
    let stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    Some(stream)
}

/// 说一句并收到回复：这个连接确实被服务了。
fn served(conn: &mut TcpStream, text: &str) {
    conn.write_all(text.as_bytes()).unwrap();
    let mut buf = [0u8; 256];
    let n = conn.read(&mut buf).expect("读回复");
    assert_eq!(
        String::from_utf8_lossy(&buf[..n]),
        format!("Your msg={text}")
    );
}

/// 一连上就读：被拒绝的连接收到一句话，然后 EOF。
fn refusal(conn: &mut TcpStream) -> String {
    let mut text = String::new();
    conn.read_to_string(&mut text).expect("读到拒绝的话和 EOF");
    text
}

#[test]
fn connections_over_the_cap_are_refused_with_a_reason() {
    let mut server = Proc::server(SERVER, ["--port", "0", "--max-connections", "4"]);
    let addr = server.addr();
    // 4 个名额，同一个地址最多占一半（2 个）。
    let mut a1 = TcpStream::connect(addr).unwrap();
    a1.set_read_timeout(Some(DEADLINE)).unwrap();
    served(&mut a1, "a1");
    let mut a2 = TcpStream::connect(addr).unwrap();
    a2.set_read_timeout(Some(DEADLINE)).unwrap();
    served(&mut a2, "a2");
    let mut a3 = TcpStream::connect(addr).unwrap();
    a3.set_read_timeout(Some(DEADLINE)).unwrap();
    assert_eq!(
        refusal(&mut a3),
        "服务端忙：你的地址已经占了 2 个连接，请先关掉一些"
    );
    stderr_line(&mut server, "拒绝了 127.0.0.1:");
    // 真实的 l07-client 被拒绝时说清楚为什么，退出码 1。
    let out = testkit::run(CLIENT, ["--port", &server.port()], "你好\n");
    testkit::assert_clear_failure(&out, "服务端忙");

    // 别的地址还能进来，直到总名额用完。
    let others: Option<Vec<TcpStream>> = [2, 3]
        .into_iter()
        .map(|n| connect_from(Ipv4Addr::new(127, 0, 0, n), addr))
        .collect();
    if let Some(mut others) = others {
        for (i, conn) in others.iter_mut().enumerate() {
            served(conn, &format!("b{i}"));
        }
        let mut full = connect_from(Ipv4Addr::new(127, 0, 0, 4), addr).unwrap();
        assert_eq!(
            refusal(&mut full),
            "服务端忙：已经在服务 4 个连接，请稍后再试"
        );
    }

    // 一个连接走了，它的名额就还回来。
    drop(a1);
    testkit::wait_until("a1 的名额还回来，新连接得到服务", || {
        let mut c = TcpStream::connect(addr).unwrap();
        c.set_read_timeout(Some(DEADLINE)).unwrap();
        c.write_all(b"again").is_ok() && {
            let mut buf = [0u8; 64];
            matches!(c.read(&mut buf), Ok(n) if &buf[..n] == b"Your msg=again")
        }
    });
    served(&mut a2, "a2 还在");
}

/// 等到服务端的标准错误里出现 `needle`（有期限）。
fn stderr_line(server: &mut Proc, needle: &str) {
    let start = Instant::now();
    while !server.stderr_so_far().contains(needle) {
        assert!(
            start.elapsed() < DEADLINE,
            "服务端的标准错误里一直没有出现 {needle:?}：\n{}",
            server.stderr_so_far()
        );
        thread::sleep(Duration::from_millis(5));
    }
}

/// 进程用掉的 CPU 时间（用户态 + 内核态，单位是时钟滴答，通常 1/100 秒）。
#[cfg(target_os = "linux")]
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // 第 2 个字段是括号里的程序名，可能含空格：从最后一个 ')' 之后数。
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // 去掉前两个字段后，utime 和 stime 是第 12、13 个（从 0 数）。
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn accept_errors_back_off_and_are_logged_once_per_burst() {
    // 只给服务端 24 个文件描述符：十来个连接以后 accept 就会失败（EMFILE），而那些连接还在积压队列里，
    // 马上再 accept 只会马上再失败。
    let mut server = Proc::server(
        "sh",
        [
            "-c",
            "ulimit -n 24 && exec \"$0\" \"$@\"",
            SERVER,
            "--port",
            "0",
            "--max-connections",
            "100",
        ],
    );
    let addr = server.addr();
    let clients: Vec<TcpStream> = (0..30).map(|_| TcpStream::connect(addr).unwrap()).collect();
    stderr_line(&mut server, "接受连接出错");
    let before = cpu_ticks(server.pid());
    thread::sleep(Duration::from_secs(1));
    let used = cpu_ticks(server.pid()) - before;
    let errors = server.stderr_so_far();
    assert_eq!(
        errors.matches("接受连接出错").count(),
        1,
        "同一阵 accept 错误只该报告一次：\n{errors}"
    );
    assert!(
        used < 20,
        "accept 一直失败的这 1 秒里服务端用了 {used} 个时钟滴答的 CPU：它在空转"
    );
    // 连接都走了，描述符还回来，accept 恢复正常，新的客户端照常得到回复。
    drop(clients);
    let out = testkit::run(CLIENT, ["--port", &server.port()], "好了吗\n");
    assert!(out.stdout.contains("收到：Your msg=好了吗"), "{out:?}");
    stderr_line(&mut server, "接受连接恢复正常");
}

/// 运行程序，期望它以退出码 2 拒绝参数，并用中文说明。
fn refused(program: &str, args: &[&str], why: &str) {
    let out = testkit::run(program, args.iter().copied(), "");
    let shown = format!(
        "{program} {args:?}\nstdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    assert_eq!(out.status.code(), Some(2), "应当以退出码 2 拒绝：{shown}");
    assert!(
        out.stderr.starts_with("错误："),
        "应当是中文的报错：{shown}"
    );
    assert!(out.stderr.contains(why), "报错里应当有 {why:?}：{shown}");
    assert!(!out.stderr.contains("panicked"), "不应 panic：{shown}");
}

#[test]
fn hostile_arguments_are_refused_in_chinese() {
    for (flag, value, why) in [
        ("--idle-timeout", "0", "应当在 1 到 86400 秒之间"),
        (
            "--idle-timeout",
            "18446744073709551615",
            "应当在 1 到 86400 秒之间",
        ),
        (
            "--idle-timeout",
            "99999999999999999999999",
            "应当是一个整数",
        ),
        ("--min-rate", "0", "应当在 1 到"),
        ("--max-connections", "0", "应当在 1 到 10000 个之间"),
        ("--max-clients", "0", "应当在 1 到"),
        ("--poll-interval", "0", "应当在 0.001 到 60 秒之间"),
        ("--poll-interval", "-1", "应当在 0.001 到 60 秒之间"),
        ("--poll-interval", "nan", "应当在 0.001 到 60 秒之间"),
        ("--poll-interval", "inf", "应当在 0.001 到 60 秒之间"),
        ("--poll-interval", "1e400", "应当在 0.001 到 60 秒之间"),
        ("--poll-interval", "半秒", "应当是一个秒数"),
        ("--port", "70000", "--port"),
    ] {
        refused(SERVER, &[flag, value], why);
    }
    for (flag, value, why) in [
        ("--timeout", "0", "应当在 1 到 3600 秒之间"),
        (
            "--timeout",
            "18446744073709551615",
            "应当在 1 到 3600 秒之间",
        ),
        ("--port", "-1", "不认识的参数 -1"),
    ] {
        refused(CLIENT, &[flag, value], why);
    }
}

#[test]
fn both_programs_have_a_version_and_chinese_help_with_each_default_once() {
    for (program, name) in [(SERVER, "l07-server"), (CLIENT, "l07-client")] {
        let out = testkit::run(program, ["--version"], "");
        assert!(out.status.success(), "{}", out.stderr);
        assert_eq!(
            out.stdout,
            format!("{name} {}\n", env!("CARGO_PKG_VERSION"))
        );
        let out = testkit::run(program, ["--help"], "");
        assert!(out.status.success(), "{}", out.stderr);
        let help = out.stdout;
        assert!(help.contains("用法:") && help.contains("选项:"), "{help}");
        for english in ["Usage", "Options", "[default"] {
            assert!(!help.contains(english), "{help}");
        }
        for line in help.lines() {
            assert!(line.matches("默认").count() <= 1, "默认值写了两遍：{line}");
        }
    }
    let help = testkit::run(SERVER, ["--help"], "").stdout;
    for flag in [
        "--idle-timeout",
        "--min-rate",
        "--max-connections",
        "--poll-interval",
    ] {
        assert!(help.contains(flag), "{help}");
    }
    assert!(help.contains("（默认：0.5）"), "{help}");
}
