//! 练习 2（★★☆）：叫一声就停的定时工人。
//!
//! 书里的停止标志有个局限：工人只在回到循环开头时才看标志，要是它正在 `sleep` 一个很长的间隔，
//! 叫停以后还得等它睡醒。这里换一种叫停的办法，让工人**立刻**停下。
//!
//! 启动一个线程，每隔 `every` 把 `ticks` 加 1（第一次也要等满一个 `every`，不要一启动就加）。
//! 返回两样东西：
//!
//! - 一个 `Sender<()>`：调用者 `send(())`，**或者干脆把它丢掉**，都表示“停下”；
//! - 线程的 `JoinHandle<u64>`：线程停下时返回它一共加了几次。
//!
//! 叫停以后，哪怕 `every` 是一个小时，线程也要在几毫秒之内结束。`start_ticker` 本身要立刻返回，
//! 不要在里面 join。

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

pub fn start_ticker(every: Duration, ticks: Arc<AtomicU64>) -> (Sender<()>, JoinHandle<u64>) {
    todo!()
}
