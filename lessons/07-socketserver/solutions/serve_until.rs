use std::io;
use std::net::SocketAddr;
use std::sync::mpsc::Receiver;
use std::thread;
use std::time::Duration;

use crate::socketserver::ThreadingTcpServer;

pub fn serve_until(
    server: &ThreadingTcpServer,
    clients: usize,
    finished: &Receiver<SocketAddr>,
    poll_interval: Duration,
) -> io::Result<()> {
    let served = thread::scope(|s| {
        let serving = s.spawn(|| server.serve_forever(poll_interval));
        for _ in 0..clients {
            if finished.recv().is_err() {
                break;
            }
        }
        server.shutdown();
        serving
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("serve_forever 的线程 panic 了")))
    });
    server.server_close();
    served
}
