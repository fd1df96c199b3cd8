//! 连接是怎么结束的：四次挥手、半关闭、RST、TIME_WAIT 与 SO_REUSEADDR、积压队列。
//!
//! 每一幕都在本机上真的建连接、真的关闭，然后从 `/proc/net/tcp`（Linux）读出两端的
//! 连接状态打印出来，所以看到的是系统此刻真正的状态，不是画出来的。
//! `l03-teardown` 程序只是挑一幕调用这里。

use std::fs;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use socket2::{Domain, SockRef, Socket, Type};
use support::say;

/// 等状态变化最多等这么久。本机上通常不到一毫秒，等这么久只是为了慢机器。
const SETTLE: Duration = Duration::from_secs(2);

// ANCHOR: tcp_state
/// 连接在系统里的状态，名字和 RFC 793 一致（`ss` 显示成 `FIN-WAIT-2` 这样）。
fn state_name(code: u8) -> &'static str {
    match code {
        0x01 => "ESTABLISHED",
        0x02 => "SYN_SENT",
        0x03 => "SYN_RECV",
        0x04 => "FIN_WAIT_1",
        0x05 => "FIN_WAIT_2",
        0x06 => "TIME_WAIT",
        0x07 => "CLOSED",
        0x08 => "CLOSE_WAIT",
        0x09 => "LAST_ACK",
        0x0A => "LISTEN",
        0x0B => "CLOSING",
        _ => "未知",
    }
}

/// `/proc/net/tcp` 的一行：本端地址、对端地址、状态，以及监听套接字的队列长度。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub local: SocketAddr,
    pub remote: SocketAddr,
    pub state: &'static str,
    /// 普通连接：接收缓冲区里还没读的字节数；监听套接字：排队等 accept 的连接数。
    pub rx_queue: u64,
}

/// 读出本机所有 IPv4 TCP 套接字（Linux 的 `/proc/net/tcp`）。别的系统上没有这个文件，返回 `None`。
///
/// 这张表不是一张快照：内核一段一段地把它交给我们，两段之间别的程序开了、关了连接，
/// 同一个套接字可能被列两次，也可能漏掉一个。重复的这里去掉；要数准的地方，数不对就再读一遍。
pub fn tcp_table() -> Option<Vec<Entry>> {
    let text = fs::read_to_string("/proc/net/tcp").ok()?;
    // 每行：序号 本端地址 对端地址 状态 发送队列:接收队列 ……；地址是十六进制的 IP:端口。
    let mut seen = std::collections::HashSet::new();
    Some(
        text.lines()
            .skip(1)
            .filter_map(parse_line)
            .filter(|e| seen.insert((e.local, e.remote)))
            .collect(),
    )
}

fn parse_line(line: &str) -> Option<Entry> {
    let mut fields = line.split_whitespace().skip(1);
    let local = parse_addr(fields.next()?)?;
    let remote = parse_addr(fields.next()?)?;
    let state = state_name(u8::from_str_radix(fields.next()?, 16).ok()?);
    let (_tx, rx) = fields.next()?.split_once(':')?;
    let rx_queue = u64::from_str_radix(rx, 16).ok()?;
    Some(Entry {
        local,
        remote,
        state,
        rx_queue,
    })
}

/// `0100007F:22B8` → `127.0.0.1:8888`。IP 是按内存里的字节顺序打印的 32 位数，端口是普通的十六进制。
fn parse_addr(field: &str) -> Option<SocketAddr> {
    let (ip, port) = field.split_once(':')?;
    let ip = u32::from_str_radix(ip, 16).ok()?;
    let port = u16::from_str_radix(port, 16).ok()?;
    Some(SocketAddr::from((Ipv4Addr::from(ip.to_ne_bytes()), port)))
}

/// 从 `local` 到 `remote` 的那条连接此刻的状态；表里没有它（已经彻底关闭）时是 `None`。
pub fn state_of(table: &[Entry], local: SocketAddr, remote: SocketAddr) -> Option<&'static str> {
    table
        .iter()
        .find(|e| e.local == local && e.remote == remote)
        .map(|e| e.state)
}
// ANCHOR_END: tcp_state

/// 反复读表，直到 `count` 数出 `want` 来，或者过了 [`SETTLE`]；返回最后一次数出来的数。
/// 没有这张表时返回 `None`。
fn count_until(want: u64, count: impl Fn(&[Entry]) -> Option<u64>) -> Option<Option<u64>> {
    let start = Instant::now();
    loop {
        let got = count(&tcp_table()?);
        if got == Some(want) || start.elapsed() > SETTLE {
            return Some(got);
        }
        thread::sleep(Duration::from_millis(1));
    }
}

/// 一条连接的两端：客户端的地址和服务端（accept 得到的那一端）的地址。
#[derive(Clone, Copy)]
struct Pair {
    client: SocketAddr,
    server: SocketAddr,
}

impl Pair {
    fn of(client: &TcpStream) -> Result<Pair> {
        Ok(Pair {
            client: client.local_addr()?,
            server: client.peer_addr()?,
        })
    }

    /// 两端此刻的状态（`None`：表里已经没有这一端了）。
    fn states(&self) -> Option<(Option<&'static str>, Option<&'static str>)> {
        let table = tcp_table()?;
        Some((
            state_of(&table, self.client, self.server),
            state_of(&table, self.server, self.client),
        ))
    }

    /// 等到两端进入预期的状态（本机上几乎是立刻），打印出来。等不到就如实打印看到的。
    fn show(&self, client: Option<&str>, server: Option<&str>) {
        let start = Instant::now();
        let seen = loop {
            match self.states() {
                None => {
                    say("  （这台机器没有 /proc/net/tcp，看不到连接状态）");
                    return;
                }
                Some(seen) if seen == (client, server) || start.elapsed() > SETTLE => break seen,
                Some(_) => thread::sleep(Duration::from_millis(1)),
            }
        };
        let name = |s: Option<&str>| s.unwrap_or("（已经不在表里）").to_string();
        say(format!(
            "  状态：客户端 {}，服务端 {}",
            name(seen.0),
            name(seen.1)
        ));
    }
}

/// 建一条本机上的连接：返回监听套接字、客户端一端和服务端（accept 得到的）一端。
fn connected(listener: TcpListener) -> Result<(TcpListener, TcpStream, TcpStream)> {
    let client = TcpStream::connect(listener.local_addr()?).context("连接失败")?;
    let (server, _) = listener.accept().context("accept 失败")?;
    for s in [&client, &server] {
        s.set_read_timeout(Some(SETTLE))?;
        s.set_write_timeout(Some(SETTLE))?;
    }
    Ok((listener, client, server))
}

fn loopback() -> Result<TcpListener> {
    TcpListener::bind("127.0.0.1:0").context("无法在 127.0.0.1 上监听")
}

/// 读一次，把结果说成人话：几个字节、0（对方说完了），或者错误的种类。
fn read_once(stream: &mut TcpStream) -> String {
    let mut buf = [0u8; 1024];
    match stream.read(&mut buf) {
        Ok(0) => "返回 0：对方说完了".to_string(),
        Ok(n) => format!("返回 {n} 个字节：{}", String::from_utf8_lossy(&buf[..n])),
        Err(err) => format!("出错：{:?}（{err}）", err.kind()),
    }
}

fn write_once(stream: &mut TcpStream, data: &[u8]) -> String {
    match stream.write(data) {
        Ok(n) => format!("成功，写出 {n} 个字节"),
        Err(err) => format!("出错：{:?}（{err}）", err.kind()),
    }
}

// ANCHOR: close
/// 第一幕：四次挥手。客户端先半关闭，服务端读到 0 以后还能回一句话，然后也关闭。
pub fn four_way_close() -> Result<()> {
    say("四次挥手：客户端先关闭（半关闭），服务端随后关闭");
    let (_listener, mut client, mut server) = connected(loopback()?)?;
    let pair = Pair::of(&client)?;
    say("连上了");
    pair.show(Some("ESTABLISHED"), Some("ESTABLISHED"));

    say("① 客户端 shutdown(Shutdown::Write)：发出 FIN，只关掉自己的发送方向（半关闭）");
    client.shutdown(Shutdown::Write)?;
    say(format!("  服务端 read {}", read_once(&mut server)));
    pair.show(Some("FIN_WAIT_2"), Some("CLOSE_WAIT"));

    say("② 服务端还能写：write_all(\"再见\")");
    server.write_all("再见".as_bytes())?;
    say(format!(
        "  客户端 read {}（半关闭以后照样能收）",
        read_once(&mut client)
    ));

    say("③ 服务端 drop(stream)：发出它的 FIN");
    drop(server);
    say(format!("  客户端 read {}", read_once(&mut client)));
    pair.show(Some("TIME_WAIT"), None);

    say("④ 客户端 drop(stream)：程序里的套接字没了，系统还要把 TIME_WAIT 保留一会儿（Linux 上是 60 秒）");
    drop(client);
    pair.show(Some("TIME_WAIT"), None);
    Ok(())
}
// ANCHOR_END: close

// ANCHOR: reset
/// 第二幕：关闭时接收缓冲区里还有没读的数据，系统发的是 RST 而不是 FIN。
pub fn reset() -> Result<()> {
    say("一、服务端读完了再关闭：正常的 FIN");
    let (_listener, mut client, mut server) = connected(loopback()?)?;
    client.write_all(b"hello")?;
    say("  客户端发出 5 个字节：hello");
    say(format!("  服务端 read {}", read_once(&mut server)));
    say("  服务端 drop(stream)");
    drop(server);
    say(format!("  客户端 read {}", read_once(&mut client)));

    say("二、服务端没读完就关闭：RST");
    let (_listener, mut client, server) = connected(loopback()?)?;
    let pair = Pair::of(&client)?;
    client.write_all(b"hello")?;
    say("  客户端发出 5 个字节：hello");
    // peek 一直等到数据到达，但不取走它：数据确实躺在服务端的接收缓冲区里。
    server.peek(&mut [0u8; 1])?;
    say("  服务端一个字节也不读，就 drop(stream)：接收缓冲区里还有 5 个字节");
    drop(server);
    say(format!("  客户端 read {}", read_once(&mut client)));
    say(format!(
        "  客户端再 write {}",
        write_once(&mut client, b"?")
    ));
    pair.show(None, None);
    say("  RST 之后两端都立刻消失了：没有 TIME_WAIT");

    say("三、SO_LINGER 设为 0 再关闭：什么都读完了，发的也是 RST");
    let (_listener, mut client, server) = connected(loopback()?)?;
    // 这是 socket2 提供的选项；标准库的 TcpStream 不能设它。
    SockRef::from(&server).set_linger(Some(Duration::ZERO))?;
    say("  服务端 set_linger(Some(Duration::ZERO))，然后 drop(stream)");
    drop(server);
    say(format!("  客户端 read {}", read_once(&mut client)));
    Ok(())
}
// ANCHOR_END: reset

// ANCHOR: rebind
/// 第三幕：服务端先关闭连接，它那一端进入 TIME_WAIT；马上在同一个端口上重新监听会怎样。
pub fn rebind() -> Result<()> {
    say("一、旧的监听套接字是 TcpListener::bind 建的（它设了 SO_REUSEADDR）");
    let port = leave_time_wait(loopback()?)?;
    say(format!(
        "  不设 SO_REUSEADDR 的新套接字（socket2，和 Python 的 socket.socket() 一样）bind：{}",
        outcome(bind_plain(port))
    ));
    say(format!(
        "  TcpListener::bind（设了 SO_REUSEADDR）：{}",
        outcome(TcpListener::bind(("127.0.0.1", port)).map(drop))
    ));

    say("二、旧的监听套接字没设 SO_REUSEADDR（socket2 建的，和 Python 的 socket.socket() 一样）");
    let plain = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    plain.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())?;
    plain.listen(128)?;
    let port = leave_time_wait(plain.into())?;
    say(format!(
        "  TcpListener::bind（设了 SO_REUSEADDR）：{}",
        outcome(TcpListener::bind(("127.0.0.1", port)).map(drop))
    ));
    say("  新旧两个套接字都设了 SO_REUSEADDR，TIME_WAIT 才不挡路");
    Ok(())
}

/// 建一条连接，让服务端先关闭（它那一端进入 TIME_WAIT），再关掉监听套接字。返回端口。
fn leave_time_wait(listener: TcpListener) -> Result<u16> {
    let port = listener.local_addr()?.port();
    let (listener, mut client, server) = connected(listener)?;
    let pair = Pair::of(&client)?;
    say("  服务端先 drop(stream)，客户端读到 0 以后再关闭");
    drop(server);
    let _ = read_once(&mut client);
    drop(client);
    pair.show(None, Some("TIME_WAIT"));
    drop(listener);
    say("  关掉监听套接字，马上在同一个端口上重新监听：");
    Ok(port)
}

/// 不设 SO_REUSEADDR，在 127.0.0.1:port 上 bind + listen（Python 的 socket.socket() 默认就是这样）。
fn bind_plain(port: u16) -> io::Result<()> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, port)).into())?;
    socket.listen(128)
}

fn outcome(result: io::Result<()>) -> String {
    match result {
        Ok(()) => "成功".to_string(),
        Err(err) => format!("失败：{:?}（{err}）", err.kind()),
    }
}
// ANCHOR_END: rebind

/// 第四幕里排队那一半：连几次都不 accept。
const QUEUED_TRIES: usize = 4;
/// 第四幕里同时开着的连接数。
const AT_ONCE: usize = 20;

// ANCHOR: backlog
/// 第四幕：listen(n) 的 n 是什么。
pub fn backlog() -> Result<()> {
    say("一、listen(1)，而且从不 accept");
    let listener = listen_with_backlog(1)?;
    let addr = listener.local_addr()?;
    let mut kept = Vec::new();
    for i in 1..=QUEUED_TRIES {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
            Ok(stream) => {
                say(format!(
                    "  连接 {i}：连上了（握手由系统完成，连接排进队列，等 accept 来取）"
                ));
                kept.push(stream);
            }
            Err(err) => say(format!(
                "  连接 {i}：300 毫秒内没连上（{:?}）：队列满了，系统把它的 SYN 丢掉了，既不接受也不拒绝，客户端过一会儿会重发",
                err.kind()
            )),
        }
    }
    let queued = count_until(kept.len() as u64, |table| {
        table
            .iter()
            .find(|e| e.local == addr && e.state == "LISTEN")
            .map(|e| e.rx_queue)
    });
    if let Some(Some(queued)) = queued {
        say(format!(
            "  /proc/net/tcp 里，监听套接字的队列里排着 {queued} 条连接"
        ));
    }
    drop(kept);
    drop(listener);

    say(format!(
        "二、还是 listen(1)，但有一个线程马上 accept：每接受一条连接就回一句“你好”，连接一直开着；{AT_ONCE} 个客户端一个接一个连上来"
    ));
    let listener = listen_with_backlog(1)?;
    let addr = listener.local_addr()?;
    let (done, wait_done) = mpsc::channel::<()>();
    let acceptor = thread::spawn(move || -> io::Result<()> {
        let mut open = Vec::new();
        for _ in 0..AT_ONCE {
            let (mut stream, _) = listener.accept()?;
            stream.write_all("你好".as_bytes())?;
            open.push(stream);
        }
        // 所有连接都开着，直到主线程数完。
        let _ = wait_done.recv_timeout(SETTLE * 5);
        Ok(())
    });
    let mut clients = Vec::new();
    for _ in 0..AT_ONCE {
        let mut stream = TcpStream::connect_timeout(&addr, SETTLE)?;
        stream.set_read_timeout(Some(SETTLE))?;
        // 收到“你好”说明服务端已经 accept 了这一条：下一条连上来时队列是空的。
        let mut hello = [0u8; 6];
        stream.read_exact(&mut hello)?;
        clients.push(stream);
    }
    say(format!(
        "  {} 个客户端都收到了“你好”，{AT_ONCE} 条连接此刻同时开着",
        clients.len()
    ));
    // 只数对端是我们这 20 个客户端的：同一台机器上别的程序也可能恰好连到这个端口上来。
    let ours: Vec<SocketAddr> = clients.iter().filter_map(|c| c.local_addr().ok()).collect();
    let open = count_until(AT_ONCE as u64, |table| {
        let n = table
            .iter()
            .filter(|e| e.local == addr && e.state == "ESTABLISHED" && ours.contains(&e.remote))
            .count();
        Some(n as u64)
    });
    if let Some(Some(open)) = open {
        say(format!(
            "  /proc/net/tcp 里，服务端这边有 {open} 条 ESTABLISHED 的连接"
        ));
    }
    let _ = done.send(());
    acceptor
        .join()
        .map_err(|_| anyhow::anyhow!("accept 线程 panic 了"))?
        .context("accept 失败")?;
    say("  listen(n) 限的是“握手完成、还没被 accept 取走”的连接有多少条，不是服务端能同时服务多少个客户端");
    Ok(())
}

/// 用 socket2 建监听套接字，自己给 listen 的参数（标准库的 TcpListener::bind 总是用 128）。
fn listen_with_backlog(backlog: i32) -> Result<TcpListener> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())?;
    socket.listen(backlog)?;
    Ok(socket.into())
}
// ANCHOR_END: backlog
