//! `workbook`：这本练习册的运行器。
//!
//! - `workbook` / `workbook list`：所有课程、程序和练习进度；
//! - `workbook lesson NN`：运行第 NN 课的演示（真实的服务端和客户端进程）；
//! - `workbook lesson NN PROGRAM [ARGS…]`：只运行其中一个程序，参数原样传过去；
//! - `workbook grade [NN [K]] [--verbose]`：给练习评分（一课、一道题或全部）；
//! - `workbook watch [NN]`：保存文件就重新评分，做对了换下一道；
//! - `workbook hint NN K [--more | --answer]`：看第 NN 课第 K 题的三层提示。

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};
use clap::{CommandFactory, Parser, Subcommand};
use colored::Colorize;

use workbook::lessons::{self, Lesson};
use workbook::progress::{Progress, State};
use workbook::{demo, grade, watch};

#[derive(Parser)]
#[command(
    name = "workbook",
    version,
    about = "用 Rust 学网络编程：运行每课的演示、单独运行程序、给练习评分",
    long_about = "用 Rust 学网络编程：运行每课的演示、单独运行程序、给练习评分。\n\n\
        学习的一天：读书里的第 NN 章，运行 `workbook lesson NN` 看服务端和客户端对话，\n\
        做 lessons/NN-*/exercises/ 里的练习，再运行 `workbook grade NN`（或者一直开着 `workbook watch NN`）。"
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
        /// 程序短名（server、client、tutorial-server……）；省略则运行演示
        program: Option<String>,
        /// 传给程序的参数（如 --port 0）
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// 给练习评分：每道题一结束就显示 ✓ 或 ✗ 和原因；省略课号则给所有课评分
    Grade {
        /// 课号，如 03
        number: Option<String>,
        /// 只评这一道题（从 1 开始）
        exercise: Option<usize>,
        /// 显示你的程序自己打印的内容，以及完整的失败信息
        #[arg(long)]
        verbose: bool,
    },
    /// 一直开着：每次保存练习文件就重新评分，做对了自动换下一道；输入 q 回车退出
    Watch {
        /// 课号，如 03；省略则从第一道没做完的题开始
        number: Option<String>,
    },
    /// 显示一道练习的提示：先点一下思路，--more 给出做法，--answer 告诉你参考答案在哪里
    Hint {
        /// 课号，如 03
        number: String,
        /// 第几题（从 1 开始）
        exercise: usize,
        /// 第二层提示：一步一步的做法
        #[arg(long, conflicts_with = "answer")]
        more: bool,
        /// 第三层：参考答案在哪个文件
        #[arg(long)]
        answer: bool,
    },
}

/// `--help` 末尾的例子：装了 just 就写 just 的命令，否则写 cargo run 的命令。
fn examples() -> String {
    let rows = [
        ("lesson 03", "运行第 03 课的演示"),
        ("lesson 03 server", "只启动服务端（默认端口）"),
        ("lesson 03 client 你好", "再开一个终端，运行客户端"),
        ("grade 03", "给第 03 课的练习评分"),
        ("grade 03 2 --verbose", "只评第 2 题，显示程序自己的输出"),
        ("watch 03", "保存文件就自动评分"),
        ("hint 03 2", "第 03 课第 2 题的提示"),
    ];
    let mut text = String::from("例子：");
    for (args, what) in rows {
        text.push_str(&format!(
            "\n  {}{what}",
            support::pad(&support::command_line(args), 36)
        ));
    }
    text
}

fn main() -> ExitCode {
    let argv = pass_program_args_through(std::env::args_os().collect());
    let cli: Cli = support::cli::parse_with(Cli::command().after_help(examples()), argv);
    // 输出接到 `head` 之类的程序、被提前关掉时，安静地结束，而不是 panic。
    support::quiet_on_closed_stdout();
    support::plain_when_asked();
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
    let release = !cfg!(debug_assertions);
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
                    let programs = build(&root, lesson)?;
                    println!(
                        "{}",
                        format!("第 {} 课 {} — 演示", lesson.number, lesson.title).bold()
                    );
                    demo::run(lesson, &programs, &root)?;
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
                                .map(|p| format!("  {:<26}{}", p.name, p.about))
                                .collect::<Vec<_>>()
                                .join("\n")
                        );
                    }
                    let programs = build(&root, lesson)?;
                    let bin = lesson.bin_name(&name);
                    let path = programs
                        .get(&bin)
                        .with_context(|| format!("cargo 没有编出程序 {bin}"))?;
                    run_program(path, &args)
                }
            }
        }
        Cmd::Grade {
            number,
            exercise,
            verbose,
        } => {
            stop_children_on_ctrl_c();
            let chosen: Vec<&Lesson> = match number {
                Some(n) => vec![lessons::find(&all, &n)?],
                None => {
                    if exercise.is_some() {
                        bail!(
                            "要评一道题时请同时给出课号，例如 {}",
                            support::command_line("grade 03 2")
                        );
                    }
                    all.iter().collect()
                }
            };
            if let (Some(k), [lesson]) = (exercise, chosen.as_slice()) {
                exercise_of(lesson, k)?;
            }
            let mut ok = true;
            for lesson in &chosen {
                ok &= grade::grade(&root, lesson, exercise, verbose, release)?;
            }
            let progress = Progress::load(&root);
            let (done, total) = totals(&all, &progress);
            println!("{}", format!("全部练习 {done}/{total} 完成").bold());
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Cmd::Watch { number } => {
            stop_children_on_ctrl_c();
            let chosen: Vec<&Lesson> = match number {
                Some(n) => vec![lessons::find(&all, &n)?],
                None => all.iter().collect(),
            };
            watch::watch(&root, &chosen, release)?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Hint {
            number,
            exercise,
            more,
            answer,
        } => {
            let lesson = lessons::find(&all, &number)?;
            let ex = exercise_of(lesson, exercise)?;
            println!(
                "{}",
                format!(
                    "第 {} 课第 {exercise} 题：{} {}",
                    lesson.number,
                    ex.title,
                    grade::stars(ex.stars)
                )
                .bold()
            );
            println!("文件：lessons/{}/{}\n", dir_name(lesson), ex.file);
            let here = format!("hint {} {exercise}", lesson.number);
            if answer {
                println!(
                    "参考答案在 lessons/{}/{}。先自己再试一次？看完答案，把它关掉，凭记忆重写一遍，记得最牢。",
                    dir_name(lesson),
                    ex.solution
                );
            } else if more {
                match &ex.steps {
                    Some(steps) => println!("{}", steps.trim_end()),
                    None => println!("{}", ex.hint.trim_end()),
                }
                println!(
                    "\n{}",
                    format!(
                        "还是卡住？{} 告诉你参考答案在哪里。",
                        support::command_line(&format!("{here} --answer"))
                    )
                    .dimmed()
                );
            } else {
                println!("{}", ex.hint.trim_end());
                println!(
                    "\n{}",
                    format!(
                        "还不够？{} 给出一步一步的做法。",
                        support::command_line(&format!("{here} --more"))
                    )
                    .dimmed()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// 第 `k` 题（从 1 开始）；题号不对时说清楚有哪些。
fn exercise_of(lesson: &Lesson, k: usize) -> Result<&lessons::Exercise> {
    k.checked_sub(1)
        .and_then(|i| lesson.exercises.get(i))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "第 {} 课只有 {} 道练习，请给出 1 到 {} 之间的题号",
                lesson.number,
                lesson.exercises.len(),
                lesson.exercises.len()
            )
        })
}

/// 所有课里已完成的题数和总题数。
fn totals(all: &[Lesson], progress: &Progress) -> (usize, usize) {
    let done = all.iter().map(|l| grade::solved(l, progress)).sum();
    let total = all.iter().map(|l| l.exercises.len()).sum();
    (done, total)
}

/// 评分和 watch 时按 Ctrl-C：先关掉正在运行的评分进程组（连同它启动的服务端），再退出。
fn stop_children_on_ctrl_c() {
    let _ = ctrlc::set_handler(|| {
        grade::stop_current();
        eprintln!("\n已停止。");
        std::process::exit(130);
    });
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
    let progress = Progress::load(root);
    println!("{}", "用 Rust 学网络编程 — 课程".bold());
    let mut next: Option<&Lesson> = None;
    for lesson in all {
        let states: Vec<State> = lesson
            .exercises
            .iter()
            .map(|e| progress.state(&e.id, &lesson.dir.join(&e.file)))
            .collect();
        let done = states.iter().filter(|s| **s == State::Passed).count();
        let stale = states.iter().filter(|s| **s == State::Stale).count();
        let total = lesson.exercises.len();
        let mark = if total > 0 && done == total {
            "✓".green().bold()
        } else {
            "·".normal()
        };
        let stale = if stale > 0 {
            format!("，{stale} 道需要重新评分").yellow().to_string()
        } else {
            String::new()
        };
        println!(
            "{mark} {}  {}  {}{stale}",
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
    let (done, total) = totals(all, &progress);
    println!("\n{}", format!("全部练习 {done}/{total} 完成").bold());
    let c = support::command_line;
    match next {
        Some(l) => println!(
            "下一步：读第 {n} 章（{}），运行 {} 看演示，做 lessons/{}/exercises/ 里的练习，然后 {}（或者一直开着 {}）",
            if support::has_just() { "just book".to_string() } else { "mdbook serve book --open".to_string() },
            c(&format!("lesson {}", l.number)).cyan(),
            dir_name(l),
            c(&format!("grade {}", l.number)).cyan(),
            c(&format!("watch {}", l.number)).cyan(),
            n = l.number
        ),
        None => println!("{}", "所有练习都完成了！".green().bold()),
    }
}

/// 编译一课的程序，返回 可执行文件名 → 路径（问 cargo，不猜目标目录在哪里）。
fn build(root: &Path, lesson: &Lesson) -> Result<BTreeMap<String, PathBuf>> {
    let release = !cfg!(debug_assertions);
    let note = format!("正在编译第 {} 课……", lesson.number);
    workbook::cargo::build_bins(root, &lesson.package, release, &note)
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
