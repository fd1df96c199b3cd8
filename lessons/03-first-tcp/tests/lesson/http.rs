//! l03-http-get 对着本机的 HTTP 服务端：测试里的小响应者（逐字节检查请求），
//! 以及和 `python3 -m http.server` 同一个处理程序的 python/http_server.py。

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use testkit::{assert_matches_saved, Finished, Proc, DEADLINE};

const HTTP_GET: &str = env!("CARGO_BIN_EXE_l03-http-get");

/// 在 `dir` 里运行 l03-http-get（有期限），返回输出。
fn http_get(dir: &Path, args: &[&str]) -> Finished {
    let out = assert_cmd::Command::new(HTTP_GET)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .env_remove("RUST_BACKTRACE")
        .timeout(DEADLINE)
        .output()
        .expect("l03-http-get 能运行");
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    let finished = Finished {
        status: out.status,
        stdout: text(out.stdout),
        stderr: text(out.stderr),
    };
    assert!(
        !finished.stderr.contains("panicked"),
        "l03-http-get panic 了：{}",
        finished.stderr
    );
    finished
}

/// 等一个客户端连上来，最多等 `DEADLINE`：客户端没有来（比如它先报错退出了），测试失败而不是一直挂着。
fn accept_within_deadline(listener: &TcpListener) -> TcpStream {
    listener.set_nonblocking(true).unwrap();
    let start = Instant::now();
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).unwrap();
                stream.set_read_timeout(Some(DEADLINE)).unwrap();
                return stream;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && start.elapsed() < DEADLINE => {
                // 按期限轮询，不是用睡眠等对方就绪。
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("期限内没有客户端连上来：{e}"),
        }
    }
}

/// 只回答一次的小 HTTP 服务端：读完请求头，发出 `response`，关闭连接；返回收到的请求。
fn respond_once(response: Vec<u8>) -> (String, thread::JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let handle = thread::spawn(move || {
        let mut stream = accept_within_deadline(&listener);
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
        let _ = stream.write_all(&response);
        request
    });
    (port, handle)
}

#[test]
fn sends_a_proper_request_and_saves_the_body() {
    let body = "第一行\r\n\r\n第二行";
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let (port, server) = respond_once(response.into_bytes());
    let dir = tempfile::tempdir().unwrap();
    let out = http_get(dir.path(), &["--port", &port, "--path", "/notes.txt"]);
    let request = server.join().unwrap();
    assert!(out.status.success(), "{}", out.stderr);

    assert_eq!(
        String::from_utf8_lossy(&request),
        format!("GET /notes.txt HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
        "请求行、Host 和 Connection: close 都要有，每行以 \\r\\n 结尾，最后一个空行"
    );
    assert!(
        out.stdout.contains("\n  HTTP/1.1 200 OK\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\n  Content-Length: 22\n"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("第一行"),
        "正文不应当被当成响应头打印：{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("正文 22 个字节，已保存到 notes.txt"),
        "{}",
        out.stdout
    );
    // 只在第一个空行处分开：正文里的 \r\n\r\n 原样留在文件里。
    let saved = std::fs::read(dir.path().join("notes.txt")).unwrap();
    assert_eq!(saved, body.as_bytes());
}

#[test]
fn output_flag_and_default_name() {
    let (port, server) = respond_once(b"HTTP/1.0 200 OK\r\n\r\n<p>hi</p>".to_vec());
    let dir = tempfile::tempdir().unwrap();
    let out = http_get(dir.path(), &["--port", &port]);
    server.join().unwrap();
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        std::fs::read(dir.path().join("index.html")).unwrap(),
        b"<p>hi</p>"
    );

    let (port, server) = respond_once(b"HTTP/1.0 200 OK\r\n\r\nabc".to_vec());
    let out = http_get(dir.path(), &["--port", &port, "--output", "page.bin"]);
    server.join().unwrap();
    assert!(out.stdout.contains("已保存到 page.bin"), "{}", out.stdout);
    assert_eq!(std::fs::read(dir.path().join("page.bin")).unwrap(), b"abc");
}

#[test]
fn response_without_a_blank_line_is_a_clear_error() {
    let (port, server) = respond_once(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nhello".to_vec());
    let dir = tempfile::tempdir().unwrap();
    let out = http_get(dir.path(), &["--port", &port]);
    server.join().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("没有空行"), "{}", out.stderr);
    assert!(
        out.stderr.contains(r"b'HTTP/1.1 200 OK\r\n"),
        "{}",
        out.stderr
    );
    assert!(
        !dir.path().join("index.html").exists(),
        "分不出正文时不应当留下文件"
    );
}

#[test]
fn body_cut_short_is_reported_and_not_saved() {
    let (port, server) =
        respond_once(b"HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nonly ten!!".to_vec());
    let dir = tempfile::tempdir().unwrap();
    let out = http_get(dir.path(), &["--port", &port]);
    server.join().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.contains("响应头说有 100 个字节，只收到 10 个"),
        "{}",
        out.stderr
    );
    assert_eq!(
        entries(dir.path()),
        Vec::<String>::new(),
        "正文不完整时什么也不留下：既没有 index.html，也没有临时文件"
    );
}

#[test]
fn body_longer_than_announced_is_reported_and_not_saved() {
    let (port, server) =
        respond_once(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabcdef".to_vec());
    let dir = tempfile::tempdir().unwrap();
    let out = http_get(dir.path(), &["--port", &port]);
    server.join().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.contains("响应头说有 3 个字节，却收到了 6 个"),
        "{}",
        out.stderr
    );
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

/// 文件夹里的全部名字（排好序），用来检查没有留下临时文件。
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// 用户原有的文件：下载失败时它必须原封不动。
const NOTES: &str = "我的笔记：不要弄丢\n";

fn dir_with_notes() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), NOTES).unwrap();
    dir
}

#[test]
fn an_existing_file_is_refused_without_force_before_connecting() {
    let dir = dir_with_notes();
    // 没有服务端在听的端口：如果程序先去连接，报的会是“连不上”，而不是“已经存在”。
    let nobody = testkit::closed_port();
    let port = nobody.port().to_string();
    let out = http_get(dir.path(), &["--port", &port, "--path", "/notes.txt"]);
    testkit::assert_clear_failure(&out, "notes.txt 已经存在");
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        NOTES
    );
    assert_eq!(entries(dir.path()), ["notes.txt"]);
}

#[test]
fn force_replaces_the_file_once_the_body_is_complete() {
    let dir = dir_with_notes();
    let (port, server) =
        respond_once(b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nfresh".to_vec());
    let out = http_get(
        dir.path(),
        &["--port", &port, "--path", "/notes.txt", "--force"],
    );
    server.join().unwrap();
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        std::fs::read(dir.path().join("notes.txt")).unwrap(),
        b"fresh"
    );
    assert_eq!(
        entries(dir.path()),
        ["notes.txt"],
        "临时文件已经改名，不留下别的"
    );
}

#[test]
fn a_cut_short_download_leaves_the_original_untouched() {
    let dir = dir_with_notes();
    let (port, server) =
        respond_once(b"HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nonly ten!!".to_vec());
    let out = http_get(
        dir.path(),
        &["--port", &port, "--path", "/notes.txt", "--force"],
    );
    server.join().unwrap();
    testkit::assert_clear_failure(&out, "只收到 10 个");
    assert!(out.stderr.contains("notes.txt 没有改动"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        NOTES
    );
    assert_eq!(entries(dir.path()), ["notes.txt"], "不留下临时文件");
}

#[test]
fn a_reset_in_the_middle_of_the_body_leaves_the_original_untouched() {
    let dir = dir_with_notes();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let server = thread::spawn(move || {
        let mut stream = accept_within_deadline(&listener);
        let mut buf = [0u8; 1024];
        let _ = stream.read(&mut buf);
        let _ = stream.write_all(b"HTTP/1.0 200 OK\r\nContent-Length: 100000\r\n\r\npart of it");
        // SO_LINGER = 0：关闭时发 RST，客户端的 read 得到“连接被重置”。
        socket2::SockRef::from(&stream)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
    });
    let out = http_get(
        dir.path(),
        &["--port", &port, "--path", "/notes.txt", "--force"],
    );
    server.join().unwrap();
    // RST 通常在正文读到一半时到达；万一它赶在响应头读完之前，文件同样还没动过。
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.contains("notes.txt 没有改动") || out.stderr.contains("读取响应失败"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        NOTES
    );
    assert_eq!(entries(dir.path()), ["notes.txt"], "不留下临时文件");
}

#[test]
fn chunked_response_gets_a_warning() {
    let (port, server) = respond_once(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n".to_vec(),
    );
    let dir = tempfile::tempdir().unwrap();
    let out = http_get(dir.path(), &["--port", &port]);
    server.join().unwrap();
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.contains("分块传输"), "{}", out.stdout);
}

#[test]
fn no_http_server_and_bad_paths_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let nobody = testkit::closed_port();
    let port = nobody.port().to_string();
    let out = http_get(dir.path(), &["--port", &port]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.contains("python3 -m http.server"),
        "{}",
        out.stderr
    );

    let out = http_get(dir.path(), &["--port", &port, "--path", "index.html"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("路径要以 / 开头"), "{}", out.stderr);
}

/// 把 Python http.server 响应头里会变的部分（日期、Python 版本）换成书里那次运行的值。
pub(crate) fn normalize_http(text: &str, port: &str) -> String {
    let fixed = [
        ("  Date: ", "  Date: Sun, 22 Nov 2026 02:03:16 GMT"),
        (
            "  Last-Modified: ",
            "  Last-Modified: Sun, 22 Nov 2026 01:56:31 GMT",
        ),
        ("  Server: ", "  Server: SimpleHTTP/0.6 Python/3.11.7"),
    ];
    let mut out = String::new();
    for line in text.replace(&format!(":{port}"), ":8000").lines() {
        match fixed.iter().find(|(prefix, _)| line.starts_with(prefix)) {
            Some((_, replacement)) => out.push_str(replacement),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[test]
fn against_pythons_http_server() {
    let Some(py) = testkit::python3("against_pythons_http_server") else {
        return;
    };
    let script = format!("{}/python/http_server.py", env!("CARGO_MANIFEST_DIR"));
    let server = Proc::server(py, [script.as_str(), "--port", "0"]);
    let port = server.port();
    let dir = tempfile::tempdir().unwrap();
    let out = http_get(dir.path(), &["--port", &port, "--path", "/hello.html"]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.contains("  HTTP/1.0 200 OK"), "{}", out.stdout);
    let original = std::fs::read(format!(
        "{}/python/www/hello.html",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let saved = std::fs::read(dir.path().join("hello.html")).unwrap();
    assert_eq!(
        saved, original,
        "保存的正文应当和服务端目录里的文件一模一样"
    );
    assert_matches_saved(
        &format!("{}/output/http-get.txt", env!("CARGO_MANIFEST_DIR")),
        &normalize_http(&out.stdout, &port),
    );

    // Python 版的客户端取同一个文件，结果相同。
    let py_out = Command::new(py)
        .args([
            &format!("{}/python/http_get.py", env!("CARGO_MANIFEST_DIR")),
            "--port",
            &port,
            "--path",
            "/hello.html",
            "--output",
            "py.html",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(py_out.status.success(), "{py_out:?}");
    assert_eq!(std::fs::read(dir.path().join("py.html")).unwrap(), original);

    // 404 也是一个正常的 HTTP 响应：打印出来，正文照样保存。
    let out = http_get(dir.path(), &["--port", &port, "--path", "/nope.txt"]);
    assert!(
        out.stdout.contains("  HTTP/1.0 404 File not found"),
        "{}",
        out.stdout
    );
}
