use std::io::{self, BufRead};

pub fn read_line_limited(reader: &mut dyn BufRead, limit: usize) -> io::Result<String> {
    let mut line = String::new();
    let mut count = 0;
    let mut pending = Vec::with_capacity(4);
    while count < limit && !line.ends_with('\n') {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            if pending.is_empty() {
                break;
            }
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "连接断在一个字符的中间",
            ));
        }
        let mut used = 0;
        let mut bad = false;
        for &byte in available {
            used += 1;
            pending.push(byte);
            match std::str::from_utf8(&pending) {
                Ok(ch) => {
                    let newline = ch == "\n";
                    line.push_str(ch);
                    pending.clear();
                    count += 1;
                    if count == limit || newline {
                        break;
                    }
                }
                Err(e) if e.error_len().is_none() => {}
                Err(_) => {
                    bad = true;
                    break;
                }
            }
        }
        reader.consume(used);
        if bad {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "收到的不是合法的 UTF-8",
            ));
        }
    }
    Ok(line)
}
