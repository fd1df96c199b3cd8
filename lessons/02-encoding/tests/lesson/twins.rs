//! 教程版（照教程的 Python 逐行写成的 Rust）：真实运行，检查它打印的和教程、和 Python 版一字不差，
//! 书里展示的输出由这里保持与实际一致。机器上没有 python3 时，和 Python 比较的部分说明原因后跳过。

use testkit::{assert_matches_saved, Finished};

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

#[test]
fn tutorial_prints_the_five_lines_of_the_tutorial() {
    let out = stdout_of(testkit::run(
        env!("CARGO_BIN_EXE_l02-tutorial"),
        std::iter::empty::<&str>(),
        "",
    ));
    // 教程里那段 Python 的输出，一字不差。
    assert_eq!(
        out,
        [
            "I love 游泳",
            r"b'I love \xe6\xb8\xb8\xe6\xb3\xb3'",
            r"b'I love \xe6\xb8\xb8\xe6\xb3\xb3'",
            "I love 游泳",
            "I love 游泳\n",
        ]
        .join("\n")
    );
    assert_matches_saved(
        &format!("{}/output/tutorial.txt", env!("CARGO_MANIFEST_DIR")),
        &out,
    );
    let Some(py) = testkit::python3("tutorial_prints_the_five_lines_of_the_tutorial") else {
        return;
    };
    let script = format!("{}/python/tutorial.py", env!("CARGO_MANIFEST_DIR"));
    let py = stdout_of(testkit::run(py, [script], ""));
    assert_eq!(py, out, "Python 版和 Rust 版应当打印同样的内容");
}
