//! 教程版（照教程的 Python 逐行写成的 Rust）：真实运行，检查它们说的话和 Python 版一字不差，
//! 书里展示的输出由这里保持与实际一致。机器上没有 python3 时，和 Python 比较的部分说明原因后跳过。

use testkit::{assert_matches_saved, Finished};

const PROMPT: &str = "请输入要传输的内容：";

fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn python_file(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// 运行到结束（等不到结束就让测试失败），要求退出码 0，返回标准输出。
fn stdout_of(out: Finished) -> String {
    assert!(
        out.status.success(),
        "应当正常结束\nstdout:\n{}\nstderr:\n{}",
        out.stdout,
        out.stderr
    );
    assert!(
        out.stderr.is_empty(),
        "标准错误应当是空的：\n{}",
        out.stderr
    );
    out.stdout
}

fn rust(bin: &str, stdin: &str) -> String {
    stdout_of(testkit::run(bin, std::iter::empty::<&str>(), stdin))
}

fn python(test: &str, script: &str, stdin: &str) -> Option<String> {
    let py = testkit::python3(test)?;
    Some(stdout_of(testkit::run(py, [python_file(script)], stdin)))
}

/// 标准输入来自管道时不会回显，提示后面紧跟着程序的下一句话。在终端里，你敲的字会出现在提示后面：
/// 把每个输入放回它所回答的那个提示后面，得到的就是终端里看到的样子。
pub fn as_in_a_terminal(raw: &str, prompt: &str, inputs: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = raw;
    for input in inputs {
        let Some(at) = rest.find(prompt) else { break };
        let end = at + prompt.len();
        out.push_str(&rest[..end]);
        out.push_str(input);
        out.push('\n');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn thread1_prints_the_tutorials_line() {
    let out = rust(env!("CARGO_BIN_EXE_l01-thread1"), "");
    assert_eq!(out, "我是一个线程。。。\n");
    assert_matches_saved(&saved("thread1.txt"), &out);
    if let Some(py) = python("thread1_prints_the_tutorials_line", "thread1.py", "") {
        assert_eq!(py, out, "Python 版和 Rust 版应当打印同样的内容");
    }
}

#[test]
fn thread2_gets_its_arguments() {
    let out = rust(env!("CARGO_BIN_EXE_l01-thread2"), "");
    assert_eq!(out, "我是一个线程。。。123\n");
    assert_matches_saved(&saved("thread2.txt"), &out);
    if let Some(py) = python("thread2_gets_its_arguments", "thread2.py", "") {
        assert_eq!(py, out, "Python 版和 Rust 版应当打印同样的内容");
    }
}

#[test]
fn running_stops_both_threads_on_exit() {
    let inputs = ["你好", "exit"];
    let script = "你好\nexit\n";
    let raw = rust(env!("CARGO_BIN_EXE_l01-running"), script);
    // 先是两次提示，然后 send_thread 关掉 running，最后 recv_thread 看到 false 退出：顺序是确定的，
    // 因为 recv_thread 只在 running 变成 false 之后才说话。
    assert_eq!(
        raw,
        format!(
            "{PROMPT}{PROMPT}send_thread：把 running 设为 false\nrecv_thread：running 是 false 了，退出\n"
        )
    );
    assert_matches_saved(
        &saved("running.txt"),
        &as_in_a_terminal(&raw, PROMPT, &inputs),
    );
    if let Some(py) = python("running_stops_both_threads_on_exit", "running.py", script) {
        assert_eq!(py, raw, "Python 版和 Rust 版应当打印同样的内容");
    }
}

#[test]
fn running_ends_on_eof_like_exit() {
    // 标准输入直接结束（没有 exit）：当作 exit，两个线程都结束，不会永远等下去。
    let want = format!(
        "{PROMPT}send_thread：把 running 设为 false\nrecv_thread：running 是 false 了，退出\n"
    );
    assert_eq!(rust(env!("CARGO_BIN_EXE_l01-running"), ""), want);
    if let Some(py) = python("running_ends_on_eof_like_exit", "running.py", "") {
        assert_eq!(py, want);
    }
    // 一行不是 exit 的输入之后才结束：多一次提示，照样停下。
    let want = format!("{PROMPT}{want}");
    assert_eq!(rust(env!("CARGO_BIN_EXE_l01-running"), "你好\n"), want);
}

#[test]
fn terminal_view_puts_each_input_after_its_prompt() {
    assert_eq!(
        as_in_a_terminal("> > 好\n", "> ", &["a", "b"]),
        "> a\n> b\n好\n"
    );
    // 提示比输入少时，多余的输入没有地方放，就不放。
    assert_eq!(as_in_a_terminal("> 好\n", "> ", &["a", "b"]), "> a\n好\n");
}
