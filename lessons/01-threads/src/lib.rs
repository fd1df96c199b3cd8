//! 第 01 课：线程。
//!
//! Python 的 `threading.Thread(target=…, name=…, args=…)` 在 Rust 里是
//! `thread::Builder::new().name(…).spawn(move || …)`：目标函数和参数合成一个闭包，
//! `move` 把参数的所有权交给新线程。这里放各个程序共用、书里讲解的代码。

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::{self, JoinHandle};

// 学习者的练习只在评分时编译（cargo 特性 `exercises`）：写到一半的练习不会拖累这一课的程序和别的课。
#[path = "../exercises/mod.rs"]
#[cfg(feature = "exercises")]
#[allow(unused_variables, unused_imports, unused_mut, dead_code)]
pub mod exercises;

// 参考答案（cargo 特性 `solutions`）：评分时不编译，学习者的文件够不着它。
#[path = "../solutions/mod.rs"]
#[cfg(feature = "solutions")]
#[doc(hidden)]
pub mod solutions;

// ANCHOR: spawn_named
/// 启动一个有名字的线程，相当于 `threading.Thread(target=job, name=name).start()`。
///
/// 和 Python 不同，`spawn` 会把错误交还给我们（比如系统不让再开线程），
/// 而 `JoinHandle` 让我们等线程结束、拿回它的返回值。
pub fn spawn_named<T, F>(name: &str, job: F) -> io::Result<JoinHandle<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    thread::Builder::new().name(name.to_string()).spawn(job)
}

/// 当前线程的名字；没有名字的线程（用 `thread::spawn` 启动的）显示为“无名”。
pub fn current_name() -> String {
    thread::current().name().unwrap_or("无名").to_string()
}
// ANCHOR_END: spawn_named

// ANCHOR: with_args
/// 教程里的 `run2(param1, param2)`：参数在 Rust 里通过闭包捕获传进线程。
pub fn run2(param1: &str, param2: &str) -> String {
    format!("我是一个线程，收到参数 {param1} 和 {param2}")
}
// ANCHOR_END: with_args

// ANCHOR: stop_flag
/// 反复干活，直到 `running` 变成 `false`；每干完一轮就通过 `report` 汇报轮数。
///
/// 教程里的全局变量 `running` 在 Rust 里是 `Arc<AtomicBool>`：
/// `Arc` 让几个线程共同拥有它，`AtomicBool` 让一个线程写、另一个线程读而不出现数据竞争。
/// 汇报失败说明主线程已经不听了，这时也该停下。
pub fn work_until_stopped(running: Arc<AtomicBool>, report: mpsc::SyncSender<u64>) -> u64 {
    let mut rounds = 0;
    while running.load(Ordering::Relaxed) {
        rounds += 1;
        if report.send(rounds).is_err() {
            break;
        }
    }
    rounds
}
// ANCHOR_END: stop_flag

// ANCHOR: scoped
/// 把 `data` 切成 `parts` 份，每份在一个作用域线程里求和，按顺序返回各份的和。
///
/// `thread::scope` 保证所有线程在函数返回前结束，所以线程可以直接借用 `data`，
/// 不需要 `Arc`，也不需要复制数据。
pub fn sum_in_parts(data: &[u64], parts: usize) -> Vec<u64> {
    if data.is_empty() || parts == 0 {
        return Vec::new();
    }
    let chunk = data.len().div_ceil(parts);
    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(chunk)
            .map(|piece| s.spawn(move || piece.iter().sum::<u64>()))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("求和线程不会 panic"))
            .collect()
    })
}
// ANCHOR_END: scoped

// ANCHOR: channel
/// 启动 `n` 个工人线程，每个把一条消息发进通道；返回接收端。
///
/// 通道（channel）是线程之间传数据最省心的办法：发送端可以复制给多个线程，
/// 所有发送端都被丢弃后，接收端的迭代就会结束——不用另外约定“我发完了”。
pub fn start_workers(n: usize) -> io::Result<mpsc::Receiver<String>> {
    let (tx, rx) = mpsc::channel();
    for i in 1..=n {
        let tx = tx.clone();
        spawn_named(&format!("工人{i}"), move || {
            let _ = tx.send(format!("{} 完成了任务", current_name()));
        })?;
    }
    // 主线程自己的发送端也要丢掉，否则接收端会一直等下去。
    drop(tx);
    Ok(rx)
}
// ANCHOR_END: channel
