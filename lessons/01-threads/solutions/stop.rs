use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

pub fn start_worker(running: Arc<AtomicBool>, counter: Arc<AtomicU64>) -> JoinHandle<()> {
    thread::spawn(move || {
        while running.load(Ordering::Relaxed) {
            counter.fetch_add(1, Ordering::Relaxed);
            // 让出 CPU，别把一个核占满。
            thread::yield_now();
        }
    })
}
