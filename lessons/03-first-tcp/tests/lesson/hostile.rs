//! 不讲理的命令行参数和不讲理的对方（附录 C 的表格列的就是这里和 programs.rs、http.rs 里试过的）：
//! 参数错了说中文、退出码 2，什么也不做；运行时的错说中文、退出码 1；从不 panic。

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use testkit::{Finished, Proc, DEADLINE};

const SERVER: &str = env!("CARGO_BIN_EXE_l03-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l03-client");
const HTTP_GET: &str = env!("CARGO_BIN_EXE_l03-http-get");
const TEARDOWN: &str = env!("CARGO_BIN_EXE_l03-teardown");

fn name(program: &str) -> &str {
    Path::new(program).file_name().unwrap().to_str().unwrap()
}

fn no_panic(out: &Finished) {
    assert!(
        !out.stderr.contains("panicked") && !out.stderr.contains("RUST_BACKTRACE"),
        "程序 panic 了：\n{}",
        out.stderr
    );
}

/// 参数被拒绝：退出码 2，中文说明里有 `needle`，没有 clap 的英文。
fn refused(program: &str, args: &[&str], needle: &str) {
    let out = testkit::run(program, args, "");
    no_panic(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{} {args:?} 应当以退出码 2 拒绝\nstdout:\n{}\nstderr:\n{}",
        name(program),
        out.stdout,
        out.stderr
    );
    assert!(
        out.stderr.starts_with("错误：") && out.stderr.contains(needle),
        "{} {args:?} 的报错里应当有 {needle:?}：\n{}",
        name(program),
        out.stderr
    );
    for english in ["error:", "Usage:", "For more information"] {
        assert!(
            !out.stderr.contains(english),
            "报错里不应有 {english:?}：\n{}",
            out.stderr
        );
    }
    assert!(
        out.stdout.is_empty(),
        "参数错了就什么也不做：\n{}",
        out.stdout
    );
}

#[test]
fn hostile_arguments_are_refused_before_anything_happens() {
    let range = "应当在 1 到 86400 秒之间";
    refused(SERVER, &["--idle-timeout", "0"], range);
    refused(SERVER, &["--idle-timeout", "18446744073709551615"], range);
    refused(SERVER, &["--idle-timeout", "86401"], range);
    refused(SERVER, &["--idle-timeout", "1.5"], "应当是一个整数");
    refused(SERVER, &["--idle-timeout", ""], "应当是一个整数");
    refused(SERVER, &["--port", "70000"], "--port");
    refused(SERVER, &["--port", "七万"], "--port");
    // 超时的名字在所有服务端里都是 --idle-timeout：旧的 --timeout 不再认。
    refused(SERVER, &["--timeout", "5"], "是不是想写 --idle-timeout");

    let range = "应当在 1 到 3600 秒之间";
    refused(CLIENT, &["--timeout", "0"], range);
    refused(CLIENT, &["--timeout", "18446744073709551615"], range);
    refused(CLIENT, &["--timeout", "-1"], "-1");
    refused(CLIENT, &["--port", "65536"], "--port");
    refused(CLIENT, &["a", "b"], "不认识的参数 b");

    refused(HTTP_GET, &["--timeout", "0"], range);
    refused(
        HTTP_GET,
        &["--timeout", "99999999999999999999"],
        "应当是一个整数",
    );
    refused(HTTP_GET, &["--port", "-80"], "不认识的参数");

    refused(TEARDOWN, &["explode"], "可选的有");
}

#[test]
fn bad_arguments_as_the_book_shows_them() {
    let mut text = String::new();
    let runs: [(&str, &[&str]); 3] = [
        (SERVER, &["--idle-timeout", "0"]),
        (SERVER, &["--timeout", "5"]),
        (CLIENT, &["--timeout", "18446744073709551615"]),
    ];
    for (program, args) in runs {
        let out = testkit::run(program, args, "");
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        text.push_str(&format!(
            "$ {} {}\n{}",
            name(program),
            args.join(" "),
            out.stderr
        ));
    }
    testkit::assert_matches_saved(
        &format!("{}/output/bad-arguments.txt", env!("CARGO_MANIFEST_DIR")),
        &text,
    );
}

#[test]
fn every_program_has_a_version_and_chinese_help() {
    for program in [SERVER, CLIENT, HTTP_GET, TEARDOWN] {
        let out = testkit::run(program, ["--version"], "");
        assert!(out.status.success(), "{out:?}");
        assert_eq!(
            out.stdout.trim(),
            format!("{} {}", name(program), env!("CARGO_PKG_VERSION"))
        );
        let out = testkit::run(program, ["--help"], "");
        assert!(out.status.success(), "{out:?}");
        assert!(
            out.stdout.contains(&format!("用法: {}", name(program))),
            "{}",
            out.stdout
        );
        for word in ["显示帮助", "显示版本"] {
            assert!(out.stdout.contains(word), "{}", out.stdout);
        }
        for english in ["Usage", "Options", "Print help", "[default"] {
            assert!(
                !out.stdout.contains(english),
                "帮助里不应有 {english:?}：\n{}",
                out.stdout
            );
        }
    }
    // 默认值只写一次，写在（默认：…）里。
    let out = testkit::run(SERVER, ["--help"], "");
    assert_eq!(out.stdout.matches("默认").count(), 3, "{}", out.stdout);
    assert!(out.stdout.contains("（默认：30）"), "{}", out.stdout);
}

#[test]
fn hosts_that_do_not_exist_are_explained() {
    let out = testkit::run(SERVER, ["--host", "999.1.1.1", "--port", "0"], "");
    no_panic(&out);
    testkit::assert_clear_failure(&out, "无法解析地址 999.1.1.1:0，请检查 --host");
    let out = testkit::run(CLIENT, ["--host", "", "--port", "1"], "");
    no_panic(&out);
    testkit::assert_clear_failure(&out, "无法解析地址");
    // 本机没有的地址：bind 失败，说清楚该怎么办。
    let out = testkit::run(SERVER, ["--host", "192.0.2.1", "--port", "0"], "");
    testkit::assert_clear_failure(&out, "无法监听 192.0.2.1:0");
}

#[test]
fn a_one_byte_a_second_client_is_answered_after_its_first_byte() {
    // 这个服务端只读一次：第一个字节一到就回答，慢吞吞的客户端拖不住它。
    let server = Proc::server(SERVER, ["--port", "0", "--idle-timeout", "5"]);
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_nodelay(true).unwrap();
    let start = Instant::now();
    stream.write_all(&"你".as_bytes()[..1]).unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    let took = start.elapsed();
    assert_eq!(reply, "我是Server".as_bytes());
    assert!(
        took < Duration::from_secs(1),
        "第二个字节要 1 秒后才来，回复应当在那之前就到了（用了 {took:?}）"
    );
    let srv = server.finish();
    assert!(srv.status.success(), "{}", srv.stderr);
    assert!(srv.stdout.contains("收到 1 个字节"), "{}", srv.stdout);
    assert!(
        srv.stdout.contains("最后 1 个字节是一个被截断的字符"),
        "{}",
        srv.stdout
    );
}

#[test]
fn a_client_that_never_reads_the_reply_does_not_hold_the_server() {
    let server = Proc::server(SERVER, ["--port", "0", "--idle-timeout", "5"]);
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream.write_all(b"hi").unwrap();
    // 不读回复，连接一直开着：12 个字节的回复放得进发送缓冲区，服务端照样结束。
    let srv = server.finish();
    drop(stream);
    assert!(srv.status.success(), "{}", srv.stderr);
    assert!(srv.stdout.contains("已回复：我是Server"), "{}", srv.stdout);
}

/// 接受一个连接、读一次请求，然后交给 `then`。
fn http_peer(then: impl FnOnce(TcpStream) + Send + 'static) -> (String, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let handle = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut buf = [0u8; 1024];
        let _ = stream.read(&mut buf);
        then(stream);
    });
    (port, handle)
}

fn http_get_in(dir: &Path, args: &[&str]) -> Finished {
    let mut cmd = std::process::Command::new(HTTP_GET);
    cmd.args(args).current_dir(dir);
    Proc::from_command(cmd).finish()
}

#[test]
fn http_get_gives_up_on_a_silent_server() {
    let (tx, rx) = mpsc::channel::<()>();
    // 收下请求，一言不发，直到客户端退出。
    let (port, server) = http_peer(move |_stream| {
        let _ = rx.recv_timeout(DEADLINE);
    });
    let dir = tempfile::tempdir().unwrap();
    let out = http_get_in(dir.path(), &["--port", &port, "--timeout", "1"]);
    drop(tx);
    server.join().unwrap();
    no_panic(&out);
    testkit::assert_clear_failure(&out, "没有把响应头发完");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn http_get_refuses_a_head_that_never_ends() {
    // 没完没了的响应头：一直没有空行。客户端读到上限就放弃，不会一直收下去。
    let (port, server) = http_peer(|mut stream| {
        let line = b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\n");
        for _ in 0..(2 * lesson_03::MAX_HEAD / line.len()) {
            if stream.write_all(line).is_err() {
                break;
            }
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let out = http_get_in(dir.path(), &["--port", &port]);
    server.join().unwrap();
    no_panic(&out);
    testkit::assert_clear_failure(&out, "还没看到响应头的结尾");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn http_get_does_not_write_through_a_symlink_or_into_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    let out = http_get_in(dir.path(), &["--port", "1", "--output", "docs"]);
    testkit::assert_clear_failure(&out, "是一个文件夹");
    #[cfg(unix)]
    {
        let target = dir.path().join("precious.txt");
        std::fs::write(&target, "别动我").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("link.html")).unwrap();
        let out = http_get_in(dir.path(), &["--port", "1", "--output", "link.html"]);
        testkit::assert_clear_failure(&out, "link.html 已经存在");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "别动我");
    }
}
