//! 书里展示的输出：真实地运行服务端和客户端，输出与 output/ 里保存的一致
//! （端口、临时目录、用时和速度这些每次都不同的部分先换成固定的文字）。

use crate::common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::*;
use testkit::{assert_matches_saved, normalize, DEADLINE};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// 在仓库根目录运行客户端（和 `just lesson 10` 一样），返回 (退出码, stdout, stderr)。
fn run_client(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(CLIENT)
        .args(args)
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .env_remove("RUST_BACKTRACE")
        .timeout(DEADLINE)
        .output()
        .expect("客户端能运行");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("输出是 UTF-8"),
        String::from_utf8(out.stderr).expect("输出是 UTF-8"),
    )
}

/// 每次运行都不同的部分：端口、临时目录、用时和速度。
fn stable(text: &str, server: &Server) -> String {
    let root = server.root.path().canonicalize().unwrap();
    let text = normalize(
        text,
        &[
            (&format!("127.0.0.1:{}", server.port()), "127.0.0.1:8898"),
            (&root.display().to_string(), "target/l10-demo"),
            (&server.root.path().display().to_string(), "target/l10-demo"),
        ],
    );
    text.lines()
        .map(|line| {
            if line.starts_with("用时 ") && line.ends_with("iB/s") {
                "用时 …… 秒，……/s（每次不同）".to_string()
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_demo_session_matches_the_book() {
    let mut server = start(&["--allow-overwrite"]);
    let port = server.port();
    let sample = "lessons/10-upload/python/upload_client.py";
    let data = std::fs::read(repo_root().join(sample)).unwrap();
    let want = sha256(&data);

    let (code, out, err) = run_client(&["--port", &port, "upload", sample]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("SHA-256 一致：{want}")), "{out}");
    assert_matches_saved(&saved("upload.txt"), &stable(&out, &server));
    server.proc.expect_stdout("[#1] 办完");

    let target = server.root.path().join("downloaded.py");
    let target_arg = target.display().to_string();
    let (code, out, err) = run_client(&[
        "--port",
        &port,
        "download",
        "upload_client.py",
        "--output",
        &target_arg,
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), data);
    assert_matches_saved(&saved("download.txt"), &stable(&out, &server));
    server.proc.expect_stdout("[#2] 办完");

    let (code, out, err) = run_client(&["--port", &port, "upload", sample, "--as", "../x"]);
    assert_eq!(code, 1, "{out}");
    assert!(err.contains("服务端拒绝了上传"), "{err}");
    assert_matches_saved(&saved("refused.txt"), &stable(&(out + &err), &server));
    server.proc.expect_stdout("[#3] 拒绝");
    assert!(!server.root.path().join("x").exists());

    let log = server.proc.kill_and_collect();
    assert_matches_saved(&saved("server.txt"), &stable(&log.stdout, &server));
}

#[test]
fn help_states_each_default_once() {
    let out = Command::new(SERVER)
        .arg("--help")
        .timeout(DEADLINE)
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for word in [
        "用法: l10-server [选项]",
        "--dir <目录>",
        "（默认：uploads）",
        "--max-size <大小>",
        "（默认：1GiB）",
        "--disk-reserve <大小>",
        "（默认：64MiB）",
        "--idle-timeout <秒>",
        "--min-rate <字节每秒>",
        "--max-connections <个>",
        "--allow-overwrite",
        "显示版本",
    ] {
        assert!(help.contains(word), "帮助里应当有 {word:?}：\n{help}");
    }
    // 默认值只说一次：由命令行工具统一写成“（默认：…）”，说明文字里不再重复。
    assert!(!help.contains("默认 "), "{help}");
    assert_eq!(help.matches("（默认：").count(), 8, "{help}");
}
