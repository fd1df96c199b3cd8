use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use crate::socketserver::{
    default_policy, BaseRequestHandler, Connection, ServerHandle, StreamRequestHandler,
    ThreadingTcpServer,
};
use crate::{reply_to, strip_newline, RECV_SIZE};
use support::serve::Policy;

struct StopHandler {
    base: StreamRequestHandler,
    stop: String,
}

impl BaseRequestHandler for StopHandler {
    fn handle(&mut self) -> io::Result<()> {
        let mut buf = [0u8; RECV_SIZE];
        loop {
            let n = self.base.request.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            let message = strip_newline(&buf[..n]);
            if message == self.stop.as_bytes() {
                self.base.request.write_all("再见".as_bytes())?;
                // 在处理线程里调用：它等到 serve_forever 真的停下才返回。
                self.base.server.shutdown();
                return Ok(());
            }
            self.base.request.write_all(reply_to(message).as_bytes())?;
        }
    }
}

pub fn serve_until_stop(listener: TcpListener, stop: &str, idle: Duration) -> io::Result<()> {
    let stop = stop.to_string();
    let make = move |request: Connection, addr: SocketAddr, server: ServerHandle| {
        Ok(StopHandler {
            base: StreamRequestHandler::new(request, addr, server)?,
            stop: stop.clone(),
        })
    };
    let server = ThreadingTcpServer::from_listener(listener, make)?.with_policy(Policy {
        idle,
        ..default_policy()
    });
    let served = server.serve_forever(Duration::from_millis(50));
    server.server_close();
    served
}
