//! 危险模式（`--dangerous-shell`）里，怎样杀掉一条命令启动的**所有**进程。
//!
//! 进程组不够用：后代调用 `setsid`（或 `setpgid`）就离开了进程组，`killpg` 杀不到它；
//! 它还握着输出管道，读线程永远等不到 EOF，服务端的线程和文件描述符越积越多。
//! 会话也一样能被 `setsid` 离开。
//!
//! 不用 cgroup 也不会漏掉的办法是 Linux 的**收养者**（subreaper，`PR_SET_CHILD_SUBREAPER`）：
//! 一个进程的父进程死了，它不再交给 1 号进程，而是交给离它最近的、还活着的收养者祖先。
//! 一个进程不能自己换父进程，所以从收养者往下，一条命令的全部后代永远都还在它的“子孙”里，
//! 不管它们换了多少次进程组和会话。
//!
//! 于是每条命令都由一个**看守进程**来运行：服务端把自己的可执行文件以 [`HELPER_ARG`] 重新启动，
//! 它成为收养者，启动 `sh -c 命令`，等 `sh` 结束，或者等服务端关掉它的标准输入（超时了），
//! 然后一遍遍地杀掉、收回自己的子进程，直到一个都不剩，再退出。
//!
//! 命令还可能杀掉看守进程本身（`kill -9 $PPID`）。所以服务端自己也是收养者：看守进程死后，
//! 它的后代归服务端，服务端在每条命令结束时杀掉、收回不是看守进程的子进程（[`kill_orphans`]）。
//!
//! 杀不到的只有不是这条命令后代的进程：命令请别的服务替它启动的（`systemd-run`、`at`、`cron`、
//! 用 `ssh` 连回本机），它们的父进程从来不是命令。

use std::ffi::OsString;
use std::fs;
use std::io;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::prctl;
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;

/// 服务端以这个参数重新启动自己时，它就是看守进程，不是服务端。
pub const HELPER_ARG: &str = "--l09-internal-helper";

// ANCHOR: helper
/// 看守进程的全部工作。`argv` 是要运行的命令（`sh -c 命令`）。
///
/// 标准输出和标准错误原样交给命令（它们是服务端的管道）；标准输入是服务端留着的一根管道，
/// 读到 EOF 表示服务端要它马上停下（超时了，或者服务端自己退出了）。
pub fn helper_main(argv: &[OsString]) -> ExitCode {
    if let Err(e) = prctl::set_child_subreaper(true) {
        eprintln!("无法成为收养者（PR_SET_CHILD_SUBREAPER）：{e}");
        return ExitCode::from(126);
    }
    let Some((program, args)) = argv.split_first() else {
        return ExitCode::from(126);
    };
    let mut child = match Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            eprintln!("无法运行 {}：{e}", program.to_string_lossy());
            return ExitCode::from(127);
        }
    };
    let (tx, rx) = mpsc::channel();
    let stop = tx.clone();
    thread::spawn(move || {
        let _ = io::copy(&mut io::stdin(), &mut io::sink());
        let _ = stop.send(None);
    });
    thread::spawn(move || {
        let _ = tx.send(Some(child.wait()));
    });
    let outcome = rx.recv().ok().flatten();
    // sh 结束了，或者服务端要我们停下：它留下的一切，包括调用过 setsid 的，都是我们的子孙。
    kill_all_children();
    match outcome {
        Some(Ok(status)) => ExitCode::from(exit_code(status)),
        _ => ExitCode::from(137),
    }
}

/// 杀掉并收回这个进程的全部子进程，直到一个都不剩。
///
/// 被杀的进程的子进程会过继给我们（我们是收养者），下一轮就会被看到；`waitpid` 报告
/// “没有子进程了”（ECHILD）时，这条命令的后代就全部不在了。
fn kill_all_children() {
    let me = std::process::id();
    loop {
        for pid in children_of(me) {
            let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
        }
        loop {
            match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) => break,
                Ok(_) | Err(Errno::EINTR) => continue,
                Err(_) => return,
            }
        }
        // 还有子进程，只是刚被杀、还没结束：稍等再看一轮。
        thread::sleep(Duration::from_millis(1));
    }
}
// ANCHOR_END: helper

/// 把命令的结束状态变成看守进程的退出码：被信号终止时和 shell 一样用 128 + 信号。
fn exit_code(status: std::process::ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => code as u8,
        (None, Some(signal)) => 128u8.wrapping_add(signal as u8),
        (None, None) => 1,
    }
}

/// 父进程是 `parent` 的全部进程。读 `/proc/<pid>/stat` 的第 4 项；
/// 第 2 项（程序名）放在括号里，里面可能有空格和括号，所以从最后一个 `)` 之后开始数。
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                stat.rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                    == Some(parent)
            })
        })
        .collect()
}

// ANCHOR: orphans
/// 服务端正在运行的看守进程。其余的子进程都是孤儿：它们的看守进程被命令杀掉了。
static HELPERS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// 让服务端自己也成为收养者（危险模式启动时调用一次）。
pub fn become_subreaper() -> io::Result<()> {
    prctl::set_child_subreaper(true).map_err(io::Error::from)
}

/// 启动一个看守进程并记下它。加锁：[`kill_orphans`] 不会在它登记之前把它当成孤儿。
pub fn spawn_helper(command: &mut Command) -> io::Result<Child> {
    let mut helpers = HELPERS.lock().unwrap_or_else(|e| e.into_inner());
    let child = command.spawn()?;
    helpers.push(child.id());
    Ok(child)
}

/// 看守进程已经被收回，不再登记它。
pub fn forget_helper(pid: u32) {
    HELPERS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|&p| p != pid);
}

/// 杀掉并收回服务端所有不是看守进程的子进程，直到一个都不剩（最多等 2 秒）。
pub fn kill_orphans() {
    let deadline = Instant::now() + Duration::from_secs(2);
    let me = std::process::id();
    loop {
        let orphans: Vec<u32> = {
            let helpers = HELPERS.lock().unwrap_or_else(|e| e.into_inner());
            let orphans: Vec<u32> = children_of(me)
                .into_iter()
                .filter(|pid| !helpers.contains(pid))
                .collect();
            for &pid in &orphans {
                let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
            }
            orphans
        };
        if orphans.is_empty() || Instant::now() > deadline {
            return;
        }
        for pid in orphans {
            // 只收回这个进程号：别的子进程（看守进程）由各自的 Child::wait 收回。
            let _ = waitpid(Pid::from_raw(pid as i32), Some(WaitPidFlag::WNOHANG));
        }
        thread::sleep(Duration::from_millis(1));
    }
}
// ANCHOR_END: orphans
