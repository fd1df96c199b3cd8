//! 与 Python 版互通：Python 客户端上传到 Rust 服务端，Rust 客户端上传到 Python 服务端，
//! 两边的摘要一致，文件内容一字不差。机器上没有 python3 时跳过并说明。

use crate::common;

use std::fs;
use std::io::{BufRead, BufReader, Write};

use common::*;
use testkit::assert_clear_failure;
use testkit::Proc;

fn script(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn python_client_uploads_to_the_rust_server() {
    let Some(py) = testkit::python3("python_client_uploads_to_the_rust_server") else {
        return;
    };
    let server = start(&[]);
    let data = random_bytes(300_000, 42);
    let src = server.root.path().join("来自Python.bin");
    fs::write(&src, &data).unwrap();
    let out = testkit::run(
        py,
        [
            script("upload_client.py"),
            "--port".into(),
            server.port(),
            src.display().to_string(),
        ],
        "",
    );
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    let want = sha256(&data);
    assert!(
        out.stdout
            .contains(&format!("服务端回答： ok 300000 {want}")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("SHA-256 一致"), "{}", out.stdout);
    assert_eq!(server.listing(), ["来自Python.bin"]);
    assert_eq!(fs::read(server.dir.join("来自Python.bin")).unwrap(), data);
}

#[test]
fn rust_client_uploads_to_the_python_server() {
    let Some(py) = testkit::python3("rust_client_uploads_to_the_python_server") else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("py-uploads");
    let server = Proc::server(
        py,
        [
            script("upload_server.py"),
            "--port".into(),
            "0".into(),
            "--dir".into(),
            dir.display().to_string(),
        ],
    );
    let data = random_bytes(300_000, 43);
    let src = root.path().join("来自Rust.bin");
    fs::write(&src, &data).unwrap();
    let port = server.port();
    let out = client(&["--port", &port, "upload", &src.display().to_string()]);
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(&sha256(&data)), "{}", out.stdout);
    assert_eq!(fs::read(dir.join("来自Rust.bin")).unwrap(), data);
    // Python 服务端也拒绝带路径的名字。
    let out = client(&[
        "--port",
        &port,
        "upload",
        &src.display().to_string(),
        "--as",
        "../x",
    ]);
    assert_clear_failure(&out, "服务端拒绝了上传");
    assert!(!root.path().join("x").exists());
    // 一个连接上两个上传紧挨着发出：两个都回答 ok，都保存下来。
    let stream = connect(server.addr());
    (&stream)
        .write_all(b"post|3|t1\nabcpost|3|t2\nxyz")
        .unwrap();
    let mut reader = BufReader::new(&stream);
    for body in [&b"abc"[..], b"xyz"] {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert_eq!(line, format!("ok 3 {}\n", sha256(body)));
    }
    assert_eq!(fs::read(dir.join("t2")).unwrap(), b"xyz");
}
