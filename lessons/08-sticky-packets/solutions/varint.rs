use std::io::{self, ErrorKind, Read};

/// 长度最多占几个字节：5 × 7 = 35 位，足够表示 u32 的任何值。
const MAX_LEN_BYTES: u32 = 5;

pub fn read_varint_frame(r: &mut dyn Read, max: usize) -> io::Result<Option<Vec<u8>>> {
    // 长度一个字节一个字节地读：多读一个，就读到了下一帧的开头。
    let mut len: u64 = 0;
    let mut count = 0;
    loop {
        let mut byte = [0u8; 1];
        match r.read(&mut byte) {
            Ok(0) if count == 0 => return Ok(None),
            Ok(0) => {
                return Err(io::Error::new(
                    ErrorKind::UnexpectedEof,
                    "长度读到一半，连接关闭了",
                ))
            }
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        len |= u64::from(byte[0] & 0x7f) << (7 * count);
        count += 1;
        if byte[0] & 0x80 == 0 {
            break;
        }
        if count == MAX_LEN_BYTES {
            return Err(io::Error::new(
                ErrorKind::InvalidData,
                "长度超过了 5 个字节",
            ));
        }
    }
    if len > max as u64 {
        return Err(io::Error::new(
            ErrorKind::InvalidData,
            format!("对方声称这一帧有 {len} 字节，超过了上限 {max}"),
        ));
    }
    // 不照对方说的长度一次准备好：read_to_end 收到多少、长多少。
    let mut payload = Vec::new();
    r.take(len).read_to_end(&mut payload)?;
    if payload.len() as u64 != len {
        return Err(io::Error::new(
            ErrorKind::UnexpectedEof,
            format!("内容读到一半，连接关闭了（应有 {len} 字节）"),
        ));
    }
    Ok(Some(payload))
}
