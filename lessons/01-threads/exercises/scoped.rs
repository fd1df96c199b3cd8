//! 练习 3：作用域线程分块求和。
//!
//! 把 `data` 按 `chunk` 个一块切开（最后一块可以不满），每块交给一个**有名字的**
//! 作用域线程求和，线程名是 `部分-0`、`部分-1`……按块的顺序返回
//! `(算这一块的线程, 这块的和)`，线程用 `thread::current()` 在线程里取得。
//! `data` 为空时返回空的 Vec。
//!
//! 提示：`thread::scope` 和 `thread::Builder::spawn_scoped`。可以假定 `chunk >= 1`。

use std::thread::{self, Thread};

pub fn sum_chunks(data: &[u64], chunk: usize) -> Vec<(Thread, u64)> {
    todo!()
}
