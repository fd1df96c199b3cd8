use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;

pub fn run_with_grace(
    argv: &[&str],
    limit: Duration,
    grace: Duration,
) -> io::Result<Option<ExitStatus>> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "命令是空的"))?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()?;
    if let Some(status) = wait_until(&mut child, Instant::now() + limit)? {
        return Ok(Some(status));
    }
    // 进程组号就是组长的进程号（process_group(0)）。先礼：整个组都收到 SIGTERM，可以收拾好再走。
    let group = Pid::from_raw(child.id() as i32);
    let _ = killpg(group, Signal::SIGTERM);
    wait_until(&mut child, Instant::now() + grace)?;
    // 后兵：组长走了，组里还可能有不理 SIGTERM 的；组里一个不剩时 killpg 报错，忽略即可。
    let _ = killpg(group, Signal::SIGKILL);
    child.wait()?;
    Ok(None)
}

/// 等到 `child` 结束（返回它的状态）或者过了 `deadline`（返回 None）。
fn wait_until(child: &mut Child, deadline: Instant) -> io::Result<Option<ExitStatus>> {
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        thread::sleep(Duration::from_millis(5));
    }
}
