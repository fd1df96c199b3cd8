//! 第 03 课练习的评分检查。`workbook grade 03` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。
//!
//! 网络练习都走真实的套接字，对面是像真程序一样的对方（`testkit::peers` 和这里的几个小服务端）：
//! 发完就等回复、从不半关闭的教程式客户端；回复分两段、中间停一会儿的服务端；
//! 慢慢发的、一言不发的、说到一半就消失的对方；还有一个真正的 `l03-server` 进程。
//! 失败的信息是写给学习者看的：你的结果、期望，以及最可能的原因。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::any::Any;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use testkit::grading::{cut, describe_io, show_bytes};
use testkit::peers::{self, WAIT};
use testkit::{exercise, Proc, DEADLINE};

const SERVER: &str = env!("CARGO_BIN_EXE_l03-server");

// ---------------------------------------------------------------------------
// 公用的小工具
// ---------------------------------------------------------------------------

/// 系统错误的英文原话里，读超时那一句换成中文。
fn plain(text: &str) -> String {
    text.replace(
        "Os { code: 11, kind: WouldBlock, message: \"Resource temporarily unavailable\" }",
        "读超时（WouldBlock）",
    )
    .replace(
        "Resource temporarily unavailable (os error 11)",
        "读超时（os error 11）",
    )
    // macOS 上同一件事是 35 号错误。
    .replace(
        "Resource temporarily unavailable (os error 35)",
        "读超时（os error 35）",
    )
}

/// 学习者的函数 panic 时附带的文字。
fn panic_text(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "（panic 没有附带文字）".to_string());
    if text.starts_with("not yet implemented") {
        return "还没有写（todo!()）".to_string();
    }
    cut(&plain(&text))
}

fn panicked(situation: &str, payload: &(dyn Any + Send)) -> ! {
    let text = panic_text(payload);
    if text.starts_with("还没有写") {
        panic!("{situation}：你的函数{text}");
    }
    panic!(
        "{situation}：你的函数 panic 了：{text}\n  出错时用 ? 把错误交回去，不要 unwrap / expect。"
    )
}

/// 在另一个线程里调用学习者的函数，最多等 `DEADLINE`。它 panic 时说清楚是在什么情形下。
fn call<T: Send + 'static>(situation: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(DEADLINE) {
        Ok(Ok(value)) => value,
        Ok(Err(payload)) => panicked(situation, payload.as_ref()),
        Err(_) => panic!(
            "{situation}：你的函数过了 {} 秒还没有返回",
            DEADLINE.as_secs()
        ),
    }
}

/// 在后台运行的学习者服务端：它有自己的监听套接字，测试在前台当客户端。
struct Background<T> {
    addr: SocketAddr,
    situation: String,
    rx: mpsc::Receiver<thread::Result<T>>,
}

fn background<T: Send + 'static>(
    situation: &str,
    serve: impl FnOnce(&TcpListener) -> T + Send + 'static,
) -> Background<T> {
    let listener = TcpListener::bind("127.0.0.1:0").expect("能绑定空闲端口");
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(|| serve(&listener))));
    });
    Background {
        addr,
        situation: situation.to_string(),
        rx,
    }
}

impl<T> Background<T> {
    /// 等学习者的函数返回（客户端已经关闭了连接，它不该再等什么）。
    fn result(self) -> T {
        match self.rx.recv_timeout(DEADLINE) {
            Ok(Ok(value)) => value,
            Ok(Err(payload)) => panicked(&self.situation, payload.as_ref()),
            Err(_) => panic!(
                "{}：客户端已经关闭了连接，你的函数过了 {} 秒还没有返回",
                self.situation,
                DEADLINE.as_secs()
            ),
        }
    }
}

/// 客户端这一边是怎么结束的。
#[derive(Debug)]
enum End {
    /// 对方关闭了连接（读到 0）。
    Closed,
    /// 等到了读超时，对方既没再发也没关闭。
    Waited,
    /// 读够了想要的字节数。
    Full,
    /// 出错了（多半是连接被重置）。
    Failed(io::Error),
}

/// 客户端收到的回复。
struct Reply {
    bytes: Vec<u8>,
    end: End,
    /// 第一个字节是在连上以后多久到的。
    first: Option<Duration>,
    /// 整个对话用了多久。
    took: Duration,
}

/// 回复比期望的多读这么多个字节，多出来的也能看见。
const SLACK: usize = 64;

/// 一次客户端的对话：连上、`talk` 发东西，然后读回复：直到凑满 `max` 个字节、对方关闭、出错，
/// 或者一次读等了 `wait` 还没有数据。最后关闭连接。
fn exchange(
    addr: SocketAddr,
    max: usize,
    wait: Duration,
    talk: impl FnOnce(&mut TcpStream) -> io::Result<()>,
) -> Reply {
    let start = Instant::now();
    let failed = |e: io::Error| Reply {
        bytes: Vec::new(),
        end: End::Failed(e),
        first: None,
        took: start.elapsed(),
    };
    let mut stream = match peers::connect(addr) {
        Ok(s) => s,
        Err(e) => return failed(e),
    };
    if let Err(e) = talk(&mut stream) {
        return failed(e);
    }
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut bytes = Vec::new();
    let mut first = None;
    let mut buf = [0u8; 4096];
    let end = loop {
        if bytes.len() >= max {
            break End::Full;
        }
        let want = (max - bytes.len()).min(buf.len());
        match stream.read(&mut buf[..want]) {
            Ok(0) => break End::Closed,
            Ok(n) => {
                first.get_or_insert_with(|| start.elapsed());
                bytes.extend_from_slice(&buf[..n]);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) if support::is_timeout(&e) => break End::Waited,
            Err(e) => break End::Failed(e),
        }
    };
    Reply {
        bytes,
        end,
        first,
        took: start.elapsed(),
    }
}

fn secs(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64())
}

/// 一段回复：解码成的文字和原本的字节。
fn text_of(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "什么也没有（b''）".to_string();
    }
    format!(
        "{}（{}）",
        show_text(&String::from_utf8_lossy(bytes)),
        show_bytes(bytes)
    )
}

/// 一段文字：短的原样显示；长的只显示长度、开头和结尾（两段很长的文字，差别多半在结尾）。
fn show_text(text: &str) -> String {
    let count = text.chars().count();
    if count <= 40 {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(6).collect();
    let tail: String = text.chars().skip(count - 6).collect();
    format!(
        "{count} 个字符（{} 个字节）：{head:?}……{tail:?}",
        text.len()
    )
}

/// 返回值里的东西怎么给人看。
trait Show {
    fn show(&self) -> String;
}

impl Show for Vec<u8> {
    fn show(&self) -> String {
        show_bytes(self)
    }
}

impl Show for String {
    fn show(&self) -> String {
        show_text(self)
    }
}

fn describe_result<T: Show>(result: &io::Result<T>) -> String {
    match result {
        Ok(v) => format!("Ok({})", v.show()),
        Err(e) => format!("Err（{}）", plain(&describe_io(e))),
    }
}

fn describe_any<T: Show>(result: &anyhow::Result<T>) -> String {
    match result {
        Ok(v) => format!("Ok({})", v.show()),
        Err(e) => format!("Err（{}）", cut(&plain(&format!("{e:#}")))),
    }
}

// ---------------------------------------------------------------------------
// 练习 1 ★☆☆：状态码
// ---------------------------------------------------------------------------

fn check_status(status: fn(&str) -> Option<u16>) {
    let cases: [(&str, Option<u16>, &str); 14] = [
        (
            "HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6",
            Some(200),
            "状态行是第一行，后面的行是别的响应头",
        ),
        ("HTTP/1.1 404 Not Found", Some(404), ""),
        ("HTTP/1.1 204", Some(204), "说明可以没有"),
        ("HTTP/1.1 500 Internal Server Error", Some(500), ""),
        (
            "HTTP/1.1 301 Moved Permanently\r\nX: HTTP/1.1 500 Oops",
            Some(301),
            "只看第一行",
        ),
        ("HTTP/2 999 Whatever", Some(999), "三位数字就行"),
        ("SSH-2.0-OpenSSH_9.6\r\n", None, "不是 HTTP"),
        ("ICY 200 OK", None, "第一行要以 HTTP/ 开头"),
        ("http/1.1 200 OK", None, "HTTP/ 要大写"),
        ("HTTP/1.1 2000 OK", None, "状态码要恰好三位"),
        ("HTTP/1.1 20 OK", None, "状态码要恰好三位"),
        (
            "HTTP/1.1 +20 OK",
            None,
            "\"+20\".parse::<u16>() 也能成功，可它不是三位数字",
        ),
        ("HTTP/1.1 2x0 OK", None, "状态码要全是数字"),
        ("HTTP/1.1", None, "没有状态码"),
    ];
    for (head, want, why) in cases.into_iter().chain([("", None, "空的响应头")]) {
        let got = call(&format!("status_code({head:?})"), move || status(head));
        if got != want {
            let why = if why.is_empty() {
                String::new()
            } else {
                format!("\n  （{why}）")
            };
            panic!(
                "status_code({:?}) 不对\n  你的结果：{got:?}\n  期望：    {want:?}{why}",
                cut(head)
            );
        }
    }
}

// ---------------------------------------------------------------------------
// 练习 2 ★★☆：宽松地分开响应头和正文
// ---------------------------------------------------------------------------

/// 响应头和正文。
type Parts<'a> = Option<(&'a [u8], &'a [u8])>;

fn show_parts(parts: Parts<'_>) -> String {
    match parts {
        Some((head, body)) => format!("Some(({}, {}))", show_bytes(head), show_bytes(body)),
        None => "None".to_string(),
    }
}

fn check_split(split: for<'a> fn(&'a [u8]) -> Parts<'a>) {
    type Case = (&'static [u8], Parts<'static>, &'static str);
    let cases: [Case; 18] = [
        (
            b"HTTP/1.0 200 OK\r\nA: 1\r\n\r\nhi",
            Some((b"HTTP/1.0 200 OK\r\nA: 1", b"hi")),
            "标准的 \\r\\n 行尾：\\r 也是行尾的一部分，不属于响应头",
        ),
        (
            b"HTTP/1.0 200 OK\nA: 1\n\nhi",
            Some((b"HTTP/1.0 200 OK\nA: 1", b"hi")),
            "只用 \\n 换行",
        ),
        (
            b"HTTP/1.0 200 OK\r\n\nhi",
            Some((b"HTTP/1.0 200 OK", b"hi")),
            "\\r\\n 后面紧跟 \\n 也是空行；\\r 属于行尾，不属于响应头",
        ),
        (
            b"HTTP/1.0 200 OK\n\r\nhi",
            Some((b"HTTP/1.0 200 OK", b"hi")),
            "\\n 后面紧跟 \\r\\n 也是空行",
        ),
        (
            b"HTTP/1.1 200 OK\r\n\r\nbody\n\nmore",
            Some((b"HTTP/1.1 200 OK", b"body\n\nmore")),
            "在第一个空行处分开，正文里的空行还是正文",
        ),
        (
            b"HTTP/1.1 200 OK\n\nbody\r\n\r\nmore",
            Some((b"HTTP/1.1 200 OK", b"body\r\n\r\nmore")),
            "在第一个空行处分开，不管后面的空行是哪一种",
        ),
        (
            b"A: 1\r\nB: 2\n\nC",
            Some((b"A: 1\r\nB: 2", b"C")),
            "同一个响应头里两种行尾混着用",
        ),
        (
            b"HTTP/1.1 204 No Content\r\n\r\n",
            Some((b"HTTP/1.1 204 No Content", b"")),
            "正文可以是空的",
        ),
        (
            b"A\n\n\nB",
            Some((b"A", b"\nB")),
            "空行之后的第一个字节起都是正文",
        ),
        (
            b"A\r\n\n\r\nB",
            Some((b"A", b"\r\nB")),
            "空行之后的第一个字节起都是正文",
        ),
        (
            b"A\r\r\n\r\nB",
            Some((b"A\r", b"B")),
            "单独的 \\r 不是行尾，它留在那一行里",
        ),
        (b"\r\n\r\nx", Some((b"", b"x")), "响应头可以是空的"),
        (b"\n\nx", Some((b"", b"x")), "响应头可以是空的"),
        (b"HTTP/1.1 200 OK\r\n", None, "还没有空行：数据没收全"),
        (b"HTTP/1.1 200 OK\n", None, "还没有空行：数据没收全"),
        (b"A\r\n\r", None, "空行还没收全"),
        (b"A\r\r\nB\r\rC", None, "单独的 \\r 不是行尾"),
        (b"\r\nx", None, "一个行尾不是空行"),
    ];
    for (input, want, why) in cases.into_iter().chain([(&b""[..], None, "空的数据")]) {
        let got = call(
            &format!("split_lenient({})", show_bytes(input)),
            move || split(input),
        );
        if got != want {
            panic!(
                "split_lenient({}) 不对（{why}）\n  你的结果：{}\n  期望：    {}",
                show_bytes(input),
                show_parts(got),
                show_parts(want)
            );
        }
    }
}

// ---------------------------------------------------------------------------
// 练习 3 ★★☆：回执服务端
// ---------------------------------------------------------------------------

type Receipt = fn(&TcpListener, Duration) -> io::Result<Vec<u8>>;

/// 不该等到超时的情形里给服务端的 idle：足够长，慢机器也不会误报。
const PATIENT: Duration = Duration::from_secs(2);
/// 专门考超时的情形里给服务端的 idle。
const QUICK: Duration = Duration::from_millis(300);

/// 回复慢到这个地步，多半是服务端在等客户端关闭连接、等到了超时才回答。
const SLOW: Duration = Duration::from_millis(1500);

/// 教程式客户端没有得到想要的回复时，说明它看到了什么。
fn what_the_client_saw(reply: &Reply) -> String {
    let mut text = match (&reply.end, reply.bytes.is_empty()) {
        (End::Waited, true) => format!("等了 {} 秒，没收到任何回复", secs(reply.took)),
        (End::Failed(e), true) => format!("没收到回复：{}", plain(&describe_io(e))),
        (_, true) => format!("{} 秒后你的服务端一句话没回就关闭了连接", secs(reply.took)),
        (_, false) => String::new(),
    };
    if reply.first.is_none_or(|first| first >= SLOW) {
        text.push_str(
            "\n  你的服务端是不是在等客户端关闭连接（read_to_end、take(1024).read_to_end、read_exact）？\
             教程式的客户端发完就等回复，从不半关闭，它永远等不到：只读一次，读到什么就回答什么",
        );
    }
    text
}

fn check_receipt(receipt: Receipt) {
    // 1. 教程式的客户端：发完就等回复，从不半关闭。
    let hello = "你是who?".as_bytes();
    let want = "收到 10 个字节".as_bytes();
    let situation = "教程式的客户端发来“你是who?”（10 个字节），不半关闭，等回复";
    let server = background(situation, move |l| receipt(l, PATIENT));
    let reply = exchange(server.addr, want.len() + SLACK, WAIT, |s| {
        s.write_all(hello)
    });
    let result = server.result();
    if reply.bytes != want {
        let hint = if reply.bytes == "收到 6 个字节".as_bytes() {
            "\n  “你是who?” 是 6 个字符、10 个字节：N 数的是字节"
        } else {
            ""
        };
        let saw = what_the_client_saw(&reply);
        let saw = if saw.is_empty() {
            "回复不对".to_string()
        } else {
            saw
        };
        panic!(
            "{situation}：{saw}\n  你的结果：{}\n  期望：    {}{hint}\n  你的函数返回了：{}",
            text_of(&reply.bytes),
            text_of(want),
            describe_result(&result)
        );
    }
    match reply.end {
        End::Closed => {}
        _ => panic!(
            "{situation}：回复对了，可你的服务端回复以后没有关闭连接（客户端又等了 {} 秒）：回复完就让函数返回，连接随之关闭",
            secs(reply.took)
        ),
    }
    if reply.first.is_none_or(|first| first >= SLOW) {
        panic!(
            "{situation}：回复对了，可它 {} 秒后才到：你的服务端是不是先等到了超时？只读一次就回答",
            secs(reply.took)
        );
    }
    match result {
        Ok(bytes) if bytes == hello => {}
        other => panic!(
            "{situation}：返回值不对\n  你的结果：{}\n  期望：    Ok({hello:?})（读到的那些字节）",
            describe_result(&other)
        ),
    }

    // 2. 一口气发来 3000 个字节：只读一次、最多 1024 个。
    let situation = "客户端一口气发来 3000 个 b'x'";
    let server = background(situation, move |l| receipt(l, PATIENT));
    // 服务端没读完就关闭，这里可能读到回复，也可能读到“连接被重置”：不看回复。
    let _ = exchange(server.addr, SLACK, WAIT, |s| s.write_all(&[b'x'; 3000]));
    match server.result() {
        Ok(bytes)
            if !bytes.is_empty() && bytes.len() <= 1024 && bytes.iter().all(|&b| b == b'x') => {}
        Ok(bytes) if bytes.len() > 1024 => panic!(
            "{situation}：只读一次、最多 1024 个字节，你的函数却交回了 {} 个（缓冲区比 1024 大，还是读了不止一次？）",
            bytes.len()
        ),
        other => panic!(
            "{situation}：你的函数应当交回读到的那些（1 到 1024 个 b'x'）\n  你的结果：{}",
            describe_result(&other)
        ),
    }

    // 3. 什么也不发就半关闭：读到 0，照样回复。
    let want = "收到 0 个字节".as_bytes();
    let situation = "客户端什么也没发就半关闭了（你的 read 读到 0 个字节）";
    let server = background(situation, move |l| receipt(l, PATIENT));
    let reply = exchange(server.addr, want.len() + SLACK, WAIT, |s| {
        s.shutdown(Shutdown::Write)
    });
    let result = server.result();
    if reply.bytes != want {
        panic!(
            "{situation}：回复不对\n  你的结果：{}\n  期望：    {}\n  你的函数返回了：{}",
            text_of(&reply.bytes),
            text_of(want),
            describe_result(&result)
        );
    }
    match result {
        Ok(bytes) if bytes.is_empty() => {}
        other => panic!(
            "{situation}：读到 0 个字节不是错误，应当返回 Ok(空的 Vec)\n  你的结果：{}",
            describe_result(&other)
        ),
    }

    // 4. 一言不发的客户端：idle 之后回复“超时”，返回 TimedOut。
    let want = "超时".as_bytes();
    let patience = Duration::from_secs(3);
    let situation = format!("客户端连上以后一个字节也不发，idle 是 {} 秒", secs(QUICK));
    let server = background(&situation, move |l| receipt(l, QUICK));
    let reply = exchange(server.addr, want.len() + SLACK, patience, |_| Ok(()));
    let result = server.result();
    if reply.bytes != want {
        let saw = match (&reply.end, reply.bytes.is_empty()) {
            (End::Waited, true) => format!(
                "客户端等了 {} 秒，什么也没收到（忘了 set_read_timeout？）",
                secs(reply.took)
            ),
            (_, true) => format!("{} 秒后你的服务端一句话没回就关闭了连接", secs(reply.took)),
            (_, false) => String::new(),
        };
        panic!(
            "{situation}：到时应当回复“超时”。{saw}\n  你的结果：{}\n  期望：    {}\n  你的函数返回了：{}",
            text_of(&reply.bytes),
            text_of(want),
            describe_result(&result)
        );
    }
    if let Some(first) = reply.first {
        if first + Duration::from_millis(50) < QUICK {
            panic!(
                "{situation}：客户端才沉默了 {} 秒，你的服务端就回复了“超时”：要等满 idle",
                secs(first)
            );
        }
    }
    match &result {
        Err(e) if e.kind() == ErrorKind::TimedOut => {}
        Err(e) if e.kind() == ErrorKind::WouldBlock => panic!(
            "{situation}：你的函数返回了 WouldBlock。读超时在 Linux 上报告为 WouldBlock，在别的系统上是 TimedOut：\
             把两种都当成超时，返回 ErrorKind::TimedOut 的错误"
        ),
        other => panic!(
            "{situation}：应当返回 ErrorKind::TimedOut 的错误\n  你的结果：{}",
            describe_result(other)
        ),
    }

    // 5. 说到一半就消失（RST）的客户端：不 panic，读到的交回来，或者把错误交回来。
    let half = &hello[..4];
    let situation = "客户端发了 b'\\xe4\\xbd\\xa0\\xe6'（“你”和半个“是”）就用 RST 断开了连接";
    let server = background(situation, move |l| receipt(l, PATIENT));
    let stream = peers::connect(server.addr).expect("连上你的服务端");
    peers::vanish(stream, hello, half.len()).expect("断开连接");
    match server.result() {
        Ok(bytes) if bytes == half => {}
        Err(e) if e.kind() != ErrorKind::TimedOut => {}
        other => panic!(
            "{situation}：应当交回读到的这 4 个字节，或者把读写的错误原样交回\n  你的结果：{}",
            describe_result(&other)
        ),
    }

    // 6. 一个字节也没发就用 RST 断开：read 得到“连接被重置”，这不是超时。
    let situation = "客户端连上以后一个字节也没发，过了 0.1 秒用 RST 断开了连接";
    let server = background(situation, move |l| receipt(l, PATIENT));
    let stream = peers::connect(server.addr).expect("连上你的服务端");
    // 给你的服务端一点时间走到 read（这不是同步：早一点晚一点，read 得到的都是重置）。
    thread::sleep(Duration::from_millis(100));
    peers::vanish(stream, b"", 0).expect("断开连接");
    match server.result() {
        Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted) => {}
        Err(e) if e.kind() == ErrorKind::BrokenPipe => panic!(
            "{situation}：read 得到的是“连接被重置”，你的函数交回的却是 BrokenPipe（写失败）。\
             是不是把它当成了超时、先回复了“超时”？只有读超时（WouldBlock / TimedOut）才回复“超时”，其余的错误原样交回"
        ),
        other => panic!(
            "{situation}：read 得到“连接被重置”（ConnectionReset），应当把这个错误原样交回\n  你的结果：{}",
            describe_result(&other)
        ),
    }
}

// ---------------------------------------------------------------------------
// 练习 4 ★★★：在限定的时间里问一句
// ---------------------------------------------------------------------------

type Ask = fn(SocketAddr, &str, Duration) -> anyhow::Result<String>;

/// 测试里的小服务端：接受一个连接，交给 `handle`，返回它收到的请求。
fn peer(
    handle: impl FnOnce(TcpStream) -> io::Result<Vec<u8>> + Send + 'static,
) -> (SocketAddr, JoinHandle<io::Result<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("能绑定空闲端口");
    let addr = listener.local_addr().unwrap();
    let handle = thread::spawn(move || {
        let stream = accept_within(&listener, WAIT)?;
        stream.set_read_timeout(Some(WAIT))?;
        stream.set_write_timeout(Some(WAIT))?;
        handle(stream)
    });
    (addr, handle)
}

/// 等一个连接，最多等 `wait`：学习者的函数根本没有连上来时，这个小服务端也会结束，评分不会挂住。
fn accept_within(listener: &TcpListener, wait: Duration) -> io::Result<TcpStream> {
    listener.set_nonblocking(true)?;
    let start = Instant::now();
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false)?;
                return Ok(stream);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock && start.elapsed() < wait => {
                // 按时间轮询，不是用睡眠等对方就绪。
                thread::sleep(Duration::from_millis(2));
            }
            Err(e) => return Err(e),
        }
    }
}

/// 读一次请求（最多 1024 个字节）。
fn read_once(stream: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut buf = [0u8; 1024];
    let n = stream.read(&mut buf)?;
    Ok(buf[..n].to_vec())
}

/// 调用学习者的 `ask`，返回结果和用了多久。
fn timed_ask(
    ask: Ask,
    situation: &str,
    addr: SocketAddr,
    text: &'static str,
    limit: Duration,
) -> (anyhow::Result<String>, Duration) {
    call(situation, move || {
        let start = Instant::now();
        let result = ask(addr, text, limit);
        (result, start.elapsed())
    })
}

fn check_ask(ask: Ask) {
    let text = "学 Rust 的第三天";
    let roomy = Duration::from_secs(5);

    // 1. 回复分两段、中间停 300 毫秒的服务端。
    let situation = "服务端的回复分两段到达：先“我是”，停 300 毫秒，再“Server”";
    let server = peers::split_reply_server(
        "我是".as_bytes(),
        b"Server",
        Duration::from_millis(300),
        1024,
    );
    let (result, _) = timed_ask(ask, situation, server.addr, text, roomy);
    // 先看结果：没连上来的函数（参考服务端还在 accept 里等）在这里就失败了，不会去等那个服务端。
    match &result {
        Ok(reply) if reply == "我是Server" => {}
        Ok(reply) if reply == "我是" => panic!(
            "{situation}\n  你的结果：Ok(\"我是\")\n  期望：    Ok(\"我是Server\")\n  \
             一次 read 只拿到了第一段：要一直读，读到服务端关闭连接（read 返回 0）为止"
        ),
        other => panic!(
            "{situation}\n  你的结果：{}\n  期望：    Ok(\"我是Server\")",
            describe_any(other)
        ),
    }
    match server.request() {
        Ok(bytes) if bytes == text.as_bytes() => {}
        other => panic!(
            "服务端收到的请求不对：要把 {text:?} 按 UTF-8 编码发出去\n  服务端收到：{}\n  期望：      {}",
            match &other {
                Ok(b) => show_bytes(b),
                Err(e) => plain(&describe_io(e)),
            },
            show_bytes(text.as_bytes())
        ),
    }

    // 2. 真正的 l03-server：读一次，回复“我是Server”，然后退出。
    let server = Proc::server(SERVER, ["--port", "0", "--idle-timeout", "5"]);
    let (result, _) = timed_ask(ask, "去问真正的 l03-server", server.addr(), text, roomy);
    let out = server.finish();
    match &result {
        Ok(reply) if reply == "我是Server" => {}
        other => panic!(
            "去问真正的 l03-server\n  你的结果：{}\n  期望：    Ok(\"我是Server\")\n  l03-server 的输出：\n{}{}",
            describe_any(other),
            out.stdout,
            out.stderr
        ),
    }
    assert!(
        out.stdout.contains(&format!("按 UTF-8 解码：{text}")),
        "l03-server 没有收到 {text:?}（要按 UTF-8 编码发送）。它的输出：\n{}{}",
        out.stdout,
        out.stderr
    );

    // 3. 要等客户端说完（读到 0）才回答的服务端：考半关闭。
    let situation = "这个服务端要等你说完（读到 0 个字节）才回答“收到 N 个字节”";
    let (addr, server) = peer(|mut s| {
        let mut all = Vec::new();
        s.read_to_end(&mut all)?;
        s.write_all(format!("收到 {} 个字节", all.len()).as_bytes())?;
        Ok(all)
    });
    let (result, _) = timed_ask(ask, situation, addr, text, Duration::from_secs(2));
    let _ = server.join();
    let want = format!("收到 {} 个字节", text.len());
    match &result {
        Ok(reply) if *reply == want => {}
        other => panic!(
            "{situation}\n  你的结果：{}\n  期望：    Ok({want:?})\n  \
             发完以后要半关闭（shutdown(Shutdown::Write)），服务端才知道你说完了；只关发送方向，你照样能收回复",
            describe_any(other)
        ),
    }

    // 4. 回复的最后一个字没收全：不是合法的 UTF-8。
    let situation = "服务端回复 b'\\xe6\\x88\\x91\\xe6\\x98'（“我”和半个“是”）后关闭了连接";
    let (addr, server) = peer(|mut s| {
        let request = read_once(&mut s)?;
        s.write_all(&"我是".as_bytes()[..5])?;
        Ok(request)
    });
    let (result, _) = timed_ask(ask, situation, addr, text, roomy);
    let _ = server.join();
    if let Ok(reply) = &result {
        panic!(
            "{situation}：回复不是合法的 UTF-8，应当返回 Err\n  你的结果：Ok({})\n  \
             from_utf8_lossy 会把坏字节换成 �，掩盖了问题；用 String::from_utf8",
            show_text(reply)
        );
    }

    // 5. 说到一半就消失（RST）的服务端。
    let situation = "服务端回复了“我是S”就用 RST 断开了连接";
    let (addr, server) = peer(|mut s| {
        let request = read_once(&mut s)?;
        peers::vanish(s, "我是Server".as_bytes(), "我是S".len())?;
        Ok(request)
    });
    let (result, _) = timed_ask(ask, situation, addr, text, roomy);
    let _ = server.join();
    if let Ok(reply) = &result {
        panic!(
            "{situation}：回复不完整，应当返回 Err\n  你的结果：Ok({})\n  \
             连接被重置（ConnectionReset）不是“说完了”：只有读到 0 个字节才是",
            show_text(reply)
        );
    }

    // 6. 一言不发的服务端：到了 limit 返回错误。
    let limit = Duration::from_millis(300);
    let hold = Duration::from_secs(3);
    let situation = format!(
        "服务端收下请求以后一言不发（{} 秒后才关闭连接），limit 是 {} 秒",
        secs(hold),
        secs(limit)
    );
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let (addr, server) = peer(move |mut s| {
        let request = read_once(&mut s)?;
        // 一直不回复，直到客户端返回（测试发信号）或者 hold 过去。
        let _ = done_rx.recv_timeout(hold);
        Ok(request)
    });
    let (result, took) = timed_ask(ask, &situation, addr, text, limit);
    drop(done_tx);
    let _ = server.join();
    if took > limit + Duration::from_secs(1) {
        panic!(
            "{situation}\n  你的函数用了 {} 秒才返回：{}\n  到了 limit 就该返回错误：给读设上超时（set_read_timeout）",
            secs(took),
            describe_any(&result)
        );
    }
    if let Ok(reply) = &result {
        panic!(
            "{situation}\n  你的结果：Ok({})\n  期望：    Err（超时）",
            show_text(reply)
        );
    }

    // 7. 一个字节一个字节慢慢发个没完的服务端：每次 read 都很快有数据，只有总的时间挡得住它。
    let limit = Duration::from_millis(600);
    let gap = Duration::from_millis(40);
    let endless = "我是Server".repeat(10);
    let total = gap * endless.len() as u32;
    let situation = format!(
        "服务端每 {} 毫秒发一个字节，要 {} 秒才发完；limit 是 {} 秒",
        gap.as_millis(),
        secs(total),
        secs(limit)
    );
    let (addr, server) = peer(move |mut s| {
        let request = read_once(&mut s)?;
        // 客户端放弃以后，写会失败，这个服务端也就停下了。
        let _ = peers::trickle(&mut s, endless.as_bytes(), 1, gap);
        Ok(request)
    });
    let (result, took) = timed_ask(ask, &situation, addr, text, limit);
    let _ = server.join();
    if took > limit + Duration::from_secs(1) {
        panic!(
            "{situation}\n  你的函数用了 {} 秒才返回：{}\n  \
             set_read_timeout 管的是一次 read 最多等多久，这个服务端每次都没让你等到超时。\
             记下开始的时刻，每次读之前把读超时设成离 limit 还剩的时间，剩下 0 就放弃",
            secs(took),
            describe_any(&result)
        );
    }
    if let Ok(reply) = &result {
        panic!(
            "{situation}\n  你的结果：Ok({})\n  期望：    Err（超时）：回复在 limit 之内没有收完",
            show_text(reply)
        );
    }

    // 8. 没有服务端：返回错误，不 panic。
    let nobody = testkit::closed_port();
    let (result, _) = timed_ask(ask, "没有服务端在听", nobody.addr(), "有人吗", roomy);
    if let Ok(reply) = &result {
        panic!(
            "没有服务端在听，应当返回 Err\n  你的结果：Ok({})",
            show_text(reply)
        );
    }
}

// ---------------------------------------------------------------------------
// 练习 5 ★★★：不把字切成两半的服务端
// ---------------------------------------------------------------------------

type ServeText = fn(&TcpListener) -> io::Result<String>;

/// 发出 `pieces`，每两段之间停 `gap`（关掉 Nagle 算法，每段各是一个 TCP 段）。
fn send_pieces(stream: &mut TcpStream, pieces: &[Vec<u8>], gap: Duration) -> io::Result<()> {
    stream.set_nodelay(true)?;
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            thread::sleep(gap);
        }
        stream.write_all(piece)?;
    }
    Ok(())
}

/// 客户端发送 `pieces`（每两段之间停 `gap`），不半关闭，等回复；检查回复和返回值。
/// `reply_may_be_lost`：服务端没读完客户端发的就关闭时，回复可能被 RST 冲掉，这时只看返回值。
fn text_case(
    serve: ServeText,
    situation: &str,
    pieces: &[&[u8]],
    gap: Duration,
    want: &str,
    reply_may_be_lost: bool,
) {
    let want_reply = format!("收到：{want}");
    let server = background(situation, serve);
    let pieces: Vec<Vec<u8>> = pieces.iter().map(|p| p.to_vec()).collect();
    let reply = exchange(server.addr, want_reply.len() + SLACK, WAIT, |s| {
        send_pieces(s, &pieces, gap)
    });
    let result = server.result();
    if reply.bytes.is_empty() && matches!(reply.end, End::Waited) {
        panic!(
            "{situation}（客户端发完就等回复，从不半关闭）：等了 {} 秒，没收到任何回复。\n  \
             你的服务端是不是在等客户端关闭连接（read_to_end），或者想多读几个对方根本没发的字节？\n  \
             你的函数返回了：{}",
            secs(reply.took),
            describe_result(&result)
        );
    }
    match &result {
        Ok(text) if text == want => {}
        other => panic!(
            "{situation}\n  你的结果：{}\n  期望：    Ok({})",
            describe_result(other),
            show_text(want)
        ),
    }
    let lost = reply_may_be_lost && matches!(reply.end, End::Failed(_));
    if reply.bytes != want_reply.as_bytes() && !lost {
        panic!(
            "{situation}：返回值对了，回复不对\n  你的结果：{}\n  期望：    {}",
            text_of(&reply.bytes),
            text_of(want_reply.as_bytes())
        );
    }
}

/// 客户端发来 `sent` 以后该得到 `不是 UTF-8` 和 InvalidData。
fn not_utf8_case(serve: ServeText, situation: &str, pieces: &[&[u8]], gap: Duration) {
    let want_reply = "不是 UTF-8".as_bytes();
    let server = background(situation, serve);
    let pieces: Vec<Vec<u8>> = pieces.iter().map(|p| p.to_vec()).collect();
    let reply = exchange(server.addr, want_reply.len() + SLACK, WAIT, |s| {
        send_pieces(s, &pieces, gap)
    });
    let result = server.result();
    if reply.bytes.is_empty() && matches!(reply.end, End::Waited) {
        panic!(
            "{situation}：等了 {} 秒，没收到任何回复。\n  \
             这不是一个没收全的字符，而是坏字节（from_utf8 的错误里 error_len() 是 Some）：再等也补不全，应当马上回复“不是 UTF-8”。\n  \
             你的函数返回了：{}",
            secs(reply.took),
            describe_result(&result)
        );
    }
    if reply.bytes != want_reply {
        panic!(
            "{situation}：回复不对\n  你的结果：{}\n  期望：    {}",
            text_of(&reply.bytes),
            text_of(want_reply)
        );
    }
    match &result {
        Err(e) if e.kind() == ErrorKind::InvalidData => {}
        other => panic!(
            "{situation}：应当返回 ErrorKind::InvalidData 的错误\n  你的结果：{}",
            describe_result(other)
        ),
    }
}

fn check_text(serve: ServeText) {
    let now = Duration::ZERO;

    // 1. 教程式的客户端。
    text_case(
        serve,
        "教程式的客户端发来“你是who?”",
        &["你是who?".as_bytes()],
        now,
        "你是who?",
        false,
    );

    // 2. 1024 正好截在一个字的中间：341 个“你”是 1023 个字节，第 1024 个字节是“好”的开头。
    let cut_3 = format!("{}好", "你".repeat(341));
    text_case(
        serve,
        "客户端一口气发来 341 个“你”和一个“好”（1026 个字节）：读 1024 个字节正好切开了“好”，要再读 2 个补全它",
        &[cut_3.as_bytes()],
        now,
        &cut_3,
        false,
    );

    // 3. 四个字节的字符（🦀）被切开：缺 2 个字节。
    let cut_4 = format!("{}🦀", "a".repeat(1022));
    text_case(
        serve,
        "客户端发来 1022 个 a 和一只 🦀（4 个字节的字符）：读 1024 个字节切开了 🦀，缺 2 个字节",
        &[cut_4.as_bytes()],
        now,
        &cut_4,
        false,
    );

    // 4. 两个字节的字符（é）被切开：缺 1 个。
    let cut_2 = format!("{}é", "a".repeat(1023));
    text_case(
        serve,
        "客户端发来 1023 个 a 和一个 é（2 个字节的字符）：读 1024 个字节切开了 é，缺 1 个字节",
        &[cut_2.as_bytes()],
        now,
        &cut_2,
        false,
    );

    // 5. 以 0xE0 开头的三字节字符（泰文“ก”）被切开：缺 2 个。
    let cut_e0 = format!("{}ก", "a".repeat(1023));
    text_case(
        serve,
        "客户端发来 1023 个 a 和一个“ก”（3 个字节，第一个字节是 0xE0）：缺 2 个字节",
        &[cut_e0.as_bytes()],
        now,
        &cut_e0,
        false,
    );

    // 6. 后面还有更多：只补全被切开的那个字，不多读。
    let long = "你好".repeat(250);
    let first: String = long.chars().take(342).collect();
    text_case(
        serve,
        "客户端一口气发来 250 个“你好”（1500 个字节）：读 1024 个字节，再补 2 个字节，正好 342 个字；后面的不要读",
        &[long.as_bytes()],
        now,
        &first,
        true,
    );

    // 7. 一个字节一个字节慢慢发的客户端。
    let ni = "你".as_bytes();
    text_case(
        serve,
        "客户端一个字节一个字节地发“你”，每个字节之间停 200 毫秒",
        &[&ni[..1], &ni[1..2], &ni[2..]],
        Duration::from_millis(200),
        "你",
        false,
    );

    // 8. 什么也不发就半关闭。
    let server = background("客户端什么也没发就半关闭了", serve);
    let reply = exchange(server.addr, SLACK, WAIT, |s| s.shutdown(Shutdown::Write));
    let result = server.result();
    match &result {
        Ok(text) if text.is_empty() && reply.bytes == "收到：".as_bytes() => {}
        other => panic!(
            "客户端什么也没发就半关闭了（读到 0 个字节）：应当回复“收到：”，返回 Ok(\"\")\n  你的回复：{}\n  你的返回值：{}",
            text_of(&reply.bytes),
            describe_result(other)
        ),
    }

    // 9. 真正的坏字节：不是没收全。
    not_utf8_case(
        serve,
        "客户端发来 b'caf\\xe9 ok'（Latin-1 编码的 café）",
        &[b"caf\xe9 ok"],
        now,
    );
    not_utf8_case(serve, "客户端发来 b'ok\\xff'", &[b"ok\xff"], now);
    // 10. 补全以后才发现是坏的。
    not_utf8_case(
        serve,
        "客户端先发 b'ok\\xe4'（像是一个字的开头），停 200 毫秒再发 b'AB'：补全以后也不是合法的 UTF-8",
        &[b"ok\xe4", b"AB"],
        Duration::from_millis(200),
    );

    // 11. 发了半个字就半关闭：补不全。
    let situation = "客户端发来 b'ok\\xe4\\xbd'（“ok”和 2/3 个“你”）就半关闭了：这个字永远补不全";
    let server = background(situation, serve);
    let _ = exchange(server.addr, SLACK, WAIT, |s| {
        s.write_all(b"ok\xe4\xbd")?;
        s.shutdown(Shutdown::Write)
    });
    if let Ok(text) = server.result() {
        panic!(
            "{situation}：应当返回错误\n  你的结果：Ok({})",
            show_text(&text)
        );
    }

    // 12. 发了半个字就用 RST 断开。
    let situation = "客户端发来 b'ok\\xe4\\xbd' 就用 RST 断开了连接";
    let server = background(situation, serve);
    let stream = peers::connect(server.addr).expect("连上你的服务端");
    peers::vanish(stream, b"ok\xe4\xbd", 4).expect("断开连接");
    if let Ok(text) = server.result() {
        panic!(
            "{situation}：应当返回错误\n  你的结果：Ok({})",
            show_text(&text)
        );
    }
}

exercise!(
    l03_status,
    "exercises/status.rs",
    check_status,
    lesson_03::exercises::status::status_code,
    lesson_03::solutions::status::status_code,
);

exercise!(
    l03_split,
    "exercises/split.rs",
    check_split,
    lesson_03::exercises::split::split_lenient,
    lesson_03::solutions::split::split_lenient,
);

exercise!(
    l03_receipt,
    "exercises/receipt.rs",
    check_receipt,
    lesson_03::exercises::receipt::receipt,
    lesson_03::solutions::receipt::receipt,
);

exercise!(
    l03_ask,
    "exercises/ask.rs",
    check_ask,
    lesson_03::exercises::ask::ask,
    lesson_03::solutions::ask::ask,
);

exercise!(
    l03_text,
    "exercises/text.rs",
    check_text,
    lesson_03::exercises::text::serve_text,
    lesson_03::solutions::text::serve_text,
);
