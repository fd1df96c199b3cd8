//! 演示：按 `lesson.toml` 里的步骤启动真实的服务端和客户端进程，
//! 把双方的输出按发生的先后交错显示，每行标明是谁说的，并用颜色区分。
//!
//! 不留后台进程：演示结束、某一方失败、超时，都会关掉所有启动过的进程；
//! 在 Linux 上还请内核在运行器意外退出时（比如被 kill）替我们关掉它们。

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use colored::{Color, Colorize};

use crate::lessons::{DemoStep, Lesson, Role};

enum Event {
    Line { proc: usize, text: String },
    Exited { proc: usize, status: ExitStatus },
}

struct Running {
    label: String,
    color: Color,
    pid: u32,
    role: Role,
    exits: bool,
    expect_code: i32,
    stdin: Option<ChildStdin>,
    close_stdin_when: Option<String>,
    interrupt_when: Option<String>,
    /// 服务端输出里第一个监听地址。
    addr: Option<SocketAddr>,
    status: Option<ExitStatus>,
    killed: bool,
}

struct Demo<'a> {
    lesson: &'a Lesson,
    programs: &'a BTreeMap<String, PathBuf>,
    root: &'a Path,
    tx: Sender<Event>,
    rx: Receiver<Event>,
    procs: Vec<Running>,
    seen: Vec<String>,
    vars: HashMap<&'static str, String>,
    deadline: Instant,
    client_count: usize,
    /// 演示专用的临时目录（有步骤要它时才建）。
    scratch: Option<PathBuf>,
}

const CLIENT_COLORS: [Color; 4] = [Color::Green, Color::Magenta, Color::Yellow, Color::Blue];

/// 运行一课的演示。`programs` 是 cargo 告诉我们的 可执行文件名 → 路径；
/// 每个程序都在仓库根目录 `root` 里运行，不管运行器是从哪个目录启动的。
pub fn run(lesson: &Lesson, programs: &BTreeMap<String, PathBuf>, root: &Path) -> Result<()> {
    if lesson.demo.is_empty() {
        bail!("第 {} 课没有定义演示", lesson.number);
    }
    let (tx, rx) = mpsc::channel();
    let mut demo = Demo {
        lesson,
        programs,
        root,
        tx,
        rx,
        procs: Vec::new(),
        seen: Vec::new(),
        vars: HashMap::new(),
        deadline: Instant::now() + Duration::from_secs(lesson.demo_timeout_secs),
        client_count: 0,
        scratch: None,
    };
    demo.vars
        .insert("root", root.to_string_lossy().into_owned());
    let result = demo.play();
    demo.shutdown();
    if let Some(dir) = &demo.scratch {
        let _ = std::fs::remove_dir_all(dir);
    }
    result
}

impl Demo<'_> {
    fn play(&mut self) -> Result<()> {
        let steps = self.lesson.demo.clone();
        for step in &steps {
            if let Some(text) = &step.start_when {
                self.pump_until(&format!("输出 “{text}”"), |d| d.has_seen(text))?;
            }
            if let Some(note) = &step.note {
                println!("{} {}", "▶".bold(), note.bold());
            }
            let idx = self.start(step)?;
            match step.role {
                Role::Server => {
                    let label = self.procs[idx].label.clone();
                    self.pump_until(&format!("{label}打印监听地址"), |d| {
                        d.procs[idx].addr.is_some()
                    })?;
                    let addr = self.procs[idx]
                        .addr
                        .ok_or_else(|| anyhow!("{label}没有打印监听地址"))?;
                    self.vars.insert("port", addr.port().to_string());
                    self.vars.insert("host", addr.ip().to_string());
                    self.vars.insert("addr", addr.to_string());
                }
                Role::Client if !step.parallel => {
                    let label = self.procs[idx].label.clone();
                    self.pump_until(&format!("{label}结束"), |d| d.procs[idx].status.is_some())?;
                }
                Role::Client => {}
            }
        }
        // 等所有客户端结束，以及会自己退出的服务端退出。
        self.pump_until("所有程序结束", |d| {
            d.procs
                .iter()
                .all(|p| p.status.is_some() || (p.role == Role::Server && !p.exits))
        })?;
        Ok(())
    }

    fn has_seen(&self, text: &str) -> bool {
        self.seen.iter().any(|l| l.contains(text))
    }

    fn start(&mut self, step: &DemoStep) -> Result<usize> {
        let lesson = self.lesson;
        if lesson.program(&step.program).is_none() {
            bail!(
                "lesson.toml 的演示用到了不存在的程序 {:?}（有：{}）",
                step.program,
                lesson.program_names()
            );
        }
        let bin = lesson.bin_name(&step.program);
        let path = self
            .programs
            .get(&bin)
            .cloned()
            .ok_or_else(|| anyhow!("cargo 没有编出程序 {bin}"))?;
        let args: Vec<String> = step.args.iter().map(|a| self.expand(a)).collect();
        let mut cmd = Command::new(&path);
        // 标准输出和标准错误接到同一根管道上：一个程序先打印的行一定先被读到，
        // 它的错误信息不会跑到它自己之前的输出前面去。
        let (output, output_writer) = std::io::pipe().context("无法创建管道")?;
        let dir = if step.scratch {
            self.scratch_dir()?
        } else {
            self.root.to_path_buf()
        };
        cmd.args(&args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env_remove("RUST_BACKTRACE")
            .stdin(if step.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(output_writer.try_clone().context("无法复制管道")?)
            .stderr(output_writer);
        die_with_parent(&mut cmd);
        let mut child = cmd
            .spawn()
            .with_context(|| format!("无法启动 {}", path.display()))?;
        // 管道的写端已经交给了子进程；这里的 Command 还握着一份，丢掉它，
        // 子进程退出时读端才会读到 EOF。
        drop(cmd);

        let idx = self.procs.len();
        let (label, color) = match step.role {
            Role::Server => ("服务端".to_string(), Color::Cyan),
            Role::Client => {
                let color = CLIENT_COLORS[self.client_count % CLIENT_COLORS.len()];
                self.client_count += 1;
                ("客户端".to_string(), color)
            }
        };
        let label = step.label.clone().unwrap_or(label);

        let mut stdin = child.stdin.take();
        if let (Some(pipe), Some(text)) = (stdin.as_mut(), &step.stdin) {
            // 对方可能已经退出（管道断开）；那是它的事，输出里会看到原因。
            let _ = pipe.write_all(self.expand(text).as_bytes());
            let _ = pipe.flush();
        }
        if step.close_stdin_when.is_none() {
            stdin = None;
        }

        let reader = spawn_reader(output, idx, self.tx.clone());
        let tx = self.tx.clone();
        let pid = child.id();
        thread::spawn(move || {
            let status = child.wait();
            // 先读完它的全部输出，再报告“已退出”，显示顺序才对。
            let _ = reader.join();
            if let Ok(status) = status {
                let _ = tx.send(Event::Exited { proc: idx, status });
            }
        });

        self.procs.push(Running {
            label,
            color,
            pid,
            role: step.role,
            exits: step.exits,
            expect_code: step.expect_code,
            stdin,
            close_stdin_when: step.close_stdin_when.clone(),
            interrupt_when: step.interrupt_when.clone(),
            addr: None,
            status: None,
            killed: false,
        });
        Ok(idx)
    }

    fn scratch_dir(&mut self) -> Result<PathBuf> {
        if let Some(dir) = &self.scratch {
            return Ok(dir.clone());
        }
        let dir = std::env::temp_dir().join(format!(
            "workbook-demo-{}-{}",
            self.lesson.number,
            std::process::id()
        ));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("无法建立临时目录 {}", dir.display()))?;
        self.scratch = Some(dir.clone());
        Ok(dir)
    }

    fn expand(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (key, value) in &self.vars {
            out = out.replace(&format!("{{{key}}}"), value);
        }
        out
    }

    /// 处理事件，直到条件成立；某个程序意外失败或超过期限时返回错误。
    fn pump_until(&mut self, what: &str, done: impl Fn(&Self) -> bool) -> Result<()> {
        while !done(self) {
            let left = self.deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(event) => self.handle(event)?,
                Err(RecvTimeoutError::Timeout) => {
                    bail!(
                        "演示超过 {} 秒还没有完成（在等：{what}），已停止",
                        self.lesson.demo_timeout_secs
                    )
                }
                Err(RecvTimeoutError::Disconnected) => bail!("内部错误：事件通道已关闭"),
            }
        }
        Ok(())
    }

    fn handle(&mut self, event: Event) -> Result<()> {
        match event {
            Event::Line { proc, text } => {
                let p = &mut self.procs[proc];
                let tag = format!("[{}]", p.label).color(p.color).bold();
                // 错误信息（support::report 的格式）用红色标出。
                if text.starts_with("错误：") || text.trim_start().starts_with("原因：") {
                    println!("{tag} {}", text.red());
                } else {
                    println!("{tag} {text}");
                }
                if p.role == Role::Server && p.addr.is_none() {
                    p.addr = support::parse_addr(&text);
                }
                for p in &mut self.procs {
                    if let Some(needle) = &p.close_stdin_when {
                        if text.contains(needle.as_str()) {
                            p.stdin = None;
                            p.close_stdin_when = None;
                        }
                    }
                }
                for p in &mut self.procs {
                    let hit = p
                        .interrupt_when
                        .as_deref()
                        .is_some_and(|n| text.contains(n));
                    if hit && p.status.is_none() {
                        p.interrupt_when = None;
                        println!(
                            "{} {}",
                            "▶".bold(),
                            format!("向{}发送 Ctrl-C（SIGINT）", p.label).bold()
                        );
                        interrupt(p.pid);
                    }
                }
                self.seen.push(text);
            }
            Event::Exited { proc, status } => {
                let p = &mut self.procs[proc];
                p.status = Some(status);
                if p.killed {
                    return Ok(());
                }
                let code = status.code();
                if code != Some(p.expect_code) {
                    let how =
                        code.map_or_else(|| "被信号终止".to_string(), |c| format!("退出码 {c}"));
                    bail!("{}意外结束（{how}，期望退出码 {}）", p.label, p.expect_code);
                }
                if p.role == Role::Server && !p.exits {
                    bail!("{}提前退出了", p.label);
                }
            }
        }
        Ok(())
    }

    /// 关掉仍在运行的进程，并把它们最后的输出显示完。
    fn shutdown(&mut self) {
        let mut any = false;
        for p in &mut self.procs {
            if p.status.is_none() {
                p.killed = true;
                p.stdin = None;
                kill(p.pid);
                any = true;
            }
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.procs.iter().any(|p| p.status.is_none()) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(event) => {
                    let _ = self.handle(event);
                }
                Err(_) => break,
            }
        }
        if any {
            println!("{}", "▶ 演示结束，已关闭服务端。".bold());
        }
    }
}

fn spawn_reader(
    stream: impl Read + Send + 'static,
    proc: usize,
    tx: Sender<Event>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    while matches!(buf.last(), Some(b'\n' | b'\r')) {
                        buf.pop();
                    }
                    let text = String::from_utf8_lossy(&buf).into_owned();
                    if tx.send(Event::Line { proc, text }).is_err() {
                        return;
                    }
                }
            }
        }
    })
}

/// 让子进程在运行器退出时（无论怎样退出）收到 SIGKILL。
#[cfg(target_os = "linux")]
fn die_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: pre_exec 的闭包在 fork 之后、exec 之前运行，只能做异步信号安全的事：
    // 这里只有一次 prctl 系统调用，不分配内存、不加锁。
    unsafe {
        cmd.pre_exec(|| {
            nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)
                .map_err(std::io::Error::from)
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_cmd: &mut Command) {}

#[cfg(unix)]
fn kill(pid: u32) {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    // 向自己启动、尚未回收的子进程发信号；它已经退出时只是返回错误。
    let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
}

/// 像在终端里按 Ctrl-C 一样，向子进程发 SIGINT。
#[cfg(unix)]
fn interrupt(pid: u32) {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    let _ = kill(Pid::from_raw(pid as i32), Signal::SIGINT);
}

/// Windows 上没法只给一个子进程发 Ctrl-C：直接结束它（演示会报告它被结束了）。
#[cfg(not(unix))]
fn interrupt(pid: u32) {
    kill(pid);
}

#[cfg(not(unix))]
fn kill(pid: u32) {
    let _ = Command::new("taskkill")
        .args(["/F", "/PID", &pid.to_string()])
        .status();
}
