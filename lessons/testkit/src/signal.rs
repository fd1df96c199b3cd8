//! 给测试自己启动的进程发信号：暂停（SIGSTOP）、继续（SIGCONT）、像按了 Ctrl-C 一样（SIGINT）。
//! 用 nix 的安全封装，测试里不必手写 `unsafe { libc::kill(..) }`。

pub use nix::sys::signal::Signal;
use nix::unistd::Pid;

/// 给进程 `pid` 发信号 `sig`；发不出去（进程已经不在了）就让测试失败。
pub fn send(pid: u32, sig: Signal) {
    let raw = i32::try_from(pid).unwrap_or_else(|_| panic!("进程号 {pid} 太大"));
    nix::sys::signal::kill(Pid::from_raw(raw), sig)
        .unwrap_or_else(|e| panic!("给进程 {pid} 发 {sig} 失败：{e}"));
}

/// 像在它的终端里按了 Ctrl-C 一样（SIGINT）。
pub fn interrupt(pid: u32) {
    send(pid, Signal::SIGINT);
}
