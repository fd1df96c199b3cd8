//! 基准：一问一答有多快，几个客户端同时来时两种服务端各是什么表现。
//! 运行：`cargo bench -p lesson-04`。服务端在本进程的线程里运行，走真实的本机 TCP 连接。

use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use lesson_04::message::{recv_message, send_message, REPLY_SIZE};
use lesson_04::{no_log, single, threaded};

const IDLE: Duration = Duration::from_secs(60);
const ROUNDS: usize = 5_000;

/// 基准里的客户端都很快，限制放宽到不会碰到：空闲 60 秒，16 个客户端也不会到连接上限。
fn policy() -> support::serve::Policy {
    support::serve::Policy::new(IDLE, support::pace::MIN_RATE, 64)
}

/// 一个客户端：连上，（多线程服务端会先说 Welcome!），然后一问一答 `rounds` 次。
/// 返回 (等到第一条回复用了多久, 总用时)。
fn client(port: u16, rounds: usize, welcome: bool) -> (Duration, Duration) {
    let start = Instant::now();
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("连接");
    let mut buf = [0u8; REPLY_SIZE];
    if welcome {
        recv_message(&mut &stream, &mut buf).expect("欢迎语");
    }
    let mut first = None;
    for _ in 0..rounds {
        // 和教程一样：一条消息一次写完、不带换行符，recv 一次就是一条回复。
        send_message(&stream, b"ping").expect("发送");
        match recv_message(&mut &stream, &mut buf).expect("回复") {
            Some(_) => {}
            None => panic!("服务端关闭了连接"),
        }
        first.get_or_insert_with(|| start.elapsed());
    }
    (first.unwrap_or_default(), start.elapsed())
}

fn start_server(threaded: bool) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("绑定");
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        if threaded {
            threaded::serve_threaded(&listener, &policy(), Duration::ZERO, no_log);
        } else {
            single::serve_forever(&listener, &policy(), no_log);
        }
    });
    port
}

fn run(name: &str, threaded: bool, clients: usize) {
    let port = start_server(threaded);
    client(port, 200, threaded); // 预热：建好线程、填好缓存
    let start = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|_| thread::spawn(move || client(port, ROUNDS, threaded)))
        .collect();
    let results: Vec<(Duration, Duration)> =
        handles.into_iter().map(|h| h.join().unwrap()).collect();
    let total = start.elapsed();
    let n = (clients * ROUNDS) as f64;
    let worst_first = results.iter().map(|r| r.0).max().unwrap_or_default();
    println!(
        "{name:<12} {clients} 个客户端 × {ROUNDS} 次：用时 {:>7.1} ms，{:>8.0} 次/秒，平均每次 {:>5.1} µs；最晚拿到第一条回复的客户端等了 {:>7.1} ms",
        total.as_secs_f64() * 1e3,
        n / total.as_secs_f64(),
        total.as_secs_f64() * 1e6 / n,
        worst_first.as_secs_f64() * 1e3,
    );
}

fn main() {
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "第 04 课基准（本机 {cores} 个 CPU 核，127.0.0.1 上的真实 TCP 连接，每次一问一答一条消息）"
    );
    for clients in [1, 4] {
        run("V2 服务端", false, clients);
    }
    for clients in [1, 4, 16] {
        run("多线程服务端", true, clients);
    }
}
