//! `--dangerous-shell`：命令的后代调用 setsid 逃出了进程组，也逃不出时间限制和清理；
//! 它们不会留下后台进程，也不会让服务端的线程和文件描述符越来越多。

use std::fs;

use testkit::{wait_until, Proc};

use crate::programs::{ask, connect, is_gone, SERVER};

/// 服务端进程现在有几个线程、几个打开的文件描述符。
fn threads_and_fds(pid: u32) -> (usize, usize) {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let threads = status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("status 里有 Threads:");
    let fds = fs::read_dir(format!("/proc/{pid}/fd")).unwrap().count();
    (threads, fds)
}

fn shell_server(extra: &[&str]) -> Proc {
    let mut args = vec!["--port", "0", "--dangerous-shell"];
    args.extend_from_slice(extra);
    Proc::server(SERVER, args)
}

#[test]
fn help_says_plainly_what_the_dangerous_shell_cannot_kill() {
    let done = testkit::run(SERVER, ["--help"], "");
    assert!(done.status.success(), "{}", done.stderr);
    let help = done.stdout;
    for needle in ["setsid", "全部后代", "systemd-run", "杀不到"] {
        assert!(
            help.contains(needle),
            "--help 里应当说明 {needle:?}：\n{help}"
        );
    }
}

#[test]
fn a_setsid_child_is_killed_when_the_command_ends() {
    let srv = shell_server(&[]);
    let mut stream = connect(&srv);
    // sh 马上结束；setsid 让 sleep 自成一个会话和进程组，killpg 杀不到它。
    let reply = ask(&mut stream, "setsid sleep 60 & echo $!");
    let pid = reply.trim().to_string();
    assert!(
        pid.parse::<u32>().is_ok(),
        "回答应当是 sleep 的进程号：{reply}"
    );
    wait_until(&format!("setsid 的 sleep（{pid}）被杀掉"), || {
        is_gone(&pid)
    });
    assert_eq!(ask(&mut stream, "echo 下一条"), "下一条\n");
}

#[test]
fn a_setsid_child_is_killed_at_the_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    let srv = shell_server(&[
        "--time-limit-ms",
        "300",
        "--dir",
        dir.path().to_str().unwrap(),
    ]);
    let mut stream = connect(&srv);
    let reply = ask(&mut stream, "setsid sleep 60 & echo $! > child.pid; wait");
    assert!(reply.starts_with("error: 命令超过了时间限制"), "{reply}");
    let pid = fs::read_to_string(dir.path().join("child.pid")).unwrap();
    let pid = pid.trim().to_string();
    wait_until(&format!("setsid 的 sleep（{pid}）被杀掉"), || {
        is_gone(&pid)
    });
}

#[test]
fn setsid_children_leak_no_threads_or_descriptors() {
    let srv = shell_server(&[]);
    let mut stream = connect(&srv);
    assert_eq!(ask(&mut stream, "echo 开始"), "开始\n");
    let (threads, fds) = threads_and_fds(srv.pid());
    for _ in 0..10 {
        assert_eq!(ask(&mut stream, "setsid sleep 120 &"), "no output!");
    }
    wait_until("线程和文件描述符回到开始时的数目", || {
        let (t, f) = threads_and_fds(srv.pid());
        t <= threads && f <= fds
    });
}

#[test]
fn a_command_that_kills_its_parent_leaves_nothing_behind() {
    let mut srv = shell_server(&[]);
    let mut stream = connect(&srv);
    // 命令杀掉自己的父进程：它的后代成了孤儿，照样要被找到、杀掉。
    let reply = ask(&mut stream, "setsid sleep 60 & echo $!; kill -9 $PPID");
    let pid = reply.lines().next().unwrap_or("").trim().to_string();
    assert!(
        pid.parse::<u32>().is_ok(),
        "回答应当以 sleep 的进程号开头：{reply}"
    );
    wait_until(&format!("setsid 的 sleep（{pid}）被杀掉"), || {
        is_gone(&pid)
    });
    assert!(srv.is_running(), "服务端不应被命令杀掉");
    assert_eq!(ask(&mut connect(&srv), "echo 还在"), "还在\n");
}
