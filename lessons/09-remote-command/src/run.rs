//! 运行一个命令：不经过 shell，有时间限制，有输出上限，同时读标准输出和标准错误。

use std::io::{self, ErrorKind, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;

use crate::command::FIXED_PATH;

/// 一条命令可以用多少资源。
#[derive(Debug, Clone)]
pub struct Limits {
    /// 超过这个时间还没结束，就连同它的子进程一起杀掉。
    pub time_limit: Duration,
    /// 标准输出加标准错误最多保留这么多字节，多出来的读掉丢弃。
    pub max_output: usize,
    /// 命令在哪个目录里运行；`None` 表示服务端自己的当前目录。
    pub dir: Option<PathBuf>,
}

/// 一条命令的结果。
#[derive(Debug)]
pub enum RunOutcome {
    /// 命令自己结束了。`output` 是标准输出后接标准错误；`cut` 表示超过上限被截掉了一部分。
    Exited {
        status: ExitStatus,
        output: Vec<u8>,
        cut: bool,
    },
    /// 超过时间限制，命令和它启动的进程已被杀掉。
    TimedOut,
}

// ANCHOR: read_capped
/// 把 `r` 一直读到 EOF，但最多保留 `cap` 字节；返回保留的字节和“是否截掉了一部分”。
///
/// 超过上限后还要**继续读**（读了就扔）：如果不读，子进程写满管道（Linux 上 64 KiB）
/// 就会卡在 `write` 上，永远不结束，直到被时间限制杀掉。
pub fn read_capped(r: &mut impl Read, cap: usize) -> io::Result<(Vec<u8>, bool)> {
    let mut kept = Vec::new();
    let mut cut = false;
    let mut buf = [0u8; 8192];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => return Ok((kept, cut)),
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let room = cap - kept.len();
        let take = n.min(room);
        kept.extend_from_slice(&buf[..take]);
        cut |= take < n;
    }
}
// ANCHOR_END: read_capped

// ANCHOR: run_with_limit
/// 直接运行 `argv[0]`（服务端传来的是启动时找好的绝对路径），参数是 `argv[1..]`，不经过任何 shell。
///
/// - 子进程放进**自己的进程组**（`process_group(0)`），超时时用 `killpg` 把它和它启动的
///   所有子进程一起杀掉，而不是只杀最外面那一个；
/// - 标准输出和标准错误各由一个线程读：只读一个的话，另一个管道写满时子进程会卡住，
///   我们又在等它结束——这就是死锁；
/// - 标准输入接到 `/dev/null`：命令想读输入时立刻读到 EOF，而不是一直等；
/// - `PATH` 换成固定的 [`FIXED_PATH`]：程序自己再去找别的程序时，也不会找到冒名的。
pub fn run_with_limit(argv: &[String], limits: &Limits) -> io::Result<RunOutcome> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| io::Error::new(ErrorKind::InvalidInput, "命令是空的"))?;
    let mut command = Command::new(program);
    // 程序看到的自己的名字（argv[0]）仍是裸名字：出错信息写 `seq: …` 而不是 `/usr/bin/seq: …`。
    let name = Path::new(program).file_name().unwrap_or(program.as_ref());
    command.arg0(name).args(args);
    prepare(&mut command, limits);
    let child = command.spawn()?;
    supervise(child, limits, Cleanup::Group)
}

/// 危险模式：命令交给看守进程（见 [`crate::reap`]）运行，它会杀掉命令的全部后代，
/// 包括调用 `setsid` 逃出进程组的。`helper` 是服务端自己的可执行文件。只有 Linux 上有。
#[cfg(target_os = "linux")]
pub fn run_guarded(helper: &Path, argv: &[String], limits: &Limits) -> io::Result<RunOutcome> {
    let mut command = Command::new(helper);
    command.arg(crate::reap::HELPER_ARG).args(argv);
    prepare(&mut command, limits);
    // 看守进程的标准输入是一根管道：关掉它就是“马上停下，杀掉一切”。
    command.stdin(Stdio::piped());
    let child = crate::reap::spawn_helper(&mut command)?;
    supervise(child, limits, Cleanup::Helper)
}

/// 两种运行方式共同的设置。
fn prepare(command: &mut Command, limits: &Limits) {
    command
        .env("PATH", FIXED_PATH)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    if let Some(dir) = &limits.dir {
        command.current_dir(dir);
    }
}

/// 命令结束后怎样清理它留下的进程。
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cleanup {
    /// 杀掉整个进程组。
    Group,
    /// 让看守进程杀掉全部后代，再收拾看守进程被杀时留下的孤儿。
    #[cfg(target_os = "linux")]
    Helper,
}

/// 读输出、等结束、超时就杀、最后清理。
///
/// 这里要开三个线程（两个读输出，一个等进程结束）。线程开不出来（系统的线程数用完了）时
/// 不 panic：杀掉刚启动的命令、收回它，返回错误，由调用者回答对方“开不了线程”。
fn supervise(mut child: Child, limits: &Limits, cleanup: Cleanup) -> io::Result<RunOutcome> {
    let pid = child.id();
    let stop = child.stdin.take();
    let started = start_readers(&mut child, limits.max_output)
        .and_then(|outputs| Ok((outputs, wait_for_exit(&mut child, limits.time_limit)?)));
    let (outputs, finished_in_time) = match started {
        Ok(started) => started,
        Err(e) => {
            kill_group(pid);
            let _ = child.wait();
            return Err(e);
        }
    };
    match cleanup {
        // 不论是否超时都清理整个进程组：超时时杀掉全部；按时结束时，杀掉它留在后台的子进程。
        // 这时最外层的进程还没有被回收（见 wait_for_exit），进程组号不会被别的进程重用。
        Cleanup::Group => {
            drop(stop);
            kill_group(pid);
        }
        // 关掉看守进程的标准输入：它会杀掉命令的全部后代再退出（超时了的话，马上这样做）。
        // 它没有按时退出（不该发生）才直接杀它。
        #[cfg(target_os = "linux")]
        Cleanup::Helper => {
            drop(stop);
            if !matches!(wait_for_exit(&mut child, Duration::from_secs(2)), Ok(true)) {
                kill_group(pid);
            }
        }
    }
    let status = child.wait()?;
    #[cfg(target_os = "linux")]
    if cleanup == Cleanup::Helper {
        crate::reap::forget_helper(pid);
        crate::reap::kill_orphans();
    }

    let (mut output, out_cut, errors, err_cut) = outputs.collect()?;
    if !finished_in_time {
        return Ok(RunOutcome::TimedOut);
    }
    output.extend_from_slice(&errors);
    let cut = out_cut || err_cut || output.len() > limits.max_output;
    output.truncate(limits.max_output);
    Ok(RunOutcome::Exited {
        status,
        output,
        cut,
    })
}
// ANCHOR_END: run_with_limit

// ANCHOR: wait_for_exit
/// 最多等 `limit`，看进程是否结束；结束了返回 `true`。
///
/// 用 `waitid(…, WNOWAIT)` 只“看”不“收”：进程结束后留作僵尸，进程号和进程组号都还占着，
/// 随后的 `killpg` 不会误杀一个碰巧拿到同一个号的新进程。真正的回收由 `child.wait()` 完成。
#[cfg(target_os = "linux")]
fn wait_for_exit(child: &mut Child, limit: Duration) -> io::Result<bool> {
    use nix::errno::Errno;
    use nix::sys::wait::{waitid, Id, WaitPidFlag};

    let pid = Pid::from_raw(child.id() as i32);
    let (tx, rx) = mpsc::channel();
    spawn("等命令结束", move || {
        let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT;
        while let Err(Errno::EINTR) = waitid(Id::Pid(pid), flags) {}
        let _ = tx.send(());
    })?;
    Ok(rx.recv_timeout(limit).is_ok())
}

/// 向整个进程组发 SIGKILL。组里已经没有进程时 killpg 报错，那正是我们想要的状态，忽略即可。
fn kill_group(pgid: u32) {
    let _ = killpg(Pid::from_raw(pgid as i32), Signal::SIGKILL);
}
// ANCHOR_END: wait_for_exit

/// macOS 上没有 `waitid` 的安全封装：每隔几毫秒 `try_wait` 一次。它会顺手收回进程，
/// 之后的 `killpg` 就有一点点误伤的可能：只要组里还有进程，组号就不会被重用（POSIX 的规定）；
/// 组里一个都不剩时，要在这几微秒里恰好有一个新进程拿到同一个号（进程号要绕一整圈），才会误伤。
#[cfg(not(target_os = "linux"))]
fn wait_for_exit(child: &mut Child, limit: Duration) -> io::Result<bool> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if child.try_wait()?.is_some() {
            return Ok(true);
        }
        if std::time::Instant::now() >= deadline {
            return Ok(false);
        }
        thread::sleep(Duration::from_millis(2));
    }
}

/// 开一个有名字的线程；开不出来时返回错误（通常是 EAGAIN），而不是像 `thread::spawn` 那样 panic。
fn spawn<F: FnOnce() + Send + 'static>(name: &str, f: F) -> io::Result<()> {
    thread::Builder::new()
        .name(name.to_string())
        .spawn(f)
        .map(drop)
}

/// 一个读线程的结果：读到的字节，和“是否截掉了一部分”。
type Captured = io::Result<(Vec<u8>, bool)>;

/// 读命令输出的两个线程，它们的结果从同一个通道回来。
struct Outputs {
    results: mpsc::Receiver<(Stream, Captured)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stream {
    Out,
    Err,
}

fn start_readers(child: &mut Child, cap: usize) -> io::Result<Outputs> {
    let mut stdout: ChildStdout = child.stdout.take().expect("标准输出是管道");
    let mut stderr: ChildStderr = child.stderr.take().expect("标准错误是管道");
    let (tx, results) = mpsc::channel();
    let tx2 = tx.clone();
    spawn("读标准输出", move || {
        let _ = tx.send((Stream::Out, read_capped(&mut stdout, cap)));
    })?;
    spawn("读标准错误", move || {
        let _ = tx2.send((Stream::Err, read_capped(&mut stderr, cap)));
    })?;
    Ok(Outputs { results })
}

impl Outputs {
    /// 等两个读线程都结束。进程都已杀光，管道的写端都关了，读线程很快会读到 EOF；
    /// 只有不是这条命令后代的进程（命令请别的服务启动的）还可能握着管道，那时放弃等待并报错。
    fn collect(self) -> io::Result<(Vec<u8>, bool, Vec<u8>, bool)> {
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        let (mut out, mut err) = (None, None);
        while out.is_none() || err.is_none() {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.results.recv_timeout(left) {
                Ok((Stream::Out, result)) => out = Some(result?),
                Ok((Stream::Err, result)) => err = Some(result?),
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(io::Error::other("读输出的线程意外结束"))
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    return Err(io::Error::other("命令留下的进程一直握着输出管道，没有关闭"))
                }
            }
        }
        let ((out, out_cut), (err, err_cut)) = (out.unwrap(), err.unwrap());
        Ok((out, out_cut, err, err_cut))
    }
}
