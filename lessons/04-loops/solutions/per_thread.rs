use std::io::{self, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use crate::Handler;

/// 一个名额：丢弃时归还。处理函数 panic 时线程的栈照样展开，这个值照样被丢弃，名额也就照样归还。
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

pub fn serve_capped(
    listener: TcpListener,
    clients: usize,
    max: usize,
    handler: Handler,
) -> io::Result<()> {
    let busy = Arc::new(AtomicUsize::new(0));
    let mut threads = Vec::new();
    for _ in 0..clients {
        let (mut stream, _peer) = listener.accept()?;
        // 只有主线程会增加计数，所以“看一眼、再加一”之间不会有别人插进来加。
        if busy.load(Ordering::SeqCst) >= max {
            let _ = stream.write_all(b"busy\n");
            continue; // stream 在这里被丢弃：连接关闭
        }
        busy.fetch_add(1, Ordering::SeqCst);
        let slot = Slot(Arc::clone(&busy));
        let handler = Arc::clone(&handler);
        threads.push(thread::spawn(move || {
            let _slot = slot;
            handler(stream);
        }));
    }
    for thread in threads {
        // 某个连接的处理函数 panic 了，只影响它自己；其余的照样等完。
        let _ = thread.join();
    }
    Ok(())
}
