//! 第 09 课练习的评分检查。`workbook grade 09` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::fs;
use std::io::{self, ErrorKind};
use std::net::{TcpListener, TcpStream};
use std::process::ExitStatus;
use std::thread;
use std::time::Duration;

use testkit::{exercise, wait_until, with_deadline, Proc, DEADLINE};

fn check_split(split: fn(&str) -> Result<Vec<String>, String>) {
    let cases: &[(&str, &[&str])] = &[
        ("  echo   hi  ", &["echo", "hi"]),
        (
            r#"echo a\ b "c\"d" 'e\f'"#,
            &["echo", "a b", "c\"d", r"e\f"],
        ),
        (r#"echo "x\\y" "x\ny""#, &["echo", r"x\y", r"x\ny"]),
        (r"echo \'one\' \\", &["echo", "'one'", r"\"]),
        ("a'b c'd \"\" ''", &["ab cd", "", ""]),
        ("echo hi; rm -rf x", &["echo", "hi;", "rm", "-rf", "x"]),
        ("", &[]),
    ];
    for &(line, want) in cases {
        let owned = line.to_string();
        let got = with_deadline("split_with_escapes", move || split(&owned));
        let want: Vec<String> = want.iter().map(|w| w.to_string()).collect();
        assert_eq!(got, Ok(want), "切 {line:?} 的结果不对");
    }
    for bad in [
        "echo 'oops",
        "echo \"oops",
        "echo \"oops\\\"",
        "echo oops\\",
    ] {
        let line = bad.to_string();
        let got = with_deadline("split_with_escapes", move || split(&line));
        assert!(
            got.is_err(),
            "{bad:?} 应当返回 Err（引号没闭合或落单的反斜杠），却得到 {got:?}"
        );
    }
}

/// 进程已经不在了（或者只剩一个等着被回收的僵尸）。
fn is_gone(pid: &str) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

type RunWithTimeout = fn(&[&str], Duration) -> io::Result<Option<ExitStatus>>;

fn check_timeout(run: RunWithTimeout) {
    let status = with_deadline("run_with_timeout(true)", move || {
        run(&["true"], Duration::from_secs(10))
    });
    let status = status
        .expect("true 能启动")
        .expect("true 马上结束，不该超时");
    assert!(status.success(), "true 的退出状态应当是成功");
    let status = with_deadline("run_with_timeout(false)", move || {
        run(&["false"], Duration::from_secs(10))
    });
    assert!(
        !status.unwrap().unwrap().success(),
        "false 的退出状态应当是失败"
    );

    let got = with_deadline("run_with_timeout(sleep 60)", move || {
        run(&["sleep", "60"], Duration::from_millis(200))
    });
    assert!(
        matches!(got, Ok(None)),
        "sleep 60 超过 200 毫秒应当被杀掉并返回 Ok(None)，却得到 {got:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("child.pid");
    let script = format!("sleep 60 & echo $! > '{}'; wait", pid_file.display());
    let got = with_deadline("run_with_timeout(sh 启动 sleep)", move || {
        run(&["sh", "-c", &script], Duration::from_millis(300))
    });
    assert!(
        matches!(got, Ok(None)),
        "sh 超时应当返回 Ok(None)，却得到 {got:?}"
    );
    let pid = fs::read_to_string(&pid_file).expect("sh 写下了子进程号");
    let pid = pid.trim().to_string();
    wait_until(
        &format!("sh 启动的 sleep（进程 {pid}）也被杀掉：要杀整个进程组，而不只是 sh"),
        || is_gone(&pid),
    );

    let got = with_deadline("run_with_timeout(不存在的程序)", move || {
        run(&["no-such-program-l09"], Duration::from_secs(1))
    });
    assert_eq!(
        got.map_err(|e| e.kind()).err(),
        Some(ErrorKind::NotFound),
        "程序不存在时应当返回 NotFound 错误"
    );
}

fn check_ask(ask: fn(&mut TcpStream, &str) -> io::Result<Vec<u8>>) {
    let srv = Proc::server(
        env!("CARGO_BIN_EXE_l09-server"),
        ["--port", "0", "--allow", "seq", "--max-output", "2000000"],
    );
    let addr = srv.addr();
    with_deadline("ask", move || {
        let mut stream = TcpStream::connect(addr).expect("连上参考服务端");
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        let reply = ask(&mut stream, "echo 你好").expect("echo 有回答");
        assert_eq!(reply, "你好\n".as_bytes(), "echo 你好 的回答不对");
        let reply = ask(&mut stream, "cat /etc/passwd").expect("拒绝也是一个回答");
        assert!(reply.starts_with(b"error: "), "cat 应当被拒绝");
        let want: String = (1..=200_000).map(|n| format!("{n}\n")).collect();
        let reply = ask(&mut stream, "seq 1 200000").expect("seq 有回答");
        assert!(
            reply == want.as_bytes(),
            "seq 1 200000 的回答应当是完整的 {} 字节，却收到 {} 字节：要读满帧头说的长度",
            want.len(),
            reply.len()
        );
        let reply = ask(&mut stream, "echo 下一条").expect("有回答");
        assert_eq!(reply, "下一条\n".as_bytes(), "下一条命令的回答不对");
    });
    drop(srv);

    // 一个收下命令就挂断的服务端：应当得到 UnexpectedEof。
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let rude = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let _ = lesson_08::frame::read_frame(&mut conn, 1024);
    });
    let kind = with_deadline("ask（服务端挂断）", move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        ask(&mut stream, "echo 有人吗").map_err(|e| e.kind()).err()
    });
    rude.join().unwrap();
    assert_eq!(
        kind,
        Some(ErrorKind::UnexpectedEof),
        "服务端没回答就关闭连接时应当返回 UnexpectedEof 错误"
    );
}

exercise!(
    l09_split,
    "exercises/split.rs",
    check_split,
    lesson_09::exercises::split::split_with_escapes,
    lesson_09::solutions::split::split_with_escapes,
);

exercise!(
    l09_timeout,
    "exercises/timeout.rs",
    check_timeout,
    lesson_09::exercises::timeout::run_with_timeout,
    lesson_09::solutions::timeout::run_with_timeout,
);

exercise!(
    l09_ask,
    "exercises/ask.rs",
    check_ask,
    lesson_09::exercises::ask::ask,
    lesson_09::solutions::ask::ask,
);
