//! 练习 4（★★★）：一个小小的线程池。
//!
//! 启动正好 `workers` 个线程，名字是 `工人-1`、`工人-2`……它们从**同一个**任务队列里一件一件地取活：
//! 谁空下来谁就取下一件，对它调用 `f`，把结果交回主线程。
//! 所有任务做完、所有工人都结束（join）以后，按 `jobs` 原来的顺序返回结果：
//! 第 i 个结果是 `f(jobs[i])`。`jobs` 为空时返回空的 Vec。可以假定 `workers >= 1`。
//!
//! 例：`run_pool(vec![1, 2, 3], 2, |x| x * x)` 返回 `[1, 4, 9]`。
//!
//! 任务不要事先分好（“工人 1 做第 0、2、4 件”）：有一件特别慢时，别的工人要能把剩下的都接过去，
//! 评分会检查这一点。这一课的通道、`drop(tx)`、`Arc` 和 `Mutex` 都用得上。

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

pub fn run_pool(jobs: Vec<u64>, workers: usize, f: fn(u64) -> u64) -> Vec<u64> {
    todo!()
}
