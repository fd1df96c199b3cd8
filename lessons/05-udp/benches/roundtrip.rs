//! 基准：一问一答的往返要多久？UDP 和 TCP 在本机回环上比一比。
//!
//! 运行：`cargo bench -p lesson-05`。服务端都在同一个进程的线程里运行（不打印日志），
//! 最后一项是真实的 `l05-server` 进程（每个数据报打印一行），看看打印日志的代价。

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use lesson_05::{ask, client_socket, reply_text, serve, Retry, ServerOptions};

/// 每一项测 `BATCHES` 批，每批 `ROUNDS` 次往返；报告最快的一批和中位数，少受机器上别的程序干扰。
const ROUNDS: u32 = 4_000;
const BATCHES: usize = 7;

fn udp_server() -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("能绑定");
    let addr = socket.local_addr().unwrap();
    thread::spawn(move || serve(&socket, &ServerOptions::default(), &mut |_| {}));
    addr
}

fn tcp_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("能绑定");
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || {
                let mut stream = stream;
                stream.set_nodelay(true).ok();
                let mut buf = [0u8; 2048];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let reply = reply_text(&String::from_utf8_lossy(&buf[..n]));
                    if stream.write_all(reply.as_bytes()).is_err() {
                        break;
                    }
                }
            });
        }
    });
    addr
}

fn bench_udp(server: SocketAddr, name: &str) -> Duration {
    let socket = client_socket(server).unwrap();
    let retry = Retry {
        timeout: Duration::from_secs(2),
        retries: 3,
    };
    let start = Instant::now();
    for _ in 0..ROUNDS {
        ask(&socket, server, name, retry, &mut |_| {}).expect("本机上应当问得到");
    }
    start.elapsed()
}

/// 不设超时、不核对、缓冲区只分配一次：只剩 send 和 recv 两个系统调用。
fn bench_udp_bare(server: SocketAddr, name: &str) -> Duration {
    let socket = client_socket(server).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut buf = vec![0u8; 2048];
    let start = Instant::now();
    for _ in 0..ROUNDS {
        socket.send(name.as_bytes()).unwrap();
        socket.recv(&mut buf).expect("本机上应当收得到");
    }
    start.elapsed()
}

fn bench_tcp(server: SocketAddr, name: &str) -> Duration {
    let mut stream = TcpStream::connect(server).unwrap();
    stream.set_nodelay(true).unwrap();
    let expected = reply_text(name).into_bytes();
    let mut buf = vec![0u8; expected.len()];
    let start = Instant::now();
    for _ in 0..ROUNDS {
        stream.write_all(name.as_bytes()).unwrap();
        // TCP 是字节流：回答可能分几次到，读够长度为止。
        stream.read_exact(&mut buf).unwrap();
        assert_eq!(buf, expected);
    }
    start.elapsed()
}

fn report(what: &str, mut measure: impl FnMut() -> Duration) {
    let mut per: Vec<f64> = (0..BATCHES)
        .map(|_| measure().as_secs_f64() / f64::from(ROUNDS) * 1e6)
        .collect();
    per.sort_by(f64::total_cmp);
    let (best, median) = (per[0], per[BATCHES / 2]);
    println!(
        "最快 {best:>5.1} 微秒  中位数 {median:>5.1} 微秒  （每秒约 {:>6.0} 次）  {what}",
        1e6 / median
    );
}

fn main() {
    let short = "Michael";
    let long = "x".repeat(1000);
    let udp = udp_server();
    let tcp = tcp_server();
    // 先热身一轮，让线程、缓存都就位。
    bench_udp(udp, short);
    bench_tcp(tcp, short);
    println!("一问一答的往返时间，{BATCHES} 批 × {ROUNDS} 次：");
    report("UDP 7 字节，lesson_05::ask", || bench_udp(udp, short));
    report("UDP 7 字节，裸 send/recv", || {
        bench_udp_bare(udp, short)
    });
    report("TCP 7 字节", || bench_tcp(tcp, short));
    report("UDP 1000 字节，lesson_05::ask", || bench_udp(udp, &long));
    report("TCP 1000 字节", || bench_tcp(tcp, &long));

    let srv = testkit::Proc::server(env!("CARGO_BIN_EXE_l05-server"), ["--port", "0"]);
    report(
        "UDP 7 字节，l05-server 进程（每个数据报打印一行）",
        || bench_udp(srv.addr(), short),
    );
}
