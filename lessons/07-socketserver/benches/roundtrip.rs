//! 基准：100 个客户端同时连着真实的 l07-server（release 构建），每个客户端一问一答若干次，
//! 报告每秒往返次数和延迟的 p50 / p99。机器上有 python3 时，对 Python 的 ThreadingTCPServer 版本再量一次。
//! 两个服务端都和教程一样，每条消息打印一行日志（标准输出接在管道上，由测试工具读走）。
//! 协议是教程的：一次读到的就是一条消息，回复不加换行，一问一答。
//!
//! 运行：`cargo bench -p lesson-07`

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use testkit::Proc;

const CLIENTS: usize = 100;
const ROUND_TRIPS: usize = 1000;

fn main() {
    // 100 个客户端都从 127.0.0.1 来：默认的连接上限（64 个，同一地址最多 32 个）放宽到 200 个名额，
    // 空闲超时也放宽，量的是速度，不是限制。
    let rust = Proc::server(
        env!("CARGO_BIN_EXE_l07-server"),
        [
            "--port",
            "0",
            "--max-connections",
            "200",
            "--idle-timeout",
            "600",
        ],
    );
    report(
        "Rust  l07-server（ThreadingTcpServer）",
        measure(rust.addr()),
    );
    drop(rust);

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/server.py");
    if let Some(py) = testkit::python3("Python 基准") {
        let python = Proc::server(py, [script, "--port", "0"]);
        report(
            "Python server.py（ThreadingTCPServer）",
            measure(python.addr()),
        );
    }
}

struct Figures {
    elapsed: Duration,
    latencies: Vec<Duration>,
}

fn measure(addr: SocketAddr) -> Figures {
    let barrier = Arc::new(Barrier::new(CLIENTS + 1));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || client(addr, c, &barrier))
        })
        .collect();
    // 所有客户端都连上之后才开始计时。
    barrier.wait();
    let start = Instant::now();
    let mut latencies = Vec::with_capacity(CLIENTS * ROUND_TRIPS);
    for c in clients {
        latencies.extend(c.join().expect("客户端线程不应 panic"));
    }
    Figures {
        elapsed: start.elapsed(),
        latencies,
    }
}

fn client(addr: SocketAddr, c: usize, barrier: &Barrier) -> Vec<Duration> {
    let mut stream = TcpStream::connect(addr).expect("连接服务端");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.set_nodelay(true).unwrap();
    barrier.wait();
    let mut latencies = Vec::with_capacity(ROUND_TRIPS);
    for i in 0..ROUND_TRIPS {
        // 教程的协议：一条消息一次写完、不带换行，回复 Your msg=<消息>，一问一答。
        let message = format!("客户端{c}-第{i}条");
        let expected = format!("Your msg={message}");
        let mut reply = vec![0u8; expected.len()];
        let t = Instant::now();
        stream.write_all(message.as_bytes()).expect("发送");
        stream.read_exact(&mut reply).expect("读回复");
        latencies.push(t.elapsed());
        assert_eq!(reply, expected.as_bytes(), "回复不对");
    }
    latencies
}

fn report(what: &str, mut f: Figures) {
    f.latencies.sort();
    let n = f.latencies.len();
    let pct = |p: usize| f.latencies[(n * p / 100).min(n - 1)];
    println!(
        "{what}：{CLIENTS} 个客户端 × {ROUND_TRIPS} 次往返 = {n} 次，用时 {:.2} 秒，\
         每秒 {:.0} 次往返，延迟 p50 {:.2} 毫秒，p99 {:.2} 毫秒",
        f.elapsed.as_secs_f64(),
        n as f64 / f.elapsed.as_secs_f64(),
        pct(50).as_secs_f64() * 1000.0,
        pct(99).as_secs_f64() * 1000.0,
    );
}
