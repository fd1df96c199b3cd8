//! 评分、watch 和提示，对着一份**沙盒**里的第 01 课：把这一课复制进一个临时的 cargo 工作区，
//! 在那里随意改坏、改对练习文件，不碰仓库里学习者自己的文件。沙盒和仓库共用目标目录，
//! 依赖不用重新编译，只有复制出来的这一课要编一次。

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testkit::DEADLINE;
use workbook::lessons;

/// 一个临时的 cargo 工作区，里面只有第 01 课的副本；结束时删掉。
struct Sandbox {
    root: PathBuf,
    progress: PathBuf,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&path, &target);
            }
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// 仓库的目标目录：`target/debug/workbook` 往上两级。
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_workbook"))
        .ancestors()
        .nth(2)
        .expect("workbook 在 target/<profile>/ 里")
        .to_path_buf()
}

fn sandbox(name: &str) -> Sandbox {
    let real = lessons::repo_root();
    let root = std::env::temp_dir().join(format!("workbook-sandbox-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    copy_dir(
        &real.join("lessons/01-threads"),
        &root.join("lessons/01-threads"),
    );
    fs::copy(real.join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    // 工作区的清单：成员只有这一课；工作区依赖里的路径改成仓库里的绝对路径，配置和仓库的相同，
    // 这样依赖的编译结果都能复用。
    let manifest: toml::Table =
        toml::from_str(&fs::read_to_string(real.join("Cargo.toml")).unwrap()).unwrap();
    let mut workspace = manifest["workspace"].as_table().unwrap().clone();
    workspace.insert(
        "members".into(),
        toml::Value::Array(vec!["lessons/01-threads".into()]),
    );
    if let Some(deps) = workspace
        .get_mut("dependencies")
        .and_then(|d| d.as_table_mut())
    {
        for (_, dep) in deps.iter_mut() {
            if let Some(path) = dep.get_mut("path") {
                let abs = real.join(path.as_str().unwrap());
                *path = toml::Value::String(abs.to_string_lossy().into_owned());
            }
        }
    }
    let mut out = toml::Table::new();
    out.insert("workspace".into(), toml::Value::Table(workspace));
    if let Some(profile) = manifest.get("profile") {
        out.insert("profile".into(), profile.clone());
    }
    fs::write(root.join("Cargo.toml"), toml::to_string(&out).unwrap()).unwrap();
    let progress = root.join("progress");
    Sandbox { root, progress }
}

impl Sandbox {
    fn file(&self, rel: &str) -> PathBuf {
        self.root.join("lessons/01-threads").join(rel)
    }

    fn workbook(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_workbook"));
        cmd.current_dir(&self.root)
            .env("NO_COLOR", "1")
            .env("WORKBOOK_JUST", "1")
            .env("WORKBOOK_PROGRESS", &self.progress)
            .env("CARGO_TARGET_DIR", target_dir());
        cmd
    }

    /// 运行 workbook（有期限），返回（退出码，标准输出，标准错误）。
    fn run(&self, args: &[&str]) -> (Option<i32>, String, String) {
        let mut child = self
            .workbook()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("能运行 workbook");
        let deadline = Instant::now() + DEADLINE * 9;
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("workbook {args:?} 超过期限还没结束");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// 把参考答案抄进练习文件（参考答案和练习文件的签名相同）。
    fn solve(&self, name: &str) {
        let solution = fs::read_to_string(self.file(&format!("solutions/{name}.rs"))).unwrap();
        fs::write(self.file(&format!("exercises/{name}.rs")), solution).unwrap();
    }
}

/// 同一时间只让一个沙盒编译：它们共用目标目录里同一个包的产物。
/// 用目标目录里的一个文件锁，而不是进程里的 Mutex：每个测试一个进程的测试工具（cargo nextest）
/// 同时运行这几个测试时，也一个一个来。锁随返回的文件一起释放。
fn one_at_a_time() -> fs::File {
    let path = target_dir().join("workbook-grading-sandbox.lock");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("打不开锁文件 {}：{e}", path.display()));
    // 写全名：标准库从 1.89 起也有一个 File::lock，这里要的是 fs4 的（最低支持的 Rust 是 1.88）。
    fs4::FileExt::lock(&file).unwrap_or_else(|e| panic!("锁不上 {}：{e}", path.display()));
    file
}

#[test]
fn a_broken_exercise_breaks_only_its_own_grade() {
    let _serial = one_at_a_time();
    let sb = sandbox("broken");
    sb.solve("named");
    let (code, out, _) = sb.run(&["grade", "01", "1"]);
    assert_eq!(code, Some(0), "抄上参考答案的第 1 题应当通过：\n{out}");
    assert!(out.contains("✓ 1. "), "{out}");
    assert!(out.contains("秒"), "每道题要显示用时：\n{out}");

    // 改坏另一道题的语法：这一课的程序照样能运行……
    let stop = sb.file("exercises/stop.rs");
    let mut text = fs::read_to_string(&stop).unwrap();
    text.push_str("\nfn broken( {\n");
    fs::write(&stop, text).unwrap();
    let (code, out, err) = sb.run(&["lesson", "01", "named"]);
    assert_eq!(
        code,
        Some(0),
        "练习改坏了，程序应当照样能运行：\n{out}\n{err}"
    );
    assert!(out.contains("线程1"), "{out}");
    let (code, out, err) = sb.run(&["lesson", "01"]);
    assert_eq!(
        code,
        Some(0),
        "练习改坏了，演示应当照样能运行：\n{out}\n{err}"
    );

    // ……评分说“未评分（编译失败）”，给出第一个错误和它的位置，之前的成绩保留。
    let (code, out, _) = sb.run(&["grade", "01"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("第 01 课未评分（编译失败）"), "{out}");
    assert!(
        out.contains("lessons/01-threads/exercises/stop.rs:"),
        "要给出错误的位置：\n{out}"
    );
    assert!(
        out.contains("unclosed delimiter"),
        "要给出编译器的错误：\n{out}"
    );
    assert!(
        !out.contains("✗ 1. "),
        "编译失败时不应给出各题的 ✗：\n{out}"
    );
    let progress = fs::read_to_string(&sb.progress).unwrap();
    assert!(
        progress.contains("l01_named passed"),
        "编译失败不应抹掉之前的成绩：\n{progress}"
    );
    let (_, list, _) = sb.run(&["list"]);
    assert!(list.contains("练习 1/4"), "{list}");
    assert!(list.contains("全部练习 1/4 完成"), "{list}");

    // 通过以后又改过的文件：显示“需要重新评分”。
    let named = sb.file("exercises/named.rs");
    let mut text = fs::read_to_string(&named).unwrap();
    text.push_str("\n// 改了一下\n");
    fs::write(&named, text).unwrap();
    let (_, list, _) = sb.run(&["list"]);
    assert!(list.contains("1 道需要重新评分"), "{list}");
    assert!(list.contains("练习 0/4"), "{list}");
}

#[test]
fn a_failing_exercise_shows_the_learner_s_own_failure() {
    let _serial = one_at_a_time();
    let sb = sandbox("failing");
    // 一个会 panic 的“答案”：评分要指出学习者文件里 panic 的那一行，而不是评分检查自己的代码。
    let named = sb.file("exercises/named.rs");
    let text = fs::read_to_string(&named).unwrap().replace(
        "todo!()",
        "let v: Vec<u8> = Vec::new();\n    let _ = v[3];\n    todo!()",
    );
    fs::write(&named, text).unwrap();
    // 一个调用 process::exit 的“答案”：测试进程死了，要如实说。
    let stop = sb.file("exercises/stop.rs");
    let text = fs::read_to_string(&stop)
        .unwrap()
        .replace("todo!()", "std::process::exit(3)");
    fs::write(&stop, text).unwrap();

    let (code, out, _) = sb.run(&["grade", "01"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("index out of bounds"), "{out}");
    assert!(
        out.contains("lessons/01-threads/exercises/named.rs:"),
        "panic 来自学习者的文件时要给出文件和行号：\n{out}"
    );
    assert!(out.contains("退出码 3"), "测试进程死掉时要说清楚：\n{out}");
    assert!(
        out.contains("还没有完成：lessons/01-threads/exercises/scoped.rs:"),
        "{out}"
    );
    assert!(out.contains("just hint 01 1"), "{out}");
    assert!(out.contains("全部练习 0/4 完成"), "{out}");

    // --verbose 显示学习者自己打印的内容。
    let text = fs::read_to_string(&named).unwrap().replace(
        "let v: Vec<u8>",
        "println!(\"调试：到这里了\");\n    let v: Vec<u8>",
    );
    fs::write(&named, text).unwrap();
    let (_, out, _) = sb.run(&["grade", "01", "1"]);
    assert!(
        !out.contains("调试：到这里了"),
        "不加 --verbose 时不显示程序自己的输出：\n{out}"
    );
    assert!(!out.contains("2. "), "只评第 1 题：\n{out}");
    let (_, out, _) = sb.run(&["grade", "01", "1", "--verbose"]);
    assert!(out.contains("调试：到这里了"), "{out}");
}

#[test]
fn hints_come_in_three_levels() {
    let sb = sandbox("hints");
    let (code, nudge, _) = sb.run(&["hint", "01", "2"]);
    assert_eq!(code, Some(0));
    assert!(nudge.contains("just hint 01 2 --more"), "{nudge}");
    let (_, answer, _) = sb.run(&["hint", "01", "2", "--answer"]);
    assert!(
        answer.contains("lessons/01-threads/solutions/stop.rs"),
        "{answer}"
    );
    // 没装 just 时，给出的命令换成 cargo run。
    let (_, nudge, _) = {
        let mut cmd = sb.workbook();
        cmd.env("WORKBOOK_JUST", "0").args(["hint", "01", "2"]);
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            (),
        )
    };
    assert!(nudge.contains("cargo run -- hint 01 2 --more"), "{nudge}");
}

#[cfg(unix)]
#[test]
fn watch_regrades_on_save_moves_on_and_quits_on_q() {
    let _serial = one_at_a_time();
    let sb = sandbox("watch");
    // 先编好，免得 watch 的第一轮要等编译。
    sb.run(&["grade", "01", "1"]);
    let mut cmd = sb.workbook();
    cmd.args(["watch", "01"]);
    let mut watch = testkit::Proc::from_command(cmd);
    watch.expect_stdout("第 01 课第 1 题");
    // 第一轮要编译：别的测试同时在用同一个目标目录编译时，cargo 会排队等锁。
    watch.expect_line_within("第一次评分的结果", DEADLINE * 9, |l| {
        l.contains("保存文件后自动重新评分")
    });
    sb.solve("named");
    watch.expect_line_within("改对以后的评分结果", DEADLINE * 9, |l| {
        l.contains("✓ 通过")
    });
    watch.expect_stdout("第 01 课第 2 题");
    watch.send_line("q");
    let done = watch.finish();
    assert!(done.status.success(), "{}", done.stderr);
    assert!(done.stdout.contains("已退出"), "{}", done.stdout);
}
