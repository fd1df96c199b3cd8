//! 测试用的小工具：把程序当作**真实进程**启动，读它的输出，测试结束时一定关掉它。
//!
//! 约定（见 `lessons/README.md`）：服务端打印的第一行里含有它真正绑定的地址。
//! [`Proc::server`] 读这一行得到地址，所以测试从不使用固定端口。
//! 每次等待都有期限：等不到就让测试失败并说明在等什么，绝不会一直挂着。
//! `Proc` 被丢弃时（包括测试 panic 时）会杀掉进程，不留下任何后台程序。

pub mod grading;
pub mod peers;
#[cfg(unix)]
pub mod signal;

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// 一次等待的默认期限。足够宽松，慢机器上也不会误报；真卡住时测试也会结束。
pub const DEADLINE: Duration = Duration::from_secs(20);

/// 进程的一行输出，标明来自标准输出还是标准错误。
#[derive(Debug, Clone)]
enum Line {
    Out(String),
    Err(String),
}

/// 一个正在运行的子进程。
pub struct Proc {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Line>,
    stdout: Vec<String>,
    stderr: Vec<String>,
    addr: Option<SocketAddr>,
}

/// 进程结束后收集到的全部输出。
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Proc {
    /// 启动一个程序（标准输入、输出、错误都接到管道上），不等待任何输出。
    pub fn spawn<I, S>(program: &str, args: I) -> Proc
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Command::new(program);
        cmd.args(args);
        Proc::from_command(cmd)
    }

    /// 用一个准备好的 `Command` 启动进程（它的工作目录、环境变量照用），
    /// 标准输入、输出、错误都接到管道上。
    pub fn from_command(mut cmd: Command) -> Proc {
        let program = cmd.get_program().to_string_lossy().into_owned();
        // 程序提示用户敲的命令（装了 just 写 `just …`，没装写 `cargo run -- …`）在测试里固定成 just 的写法，
        // 保存的输出在哪台机器上都一样；要测另一种写法的测试自己设 WORKBOOK_JUST。
        if !cmd.get_envs().any(|(k, _)| k == "WORKBOOK_JUST") {
            cmd.env("WORKBOOK_JUST", "1");
        }
        let mut child = cmd
            .env("NO_COLOR", "1")
            .env_remove("RUST_BACKTRACE")
            // Python 的标准输出接到管道时是块缓冲的：不关掉缓冲，服务端的第一行（地址）要等很久才到。
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONIOENCODING", "utf-8")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("无法启动 {program}: {e}"));
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().expect("stdout 是管道");
        let err = child.stderr.take().expect("stderr 是管道");
        let tx2 = tx.clone();
        thread::spawn(move || forward(out, tx, Line::Out));
        thread::spawn(move || forward(err, tx2, Line::Err));
        let name = PathBuf::from(&program)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| program.clone());
        Proc {
            name,
            stdin: child.stdin.take(),
            child,
            lines: rx,
            stdout: Vec::new(),
            stderr: Vec::new(),
            addr: None,
        }
    }

    /// 启动一个服务端，读它的第一行输出并从中取出地址。
    ///
    /// 调用者应传入 `--port 0`，让系统挑选空闲端口。
    pub fn server<I, S>(program: &str, args: I) -> Proc
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Command::new(program);
        cmd.args(args);
        Proc::server_from_command(cmd)
    }

    /// 同 [`Proc::server`]，用一个准备好的 `Command`（比如要给服务端设环境变量时）。
    pub fn server_from_command(cmd: Command) -> Proc {
        let mut proc = Proc::from_command(cmd);
        let first = proc.next_stdout_line(DEADLINE).unwrap_or_else(|| {
            let rest = proc.kill_and_collect();
            panic!(
                "服务端 {} 没有在期限内打印出监听地址。\nstdout:\n{}\nstderr:\n{}",
                proc.name, rest.stdout, rest.stderr
            )
        });
        let addr =
            parse_addr(&first).unwrap_or_else(|| panic!("服务端第一行里没有地址：{first:?}"));
        proc.addr = Some(addr);
        proc
    }

    /// 服务端绑定到的地址（只对 [`Proc::server`] 启动的进程有意义）。
    pub fn addr(&self) -> SocketAddr {
        self.addr.expect("这个进程不是用 Proc::server 启动的")
    }

    /// 服务端端口的字符串形式，方便直接传给客户端的 `--port`。
    pub fn port(&self) -> String {
        self.addr().port().to_string()
    }

    /// 子进程的进程号。
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// 往标准输入写一行（自动补上换行）。
    pub fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("标准输入已经关闭");
        writeln!(stdin, "{line}").expect("写标准输入失败");
        stdin.flush().expect("刷新标准输入失败");
    }

    /// 往标准输入写原始字节。
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("标准输入已经关闭");
        stdin.write_all(bytes).expect("写标准输入失败");
        stdin.flush().expect("刷新标准输入失败");
    }

    /// 关闭标准输入（对方读到 EOF）。
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// 等到标准输出出现满足条件的一行，返回那一行；期限内等不到就让测试失败。
    pub fn expect_line(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.expect_line_within(what, DEADLINE, pred)
    }

    /// 同 [`Proc::expect_line`]，期限由调用者给出（比如要等一次编译时）。
    pub fn expect_line_within(
        &mut self,
        what: &str,
        limit: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + limit;
        // 先看已经收到的行。
        if let Some(line) = self.stdout.iter().find(|l| pred(l)) {
            return line.clone();
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_stdout_line(left) {
                Some(line) if pred(&line) => return line,
                Some(_) => continue,
                None => {
                    let stdout = self.stdout.join("\n");
                    let stderr = self.stderr.join("\n");
                    panic!(
                        "{} 没有在期限内输出 {what}。\n到目前为止的 stdout:\n{stdout}\nstderr:\n{stderr}",
                        self.name
                    );
                }
            }
        }
    }

    /// 等到标准输出出现包含 `needle` 的一行。
    pub fn expect_stdout(&mut self, needle: &str) -> String {
        self.expect_line(&format!("包含 {needle:?} 的一行"), |l| {
            l.contains(needle)
        })
    }

    /// 到目前为止收到的标准输出（不等待）。
    pub fn stdout_so_far(&mut self) -> String {
        self.drain();
        self.stdout.join("\n")
    }

    /// 到目前为止收到的标准错误（不等待）。
    pub fn stderr_so_far(&mut self) -> String {
        self.drain();
        self.stderr.join("\n")
    }

    /// 进程还在运行吗？
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// 关闭标准输入，等进程自己退出（期限内不退出就杀掉并让测试失败），返回全部输出。
    pub fn finish(mut self) -> Finished {
        self.close_stdin();
        let deadline = Instant::now() + DEADLINE;
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => {
                    // 按期限轮询进程状态；这不是用睡眠来“等对方准备好”，只是检查频率。
                    thread::sleep(Duration::from_millis(5));
                }
                _ => {
                    let rest = self.kill_and_collect();
                    panic!(
                        "{} 没有在期限内退出。\nstdout:\n{}\nstderr:\n{}",
                        self.name, rest.stdout, rest.stderr
                    );
                }
            }
        }
        self.collect()
    }

    /// 杀掉进程（服务端通常不会自己退出），返回全部输出。
    pub fn kill_and_collect(&mut self) -> Finished {
        let _ = self.child.kill();
        self.collect()
    }

    fn collect(&mut self) -> Finished {
        let status = self.child.wait().expect("等待子进程失败");
        // 进程已退出，管道会在读完后关闭，所以这里的等待是有限的。
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.keep(line),
                Err(_) => break,
            }
        }
        Finished {
            status,
            stdout: join_lines(&self.stdout),
            stderr: join_lines(&self.stderr),
        }
    }

    fn next_stdout_line(&mut self, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(Line::Out(l)) => {
                    self.stdout.push(l.clone());
                    return Some(l);
                }
                Ok(Line::Err(l)) => self.stderr.push(l),
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    return None
                }
            }
        }
    }

    fn drain(&mut self) {
        while let Ok(line) = self.lines.try_recv() {
            self.keep(line);
        }
    }

    fn keep(&mut self, line: Line) {
        match line {
            Line::Out(l) => self.stdout.push(l),
            Line::Err(l) => self.stderr.push(l),
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn join_lines(lines: &[String]) -> String {
    let mut s = lines.join("\n");
    if !lines.is_empty() {
        s.push('\n');
    }
    s
}

/// 一行一行地转发输出；不是合法 UTF-8 的部分用 U+FFFD 代替，测试照样能看到。
fn forward(stream: impl Read, tx: mpsc::Sender<Line>, wrap: fn(String) -> Line) {
    let mut reader = BufReader::new(stream);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                while buf.last() == Some(&b'\n') || buf.last() == Some(&b'\r') {
                    buf.pop();
                }
                if tx
                    .send(wrap(String::from_utf8_lossy(&buf).into_owned()))
                    .is_err()
                {
                    return;
                }
            }
        }
    }
}

/// 从一行文字里找出第一个能解析为 `SocketAddr` 的词（与运行器用的是同一个函数）。
pub use support::parse_addr;

/// 运行一个程序直到结束（有期限），标准输入给定，返回输出。
pub fn run<I, S>(program: &str, args: I, stdin: &str) -> Finished
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut proc = Proc::spawn(program, args);
    proc.send_bytes(stdin.as_bytes());
    proc.finish()
}

/// 程序失败得“体面”：退出码 1，标准错误里有说明 `needle`，没有 panic，也不提回溯。
pub fn assert_clear_failure(out: &Finished, needle: &str) {
    assert_eq!(
        out.status.code(),
        Some(1),
        "应当以退出码 1 结束\nstdout:\n{}\nstderr:\n{}",
        out.stdout,
        out.stderr
    );
    assert!(
        out.stderr.contains(needle),
        "stderr 里应当有 {needle:?}：\n{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("panicked"),
        "不应 panic：\n{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("RUST_BACKTRACE"),
        "不应提到回溯：\n{}",
        out.stderr
    );
}

/// 找到 `python3`；找不到时打印一句说明（互通测试因此跳过），返回 `None`。
pub fn python3(test: &str) -> Option<&'static str> {
    let ok = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if ok {
        Some("python3")
    } else {
        eprintln!("跳过 {test}：这台机器上没有 python3");
        None
    }
}

/// 把输出里会变化的部分（端口）换成固定文字，好与书里保存的输出比较。
pub fn normalize(text: &str, replacements: &[(&str, &str)]) -> String {
    let mut out = text.replace("\r\n", "\n");
    for (from, to) in replacements {
        out = out.replace(from, to);
    }
    out
}

/// 比较实际输出与书中保存的输出文件；不一致时给出重新生成的方法。
///
/// 设置环境变量 `UPDATE_OUTPUT=1` 运行测试会重写该文件（随后请检查 `git diff`）。
pub fn assert_matches_saved(path: &str, actual: &str) {
    if std::env::var_os("UPDATE_OUTPUT").is_some() {
        std::fs::write(path, actual).unwrap_or_else(|e| panic!("写 {path} 失败：{e}"));
        return;
    }
    let saved = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("读 {path} 失败：{e}（用 UPDATE_OUTPUT=1 生成它）"));
    assert_eq!(
        saved, actual,
        "书中保存的输出 {path} 与程序的实际输出不一致；确认改动无误后用 UPDATE_OUTPUT=1 重新生成"
    );
}

/// 证明一道练习“未完成时不及格”：如果练习文件里还有 `todo!(`（即学习者还没动手），
/// 运行评分检查必须失败。学习者已经动手（文件里没有 `todo!(` 了）时，说明一句并跳过，
/// 因为那时检查的是学习者自己的代码，它理应能通过。
pub fn assert_fails_untouched(file: &str, check: impl FnOnce() + std::panic::UnwindSafe) {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("读 {file} 失败：{e}"));
    if !text.contains("todo!(") {
        eprintln!("{file} 已经不含 todo!()，跳过“未完成必须不及格”的检查");
        return;
    }
    let result = std::panic::catch_unwind(check);
    assert!(
        result.is_err(),
        "{file} 还没有完成（含 todo!()），评分检查却通过了：这道题的检查太松"
    );
}

/// 为一道练习生成三个测试：
///
/// - `$id`：检查学习者的实现，标了 `#[ignore]`，由 `workbook grade` 用 `--ignored` 运行；
/// - `$id::solution_passes`：参考答案必须通过；
/// - `$id::untouched_exercise_fails`：未动手的练习必须不通过。
///
/// 学习者的文件只在打开 cargo 特性 `exercises` 时才编译（`workbook grade` 会打开它），
/// 所以写到一半、编译不过的练习不会拖累这一课的程序、演示和别的课。参考答案只在打开特性
/// `solutions` 时才编译：评分时不打开它，学习者的文件也就够不着答案。持续集成两个都打开
/// （`--all-features`），证明答案通过、未动手的练习不通过。
///
/// `$check` 是接受实现（函数）的检查函数，失败时用中文 panic 说明哪里不对。
#[macro_export]
macro_rules! exercise {
    ($id:ident, $file:literal, $check:ident, $learner:path, $solution:path $(,)?) => {
        #[cfg(feature = "exercises")]
        #[test]
        #[ignore = "练习：用 workbook grade 评分"]
        fn $id() {
            $crate::grading::run_learner(|| $check($learner))
        }

        mod $id {
            #[cfg(feature = "solutions")]
            #[test]
            fn solution_passes() {
                super::$check($solution)
            }

            #[cfg(feature = "exercises")]
            #[test]
            fn untouched_exercise_fails() {
                $crate::assert_fails_untouched(
                    concat!(env!("CARGO_MANIFEST_DIR"), "/", $file),
                    || super::$check($learner),
                )
            }
        }
    };
}

/// 在期限内等条件成立（按期限轮询，不是用睡眠等对方就绪）；等不到就 panic 并说明在等什么。
pub fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !cond() {
        assert!(
            Instant::now() < deadline,
            "等了 {DEADLINE:?} 仍未满足：{what}"
        );
        thread::sleep(Duration::from_millis(2));
    }
}

/// 在另一个线程里运行 `f`，最多等 `DEADLINE`；超时则 panic（测试失败而不是挂住）。
/// `f` 里的 panic 会原样传回来。
pub fn with_deadline<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = thread::spawn(move || {
        let out = f();
        let _ = tx.send(());
        out
    });
    // 通道断开说明线程在发送之前就 panic 了：和正常结束一样去 join，把 panic 原样传回来。
    match rx.recv_timeout(DEADLINE) {
        Ok(()) | Err(RecvTimeoutError::Disconnected) => match handle.join() {
            Ok(v) => v,
            Err(p) => std::panic::resume_unwind(p),
        },
        Err(RecvTimeoutError::Timeout) => panic!("{what} 超过 {DEADLINE:?} 还没有结束"),
    }
}

/// 一个程序的副本，放在别的用户也进得去的临时目录里；这个值被丢弃时副本随之删掉。
///
/// 有的测试用 `setpriv` 换成另一个用户（nobody 之类）运行服务端，好限制它的线程数。仓库却可能在只有自己
/// 进得去的目录里（比如 `mktemp -d` 建的 `/tmp/tmp.XXXX`，权限 700），换了用户就执行不了里面的程序
/// （“Permission denied”）。进程启动以后副本就可以删了：已经在运行的程序不受影响。
pub struct SharedProgram {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl SharedProgram {
    pub fn path(&self) -> &str {
        self.path.to_str().expect("临时目录的路径是 UTF-8")
    }
}

/// 把 `program` 复制到一个人人可读、可执行的临时目录里，见 [`SharedProgram`]。
#[cfg(unix)]
pub fn shared_program(program: &str) -> SharedProgram {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix("workbook-shared-")
        .tempdir()
        .expect("能建临时目录");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("能改临时目录的权限");
    let name = PathBuf::from(program);
    let path = dir.path().join(name.file_name().expect("程序路径有文件名"));
    std::fs::copy(program, &path).unwrap_or_else(|e| panic!("复制 {program} 失败：{e}"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .expect("能改副本的权限");
    SharedProgram { _dir: dir, path }
}

/// 一个连上去一定被拒绝的端口：套接字绑定了它、却不 `listen`，活多久就占多久。
///
/// “绑定一个空闲端口再放掉”是不够的：测试是并发跑的，放掉的一瞬间，别的测试的服务端
/// （`--port 0`）可能正好拿到这个端口，“连不上服务端”的测试就连上了别人的服务端，
/// 别人的服务端也多出一个陌生的连接。占着不放，系统就不会把它再分给别人；没有 `listen`，
/// 连过来的 SYN 得到的是 RST，客户端看到“连接被拒绝”。
pub struct ClosedPort {
    socket: socket2::Socket,
}

impl ClosedPort {
    /// 端口号。
    pub fn port(&self) -> u16 {
        self.addr().port()
    }

    /// 完整的地址（`127.0.0.1:端口`）。
    pub fn addr(&self) -> SocketAddr {
        self.socket
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .expect("绑定过的套接字有地址")
    }
}

/// 占住一个端口，不监听：见 [`ClosedPort`]。
pub fn closed_port() -> ClosedPort {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("能建 TCP 套接字");
    socket
        .bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .expect("能绑定 127.0.0.1:0");
    ClosedPort { socket }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_port_refuses_and_stays_taken() {
        let closed = closed_port();
        let err = std::net::TcpStream::connect(closed.addr()).expect_err("不该连得上");
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused, "{err}");
        // 它还占着：同一个端口绑不上。
        assert!(std::net::TcpListener::bind(closed.addr()).is_err());
    }
}
