//! 三种分帧办法在回环地址上每秒能传多少条小消息：`cargo bench -p lesson-08`。
//!
//! 每一轮都是真实的 TCP 连接：服务端线程用这一课的 `receive` / `echo_frames`，
//! 客户端用 `send_messages`，计时从第一条消息写出开始，到收到服务端的总结为止。
//! 最后两行单独看 Nagle 算法和延迟确认：长度和内容分两次写、然后等回显，每帧要等几十毫秒；
//! 打开 TCP_NODELAY（或者像 `echo_frames` 那样先缓冲再一次写出）就没有这个等待。
//!
//! 开头先数一数教程的时序下粘包有多常见：服务端先问好再 recv(1024)，客户端收下问候后
//! 连着写两条，服务端的第一次 recv 有几次把两条一起读走了。

use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use lesson_08::frame::{read_frame, DEFAULT_MAX_FRAME};
use lesson_08::{echo_frames, receive, send_messages, Mode, DEFAULT_MAX_BUFFERED};
use support::serve::{Budget, Guarded};

const MESSAGE: &str = "我爱Python";
const ROUNDS: usize = 3;

/// 服务端那一头，和真的服务端一样包上空闲超时和最低速率（这里宽松到不会碍事）。
fn guarded(stream: TcpStream) -> Guarded {
    Guarded::new(stream, Duration::from_secs(60), 1).unwrap()
}

fn pair() -> (TcpListener, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("绑定回环地址");
    let client = TcpStream::connect(listener.local_addr().unwrap()).expect("连接回环地址");
    (listener, client)
}

/// 一轮：发 `count` 条消息，返回用时。
fn run_mode(mode: Mode, count: usize) -> Duration {
    let (listener, client) = pair();
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut conn = guarded(stream);
        let budget = Budget::new(DEFAULT_MAX_BUFFERED);
        let summary = receive(&mut conn, mode, DEFAULT_MAX_FRAME, &budget, &mut |_| {}).unwrap();
        conn.write_all(format!("{summary}\n").as_bytes()).unwrap();
    });
    let messages = vec![MESSAGE.as_bytes().to_vec(); count];
    let start = Instant::now();
    let reply = send_messages(&client, mode, &messages, &mut |_| {}).unwrap();
    let elapsed = start.elapsed();
    server.join().unwrap();
    assert!(reply.contains(&format!("收到 {count} 条消息")), "{reply}");
    elapsed
}

/// 一轮请求—回显：长度和内容分两次写（不缓冲），每帧等回显回来再发下一帧。
fn run_split_writes(count: usize, nodelay: bool) -> Duration {
    let (listener, client) = pair();
    client.set_nodelay(nodelay).unwrap();
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let budget = Budget::new(DEFAULT_MAX_BUFFERED);
        echo_frames(
            &mut guarded(stream),
            DEFAULT_MAX_FRAME,
            &budget,
            &mut |_| {},
        )
        .unwrap()
    });
    let payload = MESSAGE.as_bytes();
    let mut reader = BufReader::new(&client);
    let start = Instant::now();
    for _ in 0..count {
        (&client)
            .write_all(&(payload.len() as u32).to_be_bytes())
            .unwrap();
        (&client).write_all(payload).unwrap();
        let echo = read_frame(&mut reader, DEFAULT_MAX_FRAME).unwrap().unwrap();
        assert_eq!(echo, payload);
    }
    let elapsed = start.elapsed();
    client.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(server.join().unwrap(), count);
    elapsed
}

/// 教程的时序（两个线程代替两个进程），重复 `trials` 次，返回服务端第一次 recv 就读到
/// 全部 24 字节的次数。
fn tutorial_merges(trials: usize) -> usize {
    let listener = TcpListener::bind("127.0.0.1:0").expect("绑定回环地址");
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        let mut merged = 0;
        for _ in 0..trials {
            let (mut stream, _) = listener.accept().unwrap();
            stream.write_all(b"Hello WorldAAA").unwrap();
            let mut buf = [0u8; 1024];
            let n = stream.read(&mut buf).unwrap();
            if n == 24 {
                merged += 1;
            }
            // 把没读到的读完再关闭：留着没读的字节关闭会发 RST。
            stream.read_exact(&mut buf[n..24]).unwrap();
        }
        merged
    });
    for _ in 0..trials {
        let mut stream = TcpStream::connect(addr).unwrap();
        let mut greeting = [0u8; 14];
        stream.read_exact(&mut greeting).unwrap();
        stream.write_all("我爱Python".as_bytes()).unwrap();
        stream.write_all("我爱阿芬".as_bytes()).unwrap();
        // 等服务端读完、关闭，再开始下一次。
        let _ = stream.read(&mut greeting);
    }
    server.join().unwrap()
}

fn best(mut f: impl FnMut() -> Duration) -> Duration {
    (0..ROUNDS).map(|_| f()).min().unwrap()
}

fn report(name: &str, count: usize, took: Duration) {
    let per_sec = count as f64 / took.as_secs_f64();
    let per_msg = took.as_secs_f64() * 1e6 / count as f64;
    // 名字放在最后：汉字在终端里占两格，放前面对不齐。
    println!(
        "{per_sec:>10.0} 条/秒 {per_msg:>10.2} µs/条 {count:>6} 条 {:>8.1} ms  {name}",
        took.as_secs_f64() * 1e3
    );
}

fn main() {
    let cores = thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "回环地址上每条 {} 字节的消息，每项跑 {ROUNDS} 轮取最快的一轮（{cores} 个 CPU 核）",
        MESSAGE.len()
    );
    let trials = 1_000;
    let merged = tutorial_merges(trials);
    println!(
        "教程的时序（先问好，再连着写两条）重复 {trials} 次：服务端第一次 recv 就读到两条的有 {merged} 次"
    );
    let n_ack = 2_000;
    let n_stream = 20_000;
    report(
        "ack（每条一个来回）",
        n_ack,
        best(|| run_mode(Mode::Ack, n_ack)),
    );
    report(
        "line（换行分隔，连续发送）",
        n_stream,
        best(|| run_mode(Mode::Line, n_stream)),
    );
    report(
        "length（长度前缀，连续发送）",
        n_stream,
        best(|| run_mode(Mode::Length, n_stream)),
    );
    let n_split = 20;
    report(
        "请求—回显，长度和内容分两次写",
        n_split,
        best(|| run_split_writes(n_split, false)),
    );
    report(
        "同上，但打开 TCP_NODELAY",
        n_split * 100,
        best(|| run_split_writes(n_split * 100, true)),
    );
}
