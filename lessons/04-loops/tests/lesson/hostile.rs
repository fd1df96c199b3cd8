//! 不讲理的对方：文件描述符用完时的 accept、一直不说话的和一个字节一个字节拖的客户端、
//! 超过连接上限的连接、聊天室里一直不读（或者读得极慢）的成员。
//! 每个测试用很小的限制（`--idle-timeout 1`、`--queue 8`……），几秒之内就能看到结果。

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use common::{bin, recv_once};
use testkit::{Proc, DEADLINE};

/// 在 `ulimit -n 64` 下启动服务端：它最多只能同时打开 64 个文件描述符。`exec` 让服务端接替 sh 的进程号。
fn server_with_few_fds(name: &str, extra: &[&str]) -> Proc {
    let program = bin(name);
    let mut args = vec!["-c", "ulimit -n 64; exec \"$0\" \"$@\"", program.as_str()];
    args.extend_from_slice(&["--port", "0"]);
    args.extend_from_slice(extra);
    Proc::server("sh", args)
}

fn server(name: &str, extra: &[&str]) -> Proc {
    let mut args = vec!["--port", "0"];
    args.extend_from_slice(extra);
    Proc::server(&bin(name), args)
}

/// 一个进程到目前为止用掉的 CPU 时间（用户态加内核态），从 /proc/<pid>/stat 里读。
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("读 /proc/<pid>/stat");
    // 第 2 个字段（程序名）在括号里，可能含空格：从最后一个右括号之后数。
    let rest = &stat[stat.rfind(')').expect("stat 的格式") + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let hz = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<u64>()
                .ok()
        })
        .unwrap_or(100);
    Duration::from_millis(ticks * 1000 / hz)
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("连上服务端");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// 从本机的另一个地址（127.0.0.2、127.0.0.3……）连过去：服务端看到的是不同的对方 IP。
fn connect_from(source: [u8; 4], addr: SocketAddr) -> TcpStream {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let from = SocketAddr::from((source, 0));
    socket.bind(&from.into()).expect("绑定 127.0.0.x");
    socket.connect(&addr.into()).expect("连上服务端");
    let stream: TcpStream = socket.into();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// 一个接收缓冲区很小、报文段也很小（MSS 536 字节）的连接：不读的话，服务端写不了多少就写不进去了
/// （服务端的发送缓冲区按对方的 MSS 增长，MSS 小，它也就小）。
fn connect_with_small_window(addr: SocketAddr) -> TcpStream {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.set_tcp_mss(536).unwrap();
    socket.connect(&addr.into()).expect("连上服务端");
    socket.into()
}

/// 等对方关闭连接：读到 EOF（或被重置）就返回用了多久；期限内没关就让测试失败。
fn wait_for_close(stream: &mut TcpStream, what: &str) -> Duration {
    let start = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buf = [0u8; 4096];
    loop {
        assert!(start.elapsed() < DEADLINE, "{what}：服务端一直没有断开它");
        match stream.read(&mut buf) {
            Ok(0) => return start.elapsed(),
            Ok(_) => {}
            Err(e) if support::is_timeout(&e) => {}
            Err(_) => return start.elapsed(),
        }
    }
}

/// 文件描述符用完时，accept 每次都立刻失败（EMFILE）。服务端不能因此空转、每秒写几十万行日志：
/// 它要等一会儿再试，这一阵错误只记一行；连接关掉、描述符空出来以后，它照常服务。
fn backs_off_when_out_of_fds(name: &str, greeting: &str) {
    let mut srv = server_with_few_fds(name, &["--max-connections", "1000"]);
    let addr = srv.addr();
    // 120 个连接：比服务端能打开的描述符多。连接都能建立（内核在积压队列里替它接着），
    // 服务端接受了前面的几十个之后，accept 就开始失败。
    let held: Vec<TcpStream> = (0..120).map(|_| connect(addr)).collect();
    srv.expect_stdout("接受连接失败");
    let before = cpu_time(srv.pid());
    let watched = Instant::now();
    thread::sleep(Duration::from_secs(1));
    let used = cpu_time(srv.pid()) - before;
    let elapsed = watched.elapsed();
    assert!(
        used < elapsed / 5,
        "描述符用完时，{name} 在 {elapsed:?} 里用了 {used:?} 的 CPU：它在空转"
    );
    // 一阵错误只记一行：失败的一行之后，要么还在这一阵里（不再记），要么先有一行“恢复正常”。
    // 服务端关掉它服务不了的连接（比如聊天室复制不出连接的副本）时会空出描述符，下一次 accept 又成功了，
    // 所以一秒里可能有好几阵；但行数受连接数限制，不随重试的次数增长：绝不是每秒几十万行。
    let log = srv.stdout_so_far();
    let failed = log.matches("接受连接失败").count();
    let recovered = log.matches("接受连接恢复正常").count();
    assert!(
        failed <= recovered + 1 && failed <= held.len(),
        "同一阵 accept 错误只记一行，这里有 {failed} 行“失败”、{recovered} 行“恢复”：\n{}",
        log.lines()
            .filter(|l| l.contains("接受连接"))
            .take(10)
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(srv.is_running());
    drop(held);
    srv.expect_stdout("接受连接恢复正常（刚才连续失败了");
    // 描述符空出来了：新的客户端照常得到问候。刚恢复时，服务端还在接受积压队列里那些已经断开的连接，
    // 描述符可能又紧张一小会儿（聊天室每个成员要两个描述符，复制不出来就只好关掉这个连接）：
    // 被这样关掉的客户端再连一次；期限之内一直得不到问候，才算失败。
    let give_up = Instant::now() + DEADLINE;
    let first = loop {
        let mut fresh = connect(addr);
        let mut first = vec![0u8; greeting.len()];
        match fresh.read_exact(&mut first) {
            Ok(()) => break first,
            Err(_) if Instant::now() < give_up => thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("描述符空出来以后，新的客户端应当照常被服务：{e}"),
        }
    };
    assert_eq!(String::from_utf8_lossy(&first), greeting);
}

#[test]
fn threaded_server_backs_off_when_out_of_file_descriptors() {
    backs_off_when_out_of_fds("l04-threaded-server", "Welcome!");
}

#[test]
fn chat_server_backs_off_when_out_of_file_descriptors() {
    backs_off_when_out_of_fds("l04-chat-server", "欢迎来到聊天室");
}

/// 一个字节一个字节地说：每 300 毫秒一个字节。读超时（每次 read 最多等多久）拦不住它，
/// 最低速率拦得住：`--idle-timeout 1 --min-rate 100` 下，它挣来的时间远不够花，几秒之内就被断开。
fn trickle_until_dropped(stream: &mut TcpStream, read_replies: bool) -> Duration {
    let start = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    let mut buf = [0u8; 256];
    for _ in 0..40 {
        if stream.write_all(b"a").is_err() {
            return start.elapsed();
        }
        if read_replies {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return start.elapsed(),
                Ok(_) => {}
            }
        }
        thread::sleep(Duration::from_millis(300));
    }
    panic!("每 300 毫秒一个字节地说了 12 秒，服务端还没有断开这个连接");
}

#[test]
fn threaded_server_drops_idle_and_trickling_clients() {
    let mut srv = server(
        "l04-threaded-server",
        &["--idle-timeout", "1", "--min-rate", "1000"],
    );
    let addr = srv.addr();
    let mut idle = connect(addr);
    assert_eq!(recv_once(&idle, "Welcome!"), b"Welcome!");
    let waited = wait_for_close(&mut idle, "一直不说话的客户端");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    srv.expect_stdout("对方一直不说话或太慢（空闲超时 1 秒，最低速率每秒 1000 字节）");

    // 每个字节都是一条“消息”，服务端也都回复了：这是一段正常的对话，只是慢得离谱。
    let mut slow = connect(addr);
    assert_eq!(recv_once(&slow, "Welcome!"), b"Welcome!");
    let lasted = trickle_until_dropped(&mut slow, true);
    assert!(lasted < Duration::from_secs(6), "{lasted:?}");
    // 别的客户端照常被服务。
    let mut fresh = connect(addr);
    assert_eq!(recv_once(&fresh, "Welcome!"), b"Welcome!");
    fresh.write_all(b"Bob").unwrap();
    assert_eq!(recv_once(&fresh, "Hello, Bob!"), b"Hello, Bob!");
}

#[test]
fn one_at_a_time_server_drops_a_trickling_client_so_the_next_one_gets_in() {
    let mut srv = server("l04-server", &["--idle-timeout", "1", "--min-rate", "1000"]);
    let addr = srv.addr();
    let mut slow = connect(addr);
    srv.expect_stdout("连上了");
    // 排队的客户端：它连上了，消息也发出去了，只是服务端还在陪那个慢客户端。
    let queued = thread::spawn(move || {
        let mut next = connect(addr);
        next.write_all("轮到我了".as_bytes()).unwrap();
        recv_once(&next, "排队的客户端的回复")
    });
    let lasted = trickle_until_dropped(&mut slow, true);
    assert!(lasted < Duration::from_secs(6), "{lasted:?}");
    let reply = queued.join().expect("排队的客户端");
    assert!(
        reply.starts_with("[轮到我了] ".as_bytes()),
        "{:?}",
        String::from_utf8_lossy(&reply)
    );
    srv.expect_stdout("好让排队的客户端进来");
}

#[test]
fn chat_server_asks_idle_and_trickling_members_to_leave() {
    let mut srv = server(
        "l04-chat-server",
        &["--idle-timeout", "1", "--min-rate", "1000"],
    );
    let addr = srv.addr();
    let idle = connect(addr);
    let mut reader = BufReader::new(idle.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.contains("你是 用户1"), "{line}");
    line.clear();
    reader.read_line(&mut line).unwrap();
    assert_eq!(line, "你 1 秒内没有说完一句话，先请你离开\n");
    let mut idle = idle;
    wait_for_close(&mut idle, "一直不说话的成员");

    // 一行话一个字节一个字节地说，永远说不完：同样在限度内被请出去。
    let mut slow = connect(addr);
    let lasted = trickle_until_dropped(&mut slow, false);
    assert!(lasted < Duration::from_secs(6), "{lasted:?}");
    srv.expect_stdout("用户2 1 秒内没有说完一句话");
}

/// 超过连接上限的那一个连接收到一句说明（用它自己协议的样子），然后被关掉；名额空出来以后照常服务。
#[test]
fn the_connection_over_the_cap_is_told_why_and_closed() {
    // 上限 2：同一个地址最多占一半，也就是 1 个。
    let srv = server("l04-threaded-server", &["--max-connections", "2"]);
    let addr = srv.addr();
    let first = connect(addr);
    assert_eq!(recv_once(&first, "Welcome!"), b"Welcome!");
    let mut same = connect(addr);
    let mut refusal = Vec::new();
    same.read_to_end(&mut refusal).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&refusal),
        "服务端忙：你的地址已经占了 1 个连接，请先关掉一些",
        "拒绝的话和别的话一样不带换行符，说完就关"
    );
    let other = connect_from([127, 0, 0, 2], addr);
    assert_eq!(recv_once(&other, "Welcome!"), b"Welcome!");
    let mut third = connect_from([127, 0, 0, 3], addr);
    let mut refusal = Vec::new();
    third.read_to_end(&mut refusal).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&refusal),
        "服务端忙：已经在服务 2 个连接，请稍后再试"
    );
    // 完整版的客户端把这句话说给用户听，退出码 1。
    let out = testkit::run(&bin("l04-threaded-client"), ["--port", &srv.port()], "");
    testkit::assert_clear_failure(&out, "服务端拒绝了这个连接：服务端忙");
    // 第一个客户端走了，它的名额归还：下一个客户端（按期限重试）得到 Welcome!。
    drop(first);
    let deadline = Instant::now() + DEADLINE;
    loop {
        let next = connect(addr);
        if recv_once(&next, "Welcome! 或拒绝") == b"Welcome!" {
            break;
        }
        assert!(Instant::now() < deadline, "名额一直没有归还");
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_chat_member_over_the_cap_is_told_why_in_a_line() {
    let srv = server("l04-chat-server", &["--max-connections", "2"]);
    let addr = srv.addr();
    let first = connect(addr);
    let mut reader = BufReader::new(first.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("欢迎来到聊天室"), "{line}");
    let mut same = connect(addr);
    let mut refusal = String::new();
    same.read_to_string(&mut refusal).unwrap();
    assert_eq!(
        refusal,
        "服务端忙：你的地址已经占了 1 个连接，请先关掉一些\n"
    );
    let out = testkit::run(&bin("l04-chat-client"), ["--port", &srv.port()], "");
    testkit::assert_clear_failure(&out, "服务端拒绝了这个连接：服务端忙");
}

/// 一个读者：把收到的每一行连同收到的时刻交给通道，直到连接关闭。
fn line_reader(stream: TcpStream) -> mpsc::Receiver<(String, Instant)> {
    let (tx, rx) = mpsc::channel();
    // 等多久由读通道的一方决定（recv_timeout）；这里的读线程只管读，不设读超时：机器忙的时候
    // 一行 60 KB 的消息晚到几秒，不该被当成连接断了。服务端被杀掉时连接关闭，这个线程随之结束。
    stream.set_read_timeout(None).unwrap();
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        while let Ok(n) = reader.read_line(&mut line) {
            if n == 0
                || tx
                    .send((line.trim_end().to_string(), Instant::now()))
                    .is_err()
            {
                return;
            }
            line.clear();
        }
    });
    rx
}

fn next_line(rx: &mpsc::Receiver<(String, Instant)>, what: &str) -> (String, Instant) {
    match rx.recv_timeout(DEADLINE) {
        Ok(got) => got,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("等了 {} 秒没有收到 {what}", DEADLINE.as_secs())
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic!("还没收到 {what}，连接就断了（服务端把这个成员请出去了？）")
        }
    }
}

/// 聊天室里有一个从不读消息的成员，和一个每 3 秒才读 600 字节的成员。别人的消息照样立刻送到；
/// 这两个成员的队列满了，被请出聊天室，大家都听到一句说明。
#[test]
fn members_that_do_not_read_do_not_freeze_the_room() {
    let mut srv = server("l04-chat-server", &["--queue", "8"]);
    let addr = srv.addr();
    let mut joined = 0;
    let mut member = |what: &str| {
        let stream = connect(addr);
        joined += 1;
        let rx = line_reader(stream.try_clone().unwrap());
        let (welcome, _) = next_line(&rx, what);
        assert!(welcome.contains(&format!("你是 用户{joined}")), "{welcome}");
        (stream, rx)
    };
    let (_a, a_lines) = member("甲的欢迎语");
    let (mut b, _b_lines) = member("乙的欢迎语");
    // 丙从不读。丁每 3 秒读 600 字节。
    let silent = connect_with_small_window(addr);
    let slow = connect_with_small_window(addr);
    srv.expect_stdout("用户4（");
    let stop = Arc::new(AtomicBool::new(false));
    let stop_slow = Arc::clone(&stop);
    let mut slow_reader = slow.try_clone().unwrap();
    thread::spawn(move || {
        let mut buf = [0u8; 600];
        while !stop_slow.load(Ordering::SeqCst) {
            if matches!(slow_reader.read(&mut buf), Ok(0) | Err(_)) {
                return;
            }
            for _ in 0..30 {
                if stop_slow.load(Ordering::SeqCst) {
                    return;
                }
                thread::sleep(Duration::from_millis(100));
            }
        }
    });
    // 乙一条接一条地说长话（每条约 60 KB），最多比甲的接收早 4 条（甲的队列不会满），
    // 直到丙和丁都被请出聊天室。每一条送到甲那里都不能拖：记下最慢的一条。
    let big = "话".repeat(20_000);
    let mut sent: Vec<Instant> = Vec::new();
    let mut got = 0;
    let mut worst = Duration::ZERO;
    let mut notices: Vec<String> = Vec::new();
    let start = Instant::now();
    while notices.len() < 2 {
        assert!(
            start.elapsed() < DEADLINE,
            "乙说了 {} 条，丙和丁还没有被请出去（只听到 {notices:?}）",
            sent.len()
        );
        if sent.len() < got + 4 && sent.len() < 400 {
            b.write_all(format!("{}:{big}\n", sent.len()).as_bytes())
                .unwrap();
            sent.push(Instant::now());
            continue;
        }
        let (line, at) = next_line(&a_lines, "乙的话或聊天室的通知");
        if let Some(rest) = line.strip_prefix("用户2：") {
            let n: usize = rest.split(':').next().unwrap().parse().unwrap();
            assert_eq!(n, got, "甲收到的话少了或乱了");
            worst = worst.max(at - sent[n]);
            got += 1;
        } else if line.contains("跟不上了") {
            notices.push(line);
        }
    }
    assert!(
        worst < Duration::from_secs(2),
        "乙的一条话过了 {worst:?} 才送到甲那里：聊天室被不读消息的成员拖住了"
    );
    notices.sort();
    assert!(
        notices[0].starts_with("用户3 跟不上了：积压了 8 条消息没有读")
            && notices[1].starts_with("用户4 跟不上了"),
        "{notices:?}"
    );
    // 这之后，一句短话马上送到。
    b.write_all("还在吗\n".as_bytes()).unwrap();
    let asked = Instant::now();
    loop {
        let (line, at) = next_line(&a_lines, "乙的“还在吗”");
        if line == "用户2：还在吗" {
            assert!(at - asked < Duration::from_secs(2), "{:?}", at - asked);
            break;
        }
    }
    stop.store(true, Ordering::SeqCst);
    drop((silent, slow));
}

/// 最近的消息里都是长话，又进来几个一句都不读的人：新来的人照样马上收到欢迎语。
#[test]
fn a_newcomer_is_welcomed_at_once_despite_silent_members() {
    let mut srv = server("l04-chat-server", &[]);
    let addr = srv.addr();
    let mut talker = connect(addr);
    let big = "史".repeat(20_000);
    for i in 0..chat_history() {
        talker.write_all(format!("{i}:{big}\n").as_bytes()).unwrap();
    }
    srv.expect_stdout(&format!("用户1 说：{}:", chat_history() - 1));
    let mut silent = Vec::new();
    for i in 0..6 {
        silent.push(connect_with_small_window(addr));
        srv.expect_stdout(&format!("用户{}（", i + 2));
    }
    let asked = Instant::now();
    let newcomer = connect(addr);
    let mut line = String::new();
    BufReader::new(newcomer).read_line(&mut line).unwrap();
    let waited = asked.elapsed();
    assert!(line.contains("你是 用户8"), "{line}");
    assert!(
        waited < Duration::from_secs(2),
        "新来的人等了 {waited:?} 才收到欢迎语"
    );
}

fn chat_history() -> usize {
    lesson_04::chat::HISTORY
}

/// 以一个普通用户（nobody）的身份、在“这个用户最多 6 个进程或线程”的限制下启动服务端。
/// 需要 root（切换用户）和 util-linux 的 setpriv、prlimit；没有时返回 None，测试说明原因后跳过。
fn server_with_few_threads(name: &str, test: &str) -> Option<Proc> {
    let usable = std::process::Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "prlimit",
            "--nproc=6:6",
            "true",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !usable {
        eprintln!("跳过 {test}：需要 root 和 setpriv、prlimit 才能限制服务端的线程数");
        return None;
    }
    // 换了用户，仓库所在的目录未必进得去：用一份人人能执行的副本（服务端启动以后就删掉）。
    let program = testkit::shared_program(&bin(name));
    Some(Proc::server(
        "setpriv",
        [
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "prlimit",
            "--nproc=6:6",
            program.path(),
            "--port",
            "0",
        ],
    ))
}

/// 开不了线程时（线程数到了上限），只拒绝这一个连接，说明原因；服务端照常运行，线程空出来后照常服务。
fn refuses_when_no_thread_can_start(name: &str, test: &str, greeting: &str) {
    let Some(mut srv) = server_with_few_threads(name, test) else {
        return;
    };
    let addr = srv.addr();
    let mut held = Vec::new();
    let mut refused = None;
    for _ in 0..12 {
        let mut c = connect(addr);
        let mut first = vec![0u8; greeting.len()];
        match c.read_exact(&mut first) {
            Ok(()) if first == greeting.as_bytes() => held.push(c),
            _ => {
                let mut rest = Vec::new();
                let _ = c.read_to_end(&mut rest);
                first.extend_from_slice(&rest);
                refused = Some(String::from_utf8_lossy(&first).into_owned());
                break;
            }
        }
    }
    let refused = refused.expect("12 个连接都开出了线程：线程数的限制没有起作用");
    assert!(
        refused.trim_end() == "服务端忙：暂时开不了新的线程，请稍后再试",
        "开不了线程的那个连接应当收到一句说明：{refused:?}"
    );
    srv.expect_stdout("拒绝这个连接");
    assert!(srv.is_running(), "开不了线程不能让服务端退出");
    drop(held);
    // 线程空出来了：新的客户端（按期限重试）照常被服务。
    let deadline = Instant::now() + DEADLINE;
    loop {
        let mut c = connect(addr);
        let mut first = vec![0u8; greeting.len()];
        if c.read_exact(&mut first).is_ok() && first == greeting.as_bytes() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "线程空出来以后，新的客户端一直没有被服务"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

/// 线程数的限制按用户计（nobody 的所有进程和线程加起来），所以两个服务端一个接一个地试，不同时跑。
#[test]
fn servers_refuse_one_connection_when_no_thread_can_start() {
    let test = "servers_refuse_one_connection_when_no_thread_can_start";
    refuses_when_no_thread_can_start("l04-threaded-server", test, "Welcome!");
    refuses_when_no_thread_can_start("l04-chat-server", test, "欢迎来到聊天室");
}

// ───────────────────────── 书里展示的真实运行 ─────────────────────────

fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// 端口换成固定值：服务端的端口换成 `default`，对方的端口（127.0.0.x:端口）按出现的先后换成 50001、50002……
fn mask_ports(text: &str, server_port: u16, default: u16) -> String {
    let text = text.replace(&format!(":{server_port}"), &format!(":{default}"));
    let mut peers: Vec<String> = Vec::new();
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("127.0.0.") {
        let (head, tail) = rest.split_at(at);
        out.push_str(head);
        let host_len = "127.0.0.".len()
            + tail["127.0.0.".len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .count();
        let (host, after) = tail.split_at(host_len);
        out.push_str(host);
        rest = after;
        if let Some(port_text) = rest.strip_prefix(':') {
            let digits: String = port_text.chars().take_while(char::is_ascii_digit).collect();
            if !digits.is_empty() && digits != default.to_string() {
                let n = peers.iter().position(|p| *p == digits).unwrap_or_else(|| {
                    peers.push(digits.clone());
                    peers.len() - 1
                });
                out.push_str(&format!(":{}", 50001 + n));
                rest = &port_text[digits.len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// 书里“所有服务端共用的规矩”一节的真实运行：上限、拒绝的话、空闲和太慢的客户端被断开。
#[test]
fn the_shared_policy_in_one_captured_run() {
    let mut srv = server(
        "l04-threaded-server",
        &[
            "--max-connections",
            "2",
            "--idle-timeout",
            "1",
            "--min-rate",
            "1000",
        ],
    );
    let addr = srv.addr();
    let mut story = String::new();
    let note = |story: &mut String, text: &str| story.push_str(&format!("# {text}\n"));
    note(
        &mut story,
        "服务端：l04-threaded-server --max-connections 2 --idle-timeout 1 --min-rate 1000",
    );
    note(&mut story, "客户端 A 连上，收下欢迎语，然后一声不吭：");
    let mut a = connect(addr);
    story.push_str(&format!(
        "[客户端A] 收到 {}\n",
        String::from_utf8_lossy(&recv_once(&a, "Welcome!"))
    ));
    note(
        &mut story,
        "客户端 B 从同一个地址连上（同一个地址最多占上限的一半，也就是 1 个）：",
    );
    let mut b = connect(addr);
    let mut refusal = Vec::new();
    b.read_to_end(&mut refusal).unwrap();
    story.push_str(&format!(
        "[客户端B] 收到 {}，然后连接被关掉\n",
        String::from_utf8_lossy(&refusal)
    ));
    note(
        &mut story,
        "客户端 C 从另一个地址（127.0.0.2）连上，每 300 毫秒说一个字节：",
    );
    let mut c = connect_from([127, 0, 0, 2], addr);
    story.push_str(&format!(
        "[客户端C] 收到 {}\n",
        String::from_utf8_lossy(&recv_once(&c, "Welcome!"))
    ));
    note(
        &mut story,
        "客户端 D 从第三个地址（127.0.0.3）连上：两个名额都占着",
    );
    let mut d = connect_from([127, 0, 0, 3], addr);
    let mut refusal = Vec::new();
    d.read_to_end(&mut refusal).unwrap();
    story.push_str(&format!(
        "[客户端D] 收到 {}，然后连接被关掉\n",
        String::from_utf8_lossy(&refusal)
    ));
    let waited = wait_for_close(&mut a, "一直不说话的客户端 A");
    note(&mut story, "过了 1 秒多，客户端 A 被断开（空闲超时）");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    let lasted = trickle_until_dropped(&mut c, true);
    assert!(lasted < Duration::from_secs(6), "{lasted:?}");
    note(
        &mut story,
        "客户端 C 说了几个字节，每个都得到了回复，可它挣来的时间不够花，也被断开（最低速率）",
    );
    srv.expect_stdout("127.0.0.2");
    let deadline = Instant::now() + DEADLINE;
    while srv.stdout_so_far().matches("关闭和").count() < 2 {
        assert!(Instant::now() < deadline, "服务端的日志里少了断开的记录");
        thread::sleep(Duration::from_millis(10));
    }
    note(&mut story, "服务端的日志：");
    // 两个客户端几乎同时到期，谁先被断开每次可能不同：断开的两行按客户端的先后排。
    let log = mask_ports(&srv.stdout_so_far(), addr.port(), 9999);
    let (mut closed, rest): (Vec<&str>, Vec<&str>) =
        log.lines().skip(1).partition(|l| l.contains("关闭和"));
    closed.sort();
    for line in rest.into_iter().chain(closed) {
        story.push_str(&format!("[服务端] {line}\n"));
    }
    assert_eq!(story.matches("服务端忙").count(), 4, "{story}");
    testkit::assert_matches_saved(&saved("policy.txt"), &mask_ports(&story, addr.port(), 9999));
}

/// 书里 accept 退避的真实运行：描述符用完时的日志，一阵错误一行。
#[test]
fn the_accept_back_off_in_a_captured_run() {
    let mut srv = server_with_few_fds("l04-threaded-server", &["--max-connections", "1000"]);
    let addr = srv.addr();
    let held: Vec<TcpStream> = (0..80).map(|_| connect(addr)).collect();
    srv.expect_stdout("接受连接失败");
    thread::sleep(Duration::from_millis(500));
    drop(held);
    srv.expect_stdout("接受连接恢复正常");
    let log = srv.stdout_so_far();
    let mut story = String::from(
        "# 服务端在 ulimit -n 64 下运行（最多 64 个文件描述符），80 个客户端同时连上、都不说话：\n",
    );
    let accepted = log.matches("的新连接").count();
    // 退避的日志由接受连接的线程写，“新连接”那几行由各个连接的线程写：两边的先后每次可能不同。
    // 按事情发生的顺序讲：先是接受下来的连接（只列两个），再是描述符用完时的那一行，最后是恢复。
    let until_recovery: Vec<&str> = log
        .lines()
        .take_while(|l| !l.contains("接受连接恢复正常"))
        .collect();
    for line in until_recovery
        .iter()
        .filter(|l| l.contains("的新连接"))
        .take(2)
    {
        story.push_str(&format!("[服务端] {line}\n"));
    }
    story.push_str("# ……（接受了几十个连接之后，描述符用完了）\n");
    for line in until_recovery.iter().filter(|l| l.contains("接受连接失败")) {
        story.push_str(&format!("[服务端] {line}\n"));
    }
    let recovered = log
        .lines()
        .find(|l| l.contains("接受连接恢复正常"))
        .expect("上面已经等到了恢复的那一行");
    // “连续失败了 N 次”的 N 每次运行都不同。
    let recovered = match recovered.find("连续失败了 ") {
        Some(at) => format!("{}连续失败了 N 次）", &recovered[..at]),
        None => recovered.to_string(),
    };
    story.push_str(&format!("[服务端] {recovered}\n"));
    assert!(accepted > 2, "{log}");
    story.push_str("# 这一阵失败只记了一行；客户端们断开、描述符空出来以后，服务端照常接受\n");
    testkit::assert_matches_saved(
        &saved("policy-backoff.txt"),
        &mask_ports(&story, addr.port(), 9999),
    );
}

/// 书里聊天室的真实运行：一个从不读消息的成员被请出聊天室，别人照常聊天。
#[test]
fn a_member_that_never_reads_in_a_captured_run() {
    let mut srv = server("l04-chat-server", &["--queue", "8"]);
    let addr = srv.addr();
    let a = connect(addr);
    let a_lines = line_reader(a.try_clone().unwrap());
    let mut story =
        String::from("# 服务端：l04-chat-server --queue 8（每个成员最多积压 8 条消息）\n");
    story.push_str(&format!("[甲] {}\n", next_line(&a_lines, "甲的欢迎语").0));
    let mut b = connect(addr);
    let _b_lines = line_reader(b.try_clone().unwrap());
    // 等乙真的成了“用户2”再让丙连上：两个连接的线程谁先进聊天室，每次可能不同。
    srv.expect_stdout("用户2（");
    let silent = connect_with_small_window(addr);
    srv.expect_stdout("用户3（");
    story.push_str("# 乙进来了；丙进来了，但从不读消息\n");
    let big = "话".repeat(20_000);
    let mut sent = 0;
    let mut got = 0;
    let mut seen = Vec::new();
    let deadline = Instant::now() + DEADLINE;
    while !seen.iter().any(|l: &String| l.contains("跟不上了")) {
        assert!(Instant::now() < deadline, "丙一直没有被请出去");
        if sent < got + 4 {
            b.write_all(format!("{sent}:{big}\n").as_bytes()).unwrap();
            sent += 1;
            continue;
        }
        let Ok((line, _)) = a_lines.recv_timeout(DEADLINE) else {
            panic!(
                "甲没有收到乙的话（已经收到 {got} 条）。服务端的日志：\n{}",
                srv.stdout_so_far()
            );
        };
        if line.starts_with("用户2：") {
            got += 1;
        } else {
            seen.push(line);
        }
    }
    story.push_str("# 乙一条接一条地说长话（每条约 60 KB）；甲都收到了，同时也收到：\n");
    for line in &seen {
        story.push_str(&format!("[甲] {line}\n"));
    }
    b.write_all("还在吗\n".as_bytes()).unwrap();
    loop {
        let (line, _) = next_line(&a_lines, "乙的“还在吗”");
        if line == "用户2：还在吗" {
            story.push_str(&format!("# 乙说了一句短话，甲马上收到：\n[甲] {line}\n"));
            break;
        }
    }
    srv.expect_stdout("用户3 离开了聊天室");
    story.push_str("# 服务端的日志（乙说的长话每条一行，这里略去）：\n");
    for line in srv.stdout_so_far().lines().skip(1) {
        if !line.starts_with("用户2 说：") {
            story.push_str(&format!("[服务端] {line}\n"));
        }
    }
    drop(silent);
    testkit::assert_matches_saved(
        &saved("chat-slow-member.txt"),
        &mask_ports(&story, addr.port(), 12345),
    );
}
