//! 运行器 `workbook` 的行为，用真实的命令行调用检查。

use assert_cmd::Command;
#[cfg(target_os = "linux")]
use nix::sys::signal::Signal;
use predicates::prelude::*;
use testkit::DEADLINE;
use workbook::lessons;

fn workbook() -> Command {
    let mut cmd = Command::cargo_bin("workbook").expect("workbook 已编译");
    cmd.env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .timeout(DEADLINE * 6);
    // 评分会写进度文件：测试里写到临时位置，不碰学习者自己的进度。
    // 放在 cargo 给测试的临时目录（target/tmp）里：cargo clean 会清掉它，不留在 /tmp。
    let progress = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("workbook-progress-{}", std::process::id()));
    cmd.env("WORKBOOK_PROGRESS", progress);
    cmd
}

#[test]
fn list_shows_every_lesson_and_what_to_do_next() {
    let mut assert = workbook().arg("list").assert().success();
    for lesson in lessons::load_all(&lessons::repo_root()).unwrap() {
        assert = assert.stdout(predicate::str::contains(format!(
            "{}  {}",
            lesson.number, lesson.title
        )));
    }
    assert.stdout(predicate::str::contains("下一步"));
    // 不带子命令等于 list。
    workbook()
        .assert()
        .success()
        .stdout(predicate::str::contains("01  线程"));
}

#[test]
fn unknown_lesson_and_program_are_clear_errors() {
    workbook()
        .args(["lesson", "99"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("没有第 99 课"))
        .stderr(predicate::str::contains("01  线程"));
    workbook()
        .args(["lesson", "abc"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("课号应该是"));
    workbook()
        .args(["lesson", "01", "nope"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("没有叫 \"nope\" 的程序"))
        .stderr(predicate::str::contains("stop-flag"));
}

#[test]
fn hint_prints_the_hint_or_says_which_numbers_exist() {
    workbook()
        .args(["hint", "01", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("thread::Builder"));
    workbook()
        .args(["hint", "01", "9"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("1 到 4"));
}

#[test]
fn running_one_program_passes_arguments_and_exit_code_through() {
    workbook()
        .args(["lesson", "01", "scoped", "--n", "10", "--parts", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("总和：55"));
    workbook()
        .args(["lesson", "01", "scoped", "--parts", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("应当在 1 到 64 份之间"));
}

#[test]
fn every_demo_runs_to_the_end_and_exits_0() {
    // 各课的演示同时跑（各自绑定空闲端口，互不干扰），测试的用时是最慢的那一课，而不是各课之和。
    let lessons = lessons::load_all(&lessons::repo_root()).unwrap();
    let runs: Vec<_> = lessons
        .iter()
        .map(|lesson| {
            let number = lesson.number.clone();
            std::thread::spawn(move || {
                let out = workbook().args(["lesson", &number]).output().unwrap();
                (
                    out.status.success(),
                    String::from_utf8_lossy(&out.stdout).into_owned(),
                    String::from_utf8_lossy(&out.stderr).into_owned(),
                )
            })
        })
        .collect();
    for (lesson, run) in lessons.iter().zip(runs) {
        let (ok, stdout, stderr) = run.join().unwrap();
        assert!(
            ok,
            "第 {} 课的演示失败了：\n{stdout}\n{stderr}",
            lesson.number
        );
        assert!(
            stdout.contains(&format!("第 {} 课", lesson.number)),
            "第 {} 课的演示没有标题：{stdout}",
            lesson.number
        );
        // 每个参与演示的程序都说了话，而且每行都标明了是谁。
        for step in &lesson.demo {
            let label = step.label.clone().unwrap_or_else(|| match step.role {
                lessons::Role::Server => "服务端".into(),
                lessons::Role::Client => "客户端".into(),
            });
            assert!(
                stdout.contains(&format!("[{label}] ")),
                "第 {} 课的演示里没有 [{label}] 的输出：\n{stdout}",
                lesson.number
            );
        }
    }
}

#[test]
fn grading_an_untouched_exercise_reports_it_unsolved() {
    let root = lessons::repo_root();
    let lesson = lessons::load(&root.join("lessons/01-threads/lesson.toml")).unwrap();
    let untouched: Vec<_> = lesson
        .exercises
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            std::fs::read_to_string(lesson.dir.join(&e.file))
                .unwrap()
                .contains("todo!(")
        })
        .collect();
    if untouched.is_empty() {
        eprintln!("第 01 课的练习都已动手，跳过");
        return;
    }
    let out = workbook()
        .args(["grade", "01"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    for (i, ex) in untouched {
        assert!(
            stdout.contains(&format!("✗ {}. {}", i + 1, ex.title)),
            "未完成的练习 {} 没有标成 ✗：\n{stdout}",
            ex.id
        );
        assert!(
            stdout.contains(&format!("just hint 01 {}", i + 1)),
            "{stdout}"
        );
    }
    assert!(
        stdout.contains("还没有完成：lessons/01-threads/exercises/"),
        "{stdout}"
    );
}

/// 工具可以启动 `workbook lesson 03 server --port 0`、读第一行、最后杀掉它，而不留下进程：
/// 运行器在 Unix 上用 exec 变成服务端本身，所以它的进程号就是服务端的进程号。
#[cfg(target_os = "linux")]
#[test]
fn one_program_mode_becomes_the_program() {
    let bin = env!("CARGO_BIN_EXE_workbook");
    // 先编好，免得第一行要等编译。
    workbook()
        .args(["lesson", "03", "server", "--help"])
        .assert()
        .success();
    let server = testkit::Proc::server(bin, ["lesson", "03", "server", "--port", "0"]);
    assert_eq!(server.addr().ip().to_string(), "127.0.0.1");
    let pid = server.pid();
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).expect("进程还在");
    assert!(
        exe.to_string_lossy().ends_with("l03-server"),
        "运行器应当变成服务端本身，实际进程是 {}",
        exe.display()
    );
    // 和服务端真的说上话：它回复后自己退出，退出码原样传出。
    let mut stream = std::net::TcpStream::connect(server.addr()).expect("连上服务端");
    use std::io::{Read, Write};
    stream.write_all("你好".as_bytes()).unwrap();
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert_eq!(reply, "我是Server");
    let done = server.finish();
    assert!(
        done.status.success(),
        "服务端的退出码应当原样传出：{:?}",
        done.status
    );
}

/// 演示被打断（Ctrl-C 或 kill）时不留下任何进程：运行器一死，它启动的服务端和客户端都会被系统关掉。
///
/// 用第 06 课的演示：它的第一个服务端要一直活到演示结束（最后一步要等 2 秒超时），
/// 所以看到它的监听地址后，先让运行器暂停（SIGSTOP），就能稳稳地找到它的子进程，
/// 再用 SIGKILL 杀掉运行器本身——只杀运行器，不碰子进程，运行器也没有机会执行任何清理代码，
/// 这是最难的情形。（不用 SIGINT：在后台启动的测试里 SIGINT 可能被继承为“忽略”。）
#[cfg(target_os = "linux")]
#[test]
fn interrupted_demo_leaves_no_process_behind() {
    let bin = env!("CARGO_BIN_EXE_workbook");
    workbook()
        .args(["lesson", "06", "server", "--help"])
        .assert()
        .success();
    let mut demo = testkit::Proc::spawn(bin, ["lesson", "06"]);
    demo.expect_line("服务端的监听地址", |l| {
        l.contains("[服务端]") && l.contains("正在监听")
    });
    let runner = demo.pid();
    signal(runner, Signal::SIGSTOP);
    let children = children_of(runner);
    assert!(
        !children.is_empty(),
        "暂停时运行器应当至少还有服务端这个子进程"
    );
    signal(runner, Signal::SIGKILL);
    let done = demo.finish();
    assert!(!done.status.success(), "被杀掉的运行器不应报告成功");
    for pid in children {
        testkit::wait_until(
            &format!("演示的子进程 {pid} 随运行器一起结束"),
            || !is_alive(pid),
        );
    }
}

#[cfg(target_os = "linux")]
fn signal(pid: u32, sig: Signal) {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), sig)
        .unwrap_or_else(|e| panic!("发信号 {sig} 给 {pid} 失败：{e}"));
}

/// 父进程是 `parent` 的所有进程（读 /proc/*/stat 的第 4 个字段）。
#[cfg(target_os = "linux")]
fn children_of(parent: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let ppid = stat_fields(pid).and_then(|f| f.get(1)?.parse::<u32>().ok());
        if ppid == Some(parent) {
            found.push(pid);
        }
    }
    found
}

/// 进程还在吗？已退出但未被回收的僵尸进程也算不在了。
#[cfg(target_os = "linux")]
fn is_alive(pid: u32) -> bool {
    stat_fields(pid)
        .and_then(|f| f.first().cloned())
        .is_some_and(|state| state != "Z" && state != "X")
}

/// `/proc/<pid>/stat` 里进程名之后的各个字段（第 0 个是状态，第 1 个是父进程号）；进程不在了返回 None。
/// 进程名在括号里，可能含空格，所以从最后一个右括号之后再按空格切。
#[cfg(target_os = "linux")]
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    Some(rest.split_whitespace().map(str::to_string).collect())
}

#[test]
fn help_after_a_program_name_is_the_program_s_own_help() {
    workbook()
        .args(["lesson", "01", "scoped", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("l01-scoped"))
        .stdout(predicate::str::contains("--parts"));
    // 课程本身的帮助仍然是运行器的。
    workbook()
        .args(["lesson", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("用法: workbook lesson"))
        .stdout(predicate::str::contains("显示帮助"));
}

#[test]
fn grading_that_runs_past_its_time_limit_is_stopped_with_an_explanation() {
    workbook()
        .args(["grade", "01"])
        .env("WORKBOOK_GRADE_TIMEOUT", "0")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("评分超过 0 秒还没有结束，已停止"));
}

/// 在仓库的任何子目录里运行都一样：程序在仓库根目录里运行，课程目录里不会多出东西。
#[test]
fn works_from_inside_a_lesson_folder() {
    let dir = lessons::repo_root().join("lessons/01-threads");
    workbook()
        .current_dir(&dir)
        .args(["lesson", "01", "named"])
        .assert()
        .success()
        .stdout(predicate::str::contains("线程1"));
    assert!(!dir.join("target").exists(), "不应在课程目录里建 target/");
}

/// 把演示输出里每次都不同的端口号换成固定的：按第一次出现的先后，依次换成 40001、40002……
fn stable_ports(text: &str) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("127.0.0.1") {
        let (before, after) = rest.split_at(at + "127.0.0.1".len());
        out.push_str(before);
        let sep = if after.starts_with(':') {
            ":"
        } else if after.starts_with("', ") {
            "', "
        } else {
            ""
        };
        let digits: String = after[sep.len()..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if sep.is_empty() || digits.is_empty() {
            rest = after;
            continue;
        }
        let n = match seen.iter().position(|p| *p == digits) {
            Some(i) => i,
            None => {
                seen.push(digits.clone());
                seen.len() - 1
            }
        };
        out.push_str(&format!("{sep}{}", 40001 + n));
        rest = &after[sep.len() + digits.len()..];
    }
    out.push_str(rest);
    out
}

/// 前言里展示的是第 03 课演示真实运行的开头。两个程序之间的先后每次可能不同，所以按“谁说的”分开比：
/// 每个程序自己说的话、以及运行器的 ▶ 说明，都必须和书里的一样、顺序也一样。
#[test]
fn the_introduction_shows_the_start_of_a_real_demo() {
    let saved_path = lessons::repo_root().join("book/src/output/intro-demo.txt");
    let out = workbook()
        .args(["lesson", "03"])
        .assert()
        .success()
        .get_output()
        .clone();
    let actual = stable_ports(&String::from_utf8_lossy(&out.stdout));
    let speaker = |line: &str| -> String {
        line.split_once("] ")
            .filter(|_| line.starts_with('['))
            .map(|(who, _)| who.to_string())
            .unwrap_or_else(|| "运行器".to_string())
    };
    if std::env::var_os("UPDATE_OUTPUT").is_some() {
        // 到完整版客户端说完为止。
        let lines: Vec<&str> = actual.lines().collect();
        let end = lines
            .iter()
            .position(|l| l.starts_with("▶ 连接怎么结束"))
            .unwrap_or(lines.len());
        std::fs::write(&saved_path, lines[..end].join("\n") + "\n").unwrap();
    }
    let saved = std::fs::read_to_string(&saved_path).expect("book/src/output/intro-demo.txt 存在");
    // 端口按出现先后编号，两个程序之间的先后一变，编号也可能变：比较时把端口号都抹掉。
    let blur = |l: &str| {
        let mut s = String::new();
        let mut digits = false;
        for c in l.chars() {
            let d = c.is_ascii_digit();
            if !(d && digits) {
                s.push(if d { '#' } else { c });
            }
            digits = d;
        }
        s
    };
    for who in ["运行器", "服务端", "客户端"] {
        let mine: Vec<String> = saved
            .lines()
            .filter(|l| speaker(l) == who)
            .map(blur)
            .collect();
        let theirs: Vec<String> = actual
            .lines()
            .filter(|l| speaker(l) == who)
            .map(blur)
            .collect();
        assert!(
            theirs.len() >= mine.len() && theirs[..mine.len()] == mine[..],
            "前言里 {who} 的输出和演示的实际输出不一致（确认改动无误后用 UPDATE_OUTPUT=1 重新生成）：\n书里：{mine:#?}\n实际：{:#?}",
            &theirs[..theirs.len().min(mine.len())]
        );
    }
}

/// `TERM=dumb` 的终端不懂颜色：即使用 `CLICOLOR_FORCE` 强制要颜色，也不输出控制字符。
#[test]
fn a_dumb_terminal_gets_no_colour() {
    let run = |term: &str| {
        let out = assert_cmd::Command::cargo_bin("workbook")
            .unwrap()
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1")
            .env("TERM", term)
            .env(
                "WORKBOOK_PROGRESS",
                std::env::temp_dir().join("workbook-progress-colour"),
            )
            .arg("list")
            .timeout(DEADLINE)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(
        run("xterm-256color").contains("\u{1b}["),
        "强制要颜色时应当有颜色"
    );
    assert!(!run("dumb").contains("\u{1b}["), "TERM=dumb 时不应有颜色");
}
