//! 问 cargo，而不是猜：程序编到了哪里、练习编译有没有通过、第一个错误在哪一行。
//!
//! 运行器用 `cargo build/test --message-format=json` 编译，从 cargo 的 JSON 消息里读出每个产物的路径
//! （所以 `CARGO_TARGET_DIR`、`build.target-dir` 怎么设都找得到），以及编译器的错误和警告。

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// 运行器自己用哪个 cargo：`cargo run` 启动运行器时，cargo 会告诉它（环境变量 `CARGO`）。
pub fn program() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

#[derive(Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    profile: Option<Profile>,
    #[serde(default)]
    message: Option<Diagnostic>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

#[derive(Deserialize)]
struct Profile {
    test: bool,
}

#[derive(Deserialize, Clone)]
struct Diagnostic {
    level: String,
    #[serde(default)]
    rendered: Option<String>,
    #[serde(default)]
    spans: Vec<Span>,
}

#[derive(Deserialize, Clone)]
struct Span {
    file_name: String,
    line_start: usize,
    column_start: usize,
    is_primary: bool,
}

/// 编译器的一条消息，给人看的样子和它的主要位置。
#[derive(Debug, Clone)]
pub struct CompilerMessage {
    /// `error` / `warning`。
    pub level: String,
    /// 编译器排好版的全文（和终端里看到的一样）。
    pub rendered: String,
    /// 主要位置，`文件:行:列`（文件相对 cargo 的工作目录，即仓库根目录）。
    pub location: Option<String>,
    /// 主要位置所在的文件。
    pub file: Option<String>,
}

/// 一次编译的结果。
#[derive(Debug, Default)]
pub struct Build {
    /// 编译是否成功。
    pub success: bool,
    /// 产物：目标名 → 可执行文件。测试目标的名字前加 `test:`。
    pub executables: BTreeMap<String, PathBuf>,
    /// 编译器的错误和警告，按出现的先后。
    pub messages: Vec<CompilerMessage>,
    /// cargo 自己在标准错误上说的话（比如依赖下载失败），编译器的消息不在这里。
    pub stderr: String,
}

impl Build {
    pub fn first_error(&self) -> Option<&CompilerMessage> {
        self.messages.iter().find(|m| m.level == "error")
    }
}

/// 运行一条带 `--message-format=json` 的 cargo 命令，收集产物和编译器消息。
///
/// cargo 自己的进度不显示；编译超过半秒还没结束时，在标准错误上打印一次 `note`
/// （比如“正在编译第 03 课……”），免得第一次运行时对着空屏幕等十几秒。
pub fn run(root: &Path, args: &[&str], note: Option<&str>) -> Result<Build> {
    let mut cmd = Command::new(program());
    cmd.current_dir(root)
        .args(args)
        .arg("--message-format=json")
        .env("CARGO_TERM_COLOR", "never")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().context("无法运行 cargo（Rust 装好了吗？）")?;
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let noter = note.map(|note| {
        let note = note.to_string();
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                done_rx.recv_timeout(std::time::Duration::from_millis(500))
            {
                eprintln!("{note}");
            }
        })
    });
    let stderr_reader = child.stderr.take().map(|mut err| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut err, &mut text);
            text
        })
    });
    let mut build = Build::default();
    let stdout = child.stdout.take().expect("stdout 是管道");
    for line in BufReader::new(stdout).lines() {
        let line = line.context("读 cargo 的输出失败")?;
        let Ok(msg) = serde_json::from_str::<Message>(&line) else {
            continue;
        };
        match msg.reason.as_str() {
            "compiler-artifact" => {
                if let (Some(target), Some(exe)) = (msg.target, msg.executable) {
                    let is_test = msg.profile.is_some_and(|p| p.test);
                    let key = if is_test && !target.kind.iter().any(|k| k == "bin") {
                        format!("test:{}", target.name)
                    } else if is_test {
                        continue;
                    } else {
                        target.name
                    };
                    build.executables.insert(key, exe);
                }
            }
            "compiler-message" => {
                if let Some(diag) = msg.message {
                    if diag.level == "error" || diag.level == "warning" {
                        build.messages.push(compiler_message(diag));
                    }
                }
            }
            _ => {}
        }
    }
    let status = child.wait().context("等 cargo 结束失败")?;
    drop(done_tx);
    if let Some(noter) = noter {
        let _ = noter.join();
    }
    build.success = status.success();
    if let Some(reader) = stderr_reader {
        build.stderr = reader.join().unwrap_or_default();
    }
    Ok(build)
}

fn compiler_message(diag: Diagnostic) -> CompilerMessage {
    let span = diag
        .spans
        .iter()
        .find(|s| s.is_primary)
        .or(diag.spans.first());
    CompilerMessage {
        level: diag.level,
        rendered: strip_ansi(diag.rendered.as_deref().unwrap_or("")),
        location: span.map(|s| format!("{}:{}:{}", s.file_name, s.line_start, s.column_start)),
        file: span.map(|s| s.file_name.clone()),
    }
}

/// 去掉终端颜色的控制序列（`NO_COLOR` 时、或者输出不是终端时用）。
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// 编译一课的全部程序，返回 程序名 → 可执行文件。
pub fn build_bins(
    root: &Path,
    package: &str,
    release: bool,
    note: &str,
) -> Result<BTreeMap<String, PathBuf>> {
    let mut args = vec!["build", "-p", package, "--bins"];
    if release {
        args.push("--release");
    }
    let build = run(root, &args, Some(note))?;
    if !build.success {
        match build.first_error() {
            Some(err) => eprintln!("{}", err.rendered.trim_end()),
            None => eprintln!("{}", build.stderr.trim_end()),
        }
        bail!("{package} 的程序编译失败（错误见上面）");
    }
    Ok(build.executables)
}

/// `cargo metadata` 说的目标目录（`CARGO_TARGET_DIR`、`.cargo/config.toml` 的 `build.target-dir` 都算在内）。
pub fn target_dir(root: &Path) -> Result<PathBuf> {
    #[derive(Deserialize)]
    struct Metadata {
        target_directory: PathBuf,
    }
    let out = Command::new(program())
        .current_dir(root)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .stderr(Stdio::null())
        .output()
        .context("无法运行 cargo metadata")?;
    if !out.status.success() {
        bail!("cargo metadata 失败");
    }
    let meta: Metadata =
        serde_json::from_slice(&out.stdout).context("读不懂 cargo metadata 的输出")?;
    Ok(meta.target_directory)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_colours_are_removed() {
        assert_eq!(
            strip_ansi("\u{1b}[1m\u{1b}[31merror\u{1b}[0m: x"),
            "error: x"
        );
        assert_eq!(strip_ansi("无颜色"), "无颜色");
    }

    #[test]
    fn an_error_message_keeps_its_primary_location() {
        let json = r#"{"reason":"compiler-message","message":{"level":"error","rendered":"error[E0425]: x\n","spans":[{"file_name":"a.rs","line_start":1,"column_start":2,"is_primary":false},{"file_name":"lessons/03-first-tcp/exercises/ask.rs","line_start":14,"column_start":5,"is_primary":true}]}}"#;
        let msg: Message = serde_json::from_str(json).unwrap();
        let m = compiler_message(msg.message.unwrap());
        assert_eq!(
            m.location.as_deref(),
            Some("lessons/03-first-tcp/exercises/ask.rs:14:5")
        );
        assert_eq!(m.rendered, "error[E0425]: x\n");
    }
}
