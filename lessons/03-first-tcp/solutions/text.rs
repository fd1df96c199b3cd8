use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpListener;

pub fn serve_text(listener: &TcpListener) -> io::Result<String> {
    let (mut stream, _peer) = listener.accept()?;
    let mut buf = [0u8; 1024];
    let n = stream.read(&mut buf)?;
    let mut data = buf[..n].to_vec();
    if let Err(err) = std::str::from_utf8(&data) {
        // error_len() 是 None：末尾是一个没收全的字符，不是坏字节。
        if err.error_len().is_none() {
            let start = err.valid_up_to();
            // 这个字符的第一个字节说明它一共几个字节。
            let width = match data[start] {
                lead if lead >= 0xF0 => 4,
                lead if lead >= 0xE0 => 3,
                _ => 2,
            };
            let mut missing = vec![0u8; width - (data.len() - start)];
            stream.read_exact(&mut missing)?;
            data.extend_from_slice(&missing);
        }
    }
    match String::from_utf8(data) {
        Ok(text) => {
            stream.write_all(format!("收到：{text}").as_bytes())?;
            Ok(text)
        }
        Err(_) => {
            stream.write_all("不是 UTF-8".as_bytes())?;
            Err(io::Error::new(ErrorKind::InvalidData, "收到的不是 UTF-8"))
        }
    }
}
