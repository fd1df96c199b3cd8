use std::io::{self, ErrorKind};

pub fn encode_short_frame(payload: &[u8]) -> io::Result<Vec<u8>> {
    // try_from 放不下时返回错误；`as u16` 会悄悄截掉高位，70000 就成了 4464。
    let len = u16::try_from(payload.len()).map_err(|_| {
        io::Error::new(
            ErrorKind::InvalidInput,
            format!("消息有 {} 字节，2 字节的长度最多表示 65535", payload.len()),
        )
    })?;
    let mut frame = len.to_le_bytes().to_vec();
    frame.extend_from_slice(payload);
    Ok(frame)
}
