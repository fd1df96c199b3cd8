//! 基准测试：`cargo bench -p lesson-03`。
//!
//! 1. 一问一答的代价：每次都新建一条 TCP 连接（三次握手）、发一句、收回复、关闭，
//!    和第 03 课的服务端/客户端做的事一样。服务端是同一进程里的一个线程，走真实的回环网卡。
//! 2. HTTP 正文的两种收法：像 l03-http-get 那样边收边写（流式），
//!    和像教程那样先把整个响应收进内存再分开。

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use lesson_03::{http_get, read_message, send_reply, REPLY};

const ROUND_TRIPS: u32 = 2000;
const BODY: usize = 256 * 1024 * 1024;

fn main() -> io::Result<()> {
    println!("第 03 课基准测试（{} 个逻辑 CPU）", available_cpus());
    round_trips()?;
    println!("（一问一答之后，进程的内存峰值 {} MiB）", peak_rss_mib());
    body_download(true)?;
    body_download(false)?;
    Ok(())
}

fn available_cpus() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

fn round_trips() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = thread::spawn(move || -> io::Result<()> {
        for _ in 0..ROUND_TRIPS {
            let (mut stream, _) = listener.accept()?;
            read_message(&mut stream)?;
            send_reply(&mut stream)?;
        }
        Ok(())
    });
    let start = Instant::now();
    for _ in 0..ROUND_TRIPS {
        let mut stream = TcpStream::connect(addr)?;
        stream.write_all("你是who?".as_bytes())?;
        stream.shutdown(Shutdown::Write)?;
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply)?;
        assert_eq!(reply, REPLY.as_bytes());
    }
    let elapsed = start.elapsed();
    server.join().expect("服务端线程不会 panic")?;
    let each = elapsed / ROUND_TRIPS;
    println!(
        "一问一答（每次新连接）：{ROUND_TRIPS} 次用了 {:.2} 秒，平均每次 {} 微秒，约每秒 {:.0} 次",
        elapsed.as_secs_f64(),
        each.as_micros(),
        f64::from(ROUND_TRIPS) / elapsed.as_secs_f64()
    );
    Ok(())
}

/// 同一进程里的 HTTP 响应者：读请求，发出响应头和 `BODY` 个字节的正文，然后关闭。
fn responder(listener: TcpListener) -> thread::JoinHandle<io::Result<()>> {
    thread::spawn(move || {
        let (mut stream, _) = listener.accept()?;
        lesson_03::read_head(&mut stream).map_err(io::Error::other)?;
        write!(stream, "HTTP/1.0 200 OK\r\nContent-Length: {BODY}\r\n\r\n")?;
        let block = vec![b'x'; 64 * 1024];
        for _ in 0..BODY / block.len() {
            stream.write_all(&block)?;
        }
        Ok(())
    })
}

fn body_download(streaming: bool) -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = responder(listener);
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let request =
        lesson_03::build_request("127.0.0.1", addr.port(), "/").map_err(io::Error::other)?;
    let start = Instant::now();
    let size = if streaming {
        let mut response = http_get(&mut stream, &request).map_err(io::Error::other)?;
        io::copy(&mut response.body, &mut io::sink())?
    } else {
        stream.write_all(request.as_bytes())?;
        let mut all = Vec::new();
        stream.read_to_end(&mut all)?;
        let end = lesson_03::find_blank_line(&all).expect("有空行");
        let body = all[end + 4..].to_vec();
        body.len() as u64
    };
    let elapsed = start.elapsed();
    server.join().expect("响应线程不会 panic")?;
    assert_eq!(size, BODY as u64);
    let mib = size as f64 / (1024.0 * 1024.0);
    println!(
        "HTTP 正文 {mib:.0} MiB，{}：{:.2} 秒，{:.0} MiB/s，此后进程的内存峰值 {} MiB",
        if streaming {
            "边收边丢（流式，和 l03-http-get 一样）"
        } else {
            "先全部收进内存再分开（教程的做法）"
        },
        elapsed.as_secs_f64(),
        mib / elapsed.as_secs_f64(),
        peak_rss_mib()
    );
    Ok(())
}

/// 本进程到目前为止的常驻内存峰值（MiB）。流式的测量先做，所以它的峰值不受另一种的影响。
#[cfg(target_os = "linux")]
fn peak_rss_mib() -> i64 {
    use nix::sys::resource::{getrusage, UsageWho};
    match getrusage(UsageWho::RUSAGE_SELF) {
        Ok(usage) => usage.max_rss() / 1024, // Linux 上单位是 KiB
        Err(_) => -1,
    }
}

#[cfg(not(target_os = "linux"))]
fn peak_rss_mib() -> i64 {
    -1
}
