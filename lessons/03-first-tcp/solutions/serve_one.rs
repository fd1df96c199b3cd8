use std::io::{self, Read, Write};
use std::net::TcpListener;

pub fn serve_one(listener: &TcpListener) -> io::Result<Vec<u8>> {
    let (mut stream, _peer) = listener.accept()?;
    let mut buf = [0u8; 1024];
    let n = stream.read(&mut buf)?;
    stream.write_all("我是Server".as_bytes())?;
    Ok(buf[..n].to_vec())
}
