use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpStream;

pub fn echo_until_eof(mut stream: TcpStream) -> io::Result<u64> {
    let mut buf = [0u8; 1024];
    let mut total = 0;
    loop {
        let n = match stream.read(&mut buf) {
            Ok(n) => n,
            // 被信号打断的读不算出错，再读一次就好。
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            // 对方关闭了连接：之后的每次读都会是 0，必须在这里离开循环。
            return Ok(total);
        }
        stream.write_all(&buf[..n])?;
        total += n as u64;
    }
}
