//! 教程版 `l06-tutorial-server` 和它对照的 `python/tutorial_server.py`：
//! 同一个客户端对两者，看到逐字相同的回复；两个服务端打印的也逐行相同。
//! 互通的两个方向：教程版服务端对 Python 客户端，Python 教程版服务端对 Rust 客户端。

use testkit::{assert_matches_saved, normalize, Finished, Proc};

pub const TWIN: &str = env!("CARGO_BIN_EXE_l06-tutorial-server");
pub const CLIENT: &str = env!("CARGO_BIN_EXE_l06-client");

pub fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn script(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// 运行 l06-client（有期限），返回它的结束状态和输出。
pub fn client(server: &Proc, args: &[&str]) -> Finished {
    let mut all = vec!["--port".to_string(), server.port()];
    all.extend(args.iter().map(|a| a.to_string()));
    testkit::run(CLIENT, all, "")
}

/// 启动一个只服务一次的服务端，让 l06-client 带着 `args` 连它一次，等服务端自己退出。
/// 返回客户端的结束状态和输出，以及服务端的标准输出（端口换成 9999）。
pub fn serve_once(program: &str, server_args: &[&str], args: &[&str]) -> (Finished, String) {
    let server = Proc::server(program, server_args);
    let out = client(&server, args);
    let port = server.port();
    let done = server.finish();
    assert!(done.status.success(), "服务端应当正常退出：{}", done.stderr);
    let log = normalize(&done.stdout, &[(&format!(":{port}"), ":9999")]);
    (out, log)
}

#[test]
fn the_twin_reads_ten_characters_and_exits() {
    let (out, log) = serve_once(TWIN, &["0"], &[]);
    assert!(out.status.success(), "{}", out.stderr);
    // 和完整版服务端一样：33 个字节里取 10 个字符。客户端的输出与书里完整版那一次逐字相同。
    assert_eq!(
        out.stdout,
        "发送：你好世界和平万岁一二三（11 个字符，33 字节）\n收到：Return your msg:你好世界和平万岁一二\n"
    );
    assert_matches_saved(&saved("client.txt"), &out.stdout);
    assert_eq!(log, "127.0.0.1:9999\n你好世界和平万岁一二\n");
    assert_matches_saved(&saved("tutorial-server.txt"), &log);
}

#[test]
fn the_python_twin_answers_and_prints_the_same() {
    let Some(py) = testkit::python3("the_python_twin_answers_and_prints_the_same") else {
        return;
    };
    let script = script("tutorial_server.py");
    for args in [&[][..], &["你好"][..], &["abc 一二三四五六七八九十"][..]] {
        let (from_rust, rust_log) = serve_once(TWIN, &["0"], args);
        let (from_python, python_log) = serve_once(py, &[&script, "0"], args);
        assert!(from_rust.status.success(), "{}", from_rust.stderr);
        assert!(from_python.status.success(), "{}", from_python.stderr);
        assert_eq!(from_python.stdout, from_rust.stdout, "参数 {args:?}");
        assert_eq!(python_log, rust_log, "参数 {args:?}");
    }
}

#[test]
fn the_python_client_talks_to_the_twin() {
    let Some(py) = testkit::python3("the_python_client_talks_to_the_twin") else {
        return;
    };
    let server = Proc::server(TWIN, ["0"]);
    let out = testkit::run(
        py,
        [
            script("makefile_client.py").as_str(),
            "--port",
            &server.port(),
            "你好",
        ],
        "",
    );
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "发送：你好（2 个字符，6 字节）\n收到：Return your msg:你好\n"
    );
    assert!(server.finish().status.success());
}
