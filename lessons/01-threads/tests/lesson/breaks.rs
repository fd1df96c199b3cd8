//! 书里“会坏在哪里”的几次运行：`l01-pitfalls` 把教程版直译成 Rust 时的坑真的运行一次，
//! 保存下来的输出由这里保持与实际一致，书里的每句说法都有一条断言。

use testkit::assert_matches_saved;

use crate::twins::as_in_a_terminal;

const PROMPT: &str = "请输入要传输的内容：";

fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn pitfall(what: &str, stdin: &str) -> String {
    let out = testkit::run(env!("CARGO_BIN_EXE_l01-pitfalls"), [what], stdin);
    assert!(
        out.status.success(),
        "{what} 应当自己停下、正常结束\nstdout:\n{}\nstderr:\n{}",
        out.stdout,
        out.stderr
    );
    out.stdout
}

#[test]
fn without_join_the_threads_line_is_lost() {
    let out = pitfall("no-join", "");
    assert_eq!(out, "主线程：没有 join，main 返回了\n");
    assert!(!out.contains("我是一个线程"), "{out}");
    assert_matches_saved(&saved("breaks-no-join.txt"), &out);
}

#[test]
fn a_copied_bool_never_stops_the_receiving_thread() {
    let inputs = ["你好", "exit"];
    let raw = pitfall("copied-flag", "你好\nexit\n");
    assert!(raw.contains("send_thread：把 running 设为 false"), "{raw}");
    // send_thread 确实改了 running，recv_thread 却一次也没有看到。
    assert!(!raw.contains("recv_thread：running 是 false 了"), "{raw}");
    for i in 1..=5 {
        assert!(
            raw.contains(&format!("主线程：第 {i} 次看，recv_thread 还在转")),
            "{raw}"
        );
    }
    assert!(raw.ends_with("不等了，退出\n"), "{raw}");
    assert_matches_saved(
        &saved("breaks-copied-flag.txt"),
        &as_in_a_terminal(&raw, PROMPT, &inputs),
    );
}

#[test]
fn a_kept_sender_keeps_the_channel_open() {
    let out = pitfall("kept-sender", "");
    for i in 1..=3 {
        assert!(
            out.contains(&format!("主线程收到：工人{i} 完成了任务")),
            "{out}"
        );
    }
    assert!(out.contains("等了 1 秒，通道还没有结束"), "{out}");
    assert!(!out.contains("通道结束\n"), "{out}");
    assert_matches_saved(&saved("breaks-kept-sender.txt"), &out);
}
