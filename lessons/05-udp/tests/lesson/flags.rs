//! 命令行：每个完整版程序都用中文说明用法、有 `--version`，不怀好意的参数在解析时就被拒绝
//! （中文说明、退出码 2、不 panic），服务端连端口都不会绑定。

const SERVER: &str = env!("CARGO_BIN_EXE_l05-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l05-client");

#[test]
fn hostile_server_flags_are_refused_in_chinese() {
    for (flag, value, needle) in [
        ("--seed", "-1", "--seed"),
        ("--seed", "18446744073709551616", "数太大了"),
        ("--buffer", "65508", "应当在 1 到 65507 字节之间"),
        (
            "--buffer",
            "18446744073709551615",
            "应当在 1 到 65507 字节之间",
        ),
        ("--drop", "inf", "应当在 0 到 1 之间"),
        ("--drop", "-0.5", "应当在 0 到 1 之间"),
        ("--port", "70000", "--port"),
    ] {
        // 写成 --flag=值，"-1" 才不会被当成另一个参数。
        let out = testkit::run(
            SERVER,
            ["--port=0".to_string(), format!("{flag}={value}")],
            "",
        );
        let what = format!("l05-server {flag}={value}");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{what}：{}{}",
            out.stdout,
            out.stderr
        );
        assert!(out.stderr.starts_with("错误："), "{what}：{}", out.stderr);
        assert!(out.stderr.contains(needle), "{what}：{}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{what}：{}", out.stderr);
        assert!(
            out.stdout.is_empty(),
            "参数不对时不该开始监听：{}",
            out.stdout
        );
    }
}

#[test]
fn a_host_that_does_not_resolve_is_a_clear_error() {
    let out = testkit::run(
        SERVER,
        ["--port", "0", "--host", "没有这台机器.invalid"],
        "",
    );
    testkit::assert_clear_failure(&out, "无法解析地址 没有这台机器.invalid:0，请检查 --host");
}

#[test]
fn both_programs_have_version_and_chinese_help() {
    for program in [SERVER, CLIENT] {
        let out = testkit::run(program, ["--version"], "");
        assert!(out.status.success(), "{program} --version：{}", out.stderr);
        assert!(
            out.stdout.contains(env!("CARGO_PKG_VERSION")),
            "{}",
            out.stdout
        );
        let help = testkit::run(program, ["--help"], "").stdout;
        for word in ["用法", "选项", "显示帮助", "显示版本", "（默认："] {
            assert!(
                help.contains(word),
                "{program} --help 里应当有 {word}：\n{help}"
            );
        }
        for english in ["Usage", "Options", "[default", "默认 "] {
            assert!(
                !help.contains(english),
                "{program} --help 里不应有 {english:?}：\n{help}"
            );
        }
    }
}
