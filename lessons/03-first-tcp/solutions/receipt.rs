use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpListener;
use std::time::Duration;

pub fn receipt(listener: &TcpListener, idle: Duration) -> io::Result<Vec<u8>> {
    let (mut stream, _peer) = listener.accept()?;
    stream.set_read_timeout(Some(idle))?;
    let mut buf = [0u8; 1024];
    match stream.read(&mut buf) {
        Ok(n) => {
            stream.write_all(format!("收到 {n} 个字节").as_bytes())?;
            Ok(buf[..n].to_vec())
        }
        // 读超时：Linux 上报告为 WouldBlock，有的系统上是 TimedOut。
        Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            stream.write_all("超时".as_bytes())?;
            Err(io::Error::new(
                ErrorKind::TimedOut,
                format!("客户端 {idle:?} 内什么也没有发送"),
            ))
        }
        Err(err) => Err(err),
    }
}
