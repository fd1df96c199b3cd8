//! 评分：编译一课的练习（cargo 特性 `exercises`），再一道题一个进程地运行评分测试，
//! 每道题一结束就显示 ✓ / ✗、用时和原因。
//!
//! 为什么一道题一个进程：一道题的代码栈溢出、调用 `process::exit`、被信号杀掉，只毁掉它自己的进程，
//! 其余的题照常评分，这一题也能如实报告“测试进程意外结束”。
//!
//! 失败的原因来自测试线程最后那次 panic（`testkit::grading::run_learner` 写进报告文件），
//! 而不是途中随便哪一次：评分检查有时故意让某个线程 panic，看学习者的代码能不能接住。

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use colored::Colorize;

use crate::cargo::{self, Build};
use crate::lessons::{Exercise, Lesson};
use crate::progress::{Progress, State};

/// 报告文件的环境变量，与 `testkit::grading::REPORT_ENV` 相同。
const REPORT_ENV: &str = "WORKBOOK_REPORT";

/// 正在运行的评分进程（也是它的进程组号）；没有时是 0。Ctrl-C 时由 [`stop_current`] 关掉。
static CURRENT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// 关掉正在运行的评分进程组（连同它启动的服务端）。
pub fn stop_current() {
    let pid = CURRENT.swap(0, std::sync::atomic::Ordering::SeqCst);
    if pid != 0 {
        kill_group(pid);
    }
}

/// 一道题的结论。
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// 检查没有通过：原因，以及（落在学习者文件里时）panic 的位置。
    Failed {
        message: String,
        location: Option<String>,
        /// 途中在学习者文件里发生、被接住或传开的 panic（位置，信息）。
        along_the_way: Vec<(String, String)>,
    },
    /// 测试进程自己死了：怎么死的，和它标准错误的最后几行。
    Died {
        how: String,
        stderr_tail: String,
    },
    /// 超过时限还没结束。
    TimedOut(Duration),
    /// 测试程序里没有这道题。
    Missing,
}

/// 一道题跑完以后知道的一切。
pub struct Run {
    pub verdict: Verdict,
    pub elapsed: Duration,
    pub stdout: String,
    pub stderr: String,
}

/// 编译出的评分测试程序，或编译失败的说明。
pub enum Compiled {
    Ready {
        exe: PathBuf,
        /// 落在学习者文件里的编译警告（测试进程死掉时一并显示，比如 `unconditional_recursion`）。
        warnings: Vec<String>,
    },
    Failed {
        /// 第一个错误，编译器排好版的样子。
        first_error: String,
        location: Option<String>,
    },
}

/// 每道题的时限：环境变量 `WORKBOOK_GRADE_TIMEOUT`（秒）可以改，默认 120 秒。
pub fn time_limit() -> Duration {
    let secs = std::env::var("WORKBOOK_GRADE_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    Duration::from_secs(secs)
}

/// 编译一课的评分测试（打开 `exercises` 特性，学习者的文件这时才参与编译）。
pub fn compile(root: &Path, lesson: &Lesson, release: bool) -> Result<Compiled> {
    let features = format!("{}/exercises", lesson.package);
    let mut args = vec![
        "test",
        "-p",
        &lesson.package,
        "--features",
        &features,
        "--test",
        "exercises",
        "--no-run",
    ];
    if release {
        args.push("--release");
    }
    let note = format!("  正在编译第 {} 课的练习……", lesson.number);
    let build = cargo::run(root, &args, Some(&note))?;
    Ok(compiled(lesson, build))
}

fn compiled(lesson: &Lesson, build: Build) -> Compiled {
    if !build.success {
        return match build.first_error() {
            Some(err) => Compiled::Failed {
                first_error: err.rendered.trim_end().to_string(),
                location: err.location.clone(),
            },
            None => Compiled::Failed {
                first_error: last_lines(&build.stderr, 20),
                location: None,
            },
        };
    }
    let Some(exe) = build.executables.get("test:exercises").cloned() else {
        return Compiled::Failed {
            first_error: format!(
                "cargo 没有编出第 {} 课的评分测试程序（tests/exercises.rs）",
                lesson.number
            ),
            location: None,
        };
    };
    let warnings = build
        .messages
        .iter()
        .filter(|m| m.level == "warning" && m.file.as_deref().is_some_and(in_exercises))
        .map(|m| m.rendered.trim_end().to_string())
        .collect();
    Compiled::Ready { exe, warnings }
}

/// 这个路径是学习者的练习文件吗（`…/exercises/….rs`）？
fn in_exercises(path: &str) -> bool {
    normalize_path(path).contains("/exercises/") || normalize_path(path).starts_with("exercises/")
}

/// 把 `a/src/../exercises/x.rs` 写成 `a/exercises/x.rs`。
pub fn normalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            "." => {}
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// 运行一道题：一个新进程，自成一个进程组（超时时连同它启动的服务端一起关掉）。
pub fn run_one(lesson: &Lesson, exe: &Path, ex: &Exercise, limit: Duration) -> Result<Run> {
    let report =
        std::env::temp_dir().join(format!("workbook-report-{}-{}", std::process::id(), ex.id));
    let _ = fs::remove_file(&report);
    let mut cmd = Command::new(exe);
    cmd.current_dir(&lesson.dir)
        .args([
            ex.id.as_str(),
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
            "--color",
            "never",
        ])
        .env(REPORT_ENV, &report)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("无法运行评分程序 {}", exe.display()))?;
    CURRENT.store(child.id(), std::sync::atomic::Ordering::SeqCst);
    let out = reader(child.stdout.take());
    let err = reader(child.stderr.take());
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if started.elapsed() >= limit {
            kill_group(child.id());
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        // 按时限轮询测试进程是否结束。
        thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    CURRENT.store(0, std::sync::atomic::Ordering::SeqCst);
    // 进程组里的服务端可能还握着管道的写端：测试进程结束后一并关掉，读者线程才能读到 EOF。
    kill_group(child.id());
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    let records = fs::read_to_string(&report).unwrap_or_default();
    let _ = fs::remove_file(&report);
    let verdict = match status {
        None => Verdict::TimedOut(limit),
        Some(status) => verdict(&records, status, &stdout, &stderr),
    };
    Ok(Run {
        verdict,
        elapsed,
        stdout,
        stderr,
    })
}

fn reader(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut buf);
        }
        String::from_utf8_lossy(&buf).into_owned()
    })
}

#[cfg(unix)]
fn kill_group(pid: u32) {
    use nix::sys::signal::{killpg, Signal};
    use nix::unistd::Pid;
    // 向我们自己启动的进程组发信号；组已经不在时只是返回错误。
    let _ = killpg(Pid::from_raw(pid as i32), Signal::SIGKILL);
}

#[cfg(not(unix))]
fn kill_group(_pid: u32) {}

/// 从报告文件、退出状态和输出得出结论。
pub fn verdict(records: &str, status: ExitStatus, stdout: &str, stderr: &str) -> Verdict {
    let mut along = Vec::new();
    let mut result = None;
    for line in records.lines() {
        let fields: Vec<String> = line.split('\t').map(unescape).collect();
        match fields.first().map(String::as_str) {
            Some("panic") if fields.len() >= 4 => {
                let location = normalize_path(&fields[2]);
                if in_exercises(&location) {
                    along.push((location, fields[3].clone()));
                }
            }
            Some("passed") => result = Some(Ok(())),
            Some("failed") if fields.len() >= 3 => {
                result = Some(Err((normalize_path(&fields[1]), fields[2].clone())))
            }
            _ => {}
        }
    }
    match result {
        Some(Ok(())) if status.success() => Verdict::Passed,
        Some(Err((location, message))) => {
            let learner = in_exercises(&location);
            // 最后那次 panic 本身就落在学习者的文件里时，不在“途中”再列一遍。
            along.retain(|(l, m)| !(learner && *l == location && *m == message));
            Verdict::Failed {
                message: humanize(&message, learner.then_some(location.as_str())),
                location: learner.then_some(location),
                along_the_way: along,
            }
        }
        _ if stdout.contains("running 0 tests") => Verdict::Missing,
        _ => Verdict::Died {
            how: died_how(status, stderr),
            stderr_tail: last_lines(stderr, 12),
        },
    }
}

fn died_how(status: ExitStatus, stderr: &str) -> String {
    if stderr.contains("has overflowed its stack") {
        return "栈溢出：函数一层一层地调用自己，没有尽头？".to_string();
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            let name = match sig {
                libc::SIGABRT => "SIGABRT（abort）",
                libc::SIGSEGV => "SIGSEGV（非法内存访问）",
                libc::SIGKILL => "SIGKILL",
                libc::SIGTERM => "SIGTERM",
                libc::SIGBUS => "SIGBUS",
                _ => "",
            };
            return format!("测试进程被信号 {sig} {name} 终止");
        }
    }
    match status.code() {
        Some(0) => {
            "测试进程在检查结束之前就退出了（退出码 0）：你的代码里调用了 std::process::exit？"
                .to_string()
        }
        Some(code) => format!(
            "测试进程以退出码 {code} 意外结束：你的代码里调用了 std::process::exit 或 abort？"
        ),
        None => "测试进程意外结束".to_string(),
    }
}

/// 把 panic 的原文换成学习者看得懂的话。
pub fn humanize(message: &str, learner_location: Option<&str>) -> String {
    if message.contains("not yet implemented") || message.contains("not implemented") {
        return match learner_location {
            Some(at) => format!("还没有完成：{at} 还有 todo!()"),
            None => "还没有完成：文件里还有 todo!()".to_string(),
        };
    }
    let mut text = message.to_string();
    for raw in [
        "Resource temporarily unavailable (os error 11)",
        "Resource temporarily unavailable (os error 35)",
        "connection timed out (os error 110)",
        "Connection timed out (os error 110)",
    ] {
        text = text.replace(raw, "读超时：等了一段时间没有收到数据");
    }
    text
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// 星级，`★★☆` 这样。
pub fn stars(n: u8) -> String {
    let n = n.min(3) as usize;
    format!("{}{}", "★".repeat(n), "☆".repeat(3 - n))
}

/// 用时，`0.4 秒` 这样。
pub fn seconds(d: Duration) -> String {
    format!("{:.1} 秒", d.as_secs_f64())
}

/// 给一课评分。`only` 是题号（从 1 开始）时只评那一道。返回评过的题是否都通过了；
/// 编译失败时返回 `Ok(false)`，进度文件里这一课原来的成绩保持不变。
pub fn grade(
    root: &Path,
    lesson: &Lesson,
    only: Option<usize>,
    verbose: bool,
    release: bool,
) -> Result<bool> {
    println!(
        "{}",
        format!("第 {} 课 {} — 评分", lesson.number, lesson.title).bold()
    );
    if lesson.exercises.is_empty() {
        println!("  这一课没有练习。");
        return Ok(true);
    }
    let exe = match compile(root, lesson, release)? {
        Compiled::Ready { exe, warnings } => (exe, warnings),
        Compiled::Failed {
            first_error,
            location,
        } => {
            report_compile_failure(lesson, &first_error, location.as_deref());
            return Ok(false);
        }
    };
    let (exe, warnings) = exe;
    let limit = time_limit();
    let mut all = true;
    for (i, ex) in lesson.exercises.iter().enumerate() {
        let number = i + 1;
        if only.is_some_and(|k| k != number) {
            continue;
        }
        let run = run_one(lesson, &exe, ex, limit)?;
        let passed = run.verdict == Verdict::Passed;
        all &= passed;
        show(lesson, number, ex, &run, &warnings, verbose);
        // 每题评完就记下，评分中途被打断也不丢已有的结果。
        let mut progress = Progress::load(root);
        let file = lesson.dir.join(&ex.file);
        if passed {
            progress.pass(&ex.id, &file);
        } else {
            progress.fail(&ex.id);
        }
        progress.save(root)?;
    }
    let progress = Progress::load(root);
    let done = solved(lesson, &progress);
    let total = lesson.exercises.len();
    if done == total {
        println!(
            "  {}",
            format!("第 {} 课全部完成（{done}/{total}）！", lesson.number)
                .green()
                .bold()
        );
    } else {
        println!(
            "  第 {} 课 {done}/{total} 完成。改好文件后再运行 {}",
            lesson.number,
            support::command_line(&format!("grade {}", lesson.number)).cyan()
        );
    }
    Ok(all)
}

/// 一课里已经通过（而且文件没再改过）的题数。
pub fn solved(lesson: &Lesson, progress: &Progress) -> usize {
    lesson
        .exercises
        .iter()
        .filter(|e| progress.state(&e.id, &lesson.dir.join(&e.file)) == State::Passed)
        .count()
}

fn report_compile_failure(lesson: &Lesson, first_error: &str, location: Option<&str>) {
    println!(
        "  {} 第 {} 课未评分（编译失败）",
        "✗".red().bold(),
        lesson.number
    );
    if let Some(at) = location {
        println!("  第一个错误在 {}：", normalize_path(at).bold());
    } else {
        println!("  编译器说：");
    }
    for line in first_error.lines().take(30) {
        println!("    {line}");
    }
    println!(
        "  之前的成绩保留着。改好以后再运行 {}",
        support::command_line(&format!("grade {}", lesson.number)).cyan()
    );
}

fn show(
    lesson: &Lesson,
    number: usize,
    ex: &Exercise,
    run: &Run,
    warnings: &[String],
    verbose: bool,
) {
    let head = format!("{number}. {}", ex.title);
    let tail = format!(
        "{}  {}  {}",
        stars(ex.stars).yellow(),
        ex.file.dimmed(),
        seconds(run.elapsed).dimmed()
    );
    let indent = "       ";
    match &run.verdict {
        Verdict::Passed => println!("  {} {head}  {tail}", "✓".green().bold()),
        other => {
            println!("  {} {head}  {tail}", "✗".red().bold());
            let lines = explain(other, warnings, verbose);
            for line in lines {
                println!("{indent}{line}");
            }
            println!(
                "{indent}{} {}",
                "需要提示？".dimmed(),
                support::command_line(&format!("hint {} {number}", lesson.number))
            );
        }
    }
    if verbose {
        let out = learner_output(&run.stdout);
        let out = out.trim_end();
        let err = run.stderr.trim_end();
        if !out.is_empty() {
            println!("{indent}{}", "—— 你的程序打印到标准输出的内容 ——".dimmed());
            for line in out.lines() {
                println!("{indent}{line}");
            }
        }
        if !err.is_empty() {
            println!("{indent}{}", "—— 标准错误 ——".dimmed());
            for line in err.lines() {
                println!("{indent}{line}");
            }
        }
    }
}

/// 测试程序的标准输出里去掉 libtest 自己的话（running 1 test、test … ok、test result …），
/// 剩下的是学习者的代码自己打印的。
fn learner_output(stdout: &str) -> String {
    let mut kept = Vec::new();
    for line in stdout.lines() {
        // libtest 先打印 “test 名字 ... ”，不换行；学习者的第一行输出会接在它后面。
        let line = match line.split_once(" ... ") {
            Some((head, rest)) if head.starts_with("test ") => rest,
            _ => line,
        };
        let noise = line.starts_with("running ")
            || line.starts_with("test result:")
            || line.starts_with("failures:")
            || line.starts_with("    l")
            || matches!(line.trim(), "" | "ok" | "FAILED" | "ignored");
        if !noise {
            kept.push(line);
        }
    }
    kept.join("\n")
}

/// 结论的说明，一行一项。不加 `--verbose` 时长的信息只显示开头。
pub fn explain(verdict: &Verdict, warnings: &[String], verbose: bool) -> Vec<String> {
    let limit = if verbose { usize::MAX } else { 12 };
    let mut lines = Vec::new();
    match verdict {
        Verdict::Passed => {}
        Verdict::Failed {
            message,
            location,
            along_the_way,
        } => {
            let all: Vec<&str> = message.lines().collect();
            lines.extend(all.iter().take(limit).map(|l| l.to_string()));
            if all.len() > limit {
                lines.push(format!(
                    "……（还有 {} 行，加 --verbose 看全部）",
                    all.len() - limit
                ));
            }
            if let Some(at) = location {
                if !message.contains(at.as_str()) {
                    lines.push(format!("位置：{at}"));
                }
            }
            for (at, what) in along_the_way.iter().take(3) {
                let first = what.lines().next().unwrap_or("");
                lines.push(format!("途中你的代码在 {at} panic 了：{first}"));
            }
        }
        Verdict::Died { how, stderr_tail } => {
            lines.push(how.clone());
            if !stderr_tail.trim().is_empty() {
                lines.push("它最后在标准错误上说：".to_string());
                lines.extend(stderr_tail.lines().map(|l| format!("  {l}")));
            }
            if !warnings.is_empty() {
                lines.push("编译器对你的文件有警告：".to_string());
                for w in warnings.iter().take(3) {
                    lines.extend(w.lines().take(limit).map(|l| format!("  {l}")));
                }
            }
        }
        Verdict::TimedOut(limit) => lines.push(format!(
            "评分超过 {} 秒还没有结束，已停止。你的代码可能卡住了：比如一直在等一个不会来的连接或数据，或者循环没有退出的条件。",
            limit.as_secs()
        )),
        Verdict::Missing => {
            lines.push("没有找到这道题的评分测试（tests/exercises.rs）".to_string())
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn exit(code: i32) -> ExitStatus {
        use std::os::unix::process::ExitStatusExt;
        ExitStatus::from_raw(code << 8)
    }

    #[cfg(unix)]
    #[test]
    fn the_test_thread_s_failure_wins_over_panics_caught_along_the_way() {
        let records = "panic\tl07_handle\ttests/exercises.rs:40:9\t处理器故意的 panic\n\
                       panic\tl07_handle\tlessons/07-socketserver/src/../exercises/handle.rs:12:5\tcalled `Option::unwrap()` on a `None` value\n\
                       failed\ttests/exercises.rs:88:5\t等了 5 秒没收到回复\n";
        let v = verdict(records, exit(101), "", "");
        assert_eq!(
            v,
            Verdict::Failed {
                message: "等了 5 秒没收到回复".into(),
                location: None,
                along_the_way: vec![(
                    "lessons/07-socketserver/exercises/handle.rs:12:5".into(),
                    "called `Option::unwrap()` on a `None` value".into()
                )],
            }
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_todo_in_the_learner_s_file_is_named_with_its_line() {
        let records =
            "failed\tlessons/03-first-tcp/src/../exercises/ask.rs:14:5\tnot yet implemented\n";
        match verdict(records, exit(101), "", "") {
            Verdict::Failed {
                message, location, ..
            } => {
                assert_eq!(
                    message,
                    "还没有完成：lessons/03-first-tcp/exercises/ask.rs:14:5 还有 todo!()"
                );
                assert_eq!(
                    location.as_deref(),
                    Some("lessons/03-first-tcp/exercises/ask.rs:14:5")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_dead_process_is_reported_as_such() {
        use std::os::unix::process::ExitStatusExt;
        let v = verdict(
            "",
            ExitStatus::from_raw(libc::SIGABRT),
            "",
            "thread 'x' has overflowed its stack\nfatal runtime error: stack overflow",
        );
        assert!(
            matches!(v, Verdict::Died { ref how, .. } if how.contains("栈溢出")),
            "{v:?}"
        );
        let v = verdict("", exit(3), "", "");
        assert!(
            matches!(v, Verdict::Died { ref how, .. } if how.contains("退出码 3")),
            "{v:?}"
        );
        assert_eq!(
            verdict("", exit(0), "running 0 tests\n", ""),
            Verdict::Missing
        );
        assert_eq!(verdict("passed\n", exit(0), "", ""), Verdict::Passed);
    }

    #[test]
    fn os_timeouts_read_as_waits() {
        assert_eq!(
            humanize(
                "读回复失败：Resource temporarily unavailable (os error 11)",
                None
            ),
            "读回复失败：读超时：等了一段时间没有收到数据"
        );
        assert_eq!(
            normalize_path("a/src/../exercises/x.rs"),
            "a/exercises/x.rs"
        );
        assert_eq!(stars(2), "★★☆");
    }
}
