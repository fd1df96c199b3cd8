use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};

use crate::socketserver::{BaseRequestHandler, ServerHandle, StreamRequestHandler};
use crate::{reply_to, strip_newline, RECV_SIZE};

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
        let mut buf = [0u8; RECV_SIZE];
        loop {
            let n = self.base.request.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            let reply = reply_to(strip_newline(&buf[..n]));
            self.base.request.write_all(reply.as_bytes())?;
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        self.base.finish()
    }
}
