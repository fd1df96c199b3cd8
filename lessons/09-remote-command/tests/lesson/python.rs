//! 与 Python 版互通：Python 客户端 ↔ Rust 服务端，Rust 客户端 ↔ Python 服务端。
//! 机器上没有 python3 时跳过并说明。

use testkit::{Finished, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_l09-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l09-client");

fn script(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn succeeded(done: Finished) -> String {
    assert!(done.status.success(), "客户端失败：{}", done.stderr);
    done.stdout
}

const SESSION: &str = "echo 你好\n\necho hi; rm -rf x\ncat /etc/passwd\necho -n\nq\n";

#[test]
fn python_client_talks_to_the_rust_server() {
    let Some(py) = testkit::python3("python_client_talks_to_the_rust_server") else {
        return;
    };
    let srv = Proc::server(SERVER, ["--port", "0"]);
    let port = srv.port();
    let from_python = succeeded(testkit::run(
        py,
        [script("client.py").as_str(), "--port", &port],
        SESSION,
    ));
    assert!(
        from_python.contains("\n你好\nreceive data size 7\n"),
        "{from_python}"
    );
    assert!(from_python.contains("\nhi; rm -rf x\n"), "{from_python}");
    assert!(
        from_python.contains("\nno output!\nreceive data size 10\n"),
        "{from_python}"
    );
    // 同一个会话，Rust 客户端打印出逐行相同的内容。
    let from_rust = succeeded(testkit::run(CLIENT, ["--port", port.as_str()], SESSION));
    assert_eq!(from_python, from_rust);
}

#[test]
fn rust_client_talks_to_the_python_server() {
    let Some(py) = testkit::python3("rust_client_talks_to_the_python_server") else {
        return;
    };
    let srv = Proc::server(py, [script("server.py").as_str(), "--port", "0"]);
    let out = succeeded(testkit::run(
        CLIENT,
        ["--port", srv.port().as_str()],
        SESSION,
    ));
    assert!(out.contains("\n你好\nreceive data size 7\n"), "{out}");
    assert!(
        out.contains("\nhi; rm -rf x\n"),
        "Python 版也不经过 shell：{out}"
    );
    assert!(
        out.contains("cmd:>>>cat /etc/passwd\nerror: 不允许运行 cat"),
        "{out}"
    );
    assert!(out.contains("\nno output!\n"), "{out}");
}

#[test]
fn the_python_server_takes_only_vetted_programs_and_arguments() {
    let Some(py) = testkit::python3("the_python_server_takes_only_vetted_programs_and_arguments")
    else {
        return;
    };
    let refused = testkit::run(py, [script("server.py").as_str(), "--allow", "tee"], "");
    assert_eq!(refused.status.code(), Some(1), "{}", refused.stderr);
    assert!(refused.stderr.contains("审过的程序"), "{}", refused.stderr);
    let srv = Proc::server(
        py,
        [
            script("server.py").as_str(),
            "--port",
            "0",
            "--allow",
            "date",
        ],
    );
    let out = succeeded(testkit::run(
        CLIENT,
        ["--port", srv.port().as_str()],
        "date -f /etc/shadow\nuname /etc/shadow\ndate -u +%Y\nq\n",
    ));
    assert!(
        out.contains("cmd:>>>date -f /etc/shadow\nerror: date 不接受参数 '-f'"),
        "{out}"
    );
    assert!(
        out.contains("error: uname 不接受参数 '/etc/shadow'"),
        "{out}"
    );
    assert!(!out.contains("root:"), "{out}");
    assert!(out.contains("cmd:>>>date -u +%Y\n2"), "{out}");
}
