//! 服务端扛不扛得住：文件描述符用完时 accept 不空转；命令行上不讲理的数字在启动前就被拒绝；
//! 连接数有上限，同一个地址只能占一半；读得太慢的下载被断开；开不了线程只拒绝那一个连接。

use crate::common;

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use testkit::{Proc, DEADLINE};

/// 观察“什么都没有发生”的时长。
const WATCH: Duration = Duration::from_secs(1);

/// 一个进程到现在用掉的 CPU（用户态加内核态），单位是时钟滴答（通常每秒 100 个）。
fn cpu_ticks(pid: u32) -> u64 {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).expect("读得到 /proc/<pid>/stat");
    // 第 2 个字段（程序名）在括号里，可能含空格：从最后一个 ')' 之后数起，第 3 个字段是状态，
    // utime、stime 是第 14、15 个字段。
    let rest: Vec<&str> = stat[stat.rfind(')').unwrap() + 1..]
        .split_whitespace()
        .collect();
    rest[11].parse::<u64>().unwrap() + rest[12].parse::<u64>().unwrap()
}

/// 在 `sh -c 'ulimit …; exec 服务端 …'` 里启动服务端：同一个进程，只是受了一条资源限制
/// （`-n 64`：最多 64 个文件描述符；`-v 64000`：最多 64000 KiB 虚拟内存）。
fn start_limited(ulimit: &str, dir: &std::path::Path, extra: &[&str]) -> (Proc, SocketAddr) {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit {ulimit} && exec \"$0\" \"$@\""))
        // glibc 给每个线程的 malloc 另开一块 64 MiB 的地址空间；只留一块，每个线程就只多一个栈。
        .env("MALLOC_ARENA_MAX", "1")
        .arg(SERVER)
        .args(["--port", "0", "--dir", &dir.display().to_string()])
        .args(extra);
    let mut proc = Proc::from_command(cmd);
    let first = proc.expect_stdout("正在监听");
    let addr = testkit::parse_addr(&first).expect("第一行里有地址");
    (proc, addr)
}

#[test]
fn out_of_file_descriptors_the_server_backs_off_instead_of_spinning() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("uploads");
    // 64 个文件描述符，120 个什么也不发的连接：连接上限放宽到 1000，好让描述符先用完。
    let (mut server, addr) = start_limited(
        "-n 64",
        &dir,
        &["--disk-reserve", "0", "--max-connections", "1000"],
    );
    let idle: Vec<TcpStream> = (0..120)
        .map(|_| TcpStream::connect(addr).expect("连接在内核的队列里完成"))
        .collect();
    server.expect_stdout("接受连接失败");
    let lines_before = server.stdout_so_far().lines().count();
    let ticks_before = cpu_ticks(server.pid());
    thread::sleep(WATCH); // 观察一段时间：服务端应当在等，而不是空转
    let ticks = cpu_ticks(server.pid()) - ticks_before;
    let logged = server.stdout_so_far().lines().count() - lines_before;
    assert!(
        ticks < 30,
        "描述符用完后的 1 秒里服务端用了 {ticks} 个时钟滴答的 CPU（空转约 100 个）"
    );
    assert!(
        logged <= 1,
        "同一阵 accept 错误应当只记一行，这 1 秒里却多了 {logged} 行：\n{}",
        server.stdout_so_far()
    );
    // 连接都关掉，描述符回来了：服务端恢复，照常收文件。
    drop(idle);
    let started = Instant::now();
    loop {
        let stream = connect(addr);
        (&stream).write_all(b"post|5|a.txt\nhello").unwrap();
        let reply = reply_line(&stream);
        if reply.starts_with("ok 5 ") {
            break;
        }
        assert!(started.elapsed() < DEADLINE, "服务端没有恢复：{reply:?}");
    }
    server.expect_stdout("接受连接恢复正常");
    assert_eq!(listing(&dir), ["a.txt"]);
}

#[test]
fn a_thread_that_cannot_be_started_turns_away_only_that_connection() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("uploads");
    // 虚拟内存只够开十几个线程（每个线程的栈要 2 MiB 地址空间）。
    let (mut server, addr) = start_limited(
        "-v 64000",
        &dir,
        &["--disk-reserve", "0", "--max-connections", "1000"],
    );
    let mut held = Vec::new();
    let refusal = loop {
        assert!(
            held.len() < 200,
            "开了 200 个连接，服务端一次也没有因为开不了线程而拒绝"
        );
        let stream = connect(addr);
        (&stream)
            .write_all(format!("post|1|f{}\nx", held.len()).as_bytes())
            .unwrap();
        let reply = reply_line(&stream);
        if !reply.starts_with("ok 1 ") {
            break reply;
        }
        held.push(stream); // 服务好的连接留着：它们的线程还在等下一个请求
    };
    assert_eq!(refusal, "error 服务端忙：暂时开不了新的线程，请稍后再试");
    server.expect_stdout("启动线程");
    assert!(server.is_running(), "服务端不能因为开不了线程而退出");
    // 已经连着的客户端照常办事。
    let mut first = &held[0];
    first.write_all(b"post|2|still\nok").unwrap();
    assert_eq!(reply_line(first), format!("ok 2 {}", sha256(b"ok")));
    // 连接都关掉，线程结束，新的连接又能开线程了。
    drop(held);
    let started = Instant::now();
    loop {
        let stream = connect(addr);
        (&stream).write_all(b"post|5|again\nhello").unwrap();
        if reply_line(&stream).starts_with("ok 5 ") {
            break;
        }
        assert!(started.elapsed() < DEADLINE, "线程一直开不出来");
    }
}

/// 运行一次，期望它在启动前就以退出码 2 拒绝参数，说中文，不 panic。
fn refused(program: &str, args: &[&str], says: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["--dir", dir.path().to_str().unwrap()];
    if program == CLIENT {
        all.clear();
    }
    all.extend_from_slice(args);
    let out = testkit::run(program, &all, "");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?} 应当在启动前被拒绝（退出码 2）\nstdout:\n{}\nstderr:\n{}",
        out.stdout,
        out.stderr
    );
    assert!(
        out.stderr.starts_with("错误：") && out.stderr.contains(says),
        "{args:?}：stderr 里应当有中文的原因 {says:?}：\n{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "不应当开始监听：{}", out.stdout);
}

#[test]
fn hostile_arguments_are_refused_before_anything_starts() {
    let huge = "18446744073709551615";
    for (args, says) in [
        (&["--idle-timeout", "0"][..], "应当在 1 到 86400 秒之间"),
        (&["--idle-timeout", huge], "应当在 1 到 86400 秒之间"),
        (&["--timeout", huge], "不认识的参数 --timeout"),
        (&["--min-rate", "0"], "字节每秒之间"),
        (&["--max-connections", "0"], "应当在 1 到 10000 个之间"),
        (&["--max-connections", huge], "应当在 1 到 10000 个之间"),
        (&["--max-clients", "3"], "不认识的参数 --max-clients"),
        (&["--max-size", "99999999999999999999"], "太大"),
        (&["--max-size", "17EiB"], "太大"),
        (&["--max-size=-1"], "--max-size"),
        (&["--max-size", "1.5GiB"], "--max-size"),
        (&["--disk-reserve", "lots"], "--disk-reserve"),
        (&["--port", "70000"], "--port"),
    ] {
        refused(SERVER, args, says);
    }
    for (args, says) in [
        (
            &["--timeout", "0", "download", "a"][..],
            "应当在 1 到 3600 秒之间",
        ),
        (
            &["--timeout", huge, "download", "a"],
            "应当在 1 到 3600 秒之间",
        ),
    ] {
        refused(CLIENT, args, says);
    }
    for program in [SERVER, CLIENT] {
        let out = testkit::run(program, ["--version"], "");
        assert!(out.status.success(), "{}", out.stderr);
        assert!(out.stdout.contains("0.1.0"), "{}", out.stdout);
    }
}

#[test]
fn one_address_gets_half_the_connections_and_others_still_get_in() {
    let server = start(&["--max-connections", "2"]);
    // 127.0.0.1 占了它的一个名额（一半），再来就被拒绝；另一个地址（127.0.0.2）照样进得来。
    let _holding = connect(server.addr());
    let again = connect(server.addr());
    assert_eq!(
        reply_line(&again),
        "error 服务端忙：你的地址已经占了 1 个连接，请先关掉一些"
    );
    let other = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let from: SocketAddr = "127.0.0.2:0".parse().unwrap();
    other.bind(&from.into()).unwrap();
    other.connect(&server.addr().into()).unwrap();
    let other: TcpStream = other.into();
    other.set_read_timeout(Some(DEADLINE)).unwrap();
    (&other).write_all(b"post|5|b.txt\nhello").unwrap();
    assert_eq!(reply_line(&other), format!("ok 5 {}", sha256(b"hello")));
}

#[test]
fn a_download_to_a_peer_that_reads_too_slowly_is_dropped() {
    // 16 MiB：比两端的套接字缓冲区大得多，服务端的 write_all 一定会等对方读。
    let mut server = start(&["--idle-timeout", "1"]);
    let size = 16 * 1024 * 1024;
    fs::File::create(server.dir.join("big.bin"))
        .unwrap()
        .set_len(size)
        .unwrap();
    let mut stream = connect(server.addr());
    stream.write_all(b"get|big.bin\n").unwrap();
    // 每 0.1 秒读 600 字节：每次系统调用都不超时，可整次发送要几个小时。
    let started = Instant::now();
    let mut buf = [0u8; 600];
    while !server.proc.stdout_so_far().contains("发送 big.bin 中断") {
        assert!(
            started.elapsed() < DEADLINE,
            "服务端一直陪着一个读得极慢的对方：\n{}",
            server.proc.stdout_so_far()
        );
        let _ = stream.read(&mut buf);
        thread::sleep(Duration::from_millis(100)); // 这是“慢”本身，不是在等对方就绪
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "用了 {took:?} 才断开");
    let log = server.proc.stdout_so_far();
    let line = log
        .lines()
        .find(|l| l.contains("发送 big.bin 中断"))
        .unwrap();
    assert!(line.ends_with("断开"), "{line}");
}
