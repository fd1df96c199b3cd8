//! `--allow` 只能从审过的程序表里选，每个程序只接受审过的参数；程序在启动时就从固定的
//! PATH（/usr/bin:/bin）找成绝对路径，用户的 PATH 和命令的工作目录都不参与。

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use testkit::{assert_clear_failure, assert_matches_saved, Proc};

use crate::programs::{ask, connect, SERVER};

/// 拒绝列表放过的程序：它们都能替人运行命令，或者读写任意文件。
const ESCAPES: &[&str] = &[
    "rbash",
    "nawk",
    "ld.so",
    "logsave",
    "sg",
    "prlimit",
    "setarch",
    "linux64",
    "ssh-agent",
    "capsh",
    "start-stop-daemon",
    "nodejs",
    "sqlite3",
    "gmake",
    "gcc",
    "zip",
    "ex",
    "valgrind",
    "tee",
    "dd",
    "no-such-program-l09",
];

#[test]
fn allow_refuses_every_program_outside_the_vetted_table() {
    for name in ESCAPES {
        let mut proc = Proc::spawn(SERVER, ["--port", "0", "--allow", name]);
        proc.close_stdin();
        let out = proc.finish();
        assert_clear_failure(&out, &format!("--allow {name}"));
        assert!(
            out.stderr.contains("审过的程序"),
            "要说明原因：只有审过的程序能加进允许列表：\n{}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "不应开始监听：\n{}", out.stdout);
        if *name == "tee" {
            let path = format!("{}/output/allow-refused.txt", env!("CARGO_MANIFEST_DIR"));
            assert_matches_saved(&path, out.stderr.trim_start());
        }
    }
}

#[test]
fn vetted_programs_take_only_their_vetted_arguments() {
    let srv = Proc::server(SERVER, ["--port", "0", "--allow", "date", "--allow", "seq"]);
    let mut stream = connect(&srv);
    // date 能读文件（-f、--file，还有 GNU 允许的缩写 --fi 和连写的 -uf）、读文件的时间（-r）、
    // 改系统时间（-s、或者一个不以 + 开头的参数）。这些都要在运行之前就拒绝。
    for line in [
        "date -f /etc/shadow",
        "date -f/etc/shadow",
        "date --file=/etc/shadow",
        "date --fi /etc/shadow",
        "date -uf /etc/shadow",
        "date -r /etc/shadow",
        "date --reference=/etc/shadow",
        "date -s 2000-01-01",
        "date --set=2000-01-01",
        "date 010100002000",
        "uname /etc/shadow",
        "whoami /etc/shadow",
    ] {
        let reply = ask(&mut stream, line);
        assert!(reply.starts_with("error: "), "{line:?} 应当被拒绝：{reply}");
        assert!(!reply.contains("root:"), "{line:?} 读到了文件：{reply}");
        assert!(reply.contains("参数"), "要说明是哪个参数不行：{reply}");
    }
    let year = ask(&mut stream, "date -u +%Y");
    assert_eq!(year.trim_end().len(), 4, "{year}");
    assert!(
        year.trim_end().chars().all(|c| c.is_ascii_digit()),
        "{year}"
    );
    assert_eq!(ask(&mut stream, "seq -s , 3"), "1,2,3\n");
    let system = std::process::Command::new("/usr/bin/uname")
        .arg("-s")
        .output()
        .unwrap();
    assert_eq!(
        ask(&mut stream, "uname -s"),
        String::from_utf8(system.stdout).unwrap()
    );
    assert_eq!(ask(&mut stream, "echo -n -e a\\tb"), "a\tb");
}

/// 在 `dir` 里放一个冒名的程序：它只打印 FAKE。
fn plant_fake(dir: &Path, name: &str) {
    let path = dir.join(name);
    fs::write(&path, "#!/bin/sh\necho FAKE\n").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// 用给定的 PATH 启动服务端（`env` 按绝对路径启动它，不受这个 PATH 影响）。
fn server_with_path(path: &str, extra: &[&str]) -> Proc {
    let mut args = vec![format!("PATH={path}"), SERVER.to_string()];
    args.extend(["--port", "0"].iter().chain(extra).map(|s| s.to_string()));
    Proc::server("/usr/bin/env", args)
}

#[test]
fn a_fake_program_earlier_in_the_users_path_does_not_run() {
    let dir = tempfile::tempdir().unwrap();
    plant_fake(dir.path(), "echo");
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let srv = server_with_path(&path, &[]);
    let mut stream = connect(&srv);
    assert_eq!(
        ask(&mut stream, "echo hi"),
        "hi\n",
        "不应运行 PATH 前面冒名的 echo"
    );
}

#[test]
fn an_empty_path_entry_does_not_run_programs_from_the_command_directory() {
    let dir = tempfile::tempdir().unwrap();
    plant_fake(dir.path(), "whoami");
    // PATH 里的空项（开头的 `:`）表示“当前目录”；命令在 --dir 里运行，当前目录就是它。
    let path = format!(":{}", std::env::var("PATH").unwrap_or_default());
    let srv = server_with_path(&path, &["--dir", dir.path().to_str().unwrap()]);
    let mut stream = connect(&srv);
    let me = std::process::Command::new("/usr/bin/whoami")
        .output()
        .unwrap();
    assert_eq!(
        ask(&mut stream, "whoami"),
        String::from_utf8(me.stdout).unwrap(),
        "不应运行 --dir 里冒名的 whoami"
    );
}
