use std::io::{self, BufRead, ErrorKind, Read};

pub fn read_line_max(r: &mut dyn BufRead, max: usize) -> io::Result<Option<String>> {
    // 最多读 max 个内容字节再加一个换行符；读到的更多就说明超了。
    let mut line = Vec::new();
    let limit = max as u64 + 1;
    r.take(limit).read_until(b'\n', &mut line)?;
    if line.is_empty() {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
    } else if line.len() as u64 == limit {
        return Err(io::Error::new(
            ErrorKind::InvalidData,
            format!("一行超过了 {max} 字节"),
        ));
    } else {
        return Err(io::Error::new(
            ErrorKind::UnexpectedEof,
            "最后一行没有换行符",
        ));
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| io::Error::new(ErrorKind::InvalidData, "不是合法的 UTF-8"))
}
