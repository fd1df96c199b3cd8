//! 这一课几个测试模块共用的小工具。

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use testkit::Proc;

pub const SERVER: &str = env!("CARGO_BIN_EXE_l11-server");
pub const CLIENT: &str = env!("CARGO_BIN_EXE_l11-client");
pub const FRAMED_SERVER: &str = env!("CARGO_BIN_EXE_l11-framed-server");
pub const CHAT_SERVER: &str = env!("CARGO_BIN_EXE_l11-chat-server");
pub const UDP_SERVER: &str = env!("CARGO_BIN_EXE_l11-udp-server");

/// 互通测试要用的别的课的客户端：(包名, 程序名)。
const OTHERS: [(&str, &str); 5] = [
    ("lesson-04", "l04-threaded-client"),
    ("lesson-04", "l04-chat-client"),
    ("lesson-04", "l04-threaded-server"),
    ("lesson-05", "l05-client"),
    ("lesson-08", "l08-framed-client"),
];

/// 别的课的程序：cargo 只替这一课的测试编这一课的程序，别的课的用同一个 cargo、同一个目标目录
/// 编一次（已经编好时几乎不花时间），路径和这一课的程序在同一个目录里。
pub fn other(bin: &str) -> String {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.arg("build").arg("--quiet");
        for (package, _) in OTHERS {
            cmd.args(["-p", package]);
        }
        for (_, name) in OTHERS {
            cmd.args(["--bin", name]);
        }
        cmd.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
        match cmd.status() {
            Ok(s) if s.success() => Ok(()),
            Ok(s) => Err(format!("cargo build 失败：{s}")),
            Err(e) => Err(format!("无法运行 cargo：{e}")),
        }
    });
    if let Err(e) = built {
        panic!("编译别的课的程序失败：{e}");
    }
    assert!(
        OTHERS.iter().any(|(_, n)| *n == bin),
        "{bin} 不在 OTHERS 里"
    );
    let dir = PathBuf::from(SERVER)
        .parent()
        .expect("程序在一个目录里")
        .to_path_buf();
    dir.join(format!("{bin}{}", std::env::consts::EXE_SUFFIX))
        .to_string_lossy()
        .into_owned()
}

pub fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn python(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// 启动服务端（`--port 0` 加上额外参数）。
pub fn server(bin: &str, extra: &[&str]) -> Proc {
    let mut args = vec!["--port", "0"];
    args.extend_from_slice(extra);
    Proc::server(bin, args)
}

/// 像在终端里按 Ctrl-C 一样，给进程发 SIGINT。
#[cfg(unix)]
pub fn ctrl_c(proc: &Proc) {
    testkit::signal::interrupt(proc.pid());
}

/// 输出里的端口换成默认端口，好和保存的输出比较。
pub fn normalized(text: &str, port: u16, default: u16) -> String {
    let mut out = testkit::normalize(
        text,
        &[(
            &format!("127.0.0.1:{port}"),
            &format!("127.0.0.1:{default}"),
        )],
    );
    // 客户端的端口每次都不一样。
    let mut result = String::new();
    let mut rest = out.as_str();
    while let Some(i) = rest.find("127.0.0.1:") {
        let (head, tail) = rest.split_at(i + "127.0.0.1:".len());
        result.push_str(head);
        let digits = tail.chars().take_while(|c| c.is_ascii_digit()).count();
        let port = &tail[..digits];
        result.push_str(if port == default.to_string() {
            port
        } else {
            "客户端端口"
        });
        rest = &tail[digits..];
    }
    result.push_str(rest);
    out = result;
    out
}
