use std::io;
use std::net::{SocketAddr, UdpSocket};

pub fn serve_one(socket: &UdpSocket) -> io::Result<SocketAddr> {
    let mut buf = [0u8; 1024];
    let (n, from) = socket.recv_from(&mut buf)?;
    let reply = match std::str::from_utf8(&buf[..n]) {
        Ok(text) => format!("Hello, {text}!"),
        // valid_up_to 是前面合法的字节数，第一个坏字节就是下一个（从 1 数起再加 1）。
        Err(e) => format!(
            "错误：从第 {} 个字节起不是合法的 UTF-8",
            e.valid_up_to() + 1
        ),
    };
    socket.send_to(reply.as_bytes(), from)?;
    Ok(from)
}
