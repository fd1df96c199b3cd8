use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, Result};

pub fn ask(addr: SocketAddr, text: &str) -> Result<String> {
    let mut stream = TcpStream::connect(addr).with_context(|| format!("连不上 {addr}"))?;
    stream.write_all(text.as_bytes()).context("发送失败")?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).context("接收失败")?;
    String::from_utf8(reply).context("回复不是合法的 UTF-8")
}
