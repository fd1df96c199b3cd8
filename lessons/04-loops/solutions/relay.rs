use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;

pub fn relay(listener: TcpListener) -> io::Result<(u64, u64)> {
    let (a, _) = listener.accept()?;
    let (b, _) = listener.accept()?;
    let (a2, b2) = (a.try_clone()?, b.try_clone()?);
    // 两个方向同时转：B → A 在另一个线程里，A → B 在这个线程里。
    let back = thread::spawn(move || pump(&b2, &a2));
    let forth = pump(&a, &b);
    let back = back
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("转发线程 panic 了")));
    Ok((forth?, back?))
}

/// 从 `from` 读、往 `to` 写，读到多少转多少，直到 `from` 说完（EOF）：那时半关闭 `to`，
/// 把“我说完了”也转过去，另一个方向照常进行。出错时两个连接都关掉，另一个方向的线程也就结束了。
fn pump(from: &TcpStream, to: &TcpStream) -> io::Result<u64> {
    let mut buf = [0u8; 4096];
    let mut total = 0;
    loop {
        let n = match (&mut &*from).read(&mut buf) {
            Ok(0) => {
                let _ = to.shutdown(Shutdown::Write);
                return Ok(total);
            }
            Ok(n) => n,
            Err(e) => return Err(close_both(from, to, e)),
        };
        if let Err(e) = (&mut &*to).write_all(&buf[..n]) {
            return Err(close_both(from, to, e));
        }
        total += n as u64;
    }
}

fn close_both(a: &TcpStream, b: &TcpStream, e: io::Error) -> io::Error {
    let _ = a.shutdown(Shutdown::Both);
    let _ = b.shutdown(Shutdown::Both);
    e
}
