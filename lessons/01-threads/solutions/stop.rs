use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

pub fn start_ticker(every: Duration, ticks: Arc<AtomicU64>) -> (Sender<()>, JoinHandle<u64>) {
    let (stop, stopped) = mpsc::channel::<()>();
    let handle = thread::spawn(move || {
        let mut mine = 0;
        // recv_timeout 一次做两件事：等满一个间隔（返回 Timeout），同时听着叫停。
        // 调用者 send(()) 返回 Ok，丢掉发送端返回 Disconnected：两种都立刻醒来，结束循环。
        while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
            ticks.fetch_add(1, Ordering::Relaxed);
            mine += 1;
        }
        mine
    });
    (stop, handle)
}
