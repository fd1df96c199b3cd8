use std::io::{self, BufRead, Write};
use std::net::{SocketAddr, TcpStream};

use crate::socketserver::{BaseRequestHandler, ServerHandle, StreamRequestHandler};

pub struct EchoHandler {
    pub base: StreamRequestHandler,
}

pub fn make(
    request: TcpStream,
    client_address: SocketAddr,
    server: ServerHandle,
) -> io::Result<EchoHandler> {
    Ok(EchoHandler {
        base: StreamRequestHandler::new(request, client_address, server)?,
    })
}

impl BaseRequestHandler for EchoHandler {
    fn handle(&mut self) -> io::Result<()> {
        let mut line = String::new();
        loop {
            line.clear();
            if self.base.rfile.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let text = line.trim_end_matches(['\r', '\n']);
            writeln!(self.base.wfile, "Your msg={text}")?;
            self.base.wfile.flush()?;
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        self.base.finish()
    }
}
