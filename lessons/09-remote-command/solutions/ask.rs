use std::io::{self, BufWriter};
use std::net::TcpStream;

use lesson_08::frame::{read_frame, write_frame, DEFAULT_MAX_FRAME};

pub fn ask(stream: &mut TcpStream, command: &str) -> io::Result<Vec<u8>> {
    // 经过 BufWriter，长度和内容合成一次发送（write_frame 最后会 flush）。
    write_frame(&mut BufWriter::new(&mut *stream), command.as_bytes())?;
    read_frame(stream, DEFAULT_MAX_FRAME)?
        .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "服务端在回答之前关闭了连接"))
}
