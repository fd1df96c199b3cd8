//! `workbook watch [NN]`：盯着练习文件，每次保存就给正在做的那道题重新评分；
//! 通过了就自动换到下一道没做完的题。输入 `q` 回车（或按 Ctrl-C）退出，不留下任何进程。

use std::io::BufRead;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use colored::Colorize;
use notify::{EventKind, RecursiveMode, Watcher};

use crate::grade::{self, Compiled, Verdict};
use crate::lessons::{Exercise, Lesson};
use crate::progress::{Progress, State};

enum Event {
    /// 某个练习文件被保存了。
    Saved,
    /// 用户要退出（输入了 q，或者标准输入关闭了）。
    Quit,
}

/// 下一道要做的题：从 `lessons` 里按顺序找第一道还没通过（或通过后又改过）的题。
pub fn next_exercise<'a>(
    lessons: &[&'a Lesson],
    progress: &Progress,
) -> Option<(&'a Lesson, usize, &'a Exercise)> {
    lessons.iter().find_map(|lesson| {
        lesson.exercises.iter().enumerate().find_map(|(i, ex)| {
            let state = progress.state(&ex.id, &lesson.dir.join(&ex.file));
            (state != State::Passed).then_some((*lesson, i + 1, ex))
        })
    })
}

/// 运行 watch，直到用户退出或所有题都做完。
pub fn watch(root: &Path, lessons: &[&Lesson], release: bool) -> Result<()> {
    let (tx, rx) = mpsc::channel();
    let file_tx = tx.clone();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            if matches!(event.kind, EventKind::Modify(_) | EventKind::Create(_)) {
                for path in event.paths {
                    if path.extension().is_some_and(|e| e == "rs") {
                        let _ = file_tx.send(Event::Saved);
                    }
                }
            }
        }
    })
    .context("无法监视文件的变化")?;
    for lesson in lessons {
        let dir = lesson.dir.join("exercises");
        watcher
            .watch(&dir, RecursiveMode::Recursive)
            .with_context(|| format!("无法监视 {}", dir.display()))?;
    }
    thread::spawn(move || {
        let stdin = std::io::stdin();
        for line in stdin.lock().lines() {
            match line {
                Ok(l) if l.trim().eq_ignore_ascii_case("q") => break,
                Ok(_) => continue,
                Err(_) => break,
            }
        }
        let _ = tx.send(Event::Quit);
    });

    let limit = grade::time_limit();
    loop {
        let progress = Progress::load(root);
        let Some((lesson, number, ex)) = next_exercise(lessons, &progress) else {
            println!("{}", "这里的练习全部完成了！".green().bold());
            return Ok(());
        };
        println!(
            "\n{} 第 {} 课第 {number} 题：{} {}  （{}）",
            "▶".bold(),
            lesson.number,
            ex.title.bold(),
            grade::stars(ex.stars).yellow(),
            format!("lessons/{}/{}", dir_name(lesson), ex.file).cyan()
        );
        let passed = match grade::compile(root, lesson, release)? {
            Compiled::Failed {
                first_error,
                location,
            } => {
                println!("  {} 编译没有通过", "✗".red().bold());
                if let Some(at) = location {
                    println!("  第一个错误在 {}：", grade::normalize_path(&at).bold());
                }
                for line in first_error.lines().take(30) {
                    println!("    {line}");
                }
                false
            }
            Compiled::Ready { exe, warnings } => {
                let run = grade::run_one(lesson, &exe, ex, limit)?;
                let passed = run.verdict == Verdict::Passed;
                let mut progress = Progress::load(root);
                if passed {
                    progress.pass(&ex.id, &lesson.dir.join(&ex.file));
                    println!(
                        "  {} 通过！（{}）",
                        "✓".green().bold(),
                        grade::seconds(run.elapsed)
                    );
                } else {
                    progress.fail(&ex.id);
                    println!(
                        "  {} 还没通过（{}）",
                        "✗".red().bold(),
                        grade::seconds(run.elapsed)
                    );
                    for line in grade::explain(&run.verdict, &warnings, false) {
                        println!("       {line}");
                    }
                }
                progress.save(root)?;
                passed
            }
        };
        if passed {
            continue;
        }
        println!(
            "  {}",
            format!(
                "保存文件后自动重新评分。提示：{}。输入 q 回车退出。",
                support::command_line(&format!("hint {} {number}", lesson.number))
            )
            .dimmed()
        );
        if !wait_for_save(&rx) {
            println!("已退出。");
            return Ok(());
        }
    }
}

/// 等到有练习文件被保存（返回 true）或用户要退出（返回 false）。编辑器保存一次常常
/// 触发好几个事件，等它们停下来再评分。
fn wait_for_save(rx: &Receiver<Event>) -> bool {
    match rx.recv() {
        Ok(Event::Saved) => {}
        Ok(Event::Quit) | Err(_) => return false,
    }
    loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Event::Saved) => continue,
            Ok(Event::Quit) => return false,
            Err(RecvTimeoutError::Timeout) => return true,
            Err(RecvTimeoutError::Disconnected) => return false,
        }
    }
}

fn dir_name(lesson: &Lesson) -> String {
    lesson
        .dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
