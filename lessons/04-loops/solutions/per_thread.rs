use std::io;
use std::net::TcpListener;
use std::sync::Arc;
use std::thread;

use crate::Handler;

pub fn serve_each_in_thread(
    listener: TcpListener,
    clients: usize,
    handler: Handler,
) -> io::Result<()> {
    let mut threads = Vec::with_capacity(clients);
    for i in 0..clients {
        let (stream, _peer) = listener.accept()?;
        // 每个线程拿一份 Arc：它们共用同一个 handler。
        let handler = Arc::clone(&handler);
        let thread = thread::Builder::new()
            .name(format!("连接{i}"))
            .spawn(move || handler(stream))?;
        threads.push(thread);
    }
    for thread in threads {
        // 某个连接的线程 panic 了，只影响它自己；其余的照样等完。
        let _ = thread.join();
    }
    Ok(())
}
