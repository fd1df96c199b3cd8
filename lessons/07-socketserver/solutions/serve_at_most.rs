use std::io;
use std::net::SocketAddr;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::socketserver::ThreadingTcpServer;

pub fn serve_at_most(
    server: &ThreadingTcpServer,
    clients: usize,
    finished: &Receiver<SocketAddr>,
    within: Duration,
    poll_interval: Duration,
) -> io::Result<Vec<SocketAddr>> {
    let deadline = Instant::now() + within;
    let mut served = Vec::new();
    let result = thread::scope(|s| {
        let serving = s.spawn(|| server.serve_forever(poll_interval));
        while served.len() < clients {
            let left = deadline.saturating_duration_since(Instant::now());
            match finished.recv_timeout(left) {
                Ok(addr) => served.push(addr),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        server.shutdown();
        serving
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("serve_forever 的线程 panic 了")))
    });
    server.server_close();
    result.map(|()| served)
}
