use std::io::{self, Read, Write};
use std::net::TcpStream;

pub fn tally_until_eof(mut stream: TcpStream) -> io::Result<(u64, u64)> {
    let mut buf = [0u8; 1024];
    let mut bytes = 0u64;
    let mut newlines = 0u64;
    let mut last = b'\n';
    loop {
        // 出错（比如连接被重置）不是“对方说完了”：把错误交给调用者。
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break; // 对方说完了（半关闭）：之后的每次读都会是 0
        }
        bytes += n as u64;
        newlines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        last = buf[n - 1];
    }
    // 最后一段没有换行符也算一行（什么也没收到时 last 还是 \n，不算）。
    let lines = newlines + u64::from(last != b'\n');
    stream.write_all(format!("{bytes} 字节，{lines} 行\n").as_bytes())?;
    Ok((bytes, lines))
}
