use std::io::{self, BufRead, Write};
use std::net::SocketAddr;

use crate::socketserver::{BaseRequestHandler, Connection, ServerHandle, StreamRequestHandler};

pub struct LineHandler {
    pub base: StreamRequestHandler,
}

pub fn make(
    request: Connection,
    client_address: SocketAddr,
    server: ServerHandle,
) -> io::Result<LineHandler> {
    Ok(LineHandler {
        base: StreamRequestHandler::new(request, client_address, server)?,
    })
}

impl BaseRequestHandler for LineHandler {
    fn handle(&mut self) -> io::Result<()> {
        let mut line = Vec::new();
        let mut number = 0;
        loop {
            line.clear();
            // read_until 读字节：不是 UTF-8 的一行也读得出来（read_line 会报错）。
            if self.base.rfile.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            let text = line.strip_suffix(b"\n").unwrap_or(&line);
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            let text = String::from_utf8_lossy(text);
            if text == "bye" {
                self.base.wfile.write_all("再见\n".as_bytes())?;
                return self.base.wfile.flush();
            }
            number += 1;
            writeln!(self.base.wfile, "第 {number} 行：{text}")?;
            // wfile 带缓冲：不 flush，回复就一直留在缓冲区里，对方等不到。
            self.base.wfile.flush()?;
        }
    }
}
