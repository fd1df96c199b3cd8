//! 练习 1（★☆☆）：在有名字的线程里干活，把 panic 变成错误。
//!
//! 在一个名叫 `name` 的新线程里运行 `job`，等它结束（join），把结果交给调用者：
//!
//! - `job` 正常返回一个数：返回 `Ok(那个数)`；
//! - `job` panic 了：调用者不能跟着 panic，而是返回 `Err`，文字是
//!   `"线程 <name> panic 了：<panic 的文字>"`（中间是全角冒号“：”）；
//!   panic 带的不是文字时（比如 `std::panic::panic_any(7)`），就是 `"线程 <name> panic 了"`。
//!
//! 例：`job` 里写着 `panic!("除数是 0")`，`run_named("计算", job)` 返回
//! `Err("线程 计算 panic 了：除数是 0")`。
//!
//! 书里讲过 join 在线程 panic 时返回 `Err`；这里要你从那个 `Err` 里取出 panic 的文字。
//! 注意 `panic!("固定的文字")` 和 `panic!("第 {n} 个")` 带的文字类型不一样。

pub fn run_named(name: &str, job: fn() -> u64) -> Result<u64, String> {
    todo!()
}
