//! 练习 1：有名字的线程。
//!
//! 启动一个名叫 `name` 的线程，把 `word` 传给它。线程里用 `thread::current()`
//! 取得代表自己的 `Thread`，用它的名字拼出 `"<名字>: <word>"`，
//! 返回 `("<名字>: <word>", 这个 Thread)`。
//! 主线程等它结束（join），把它的返回值交给调用者。
//!
//! 例：`run_named("工人甲", "你好")` 返回 `("工人甲: 你好", <新线程的 Thread>)`，
//! 那个 `Thread` 的 `name()` 是 `Some("工人甲")`。

use std::thread::{self, Thread};

pub fn run_named(name: &str, word: &str) -> (String, Thread) {
    todo!()
}
