use std::io::{self, BufRead, ErrorKind, Read};

pub fn read_escaped(r: &mut dyn BufRead, max: usize) -> io::Result<Option<Vec<u8>>> {
    // 一个内容字节在线路上最多占两个字节（\\ 或 \n），再加上结尾的换行：
    // 读到这么多还没有换行，内容一定超过了 max。
    let limit = 2 * max as u64 + 1;
    let mut wire = Vec::new();
    r.take(limit).read_until(b'\n', &mut wire)?;
    if wire.is_empty() {
        return Ok(None);
    }
    if wire.pop() != Some(b'\n') {
        return Err(if wire.len() as u64 + 1 == limit {
            io::Error::new(ErrorKind::InvalidData, format!("消息超过了 {max} 字节"))
        } else {
            io::Error::new(ErrorKind::UnexpectedEof, "消息读到一半，连接关闭了")
        });
    }
    // 转义要从左往右一个一个地认：先整体替换 \n 再替换 \\，会把 \\n 认错。
    let mut message = Vec::new();
    let mut bytes = wire.into_iter();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            message.push(b);
            continue;
        }
        match bytes.next() {
            Some(b'n') => message.push(b'\n'),
            Some(b'\\') => message.push(b'\\'),
            _ => {
                return Err(io::Error::new(
                    ErrorKind::InvalidData,
                    "反斜杠后面只能是 n 或者另一个反斜杠",
                ))
            }
        }
    }
    if message.len() > max {
        return Err(io::Error::new(
            ErrorKind::InvalidData,
            format!("消息超过了 {max} 字节"),
        ));
    }
    Ok(Some(message))
}
