//! 第 01 课的程序：真实运行每个程序，检查输出；书里展示的输出文件由这里保持与实际一致。

use assert_cmd::Command;
use predicates::prelude::*;
use testkit::{assert_matches_saved, DEADLINE};

fn run(bin: &str, args: &[&str]) -> String {
    let out = Command::cargo_bin(bin)
        .expect("程序已编译")
        .args(args)
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .timeout(DEADLINE)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("输出是 UTF-8")
}

fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn named_threads_print_their_names_and_return_a_value() {
    let out = run("l01-named", &[]);
    assert!(out.contains("我是一个线程……（线程1）"), "{out}");
    assert!(out.contains("收到参数 123 和 456（线程2）"), "{out}");
    assert!(out.contains("线程2 返回了 21"), "{out}");
    assert_matches_saved(&saved("named.txt"), &out);
}

#[test]
fn stop_flag_stops_the_worker() {
    let out = run("l01-stop-flag", &[]);
    assert_eq!(out.matches("收到工人第").count(), 3, "{out}");
    assert!(out.ends_with("主线程：工人已经停下\n"), "{out}");
    assert_matches_saved(&saved("stop-flag.txt"), &out);
    // 换一个轮数，汇报的次数随之改变。
    let out = run("l01-stop-flag", &["--rounds", "5"]);
    assert_eq!(out.matches("收到工人第").count(), 5, "{out}");
}

#[test]
fn scoped_threads_sum_the_parts() {
    let out = run("l01-scoped", &[]);
    assert!(out.contains("总和：5050（公式算出的是 5050）"), "{out}");
    assert_matches_saved(&saved("scoped.txt"), &out);
    let out = run("l01-scoped", &["--n", "7", "--parts", "3"]);
    assert!(out.contains("第 1 份的和：6"), "{out}");
    assert!(out.contains("第 3 份的和：7"), "{out}");
}

#[test]
fn channel_collects_every_message() {
    let out = run("l01-channel", &["--workers", "5"]);
    for i in 1..=5 {
        assert!(
            out.contains(&format!("主线程收到：工人{i} 完成了任务")),
            "{out}"
        );
    }
    assert!(out.contains("一共收到 5 条消息"), "{out}");
    assert_matches_saved(&saved("channel.txt"), &run("l01-channel", &[]));
}

#[test]
fn bad_arguments_get_a_clear_error_not_a_panic() {
    Command::cargo_bin("l01-scoped")
        .unwrap()
        .args(["--parts", "0"])
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .timeout(DEADLINE)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("应当在 1 到 64 份之间，而不是 0"))
        .stderr(predicate::str::contains("panicked").not());
    // 一个大得放不进内存的 N：说清楚上限，而不是分配失败后崩溃。
    Command::cargo_bin("l01-scoped")
        .unwrap()
        .args(["--n", "18446744073709551615"])
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .timeout(DEADLINE)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("应当在 1 到 10000000 个数之间"))
        .stderr(predicate::str::contains("panicked").not());
    Command::cargo_bin("l01-scoped")
        .unwrap()
        .args(["--n", "很多"])
        .timeout(DEADLINE)
        .assert()
        .failure()
        .stderr(predicate::str::contains("--n"));
}

/// 完整版的程序：都有 --version，帮助是中文，每个默认值只写一次。
#[test]
fn every_full_program_has_a_version_and_chinese_help() {
    for bin in [
        "l01-pitfalls",
        "l01-named",
        "l01-stop-flag",
        "l01-scoped",
        "l01-channel",
    ] {
        let version = run(bin, &["--version"]);
        assert!(version.starts_with(&format!("{bin} ")), "{version}");
        let help = run(bin, &["--help"]);
        assert!(help.contains(&format!("用法: {bin}")), "{help}");
        assert!(
            help.contains("显示帮助") && help.contains("显示版本"),
            "{help}"
        );
        for english in ["Usage", "Options", "Print help", "[default"] {
            assert!(
                !help.contains(english),
                "{bin} 的帮助里有 {english:?}：\n{help}"
            );
        }
        for line in help.lines() {
            assert!(
                line.matches("默认").count() <= 1,
                "{bin}：默认值写了两次：{line}"
            );
        }
    }
}

/// 每个数值参数都有范围：不可能对的值在解析参数时就被拒绝，中文说明范围，退出码 2，不 panic。
#[test]
fn numeric_arguments_out_of_range_are_refused_in_chinese() {
    let cases: [(&str, &str, &str); 8] = [
        (
            "l01-stop-flag",
            "--rounds=0",
            "应当在 1 到 1000 次之间，而不是 0",
        ),
        ("l01-stop-flag", "--rounds=1001", "应当在 1 到 1000 次之间"),
        (
            "l01-stop-flag",
            "--rounds=18446744073709551616",
            "应当是一个整数",
        ),
        ("l01-channel", "--workers=0", "应当在 1 到 1000 个工人之间"),
        (
            "l01-channel",
            "--workers=4294967296",
            "应当在 1 到 1000 个工人之间",
        ),
        ("l01-scoped", "--parts=65", "应当在 1 到 64 份之间"),
        ("l01-scoped", "--n=0", "应当在 1 到 10000000 个数之间"),
        ("l01-scoped", "--n=-5", "应当是一个整数"),
    ];
    for (bin, arg, needle) in cases {
        Command::cargo_bin(bin)
            .unwrap()
            .arg(arg)
            .env("NO_COLOR", "1")
            .env("WORKBOOK_JUST", "1")
            .timeout(DEADLINE)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(needle))
            .stderr(predicate::str::contains("panicked").not());
    }
}
