//! 服务端和客户端对付不讲理的参数，以及写不完的回答：离谱的数字在解析参数时就被拒绝（中文说明），
//! 帮助里每个选项都有说明、默认值只写一次，大小写成人看得懂的单位。

use lesson_08::frame::write_frame;
use testkit::Proc;

use crate::programs::{ask, connect, SERVER};

const CLIENT: &str = env!("CARGO_BIN_EXE_l09-client");

fn server(args: &[&str]) -> Proc {
    let mut all = vec!["--port", "0"];
    all.extend_from_slice(args);
    Proc::server(SERVER, all)
}

/// 运行程序，期待它拒绝这些参数：退出码 2，中文的说明里有 `needle`，没有 panic。
fn refused(program: &str, args: &[&str], needle: &str) {
    let done = testkit::run(program, args, "");
    assert_eq!(
        done.status.code(),
        Some(2),
        "{args:?} 应当被拒绝（退出码 2）\nstdout:\n{}\nstderr:\n{}",
        done.stdout,
        done.stderr
    );
    assert!(
        done.stderr.contains(needle),
        "{args:?} 的说明里应当有 {needle:?}：\n{}",
        done.stderr
    );
    assert!(!done.stderr.contains("panicked"), "{}", done.stderr);
    assert!(done.stdout.is_empty(), "不应开始监听：{}", done.stdout);
}

#[test]
fn hostile_numbers_on_the_command_line_are_refused_in_chinese() {
    // 以前：--idle-secs 18446744073709551615 让每个连接的线程 panic（时刻加法溢出），
    // --idle-secs 0 被接受，随后每个连接都立刻被断开。
    let huge = "18446744073709551615";
    for (args, needle) in [
        (["--idle-timeout", huge], "应当在 1 到 86400 秒之间"),
        (["--idle-timeout", "0"], "应当在 1 到 86400 秒之间"),
        (["--max-connections", "0"], "应当在 1 到 10000"),
        (["--min-rate", "0"], "应当在 1 到"),
        (["--time-limit-ms", "0"], "应当在 1 到 600000 毫秒之间"),
        (["--time-limit-ms", huge], "应当在 1 到 600000 毫秒之间"),
        (["--max-output", "0"], "应当在 1 字节到 15 MiB 之间"),
        (["--max-output", "16MiB"], "应当在 1 字节到 15 MiB 之间"),
        (["--max-output", "lots"], "应当是字节数"),
        (["--port", "65536"], "--port"),
        (["--idle-secs", "1"], "不认识的参数 --idle-secs"),
    ] {
        refused(SERVER, &args, needle);
    }
    for (args, needle) in [
        (["--timeout", "0"], "应当在 1 到 3600 秒之间"),
        (["--timeout", huge], "应当在 1 到 3600 秒之间"),
    ] {
        refused(CLIENT, &args, needle);
    }
}

#[test]
fn help_names_every_option_once_and_versions_are_printed() {
    for (program, needles) in [
        (
            SERVER,
            &[
                "用法: l09-server [选项]",
                "--host <地址>",
                "监听的地址",
                "--port <端口>",
                "监听的端口",
                "（默认：8879）",
                "--idle-timeout <秒>",
                "--max-connections <个>",
                "--max-output <字节数>",
                "（默认：1 MiB）",
                "显示版本",
            ][..],
        ),
        (
            CLIENT,
            &[
                "用法: l09-client [选项]",
                "--host <地址>",
                "服务端的地址",
                "--port <端口>",
                "服务端的端口",
                "（默认：8879）",
                "--timeout <秒>",
            ][..],
        ),
    ] {
        let done = testkit::run(program, ["--help"], "");
        assert!(done.status.success(), "{}", done.stderr);
        for needle in needles {
            assert!(
                done.stdout.contains(needle),
                "--help 里应当有 {needle:?}：\n{}",
                done.stdout
            );
        }
        for english in ["Usage", "Options", "[default", "Print help", "默认 "] {
            assert!(
                !done.stdout.contains(english),
                "--help 里不应有 {english:?}：\n{}",
                done.stdout
            );
        }
        let version = testkit::run(program, ["--version"], "");
        assert!(version.status.success(), "{}", version.stderr);
        assert!(
            version.stdout.starts_with(&format!(
                "{} 0.1.0",
                std::path::Path::new(program)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
            )),
            "{}",
            version.stdout
        );
    }
    // 默认值只写一次：帮助里不再有自己写的“默认 …”。
    let help = testkit::run(SERVER, ["--help"], "").stdout;
    assert_eq!(help.matches("（默认：8879）").count(), 1, "{help}");
}

#[test]
fn sizes_are_shown_in_human_units() {
    let srv = server(&["--allow", "seq", "--max-output", "64KiB"]);
    let mut stream = connect(&srv);
    let reply = ask(&mut stream, "seq 1 100000");
    assert_eq!(reply.rfind("\n["), Some(65536), "上限 64 KiB 是 65536 字节");
    assert!(
        reply.ends_with("\n[输出超过上限 64 KiB，后面的部分已截掉]\n"),
        "{}",
        &reply[reply.len() - 80..]
    );
}

#[test]
fn the_dangerous_shell_is_linux_only_and_says_why() {
    if cfg!(target_os = "linux") {
        let mut srv = server(&["--dangerous-shell"]);
        srv.expect_stdout("警告：--dangerous-shell");
        return;
    }
    let done = testkit::run(SERVER, ["--port", "0", "--dangerous-shell"], "");
    assert_eq!(done.status.code(), Some(1), "{}", done.stderr);
    assert!(
        done.stderr.contains("只在 Linux 上") && done.stderr.contains("setsid"),
        "要说明为什么：{}",
        done.stderr
    );
}

#[test]
fn a_slow_reader_cannot_hold_a_reply_forever() {
    // 回答有 6 MB 多，比两边的缓冲区加起来还大；客户端一个字节也不读。
    // 整次写都有超时，到点就断开，别人照常。
    let mut srv = server(&[
        "--allow",
        "seq",
        "--max-output",
        "15MiB",
        "--idle-timeout",
        "1",
    ]);
    let mut stream = connect(&srv);
    write_frame(&mut stream, b"seq 1 1000000").unwrap();
    srv.expect_stdout("不读回答");
    let mut other = connect(&srv);
    assert_eq!(ask(&mut other, "echo 下一位"), "下一位\n");
    drop(stream);
    assert!(srv.is_running(), "服务端不应退出");
}
