//! `workbook`：这本练习册的运行器。
//!
//! - `workbook` / `workbook list`：所有课程、程序和练习进度；
//! - `workbook lesson NN`：运行第 NN 课的演示（真实的服务端和客户端进程）；
//! - `workbook lesson NN PROGRAM [ARGS…]`：只运行其中一个程序，参数原样传过去；
//! - `workbook grade [NN]`：给练习评分；
//! - `workbook hint NN K`：看第 NN 课第 K 题的提示。

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use colored::Colorize;

use workbook::lessons::{self, Lesson};
use workbook::{demo, grade};

#[derive(Parser)]
#[command(
    name = "workbook",
    version,
    about = "用 Rust 学网络编程：运行每课的演示、单独运行程序、给练习评分",
    long_about = "用 Rust 学网络编程：运行每课的演示、单独运行程序、给练习评分。\n\n\
        学习的一天：读书里的第 NN 章，运行 `workbook lesson NN` 看服务端和客户端对话，\n\
        做 lessons/NN-*/exercises/ 里的练习，再运行 `workbook grade NN`。",
    after_help = "例子：\n  workbook lesson 03                  运行第 03 课的演示\n  workbook lesson 03 server           只启动服务端（默认端口）\n  workbook lesson 03 client 你好      再开一个终端，运行客户端\n  workbook grade 03                   给第 03 课的练习评分\n  workbook hint 03 2                  第 03 课第 2 题的提示"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// 列出所有课程、它们的程序和你的练习进度
    List,
    /// 运行一课的演示；给出程序名时只运行那个程序
    Lesson {
        /// 课号，如 03
        number: String,
        /// 程序短名（server、client……）；省略则运行演示
        program: Option<String>,
        /// 传给程序的参数（如 --port 0）
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// 给练习评分：运行你的代码，逐题显示 ✓ 或 ✗；省略课号则给所有课评分
    Grade {
        /// 课号，如 03
        number: Option<String>,
    },
    /// 显示一道练习的提示
    Hint {
        /// 课号，如 03
        number: String,
        /// 第几题（从 1 开始）
        exercise: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse_from(pass_program_args_through(std::env::args_os().collect()));
    // 输出接到 `head` 之类的程序、被提前关掉时，安静地结束，而不是 panic。
    support::quiet_on_closed_stdout();
    let result = std::panic::catch_unwind(|| run(cli));
    let Ok(result) = result else {
        return ExitCode::FAILURE;
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            support::report(&err);
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let root = lessons::repo_root();
    let all = lessons::load_all(&root)?;
    match cli.command.unwrap_or(Cmd::List) {
        Cmd::List => {
            list(&root, &all);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Lesson {
            number,
            program,
            args,
        } => {
            let lesson = lessons::find(&all, &number)?;
            match program {
                None => {
                    let bin_dir = build(&root, lesson)?;
                    println!(
                        "{}",
                        format!("第 {} 课 {} — 演示", lesson.number, lesson.title).bold()
                    );
                    demo::run(lesson, &bin_dir)?;
                    Ok(ExitCode::SUCCESS)
                }
                Some(name) => {
                    if lesson.program(&name).is_none() {
                        bail!(
                            "第 {} 课没有叫 {name:?} 的程序。可用的程序：\n{}",
                            lesson.number,
                            lesson
                                .programs
                                .iter()
                                .map(|p| format!("  {:<18}{}", p.name, p.about))
                                .collect::<Vec<_>>()
                                .join("\n")
                        );
                    }
                    let bin_dir = build(&root, lesson)?;
                    run_program(&bin_dir.join(lesson.bin_name(&name)), &args)
                }
            }
        }
        Cmd::Grade { number } => {
            let release = !cfg!(debug_assertions);
            let chosen: Vec<&Lesson> = match number {
                Some(n) => vec![lessons::find(&all, &n)?],
                None => all.iter().collect(),
            };
            let mut ok = true;
            for lesson in chosen {
                ok &= grade::grade(&root, lesson, release)?;
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Cmd::Hint { number, exercise } => {
            let lesson = lessons::find(&all, &number)?;
            let Some(ex) = exercise
                .checked_sub(1)
                .and_then(|i| lesson.exercises.get(i))
            else {
                bail!(
                    "第 {} 课只有 {} 道练习，请给出 1 到 {} 之间的题号",
                    lesson.number,
                    lesson.exercises.len(),
                    lesson.exercises.len()
                );
            };
            println!(
                "{}",
                format!("第 {} 课第 {exercise} 题：{}", lesson.number, ex.title).bold()
            );
            println!("文件：lessons/{}/{}\n", dir_name(lesson), ex.file);
            println!("{}", ex.hint.trim_end());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `workbook lesson NN PROGRAM 参数…` 里，PROGRAM 之后的一切都属于那个程序，
/// 包括 `--help`：在 PROGRAM 之后补一个 `--`，clap 就不会把它们当成运行器自己的选项。
fn pass_program_args_through(mut argv: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let is_lesson = argv.get(1).is_some_and(|a| a == "lesson");
    let has_program = argv
        .get(3)
        .is_some_and(|p| !p.to_string_lossy().starts_with('-'));
    let already = argv.get(4).is_some_and(|a| a == "--");
    if is_lesson && has_program && argv.len() > 4 && !already {
        argv.insert(4, "--".into());
    }
    argv
}

fn dir_name(lesson: &Lesson) -> String {
    lesson
        .dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn list(root: &Path, all: &[Lesson]) {
    let progress = grade::Progress::load(root);
    println!("{}", "用 Rust 学网络编程 — 课程".bold());
    let mut next: Option<&Lesson> = None;
    for lesson in all {
        let done = lesson
            .exercises
            .iter()
            .filter(|e| progress.passed(&e.id))
            .count();
        let total = lesson.exercises.len();
        let mark = if total > 0 && done == total {
            "✓".green().bold()
        } else {
            "·".normal()
        };
        println!(
            "{mark} {}  {}  {}",
            lesson.number.bold(),
            lesson.title,
            format!("练习 {done}/{total}").dimmed()
        );
        println!("      {}", lesson.summary.dimmed());
        let (twins, full): (Vec<_>, Vec<_>) =
            lesson.programs.iter().partition(|p| p.twin.is_some());
        let names = |ps: &[&lessons::Program]| {
            ps.iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if twins.is_empty() {
            println!("      程序：{}", names(&full));
        } else {
            println!("      教程版：{}", names(&twins));
            println!("      完整版：{}", names(&full));
        }
        if next.is_none() && done < total {
            next = Some(lesson);
        }
    }
    println!();
    match next {
        Some(l) => println!(
            "下一步：读第 {n} 章（just book），运行 {} 看演示，做 lessons/{}/exercises/ 里的练习，然后 {}",
            format!("just lesson {}", l.number).cyan(),
            dir_name(l),
            format!("just grade {}", l.number).cyan(),
            n = l.number
        ),
        None => println!("{}", "所有练习都完成了！".green().bold()),
    }
}

/// 编译一课的程序，返回可执行文件所在目录。
///
/// 设置了 `WORKBOOK_NO_BUILD` 时不编译（程序已经编好，比如在测试里）。
fn build(root: &Path, lesson: &Lesson) -> Result<PathBuf> {
    let release = !cfg!(debug_assertions);
    if std::env::var_os("WORKBOOK_NO_BUILD").is_none() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(root)
            .args(["build", "--quiet", "-p", &lesson.package, "--bins"]);
        if release {
            cmd.arg("--release");
        }
        let status = cmd.status().context("无法运行 cargo（Rust 装好了吗？）")?;
        if !status.success() {
            bail!("第 {} 课的程序编译失败（错误见上面）", lesson.number);
        }
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join(if release { "release" } else { "debug" }))
}

/// 运行一个程序：在 Unix 上运行器“变成”那个程序（exec），
/// 于是标准输入输出、信号和退出码都直接属于它，杀掉它也不会留下别的进程。
fn run_program(path: &Path, args: &[String]) -> Result<ExitCode> {
    if !path.is_file() {
        bail!("找不到程序 {}（编译成功了吗？）", path.display());
    }
    let mut cmd = Command::new(path);
    cmd.args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = cmd.exec();
        Err(err).with_context(|| format!("无法运行 {}", path.display()))
    }
    #[cfg(not(unix))]
    {
        let status = cmd
            .status()
            .with_context(|| format!("无法运行 {}", path.display()))?;
        Ok(ExitCode::from(status.code().unwrap_or(1) as u8))
    }
}
