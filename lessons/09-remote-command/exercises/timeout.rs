//! 练习 3（★★☆）：超时先礼后兵：先请整个进程组收拾好离开，过了宽限期再强行杀掉。
//!
//! 书里的 `run_with_limit` 一到时间就用 SIGKILL 杀掉整个进程组：干脆，但命令来不及收拾
//! （删掉临时文件、写完日志）。很多程序管理器的做法是先礼后兵，写一个 `run_with_grace`：
//!
//! - 直接运行 `argv[0]`（不经过 shell），参数是 `argv[1..]`，标准输入、输出、错误都接到
//!   `Stdio::null()`，放进它自己的进程组；`argv` 是空的：返回 `ErrorKind::InvalidInput` 的错误；
//!   程序启动不了（比如不存在）：返回那个 `io::Error`；
//! - 程序在 `limit` 之内结束：返回 `Ok(Some(退出状态))`；
//! - 过了 `limit` 还没结束：
//!   1. 给**整个进程组**发 SIGTERM（它启动的子进程也要收到，好各自收拾）；
//!   2. 最多再等 `grace`，程序一结束就不再等；
//!   3. 不论它结束了没有，都给整个进程组发 SIGKILL：组里可能还有不理 SIGTERM 的进程；
//!   4. 回收程序（不留僵尸），返回 `Ok(None)`。
//!
//! 不需要 `unsafe`：`nix::sys::signal::killpg` 是安全的封装（这一课已经依赖 `nix`）。

use std::io;
use std::process::ExitStatus;
use std::time::Duration;

pub fn run_with_grace(
    argv: &[&str],
    limit: Duration,
    grace: Duration,
) -> io::Result<Option<ExitStatus>> {
    todo!()
}
