//! 评分用的“参考对方”：像真的程序那样说话的客户端和服务端，用来考学习者写的整个服务端或客户端。
//!
//! 真的对方不会配合你：教程式的客户端发完就等回复，从不半关闭；真的服务端的回复可能分两段、
//! 中间还停一会儿才到；有的对方慢慢地一个字节一个字节地发，有的说到一半就消失。
//! 学习者的程序要对付的就是这些，所以评分也用它们。

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// 参考对方等回复的超时：宽松到慢机器也不会误报。
pub const WAIT: Duration = Duration::from_secs(5);

/// 连上 `addr`，带读写超时。
pub fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, WAIT)?;
    stream.set_read_timeout(Some(WAIT))?;
    stream.set_write_timeout(Some(WAIT))?;
    Ok(stream)
}

/// 教程式的客户端：发出 `request`，**不半关闭**，读一次回复（最多 `max` 字节）就返回。
///
/// 要求学习者的服务端读到一条消息就回答，而不是等对方关闭（`read_to_end`）才回答。
pub fn tutorial_client(addr: SocketAddr, request: &[u8], max: usize) -> io::Result<Vec<u8>> {
    let mut stream = connect(addr)?;
    stream.write_all(request)?;
    let mut buf = vec![0u8; max];
    let n = stream.read(&mut buf)?;
    buf.truncate(n);
    Ok(buf)
}

/// 同 [`tutorial_client`]，但一直读到凑满 `expected` 个字节（回复可能分几段到达），或者超时、对方关闭。
pub fn tutorial_client_exact(
    addr: SocketAddr,
    request: &[u8],
    expected: usize,
) -> io::Result<Vec<u8>> {
    let mut stream = connect(addr)?;
    stream.write_all(request)?;
    read_up_to(&mut stream, expected)
}

/// 读到凑满 `n` 个字节、对方关闭或超时为止；返回读到的（可能比 `n` 少）。超时本身不算错。
pub fn read_up_to(stream: &mut TcpStream, n: usize) -> io::Result<Vec<u8>> {
    let mut got = Vec::with_capacity(n);
    let mut buf = [0u8; 4096];
    while got.len() < n {
        let want = (n - got.len()).min(buf.len());
        match stream.read(&mut buf[..want]) {
            Ok(0) => break,
            Ok(k) => got.extend_from_slice(&buf[..k]),
            Err(e) if support::is_timeout(&e) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// 在 `limit` 之内接受一个连接；学习者的客户端一直不来连时，返回超时错误而不是永远等下去。
pub fn accept_within(
    listener: &TcpListener,
    limit: Duration,
) -> io::Result<(TcpStream, SocketAddr)> {
    listener.set_nonblocking(true)?;
    let deadline = Instant::now() + limit;
    let result = loop {
        match listener.accept() {
            Ok(pair) => break Ok(pair),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                // 按期限轮询监听套接字。
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                break Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("等了 {} 秒，没有人来连接", limit.as_secs_f64()),
                ))
            }
            Err(e) => break Err(e),
        }
    };
    listener.set_nonblocking(false)?;
    let (stream, peer) = result?;
    stream.set_nonblocking(false)?;
    Ok((stream, peer))
}

/// 一个只服务一个连接的参考服务端，在后台线程里运行。
pub struct OneShot {
    pub addr: SocketAddr,
    handle: JoinHandle<io::Result<Vec<u8>>>,
}

impl OneShot {
    /// 等它结束，拿回它收到的请求。
    pub fn request(self) -> io::Result<Vec<u8>> {
        self.handle
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("参考服务端的线程 panic 了")))
    }
}

/// 回复分两段的服务端：读一次请求（最多 `max` 字节），写回 `first`，停 `pause`，再写 `second`，然后关闭。
///
/// 两段之间停了一会儿，它们就是两个 TCP 段，客户端的一次 `read` 只拿得到第一段：
/// 只读一次的客户端会拿到半句话。
pub fn split_reply_server(first: &[u8], second: &[u8], pause: Duration, max: usize) -> OneShot {
    let listener = TcpListener::bind("127.0.0.1:0").expect("能绑定空闲端口");
    let addr = listener.local_addr().unwrap();
    let (first, second) = (first.to_vec(), second.to_vec());
    let handle = thread::spawn(move || {
        let (mut stream, _) = accept_within(&listener, crate::DEADLINE)?;
        stream.set_read_timeout(Some(WAIT))?;
        stream.set_nodelay(true)?;
        let mut buf = vec![0u8; max];
        let n = stream.read(&mut buf)?;
        buf.truncate(n);
        stream.write_all(&first)?;
        thread::sleep(pause);
        stream.write_all(&second)?;
        let _ = stream.shutdown(Shutdown::Write);
        // 等对方关闭，免得在对方读完之前就丢掉连接（那样对方可能读到“连接被重置”）。
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        Ok(buf)
    });
    OneShot { addr, handle }
}

/// 慢慢发：每 `gap` 发 `chunk` 个字节，把 `data` 发完（不半关闭），返回用了多久。
pub fn trickle(
    stream: &mut TcpStream,
    data: &[u8],
    chunk: usize,
    gap: Duration,
) -> io::Result<Duration> {
    stream.set_nodelay(true)?;
    let start = Instant::now();
    for piece in data.chunks(chunk.max(1)) {
        stream.write_all(piece)?;
        thread::sleep(gap);
    }
    Ok(start.elapsed())
}

/// 说到一半就消失：发出 `data` 的前 `keep` 个字节，然后用 RST 断开（SO_LINGER 0），
/// 就像对方的程序崩溃、或者网线被拔掉。
pub fn vanish(stream: TcpStream, data: &[u8], keep: usize) -> io::Result<()> {
    let mut stream = stream;
    stream.write_all(&data[..keep.min(data.len())])?;
    reset(stream)
}

/// 用 RST 关闭连接（SO_LINGER = 0）：系统不发正常的 FIN，对方看到“连接被重置”。
pub fn reset(stream: TcpStream) -> io::Result<()> {
    socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO))?;
    drop(stream);
    Ok(())
}
