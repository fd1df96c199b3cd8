use std::io::{self, Read, Write};

pub fn relay(input: &mut dyn Read, output: &mut dyn Write) -> io::Result<()> {
    let mut buf = [0u8; 1024];
    // 还没有写出去的字节：上一次读到的半个字符。
    let mut pending: Vec<u8> = Vec::new();
    // pending 的第一个字节在整个输入里的偏移。
    let mut offset = 0;
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            if pending.is_empty() {
                return Ok(());
            }
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("偏移 {offset} 处的字符没写完"),
            ));
        }
        pending.extend_from_slice(&buf[..n]);
        let (good, bad) = match std::str::from_utf8(&pending) {
            Ok(text) => (text.len(), false),
            Err(err) => (err.valid_up_to(), err.error_len().is_some()),
        };
        // 完整的字符马上写出去，不等读完：对方说一句，这边就显示一句。
        output.write_all(&pending[..good])?;
        pending.drain(..good);
        offset += good;
        if bad {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("偏移 {offset} 处不是合法的 UTF-8"),
            ));
        }
    }
}
