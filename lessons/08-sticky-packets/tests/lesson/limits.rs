//! 不讲理的对方和不讲理的参数：两个完整版服务端（`l08-server`、`l08-framed-server`）都要扛住。
//!
//! - 文件描述符用完时 accept 出错：退避，同一阵错误只记一行，不空转；
//! - 一直不说话的、一个字节一个字节地拖的对方：在有限的时间里被断开；
//! - 连接太多：多出来的那个收到一句按协议说的“服务端忙”（分帧服务端回一帧，l08-server 回一行）；
//! - 40 个对方各发 16 MiB − 1 字节的一条消息、然后停住：内存的上限由缓存上限决定，而不是由对方的个数决定；
//! - 离谱的命令行参数：中文的报错，退出码 2，不 panic。
//!
//! 全部在回环地址上，每一次等待都有期限。只在 Linux 上有（`/proc`、`ulimit`、127.0.0.0/8 的任意源地址）。

use crate::common::*;

use std::io::{BufReader, BufWriter, ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use lesson_08::frame::{read_frame, write_frame};
use socket2::{Domain, Socket, Type};
use testkit::{wait_until, Proc, DEADLINE};

const MIB: usize = 1024 * 1024;

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("连得上服务端");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// 从回环网段里的另一个源地址（127.0.0.x）连过去：40 个对方就像 40 台不同的机器，
/// “同一个地址最多占一半名额”的规矩挡不住它们，要看的是内存的上限。
fn connect_from(source: Ipv4Addr, addr: SocketAddr) -> TcpStream {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket
        .bind(&SocketAddr::new(source.into(), 0).into())
        .unwrap_or_else(|e| panic!("绑定源地址 {source} 失败：{e}"));
    socket
        .connect_timeout(&addr.into(), DEADLINE)
        .expect("连得上服务端");
    let stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// `/proc/<pid>/status` 里的一项（单位 kB），例如 `VmHWM`（常驻内存的峰值）。
fn status_kib(pid: u32, key: &str) -> usize {
    let text =
        std::fs::read_to_string(format!("/proc/{pid}/status")).expect("读 /proc/<pid>/status");
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("/proc/{pid}/status 里没有 {key}"))
}

/// 进程到目前为止用掉的 CPU 时间（用户态 + 内核态，所有线程），单位是时钟滴答（Linux 上每秒 100 个）。
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("读 /proc/<pid>/stat");
    // 第二栏是带括号的程序名；右括号之后，第 14、15 栏（utime、stime）是第 12、13 个字段。
    let rest = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// 发一帧、读回一帧（分帧服务端还在正常服务）。
fn echo(addr: SocketAddr, payload: &[u8]) -> Vec<u8> {
    let stream = connect(addr);
    write_frame(&mut BufWriter::new(&stream), payload).unwrap();
    read_frame(&mut BufReader::new(&stream), 1 << 20)
        .expect("读回显")
        .expect("服务端应当回显这一帧")
}

/// 读到对方关闭为止（最多 64 KiB）；连接被重置也算关闭。
fn read_until_closed(stream: &TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match (&*stream).read(&mut buf) {
            Ok(0) => return got,
            Ok(n) if got.len() < 64 * 1024 => got.extend_from_slice(&buf[..n]),
            Ok(_) => panic!("服务端回了超过 64 KiB 还没有关闭连接"),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return got,
            Err(e) => panic!("等服务端关闭连接时出错：{e}（它一直没有断开这个连接？）"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// accept 出错

/// 把服务端的文件描述符上限设成 16，再连上 24 个不走的客户端：前面十来个占满了描述符，
/// 后面的还排在积压队列里，每次 accept 都会失败（EMFILE）。观察 1 秒：服务端不该空转、刷屏。
fn accept_errors_back_off(bin: &str, extra: &[&str], served: impl Fn(&Proc)) {
    let mut args = vec![
        "-c",
        "ulimit -n 16 && exec \"$@\"",
        "sh",
        bin,
        "--port",
        "0",
    ];
    args.extend_from_slice(extra);
    let mut server = Proc::server("sh", args);
    let addr = server.addr();
    let idle: Vec<TcpStream> = (0..24).map(|_| connect(addr)).collect();
    server.expect_stdout("接受连接失败");
    let failures = |s: &mut Proc| s.stdout_so_far().matches("接受连接失败").count();
    let (lines, ticks) = (failures(&mut server), cpu_ticks(server.pid()));
    thread::sleep(Duration::from_secs(1));
    let (lines_after, ticks_after) = (failures(&mut server), cpu_ticks(server.pid()));
    assert!(
        lines_after - lines <= 1,
        "{bin}：1 秒里又记了 {} 行“接受连接失败”：同一阵错误应当只记一行",
        lines_after - lines
    );
    assert!(
        ticks_after - ticks <= 20,
        "{bin}：accept 一直失败的 1 秒里用掉了 {} 个时钟滴答（100 个就是整整一个 CPU）：它在空转",
        ticks_after - ticks
    );
    // 客户端走了，描述符空出来，排队的连接被接受，服务端恢复正常，新的客户端照常得到服务。
    drop(idle);
    server.expect_stdout("接受连接恢复正常");
    served(&server);
}

#[test]
fn the_framed_server_backs_off_when_accept_fails() {
    accept_errors_back_off(FRAMED_SERVER, &[], |server| {
        assert_eq!(echo(server.addr(), "还在".as_bytes()), "还在".as_bytes());
    });
}

#[test]
fn the_mode_server_backs_off_when_accept_fails() {
    accept_errors_back_off(SERVER, &["--mode", "line"], |server| {
        let port = server.port();
        let out = run_client(CLIENT, &["--port", &port, "--mode", "line", "还在"], "");
        assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
        assert!(
            out.stdout.contains("服务端：收到 1 条消息"),
            "{}",
            out.stdout
        );
    });
}

// ---------------------------------------------------------------------------------------------
// 不说话的、拖着的对方

/// 一个一直不说话的客户端：空闲超时（1 秒）一到就被断开。
fn an_idle_client_is_dropped(server: &mut Proc) -> Duration {
    let start = Instant::now();
    let idle = connect(server.addr());
    let said = read_until_closed(&idle);
    let took = start.elapsed();
    assert!(
        took < Duration::from_secs(5),
        "一直不说话的客户端过了 {took:?} 才被断开（空闲超时是 1 秒）"
    );
    let _ = said;
    took
}

/// 先一口气发出 `fast`，再每 100 毫秒 1 个字节地发 `slow`、之后是没完没了的 `x`（每秒 10 字节，
/// 每次 read 都等不到 1 秒的空闲超时）。服务端要求每秒至少 100 字节：几秒之内就该断开它。
fn a_trickling_client_is_dropped(server: &Proc, fast: &[u8], slow: &[u8]) -> Duration {
    let stream = connect(server.addr());
    stream.set_nodelay(true).unwrap();
    (&stream).write_all(fast).unwrap();
    let start = Instant::now();
    let limit = Duration::from_secs(6);
    let gap = Duration::from_millis(100);
    let mut bytes = slow.iter().copied().chain(std::iter::repeat(b'x'));
    while start.elapsed() < limit {
        let tick = Instant::now();
        if (&stream).write_all(&[bytes.next().unwrap()]).is_err() {
            return start.elapsed();
        }
        // 到下一个字节之前，读一读：读到关闭（或者连接被重置）就是被断开了；
        // 读到的数据（ack 模式的 ok、断开前的那句说明）不算。
        loop {
            let left = gap.saturating_sub(tick.elapsed());
            if left.is_zero() {
                break;
            }
            stream.set_read_timeout(Some(left)).unwrap();
            let mut buf = [0u8; 256];
            match (&stream).read(&mut buf) {
                Ok(0) => return start.elapsed(),
                Ok(_) => continue,
                Err(e) if e.kind() == ErrorKind::ConnectionReset => return start.elapsed(),
                Err(_) => break,
            }
        }
    }
    panic!("每秒只发 10 字节的客户端拖了 {limit:?} 还没有被断开（最低速率是每秒 100 字节）")
}

#[test]
fn the_framed_server_drops_idle_and_trickling_clients() {
    let start = || server(FRAMED_SERVER, &["--idle-timeout", "1", "--min-rate", "100"]);
    let slow = "[#1] 出错：超过 1 秒没有收到数据，或者来得太慢（每秒不到 100 字节）";
    // 三个服务端同时试：一直不说话的；长度前缀就慢慢来的；长度一下子发完、内容慢慢来的。
    let idle = thread::spawn(move || {
        let mut server = start();
        an_idle_client_is_dropped(&mut server);
        server.expect_stdout(slow);
    });
    let slow_header = thread::spawn(move || {
        let mut server = start();
        a_trickling_client_is_dropped(&server, b"", &1000u32.to_be_bytes());
        server.expect_stdout(slow);
        // 它被断开以后，正常的客户端照常。
        assert_eq!(echo(server.addr(), "还在".as_bytes()), "还在".as_bytes());
    });
    let mut server = start();
    a_trickling_client_is_dropped(&server, &1000u32.to_be_bytes(), b"");
    server.expect_stdout(slow);
    idle.join().expect("不说话的客户端被断开了");
    slow_header.join().expect("慢慢发长度前缀的客户端被断开了");
}

#[test]
fn the_mode_server_drops_idle_and_trickling_clients() {
    // 四种模式各开一个服务端，同时试（每种要等两三秒，一个接一个太慢）。
    let modes = ["raw", "ack", "line", "length"].map(|mode| {
        thread::spawn(move || {
            let mut server = server(
                SERVER,
                &["--mode", mode, "--idle-timeout", "1", "--min-rate", "100"],
            );
            an_idle_client_is_dropped(&mut server);
            server.expect_stdout("[#1] 出错：超过 1 秒没有收到数据");
            let head: &[u8] = if mode == "length" {
                &[0, 0, 3, 232]
            } else {
                b""
            };
            a_trickling_client_is_dropped(&server, head, b"");
            server.expect_stdout(
                "[#2] 出错：超过 1 秒没有收到数据，或者来得太慢（每秒不到 100 字节）",
            );
        })
    });
    for mode in modes {
        mode.join().expect("每种模式都断开了不说话的和拖着的客户端");
    }
}

// ---------------------------------------------------------------------------------------------
// 连接上限

#[test]
fn the_framed_server_refuses_one_too_many_with_a_frame() {
    // 上限 2 个连接，同一个地址最多占 1 个。
    let mut server = server(FRAMED_SERVER, &["--max-connections", "2"]);
    let addr = server.addr();
    let first = connect_from(Ipv4Addr::new(127, 0, 0, 2), addr);
    write_frame(&mut &first, b"hi").unwrap();
    assert_eq!(
        read_frame(&mut &first, 1024).unwrap().as_deref(),
        Some(&b"hi"[..])
    );
    // 同一个地址的第二个连接：回一帧说明，然后断开。
    let same = connect_from(Ipv4Addr::new(127, 0, 0, 2), addr);
    let refusal = read_frame(&mut &same, 1024)
        .expect("服务端应当回一帧说明")
        .expect("服务端应当回一帧说明");
    assert_eq!(
        String::from_utf8_lossy(&refusal),
        "错误：服务端忙：你的地址已经占了 1 个连接，请先关掉一些"
    );
    read_until_closed(&same);
    // 另一个地址可以；再来第三个（又一个地址），总数满了。
    let second = connect_from(Ipv4Addr::new(127, 0, 0, 3), addr);
    write_frame(&mut &second, b"ok").unwrap();
    assert!(read_frame(&mut &second, 1024).unwrap().is_some());
    let third = connect_from(Ipv4Addr::new(127, 0, 0, 4), addr);
    let refusal = read_frame(&mut &third, 1024).unwrap().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&refusal),
        "错误：服务端忙：已经在服务 2 个连接，请稍后再试"
    );
    server.expect_stdout("拒绝 127.0.0.4");
    // 第一个走了，名额回来了：分帧客户端又能用了。
    // （名额在处理那个连接的线程结束时归还，比它的日志晚一点点：被拒绝就再试，最多 50 次。）
    drop(first);
    server.expect_stdout("[#1] 对方关闭了连接");
    let port = server.port();
    let out = (0..50)
        .map(|_| run_client(FRAMED_CLIENT, &["--port", &port, "回来了"], ""))
        .find(|o| o.status.success())
        .expect("名额归还以后，分帧客户端应当又能连上");
    assert!(
        out.stdout.contains("回显：9 字节 “回来了”"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_framed_client_reports_a_refusal_frame() {
    let _server = server(FRAMED_SERVER, &["--max-connections", "2"]);
    let hold = connect(_server.addr());
    let port = _server.port();
    let out = run_client(FRAMED_CLIENT, &["--port", &port, "你好"], "");
    testkit::assert_clear_failure(&out, "服务端拒绝了：服务端忙：你的地址已经占了 1 个连接");
    drop(hold);
}

#[test]
fn the_mode_server_refuses_one_too_many_with_a_line() {
    let server = server(SERVER, &["--mode", "line", "--max-connections", "2"]);
    let hold = connect(server.addr());
    let port = server.port();
    // 多跑几次：拒绝的那一行不能因为时机不同而丢掉（对方可能已经发完、也可能还没发）。
    for _ in 0..5 {
        let out = run_client(CLIENT, &["--port", &port, "--mode", "line", "你好"], "");
        testkit::assert_clear_failure(
            &out,
            "服务端拒绝了这些消息：服务端忙：你的地址已经占了 1 个连接",
        );
    }
    drop(hold);
}

// ---------------------------------------------------------------------------------------------
// 内存

/// 一段 1 MiB 的 `x`，所有对方共用：测试自己不必为 40 个对方各准备 16 MiB。
fn chunk() -> Arc<Vec<u8>> {
    Arc::new(vec![b'x'; MIB])
}

/// 一个对方：先发 `head`，再发 `body` 个 `x`，然后停住不动（连接留着）。
/// 返回连接和它发出去了多少字节（服务端拒绝、断开时会少）。
fn hold_a_big_message(
    source: Ipv4Addr,
    addr: SocketAddr,
    head: Vec<u8>,
    body: usize,
    data: Arc<Vec<u8>>,
) -> (TcpStream, usize) {
    let stream = connect_from(source, addr);
    if (&stream).write_all(&head).is_err() {
        return (stream, 0);
    }
    let mut sent = 0;
    while sent < body {
        let n = (body - sent).min(data.len());
        if (&stream).write_all(&data[..n]).is_err() {
            break;
        }
        sent += n;
    }
    (stream, sent)
}

/// 量内存用的服务端：和 `server` 一样启动，只是让 glibc 的分配器把 128 KiB 以上的块一律直接向系统要
/// （`mmap`）、释放时马上还（`munmap`）。默认情况下这个门槛会随程序的用法自己往上调（最高 32 MiB），
/// 释放了的大块就留在分配器手里，峰值随哪个线程先拿到哪块内存而忽高忽低（量到过 59–144 MiB）。
/// 定住门槛，量到的就是服务端自己申请的字节；别的 C 库不认这个变量，也不受影响。
fn budget_server(bin: &str, extra: &[&str]) -> Proc {
    let mut cmd = std::process::Command::new(bin);
    cmd.args(["--port", "0"])
        .args(extra)
        .env("MALLOC_MMAP_THRESHOLD_", "131072");
    Proc::server_from_command(cmd)
}

/// 40 个对方（40 个不同的源地址），每个都发一条 16 MiB − 1 字节、还差最后一个字节的消息，然后停住。
/// 服务端的常驻内存峰值（VmHWM）只能比开始时多出缓存上限（默认 64 MiB）再加分配器的零头，
/// 而不是 40 × 16 MiB。之后正常的小消息照样有人服务。
fn memory_is_bounded_by_the_budget(server: &mut Proc, head: &[u8], still_served: impl Fn(&Proc)) {
    still_served(server);
    let before = status_kib(server.pid(), "VmHWM");
    let data = chunk();
    let addr = server.addr();
    let peers: Vec<_> = (0..40u8)
        .map(|i| {
            let (head, data) = (head.to_vec(), Arc::clone(&data));
            let source = Ipv4Addr::new(127, 0, 0, 10 + i);
            thread::spawn(move || hold_a_big_message(source, addr, head, 16 * MIB - 1, data))
        })
        .collect();
    let held: Vec<(TcpStream, usize)> = peers.into_iter().map(|p| p.join().unwrap()).collect();
    let complete = held
        .iter()
        .filter(|(_, sent)| *sent == 16 * MIB - 1)
        .count();
    let peak = status_kib(server.pid(), "VmHWM");
    let grew_mib = (peak.saturating_sub(before)) as f64 / 1024.0;
    // 缓存上限管的是服务端申请的字节；服务端是用 `budget_server` 启动的，分配器不替它多留内存，
    // 量到的就是它自己申请的。量下来峰值涨 62–68 MiB（修好之前是 624–635 MiB），
    // 这里允许缓存上限再加 16 MiB（每个连接自带的一小块、线程栈）：它是个定数，不随对方的个数涨。
    assert!(
        grew_mib <= 64.0 + 16.0,
        "40 个对方各发 16 MiB − 1 字节以后，服务端的内存峰值涨了 {grew_mib:.0} MiB（{complete} 个对方发完了）：\
         上限应当是缓存上限 64 MiB 加上分配器的零头，不随对方的个数增长"
    );
    assert!(
        complete < 40,
        "40 个对方都发完了 16 MiB − 1 字节：服务端收下了全部 640 MiB？"
    );
    server.expect_stdout("缓存的数据已经到了上限");
    // 这些对方还占着缓存的时候，小消息照样有人服务（每个连接自带一小块，不必申请）。
    still_served(server);
    drop(held);
}

#[test]
fn forty_big_frames_cannot_raise_the_framed_servers_memory_past_its_budget() {
    let mut server = budget_server(FRAMED_SERVER, &[]);
    memory_is_bounded_by_the_budget(&mut server, &(16 * MIB as u32).to_be_bytes(), |s| {
        assert_eq!(echo(s.addr(), "还在".as_bytes()), "还在".as_bytes());
    });
}

/// l08-server 的一个小客户端：发一条消息、半关闭、读总结。
fn one_message(addr: SocketAddr, wire: &[u8]) -> String {
    let stream = connect(addr);
    (&stream).write_all(wire).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    String::from_utf8_lossy(&read_until_closed(&stream)).into_owned()
}

#[test]
fn forty_big_messages_cannot_raise_the_mode_servers_memory_past_its_budget() {
    let mut length = budget_server(SERVER, &["--mode", "length"]);
    memory_is_bounded_by_the_budget(&mut length, &(16 * MIB as u32).to_be_bytes(), |s| {
        let reply = one_message(s.addr(), b"\0\0\0\x02hi");
        assert_eq!(reply, "收到 1 条消息，共 2 字节\n");
    });
    let mut line = budget_server(SERVER, &["--mode", "line"]);
    memory_is_bounded_by_the_budget(&mut line, b"", |s| {
        let reply = one_message(s.addr(), b"hi\n");
        assert_eq!(reply, "收到 1 条消息，共 2 字节\n");
    });
}

#[test]
fn a_budget_refusal_is_an_error_frame_and_a_log_line() {
    // 缓存上限 1 MiB：一帧 1 MiB 的消息在帧长上限之内，可两条这样的消息合起来放不下。
    let mut server = server(
        FRAMED_SERVER,
        &["--max-frame", "1MiB", "--max-buffered", "1MiB"],
    );
    let port = server.port();
    let first = connect(server.addr());
    (&first).write_all(&(MIB as u32).to_be_bytes()).unwrap();
    // 先占住大半：对方 1 发了 900 KiB 就停住；等服务端把它们都读进了自己的缓冲区。
    (&first).write_all(&vec![b'x'; 900 * 1024]).unwrap();
    server.expect_stdout("[#1] 新连接");
    let (sport, cport) = (server.addr().port(), first.local_addr().unwrap().port());
    wait_until("服务端读完对方 1 发来的 900 KiB", || {
        crate::pause::unread(sport, cport) == Some(0)
    });
    let second = connect(server.addr());
    let writer = {
        let second = second.try_clone().unwrap();
        thread::spawn(move || {
            let _ = (&second).write_all(&(MIB as u32).to_be_bytes());
            let _ = (&second).write_all(&vec![b'y'; 900 * 1024]);
        })
    };
    let refusal = read_frame(&mut &second, 1024)
        .expect("服务端应当回一帧说明")
        .expect("服务端应当回一帧说明");
    let refusal = String::from_utf8(refusal).unwrap();
    assert!(
        refusal.starts_with("错误：服务端缓存的数据已经到了上限（所有连接合起来 1 MiB）"),
        "{refusal}"
    );
    server.expect_stdout("[#2] 出错：服务端缓存的数据已经到了上限（所有连接合起来 1 MiB）");
    let _ = writer.join();
    // 对方 1 还占着缓存；一条小消息照样回显（64 KiB 以内的消息不必申请额度）。
    assert_eq!(echo(server.addr(), "还在".as_bytes()), "还在".as_bytes());
    server.expect_stdout("[#3] 对方关闭了连接，一共回显了 1 帧");
    let log = server.kill_and_collect().stdout;
    assert!(!log.contains("[#1] 出错"), "对方 1 应当一直占着缓存：{log}");
    drop(first);
    let tagged = |who: &str, text: &str| -> String {
        text.lines().map(|l| format!("{who} | {l}\n")).collect()
    };
    let run = "# l08-framed-server --max-frame 1MiB --max-buffered 1MiB：一帧最多 1 MiB，所有连接合起来最多缓存 1 MiB\n\
               # 对方 1 说“这一帧有 1 MiB”，发了 900 KiB 就停住，服务端把这 900 KiB 都收进了缓冲区\n\
               # 对方 2 也说“这一帧有 1 MiB”，接着发；对方 3 随后发来一帧“还在”\n"
        .to_string()
        + &tagged("服务端", &normalized(&log, &port, 9999))
        + "# 对方 2 收到的那一帧：\n"
        + &tagged("对方 2", &refusal)
        + "# 对方 3 的消息不到 64 KiB，不必申请额度：对方 1 占着缓存的时候，它照样得到了回显\n";
    testkit::assert_matches_saved(&saved("budget-refusal.txt"), &run);
}

// ---------------------------------------------------------------------------------------------
// 命令行

#[test]
fn hostile_arguments_are_refused_in_chinese() {
    let cases: &[(&str, &[&str], &str)] = &[
        (SERVER, &["--idle-timeout", "0"], "应当在 1 到 86400 秒之间"),
        (
            SERVER,
            &["--idle-timeout", "18446744073709551615"],
            "应当在 1 到 86400 秒之间",
        ),
        (SERVER, &["--min-rate", "0"], "--min-rate"),
        (SERVER, &["--max-connections", "0"], "--max-connections"),
        (SERVER, &["--max-frame", "0"], "--max-frame"),
        (SERVER, &["--max-frame", "5GiB"], "--max-frame"),
        (SERVER, &["--max-frame", "很多"], "--max-frame"),
        (
            SERVER,
            &["--max-buffered", "18446744073709551616"],
            "--max-buffered",
        ),
        (SERVER, &["--timeout", "1"], "不认识的参数 --timeout"),
        (
            FRAMED_SERVER,
            &["--idle-timeout", "0"],
            "应当在 1 到 86400 秒之间",
        ),
        (
            FRAMED_SERVER,
            &["--max-connections", "100000"],
            "--max-connections",
        ),
        (FRAMED_SERVER, &["--max-frame=-1"], "--max-frame"),
        (FRAMED_SERVER, &["--timeout", "1"], "不认识的参数 --timeout"),
        (CLIENT, &["--timeout", "0"], "应当在 1 到 3600 秒之间"),
        (
            CLIENT,
            &["--timeout", "18446744073709551615"],
            "应当在 1 到 3600 秒之间",
        ),
        (CLIENT, &["--repeat", "100000000000000000"], "--repeat"),
        (
            FRAMED_CLIENT,
            &["--timeout", "0"],
            "应当在 1 到 3600 秒之间",
        ),
        (FRAMED_CLIENT, &["--port", "70000"], "--port"),
    ];
    for (bin, args, needle) in cases {
        let out = testkit::run(bin, *args, "");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{bin} {args:?} 应当以退出码 2 结束\n{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("错误："),
            "{bin} {args:?}：{}",
            out.stderr
        );
        assert!(
            out.stderr.contains(needle),
            "{bin} {args:?}：{}",
            out.stderr
        );
        assert!(
            !out.stderr.contains("panicked"),
            "{bin} {args:?}：{}",
            out.stderr
        );
    }
    // 帧长上限比缓存上限还大：这样长的帧永远收不下，启动时就说清楚。
    let out = testkit::run(FRAMED_SERVER, ["--port", "0", "--max-frame", "128MiB"], "");
    testkit::assert_clear_failure(
        &out,
        "--max-frame（128 MiB）比 --max-buffered（64 MiB）还大",
    );
}

#[test]
fn every_program_has_a_version_and_chinese_help_with_readable_sizes() {
    for bin in [SERVER, CLIENT, FRAMED_SERVER, FRAMED_CLIENT] {
        let out = testkit::run(bin, ["--version"], "");
        assert!(out.status.success(), "{bin} --version：{}", out.stderr);
        assert!(
            out.stdout.contains("0.1.0"),
            "{bin} --version：{}",
            out.stdout
        );
        let out = testkit::run(bin, ["--help"], "");
        assert!(out.status.success(), "{bin} --help：{}", out.stderr);
        assert!(out.stdout.contains("用法:"), "{}", out.stdout);
        assert!(!out.stdout.contains("16777216"), "{}", out.stdout);
    }
    let out = testkit::run(FRAMED_SERVER, ["--help"], "");
    for word in [
        "--idle-timeout",
        "--min-rate",
        "--max-connections",
        "（默认：16MiB）",
        "（默认：64MiB）",
    ] {
        assert!(
            out.stdout.contains(word),
            "帮助里应当有 {word}：\n{}",
            out.stdout
        );
    }
}
