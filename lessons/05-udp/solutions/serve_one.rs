use std::io;
use std::net::{SocketAddr, UdpSocket};

pub fn serve_one(socket: &UdpSocket) -> io::Result<SocketAddr> {
    let mut buf = [0u8; 1024];
    let (n, from) = socket.recv_from(&mut buf)?;
    // from_utf8_lossy 不会失败：坏字节变成 U+FFFD。
    let text = String::from_utf8_lossy(&buf[..n]);
    socket.send_to(format!("Hello, {text}!").as_bytes(), from)?;
    Ok(from)
}
