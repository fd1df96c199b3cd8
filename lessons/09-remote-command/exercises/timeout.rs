//! 练习 2：有时间限制地运行一个程序，超时连同它的子进程一起杀掉。
//!
//! 直接运行 `argv[0]`（不经过 shell），参数是 `argv[1..]`，标准输入、输出、错误都接到
//! `Stdio::null()`。
//!
//! - 程序在 `limit` 之内结束：返回 `Ok(Some(退出状态))`；
//! - 超过 `limit`：把它**所在的整个进程组**杀掉（它启动的子进程也要死），回收它，
//!   返回 `Ok(None)`；
//! - 程序启动不了（比如不存在）：返回那个 `io::Error`。
//!
//! 做法：启动前用 `std::os::unix::process::CommandExt` 的 `.process_group(0)` 让子进程自成
//! 一个进程组（组号就是它的进程号），超时时用 `libc::killpg(组号, libc::SIGKILL)`。
//! 等待可以在 `try_wait()` 和一次几毫秒的 `thread::sleep` 之间循环，直到过了期限。

use std::io;
use std::process::ExitStatus;
use std::time::Duration;

pub fn run_with_timeout(argv: &[&str], limit: Duration) -> io::Result<Option<ExitStatus>> {
    todo!()
}
