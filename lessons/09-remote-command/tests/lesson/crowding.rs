//! 服务端对付挤占资源的对方：连接上限和每个地址的份额、空闲超时、开不了线程、accept 出错。
//! 共用的规矩在 `support::serve` 里，这里检查第 09 课的服务端真的用上了它们，
//! 而且拒绝时按这一课的协议说话（一帧 `error: …`）。
//!
//! 只在 Linux 上运行：要用 127.0.0.2 这样的第二个回环地址（macOS 默认只有 127.0.0.1）、
//! setpriv 和 prlimit 换用户和限制资源、/proc 量 CPU 时间。

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use lesson_08::frame::{read_frame, write_frame, DEFAULT_MAX_FRAME};
use socket2::{Domain, Socket, Type};
use testkit::{wait_until, Proc, DEADLINE};

use crate::programs::{ask, connect, read_retrying, SERVER};

fn server(args: &[&str]) -> Proc {
    let mut all = vec!["--port", "0"];
    all.extend_from_slice(args);
    Proc::server(SERVER, all)
}

/// 从回环地址 `source`（例如 127.0.0.2）连上服务端。Linux 把整个 127.0.0.0/8 都交给 `lo`，
/// 所以不用任何设置，就能模拟“来自另一台机器”的客户端。
fn connect_from(source: Ipv4Addr, to: SocketAddr) -> TcpStream {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket
        .bind(&SocketAddrV4::new(source, 0).into())
        .unwrap_or_else(|e| panic!("绑定源地址 {source} 失败：{e}"));
    socket.connect(&to.into()).expect("连上服务端");
    let stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// 读一帧回答，变成文字。
fn frame_text(stream: &mut TcpStream) -> String {
    let reply = read_frame(stream, DEFAULT_MAX_FRAME)
        .expect("读回答")
        .expect("服务端在回答之前关闭了连接");
    String::from_utf8(reply).expect("回答是 UTF-8")
}

/// 对方关闭了连接（读到 EOF 或者连接被重置），而且没有在超时之前再说什么。
fn closed(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 64];
    matches!(read_retrying(stream, &mut buf), Ok(0) | Err(_))
}

#[test]
fn one_address_gets_half_the_connections_and_idle_ones_are_dropped() {
    // 以前：4 个不说话的连接占满名额，别人一律“服务端已经在服务 4 个客户端”，
    // 要等 60 秒；攻击者断开后马上重连，名额就一直是他的。
    let mut srv = server(&["--max-connections", "4", "--idle-timeout", "1"]);
    let addr = srv.addr();
    let attacker = Ipv4Addr::new(127, 0, 0, 2);
    let mut held: Vec<TcpStream> = (0..2).map(|_| connect_from(attacker, addr)).collect();
    for (i, s) in held.iter_mut().enumerate() {
        assert_eq!(ask(s, &format!("echo {i}")), format!("{i}\n"));
    }
    for _ in 0..2 {
        let mut extra = connect_from(attacker, addr);
        let reply = frame_text(&mut extra);
        assert!(
            reply.starts_with("error: 服务端忙：你的地址已经占了 2 个连接"),
            "同一个地址的第 3 个连接应当被拒绝：{reply}"
        );
        assert!(closed(&mut extra), "拒绝之后应当关闭连接");
    }
    // 另一个地址照样进得来：名额的一半留给了别人。
    let mut other = connect(&srv);
    assert_eq!(ask(&mut other, "echo 别人"), "别人\n");
    drop(other);
    // 不说话的连接在空闲超时后被断开，名额回来了。
    let started = Instant::now();
    for s in &mut held {
        assert!(closed(s), "空闲的连接应当被断开");
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "空闲超时是 1 秒，却过了 {:?} 才断开",
        started.elapsed()
    );
    srv.expect_stdout("太久没有说话");
    let (_, reply) = once_a_slot_is_back(|| {
        let mut again = connect_from(attacker, addr);
        let reply = ask(&mut again, "echo 又来了");
        (again, reply)
    });
    assert_eq!(reply, "又来了\n");
}

/// 连上来、拿到第一个回答；回答是“你的地址已经占了 2 个连接”就稍等再连，直到期限。
///
/// 名额在处理连接的线程完全结束时才归还，这可能比对方看到连接关闭、比日志里的“离开了”晚一点点。
/// 名额真漏掉了的话，一直等到期限也等不来，最后那个回答照样让调用者的断言失败。
fn once_a_slot_is_back(mut attempt: impl FnMut() -> (TcpStream, String)) -> (TcpStream, String) {
    let give_up = Instant::now() + DEADLINE;
    loop {
        let (stream, reply) = attempt();
        if !reply.contains("占了") || Instant::now() > give_up {
            return (stream, reply);
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// `/proc/<pid>/limits` 里“Max processes”的硬限制。
fn hard_nproc(pid: u32) -> String {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max processes"))
        .expect("limits 里有 Max processes");
    line.split_whitespace().nth(3).unwrap().to_string()
}

/// 以一个没人用的用户（uid 54321）启动服务端，把它的进程数（线程也算）软限制设成 `nproc`：
/// 这个用户一共只能有这么多个线程和进程，多开一个就失败（EAGAIN），就像机器的线程用完了。
/// root 不受这个限制，所以要换一个用户；不是 root、或者没有 setpriv/prlimit 时返回 None。
fn starved_server(nproc: u32) -> Option<Proc> {
    let me = Command::new("id").arg("-u").output().ok()?;
    let tools = ["setpriv", "prlimit"]
        .iter()
        .all(|t| Command::new(t).arg("--version").output().is_ok());
    if String::from_utf8_lossy(&me.stdout).trim() != "0" || !tools {
        eprintln!("跳过：要以 root 运行、装有 setpriv 和 prlimit，才能换一个用户限制线程数");
        return None;
    }
    let nproc = format!("--nproc={nproc}:");
    // 换了用户，仓库所在的目录未必进得去：用一份人人能执行的副本（服务端启动以后就删掉）。
    let shared = testkit::shared_program(SERVER);
    Some(Proc::server(
        "setpriv",
        [
            "--reuid=54321",
            "--regid=54321",
            "--clear-groups",
            "prlimit",
            &nproc,
            "--",
            shared.path(),
            "--port",
            "0",
            "--max-connections",
            "4",
        ],
    ))
}

/// 把服务端的软限制放回硬限制（同一个用户可以这样做，不需要特权）。
fn lift(srv: &Proc) {
    let hard = hard_nproc(srv.pid());
    let done = Command::new("setpriv")
        .args([
            "--reuid=54321",
            "--regid=54321",
            "--clear-groups",
            "prlimit",
        ])
        .arg(format!("--pid={}", srv.pid()))
        .arg(format!("--nproc={hard}:"))
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "prlimit 失败：{}",
        String::from_utf8_lossy(&done.stderr)
    );
}

#[test]
fn a_thread_that_cannot_start_refuses_one_client_and_the_slot_comes_back() {
    // nproc = 1：只有主线程，连接的线程开不出来（serve 拒绝这个连接）；
    // nproc = 3：主线程、连接的线程和命令的进程都有了，读命令输出的线程开不出来（run_with_limit）。
    // 以前：前一种让整个服务端 panic 退出；后一种让连接的线程 panic，名额一去不回，
    // 四次以后谁来都是“服务端已经在服务 4 个客户端”。
    for nproc in [1, 3] {
        let Some(mut srv) = starved_server(nproc) else {
            return;
        };
        for round in 0..6 {
            let (stream, reply) = once_a_slot_is_back(|| {
                let mut stream = connect(&srv);
                if nproc == 3 {
                    write_frame(&mut stream, b"echo hi").unwrap();
                }
                let reply = frame_text(&mut stream);
                (stream, reply)
            });
            assert!(
                reply.starts_with("error: ") && reply.contains("线程"),
                "nproc={nproc} 第 {round} 个客户端应当收到一帧说明开不了线程：{reply}"
            );
            assert!(
                !reply.contains("已经在服务") && !reply.contains("占了"),
                "nproc={nproc}：名额漏掉了：{reply}"
            );
            // 等服务端看到这个客户端走了（它的线程结束、名额归还），再来下一个：
            // 否则下一个客户端可能撞上“你的地址已经占了 2 个连接”，那是名额还没来得及归还，不是漏掉。
            if !reply.contains("服务端忙") {
                let me = stream.local_addr().unwrap();
                drop(stream);
                srv.expect_stdout(&format!("{me} 离开了"));
            }
        }
        assert!(srv.is_running(), "nproc={nproc}：服务端不应退出");
        lift(&srv);
        // 线程又开得出来了：服务照常，名额一个也没少。
        let mut streams: Vec<TcpStream> = (0..2).map(|_| connect(&srv)).collect();
        for (i, s) in streams.iter_mut().enumerate() {
            assert_eq!(ask(s, &format!("echo 好了{i}")), format!("好了{i}\n"));
        }
        let rest = srv.kill_and_collect();
        assert!(!rest.stderr.contains("panicked"), "{}", rest.stderr);
    }
}

/// 进程用掉的 CPU 时间（用户态加内核态，单位是时钟滴答，通常 1 滴答 = 10 毫秒）。
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let rest = stat.rsplit_once(')').unwrap().1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // ')' 之后第 1 项是状态（总第 3 项）；utime、stime 是总第 14、15 项。
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn accept_errors_back_off_and_are_logged_once() {
    // 文件描述符只有 16 个：连上 24 个客户端，accept 就会因为 EMFILE 失败。
    // 以前：失败后马上重试，一秒几十万次，CPU 占满；现在等一会儿再试，这一阵只记一行。
    let mut srv = Proc::server("prlimit", ["--nofile=16:", "--", SERVER, "--port", "0"]);
    let held: Vec<TcpStream> = (0..24).map(|_| connect(&srv)).collect();
    srv.expect_stdout("接受连接失败");
    // 只数 accept 的日志：先前接受的连接各自的线程还可能正在打印“连上了”。
    let accept_lines = |srv: &mut Proc| {
        srv.stdout_so_far()
            .lines()
            .filter(|l| l.contains("接受连接"))
            .count()
    };
    let before_lines = accept_lines(&mut srv);
    let before = cpu_ticks(srv.pid());
    // 观察窗口：看“没有空转”这件事没有发生，不是在等对方就绪。
    thread::sleep(Duration::from_millis(800));
    let spent = cpu_ticks(srv.pid()) - before;
    let logged = accept_lines(&mut srv) - before_lines;
    assert!(
        spent <= 16,
        "accept 出错时应当退避：0.8 秒里用了 {spent} 个时钟滴答的 CPU"
    );
    assert!(logged == 0, "同一阵错误只记一行，却又多了 {logged} 行");
    drop(held);
    srv.expect_stdout("接受连接恢复正常");
    // 积压队列里那些已经关掉的连接还要被一一接受、读到 EOF、关闭，描述符才会全部空出来；
    // 在那之前运行命令可能还会遇到“文件描述符用完了”。等到一条命令能正常运行为止。
    wait_until("服务端恢复正常服务", || {
        let mut stream = connect(&srv);
        ask(&mut stream, "echo 恢复了") == "恢复了\n"
    });
}
