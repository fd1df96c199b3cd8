//! 评分：用 cargo 运行一课的练习测试（`tests/exercises.rs` 里被 `#[ignore]` 的那些，
//! 平时的 `cargo test` 会跳过它们），逐题给出 ✓ / ✗、第一处失败的原因和提示命令，
//! 并把结果记在仓库根目录的 `.workbook-progress` 里（纯文本，已被 git 忽略）。

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use colored::Colorize;

use crate::lessons::Lesson;

/// 一道练习的评分结果。
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    /// 失败，附带给人看的原因。
    Failed(String),
}

/// 运行一课的评分；返回是否全部通过。
pub fn grade(root: &Path, lesson: &Lesson, release: bool) -> Result<bool> {
    println!(
        "{}",
        format!("第 {} 课 {} — 评分", lesson.number, lesson.title).bold()
    );
    if lesson.exercises.is_empty() {
        println!("  这一课没有练习。");
        return Ok(true);
    }
    let mut cmd = Command::new(cargo());
    cmd.current_dir(root)
        .args(["test", "-p", &lesson.package, "--test", "exercises"])
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE");
    if release {
        cmd.arg("--release");
    }
    cmd.args(["--", "--ignored", "--color", "never"]);
    println!("  {}", "正在编译并运行你的练习……".dimmed());
    let limit = time_limit();
    let Some((stdout, stderr)) = run_with_limit(cmd, limit)? else {
        println!(
            "  {} 评分超过 {} 秒还没有结束，已停止。你的代码可能卡住了：比如一直在等一个不会来的连接或数据，\n       或者循环没有退出的条件。",
            "✗".red().bold(),
            limit.as_secs()
        );
        return Ok(false);
    };

    let outcomes = if stdout.contains("running ") {
        parse_results(&stdout)
    } else {
        // 测试程序都没能运行：多半是练习文件编译不通过。
        let reason = compile_errors(&stderr);
        println!("  {} 编译没有通过：\n{reason}", "✗".red().bold());
        lesson
            .exercises
            .iter()
            .map(|e| (e.id.clone(), Outcome::Failed("编译没有通过".into())))
            .collect()
    };

    let mut progress = Progress::load(root);
    let mut all = true;
    for (i, ex) in lesson.exercises.iter().enumerate() {
        let number = i + 1;
        match outcomes.get(&ex.id) {
            Some(Outcome::Passed) => {
                println!(
                    "  {} {number}. {}  ({})",
                    "✓".green().bold(),
                    ex.title,
                    ex.file
                );
                progress.set(&ex.id, true);
            }
            other => {
                all = false;
                let why = match other {
                    Some(Outcome::Failed(why)) => why.clone(),
                    _ => "没有找到这道题的评分测试（tests/exercises.rs）".to_string(),
                };
                println!(
                    "  {} {number}. {}  ({})",
                    "✗".red().bold(),
                    ex.title,
                    ex.file
                );
                for line in why.lines() {
                    println!("       {line}");
                }
                println!(
                    "       {} just hint {} {number}",
                    "需要提示？".dimmed(),
                    lesson.number
                );
                progress.set(&ex.id, false);
            }
        }
    }
    progress.save(root)?;
    let done = lesson
        .exercises
        .iter()
        .filter(|e| progress.passed(&e.id))
        .count();
    let total = lesson.exercises.len();
    if all {
        println!(
            "  {}",
            format!("全部通过（{done}/{total}）！").green().bold()
        );
    } else {
        println!(
            "  已完成 {done}/{total}。改好文件后再运行 just grade {}",
            lesson.number
        );
    }
    Ok(all)
}

/// 评分的总期限（含编译）；环境变量 `WORKBOOK_GRADE_TIMEOUT`（秒）可以改。
fn time_limit() -> Duration {
    let secs = std::env::var("WORKBOOK_GRADE_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    Duration::from_secs(secs)
}

/// 运行命令并收集输出；超过期限就连同它启动的测试程序一起杀掉，返回 `None`。
fn run_with_limit(mut cmd: Command, limit: Duration) -> Result<Option<(String, String)>> {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    // 自成一个进程组：超时时杀掉整个组，cargo 启动的测试程序也不会留下。
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().context("无法运行 cargo（Rust 装好了吗？）")?;
    let mut out = child.stdout.take().expect("stdout 是管道");
    let mut err = child.stderr.take().expect("stderr 是管道");
    let out_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + limit;
    loop {
        if child.try_wait()?.is_some() {
            break;
        }
        if Instant::now() >= deadline {
            #[cfg(unix)]
            // SAFETY: 向我们自己启动的进程组发信号。
            unsafe {
                libc::killpg(child.id() as libc::pid_t, libc::SIGKILL);
            }
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        // 按期限轮询 cargo 是否结束。
        thread::sleep(Duration::from_millis(50));
    }
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Ok(Some((
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

/// 从 libtest 的输出里读出每个测试的结果和失败原因。
pub fn parse_results(stdout: &str) -> BTreeMap<String, Outcome> {
    let mut results = BTreeMap::new();
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("test ") {
            if let Some((name, verdict)) = rest.rsplit_once(" ... ") {
                let outcome = match verdict.trim() {
                    "ok" => Outcome::Passed,
                    "FAILED" => Outcome::Failed(failure_message(stdout, name)),
                    _ => continue,
                };
                results.insert(name.trim().to_string(), outcome);
            }
        }
    }
    results
}

/// 找出某个测试失败时 panic 的信息，换成学习者看得懂的话。
fn failure_message(stdout: &str, name: &str) -> String {
    let header = format!("---- {name} stdout ----");
    let Some(start) = stdout.find(&header) else {
        return "测试失败（没有找到详细信息）".into();
    };
    let block = &stdout[start + header.len()..];
    let end = block
        .find("\n---- ")
        .or_else(|| block.find("\nfailures:"))
        .unwrap_or(block.len());
    let block = &block[..end];
    // panic 信息在 “thread '…' panicked at 文件:行:列:” 之后，到 “note:” 之前。
    let mut message = Vec::new();
    let mut inside = false;
    for line in block.lines() {
        if line.starts_with("thread '") && line.contains("panicked at") {
            if inside {
                break; // 只取第一处失败
            }
            inside = true;
            continue;
        }
        if inside {
            if line.starts_with("note: ") || line.starts_with("stack backtrace") {
                break;
            }
            message.push(line);
        }
    }
    let text = message.join("\n").trim().to_string();
    if text.contains("not yet implemented") {
        return "还没有完成：文件里还有 todo!()".into();
    }
    if text.is_empty() {
        "测试失败（没有附带信息）".into()
    } else {
        text
    }
}

/// 只保留 cargo 输出里的错误部分，学习者不需要看到 “Compiling …”。
fn compile_errors(stderr: &str) -> String {
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| {
            !l.trim_start().starts_with("Compiling") && !l.trim_start().starts_with("Blocking")
        })
        .collect();
    let text = errors.join("\n");
    let mut lines: Vec<&str> = text.lines().take(40).collect();
    if text.lines().count() > 40 {
        lines.push("……（更多错误省略，完整信息请运行 cargo build）");
    }
    lines.join("\n")
}

/// 练习进度：每行 `编号 通过/未通过`，键是练习的稳定编号。
#[derive(Debug, Default)]
pub struct Progress {
    entries: BTreeMap<String, bool>,
}

pub const PROGRESS_FILE: &str = ".workbook-progress";

impl Progress {
    /// 进度文件的位置：默认在仓库根目录，环境变量 `WORKBOOK_PROGRESS` 可以另指一个文件。
    pub fn path(root: &Path) -> PathBuf {
        std::env::var_os("WORKBOOK_PROGRESS")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join(PROGRESS_FILE))
    }

    pub fn load(root: &Path) -> Progress {
        let text = fs::read_to_string(Progress::path(root)).unwrap_or_default();
        Progress::parse(&text)
    }

    pub fn parse(text: &str) -> Progress {
        let entries = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (id, state) = l.split_once(char::is_whitespace)?;
                Some((id.to_string(), state.trim() == "passed"))
            })
            .collect();
        Progress { entries }
    }

    pub fn passed(&self, id: &str) -> bool {
        self.entries.get(id).copied().unwrap_or(false)
    }

    pub fn set(&mut self, id: &str, passed: bool) {
        self.entries.insert(id.to_string(), passed);
    }

    pub fn render(&self) -> String {
        let mut text = String::from("# workbook 练习进度（由 workbook grade 写入）\n");
        for (id, passed) in &self.entries {
            text.push_str(id);
            text.push_str(if *passed { " passed\n" } else { " failed\n" });
        }
        text
    }

    pub fn save(&self, root: &Path) -> Result<()> {
        let path = Progress::path(root);
        fs::write(&path, self.render()).with_context(|| format!("无法写入 {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\nrunning 2 tests\ntest l03_reply ... FAILED\ntest l03_ask ... ok\n\nfailures:\n\n---- l03_reply stdout ----\n\nthread 'l03_reply' panicked at lessons/03/tests/exercises.rs:10:5:\n期望收到 “我是Server”，实际收到 “”\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\nfailures:\n    l03_reply\n\ntest result: FAILED. 1 passed; 1 failed\n";

    #[test]
    fn reads_passes_and_first_failure() {
        let results = parse_results(SAMPLE);
        assert_eq!(results.get("l03_ask"), Some(&Outcome::Passed));
        assert_eq!(
            results.get("l03_reply"),
            Some(&Outcome::Failed(
                "期望收到 “我是Server”，实际收到 “”".into()
            ))
        );
    }

    #[test]
    fn todo_is_explained() {
        let out = SAMPLE.replace("期望收到 “我是Server”，实际收到 “”", "not yet implemented");
        assert_eq!(
            parse_results(&out).get("l03_reply"),
            Some(&Outcome::Failed("还没有完成：文件里还有 todo!()".into()))
        );
    }

    #[test]
    fn progress_round_trips() {
        let mut p = Progress::default();
        p.set("l01_a", true);
        p.set("l01_b", false);
        let back = Progress::parse(&p.render());
        assert!(back.passed("l01_a"));
        assert!(!back.passed("l01_b"));
        assert!(!back.passed("l01_c"));
    }
}
