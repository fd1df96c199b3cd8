use std::io::{self, BufRead};

/// UTF-8 的第一个字节就说出这个字符一共几个字节；不可能是开头的字节返回 None。
fn width(first: u8) -> Option<usize> {
    match first {
        0x00..=0x7F => Some(1),
        0xC2..=0xDF => Some(2),
        0xE0..=0xEF => Some(3),
        0xF0..=0xF4 => Some(4),
        _ => None,
    }
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

pub fn read_line_bytes(reader: &mut dyn BufRead, max_bytes: usize) -> io::Result<String> {
    let mut line = String::new();
    // 当前这个字符已经拿到的字节（它放得下，所以已经 consume 了），还差几个。
    let mut pending: Vec<u8> = Vec::with_capacity(4);
    let mut need = 0;
    loop {
        let available = reader.fill_buf()?;
        let Some(&byte) = available.first() else {
            if pending.is_empty() {
                return Ok(line);
            }
            return Err(invalid("连接断在一个字符的中间"));
        };
        if pending.is_empty() {
            // 一个新字符的第一个字节：先看它有多宽，放不下就停，一个字节也不拿。
            let w = width(byte).ok_or_else(|| invalid("收到的不是合法的 UTF-8"))?;
            if line.len() + w > max_bytes {
                return Ok(line);
            }
            need = w;
        }
        reader.consume(1);
        pending.push(byte);
        if pending.len() < need {
            continue;
        }
        let ch = std::str::from_utf8(&pending).map_err(|_| invalid("收到的不是合法的 UTF-8"))?;
        let newline = ch == "\n";
        line.push_str(ch);
        pending.clear();
        if newline {
            return Ok(line);
        }
    }
}
