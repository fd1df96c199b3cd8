//! 运行一个命令：不经过 shell，有时间限制，有输出上限，同时读标准输出和标准错误。

use std::io::{self, ErrorKind, Read};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

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
    /// 超过时间限制，整个进程组已被杀掉。
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
/// 直接运行 `argv[0]`（在 `PATH` 里找），参数是 `argv[1..]`，不经过任何 shell。
///
/// - 子进程放进**自己的进程组**（`process_group(0)`），超时时用 `killpg` 把它和它启动的
///   所有子进程一起杀掉，而不是只杀最外面那一个；
/// - 标准输出和标准错误各由一个线程读：只读一个的话，另一个管道写满时子进程会卡住，
///   我们又在等它结束——这就是死锁；
/// - 标准输入接到 `/dev/null`：命令想读输入时立刻读到 EOF，而不是一直等。
pub fn run_with_limit(argv: &[String], limits: &Limits) -> io::Result<RunOutcome> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| io::Error::new(ErrorKind::InvalidInput, "命令是空的"))?;
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    if let Some(dir) = &limits.dir {
        command.current_dir(dir);
    }
    let mut child = command.spawn()?;
    let pid = child.id() as libc::pid_t;

    let cap = limits.max_output;
    let mut stdout = child.stdout.take().expect("标准输出是管道");
    let mut stderr = child.stderr.take().expect("标准错误是管道");
    let out_reader = thread::spawn(move || read_capped(&mut stdout, cap));
    let err_reader = thread::spawn(move || read_capped(&mut stderr, cap));

    let finished_in_time = wait_for_exit(pid, limits.time_limit);
    // 不论是否超时都清理整个进程组：超时时杀掉全部；按时结束时，杀掉它留在后台的子进程
    // （比如 shell 模式里的 `sleep 100 &`）。它们还握着输出管道，不杀的话读线程永远等不到 EOF。
    // 这时最外层的进程还没有被回收（见 wait_for_exit），进程组号不会被别的进程重用。
    kill_group(pid);
    let status = child.wait()?;

    let (mut output, out_cut) = join_reader(out_reader)?;
    let (errors, err_cut) = join_reader(err_reader)?;
    if !finished_in_time {
        return Ok(RunOutcome::TimedOut);
    }
    output.extend_from_slice(&errors);
    let cut = out_cut || err_cut || output.len() > cap;
    output.truncate(cap);
    Ok(RunOutcome::Exited {
        status,
        output,
        cut,
    })
}
// ANCHOR_END: run_with_limit

// ANCHOR: wait_for_exit
/// 最多等 `limit`，看进程 `pid` 是否结束；结束了返回 `true`。
///
/// 用 `waitid(…, WNOWAIT)` 只“看”不“收”：进程结束后留作僵尸，进程号和进程组号都还占着，
/// 随后的 `killpg` 不会误杀一个碰巧拿到同一个号的新进程。真正的回收由 `child.wait()` 完成。
fn wait_for_exit(pid: libc::pid_t, limit: Duration) -> bool {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        loop {
            // SAFETY: siginfo_t 是普通的 C 结构体，全零是合法的初值；waitid 只写它。
            let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
            // SAFETY: pid 是我们自己启动、尚未回收的子进程。
            let rc = unsafe {
                libc::waitid(
                    libc::P_PID,
                    pid as libc::id_t,
                    &mut info,
                    libc::WEXITED | libc::WNOWAIT,
                )
            };
            if rc == 0 || io::Error::last_os_error().kind() != ErrorKind::Interrupted {
                break;
            }
        }
        let _ = tx.send(());
    });
    rx.recv_timeout(limit).is_ok()
}

/// 向整个进程组发 SIGKILL。组里已经没有进程时 killpg 报错，那正是我们想要的状态，忽略即可。
fn kill_group(pgid: libc::pid_t) {
    // SAFETY: 只是发信号；pgid 是我们自己启动、尚未回收的子进程的进程组号。
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}
// ANCHOR_END: wait_for_exit

/// 等读线程结束。进程组已经杀光，管道的写端都关了，读线程很快会读到 EOF；
/// 只有脱离了进程组的后代（自己调用 setsid 的守护进程）还会握着管道，那时放弃等待并报错。
fn join_reader(
    reader: thread::JoinHandle<io::Result<(Vec<u8>, bool)>>,
) -> io::Result<(Vec<u8>, bool)> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(reader.join());
    });
    match rx.recv_timeout(Duration::from_secs(2)) {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(io::Error::other("读输出的线程意外 panic")),
        Err(_) => Err(io::Error::other(
            "命令留下了脱离进程组的后台进程，输出管道一直没有关闭",
        )),
    }
}
