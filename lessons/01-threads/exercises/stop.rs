//! 练习 2：用停止标志让线程停下。
//!
//! 启动一个线程：只要 `running` 还是 `true`，就不停地把 `counter` 加 1；
//! `running` 变成 `false` 后尽快结束。返回这个线程的 `JoinHandle`，不要在这里 join。

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

pub fn start_worker(running: Arc<AtomicBool>, counter: Arc<AtomicU64>) -> JoinHandle<()> {
    todo!()
}
