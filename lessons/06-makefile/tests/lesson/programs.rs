//! 第 06 课的程序：服务端和客户端作为真实进程在真实的套接字上对话。
//! 书里展示的输出文件也由这里保持与实际一致。

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use testkit::{assert_matches_saved, normalize, parse_addr, Proc, DEADLINE};

const SERVER: &str = env!("CARGO_BIN_EXE_l06-server");
const LINE_SERVER: &str = env!("CARGO_BIN_EXE_l06-line-server");
const LINE_CLIENT: &str = env!("CARGO_BIN_EXE_l06-line-client");

fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// 运行客户端到结束（有期限），返回 (是否成功, stdout, stderr)。
fn client(port: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::cargo_bin("l06-client")
        .unwrap()
        .args(["--port", port])
        .args(args)
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .env_remove("RUST_BACKTRACE")
        .timeout(DEADLINE)
        .output()
        .expect("客户端能运行");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// 测试自己当客户端：连上服务端，读写都有期限。
fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("连上服务端");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

fn read_all(stream: &TcpStream) -> String {
    let mut reply = Vec::new();
    (&*stream)
        .read_to_end(&mut reply)
        .expect("期限内读到服务端关闭连接");
    String::from_utf8(reply).expect("回复是 UTF-8")
}

#[test]
fn server_reads_ten_characters_not_ten_bytes() {
    let mut server = Proc::server(SERVER, ["--port", "0"]);
    let (ok, out, err) = client(&server.port(), &[]);
    assert!(ok, "客户端失败：{err}");
    // 33 个字节的消息里取 10 个字符：按字节取的话只会得到 3 个多汉字。
    assert!(
        out.contains("发送：你好世界和平万岁一二三（11 个字符，33 字节）"),
        "{out}"
    );
    assert!(
        out.contains("收到：Return your msg:你好世界和平万岁一二\n"),
        "{out}"
    );
    assert!(
        !out.contains("msg:你好世界和平万岁一二三"),
        "第 11 个字符不该在回复里：{out}"
    );
    assert_matches_saved(&saved("client.txt"), &out);

    let connected = server.expect_stdout("连上了");
    server.expect_stdout("已回复并 flush");
    let peer = parse_addr(&connected)
        .expect("连上了 那一行里有客户端地址")
        .to_string();
    let log = server.kill_and_collect().stdout;
    assert!(
        log.contains("读到 10 个字符（30 字节）：你好世界和平万岁一二"),
        "{log}"
    );
    let log = normalize(
        &log,
        &[
            (&server.addr().to_string(), "127.0.0.1:9999"),
            (&peer, "127.0.0.1:51324"),
        ],
    );
    assert_matches_saved(&saved("server.txt"), &log);
}

#[test]
fn fewer_than_ten_characters_then_eof_get_what_arrived() {
    let server = Proc::server(SERVER, ["--port", "0"]);
    let (ok, out, err) = client(&server.port(), &["你好"]);
    assert!(ok, "{err}");
    assert!(out.contains("收到：Return your msg:你好\n"), "{out}");
    let (ok, out, err) = client(&server.port(), &["abc 你好!"]);
    assert!(ok, "{err}");
    assert!(out.contains("收到：Return your msg:abc 你好!\n"), "{out}");
    // 空消息：和 Python 的 read(10) 返回 '' 一样，回复只有前缀。
    let (ok, out, err) = client(&server.port(), &[""]);
    assert!(ok, "{err}");
    assert!(out.contains("收到：Return your msg:\n"), "{out}");
}

/// 把消息按别扭的位置切成几块，每块单独 write（关闭 Nagle，尽量让每块成为单独的报文段）。
fn send_in_awkward_pieces(server_args: &[&str]) -> String {
    let server = Proc::server(SERVER, server_args);
    let stream = connect(server.addr());
    stream.set_nodelay(true).unwrap();
    let bytes = "你好世界和平万岁一二三".as_bytes();
    // 1、2、4、5、7……字节一块：几乎每一刀都切在汉字中间。
    let mut start = 0;
    for size in [1, 2, 4, 5, 7, 3, 8, 1, 2].into_iter().cycle() {
        if start >= bytes.len() {
            break;
        }
        let end = (start + size).min(bytes.len());
        (&stream).write_all(&bytes[start..end]).unwrap();
        (&stream).flush().unwrap();
        start = end;
    }
    // 不半关闭：服务端凑够 10 个字符就该回答，不必等 EOF。
    read_all(&stream)
}

#[test]
fn characters_split_across_segments_still_decode() {
    let want = "Return your msg:你好世界和平万岁一二";
    assert_eq!(send_in_awkward_pieces(&["--port", "0"]), want);
    // 缓冲区只有 1 字节时，每个汉字一定被拆成 3 次读。
    assert_eq!(
        send_in_awkward_pieces(&["--port", "0", "--buffer", "1"]),
        want
    );
}

#[test]
fn invalid_utf8_gets_a_clear_reply_and_the_server_keeps_serving() {
    let server = Proc::server(SERVER, ["--port", "0"]);
    let stream = connect(server.addr());
    (&stream).write_all(b"ab\xffcd").unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let reply = read_all(&stream);
    assert!(reply.starts_with("错误：收到的不是合法的 UTF-8"), "{reply}");
    assert!(reply.contains("第 3 个字节"), "{reply}");

    // 连接断在一个汉字的中间（“你”的 3 个字节只到了 2 个）。
    let stream = connect(server.addr());
    (&stream).write_all(&"好你".as_bytes()[..5]).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let reply = read_all(&stream);
    assert!(reply.contains("中间断开"), "{reply}");
    assert!(reply.contains("e4 bd"), "{reply}");

    let (ok, out, err) = client(&server.port(), &["还活着吗"]);
    assert!(ok, "坏客户端之后服务端应当照常服务：{err}");
    assert!(out.contains("收到：Return your msg:还活着吗"), "{out}");
}

#[test]
fn a_silent_client_is_dropped_after_the_idle_timeout() {
    let mut server = Proc::server(SERVER, ["--port", "0", "--idle-timeout", "1"]);
    let stream = connect(server.addr());
    (&stream).write_all("半句".as_bytes()).unwrap();
    // 不再说话、也不关闭：服务端 1 秒后放弃，连接被关闭，我们读到 EOF 而不是回复。
    assert_eq!(read_all(&stream), "");
    server.expect_stdout("1 秒没有收到完整的消息，断开连接");
    assert!(server.is_running(), "一个不说话的客户端不应让服务端退出");
}

#[test]
fn once_serves_one_connection_and_exits() {
    let server = Proc::server(SERVER, ["--port", "0", "--once"]);
    let (ok, out, _) = client(&server.port(), &["只一次"]);
    assert!(ok && out.contains("Return your msg:只一次"), "{out}");
    let done = server.finish();
    assert!(done.status.success(), "{}", done.stderr);
}

#[test]
fn client_without_a_server_says_how_to_start_one() {
    let nobody = testkit::closed_port();
    let port = nobody.port().to_string();
    let (ok, _, err) = client(&port, &[]);
    assert!(!ok);
    assert!(err.contains("just lesson 06 server"), "{err}");
    assert!(err.contains("连接被拒绝"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    Command::cargo_bin("l06-line-client")
        .unwrap()
        .args(["--port", &port])
        .env_remove("RUST_BACKTRACE")
        .env("WORKBOOK_JUST", "1")
        .write_stdin("你好\n")
        .timeout(DEADLINE)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("just lesson 06 server"))
        .stderr(predicate::str::contains("panicked").not());
}

/// 对方刚连上就用 RST 断开（SO_LINGER 设为 0 再 close，发出的就是 RST），服务端拿不到它的地址。
/// 这只是一个坏连接：两个服务端都要照常服务下一个客户端，而不是带着英文错误退出。
#[cfg(target_os = "linux")]
#[test]
fn a_connection_reset_before_accept_does_not_stop_the_servers() {
    use testkit::signal::Signal;
    for program in [SERVER, LINE_SERVER] {
        let mut server = Proc::server(program, ["--port", "0"]);
        let pid = server.pid();
        // 先让服务端暂停：连接停在“握手已完成、还没 accept”的队列里，RST 一定赶在 accept 之前。
        // 测试失败时 Proc 被丢弃，SIGKILL 对暂停的进程同样有效，不会留下进程。
        testkit::signal::send(pid, Signal::SIGSTOP);
        let stream = connect(server.addr());
        testkit::peers::reset(stream).expect("设置 SO_LINGER 失败");
        testkit::signal::send(pid, Signal::SIGCONT);

        if program == SERVER {
            let (ok, out, err) = client(&server.port(), &["还在"]);
            assert!(ok, "被重置的连接之后，服务端应当照常服务：{err}");
            assert!(out.contains("收到：Return your msg:还在"), "{out}");
        } else {
            let out = testkit::run(LINE_CLIENT, ["--port", &server.port()], "还在\n");
            assert!(
                out.status.success(),
                "被重置的连接之后，行服务端应当照常服务：{}",
                out.stderr
            );
            assert!(
                out.stdout.contains("收到：Return your msg:还在"),
                "{}",
                out.stdout
            );
        }
        assert!(server.is_running(), "{}", server.stderr_so_far());
    }
}

#[test]
fn bad_flags_get_a_clear_answer() {
    for (args, needle) in [
        (
            &["--port", "0", "--buffer", "0"][..],
            "--buffer <大小> 的值 \"0\" 不对：应当在 1 字节到 1 MiB 之间",
        ),
        (
            &["--port", "0", "--buffer", "100000000000000"][..],
            "应当在 1 字节到 1 MiB 之间，而不是 100000000000000",
        ),
        (
            &["--port", "0", "--buffer", "2MiB"][..],
            "应当在 1 字节到 1 MiB 之间，而不是 2MiB",
        ),
        (
            &["--port", "0", "--buffer", "很大"][..],
            "应当是一个大小（如 8192、8KiB、1MiB）",
        ),
        (
            &["--port", "0", "--idle-timeout", "0"][..],
            "--idle-timeout <秒> 的值 \"0\" 不对：应当在 1 到 86400 秒之间",
        ),
    ] {
        Command::cargo_bin("l06-server")
            .unwrap()
            .args(args)
            .env("NO_COLOR", "1")
            .env("WORKBOOK_JUST", "1")
            .env_remove("RUST_BACKTRACE")
            .timeout(DEADLINE)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(needle))
            .stderr(predicate::str::contains("panicked").not());
    }
    // 合法的写法都认：字节数、KiB、MiB。
    for size in ["1", "8KiB", "1MiB", "4k"] {
        let server = Proc::server(SERVER, ["--port", "0", "--buffer", size]);
        let (ok, out, err) = client(&server.port(), &["你好"]);
        assert!(
            ok && out.contains("收到：Return your msg:你好"),
            "--buffer {size}：{out}{err}"
        );
    }
}

#[test]
fn a_taken_port_gets_a_clear_error() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for bin in ["l06-server", "l06-line-server"] {
        Command::cargo_bin(bin)
            .unwrap()
            .args(["--port", &port])
            .env("NO_COLOR", "1")
            .env("WORKBOOK_JUST", "1")
            .env_remove("RUST_BACKTRACE")
            .timeout(DEADLINE)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("地址已被占用"))
            .stderr(predicate::str::contains("--port 0"))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn line_server_answers_each_line_at_once() {
    let server = Proc::server(LINE_SERVER, ["--port", "0"]);
    let mut client = Proc::spawn(LINE_CLIENT, ["--port", &server.port()]);
    // 标准输入还开着，客户端也还连着：回复必须现在就到，不能等到连接结束。
    client.send_line("你好");
    client.expect_stdout("收到：Return your msg:你好");
    client.send_line("makefile 与缓冲");
    client.expect_stdout("收到：Return your msg:makefile 与缓冲");
    let done = client.finish();
    assert!(done.status.success(), "{}", done.stderr);
    assert_matches_saved(&saved("line-client.txt"), &done.stdout);
}

#[test]
fn a_forgotten_flush_holds_every_reply_until_the_connection_ends() {
    // 错误的版本：两行都送到了，回复却一个字节也没有出来。
    let server = Proc::server(LINE_SERVER, ["--port", "0", "--no-flush"]);
    let stream = connect(server.addr());
    (&stream).write_all("一\n二\n".as_bytes()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buf = [0u8; 64];
    match (&stream).read(&mut buf) {
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) => {}
        other => panic!("--no-flush 的服务端不该在连接结束前回复，却读到了 {other:?}"),
    }
    // 我们说完了：服务端读到 EOF，结束连接前的那次 flush 把积压的回复一起送出来。
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    assert_eq!(
        read_all(&stream),
        "Return your msg:一\nReturn your msg:二\n"
    );

    // 正确的版本：连接还开着，回复就已经到了。
    let server = Proc::server(LINE_SERVER, ["--port", "0"]);
    let stream = connect(server.addr());
    (&stream).write_all("一\n".as_bytes()).unwrap();
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    reader.read_line(&mut line).expect("期限内收到回复");
    assert_eq!(line, "Return your msg:一\n");
}

#[test]
fn line_client_notices_a_forgotten_flush() {
    let server = Proc::server(LINE_SERVER, ["--port", "0", "--no-flush"]);
    let out = testkit::run(
        LINE_CLIENT,
        ["--port", &server.port(), "--timeout", "1"],
        "还在吗？\n",
    );
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert!(
        out.stdout.contains("等了 1 秒也没收到回复"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("迟到的回复：Return your msg:还在吗？"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("忘了 flush"), "{}", out.stderr);
    assert_matches_saved(
        &saved("no-flush.txt"),
        &format!("{}{}", out.stdout, out.stderr),
    );
}

#[test]
fn line_server_handles_bad_lines_without_losing_the_good_ones() {
    let server = Proc::server(LINE_SERVER, ["--port", "0"]);
    let stream = connect(server.addr());
    // 一行非法的 UTF-8、一行带 \r\n 的、最后一行没有换行（对方说完就走了）。
    (&stream).write_all(b"ok\xff\nwindows\r\n\n").unwrap();
    (&stream).write_all("最后一句".as_bytes()).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let reply = read_all(&stream);
    let lines: Vec<&str> = reply.lines().collect();
    assert_eq!(lines.len(), 4, "{reply}");
    assert!(
        lines[0].starts_with("错误：这一行不是合法的 UTF-8"),
        "{reply}"
    );
    assert_eq!(lines[1], "Return your msg:windows");
    assert_eq!(lines[2], "Return your msg:");
    assert_eq!(lines[3], "Return your msg:最后一句");

    // 超长的一行：回答一句错误就关闭，不会把整行读进内存。
    let stream = connect(server.addr());
    let long = vec![b'x'; lesson_06::MAX_LINE + 10];
    let _ = (&stream).write_all(&long);
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    reader.read_line(&mut line).expect("期限内收到回复");
    assert!(line.contains("一行不能超过 64 KiB"), "{line}");
}

#[test]
fn methods_table_rows_really_run() {
    let out = Command::cargo_bin("l06-methods")
        .unwrap()
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .timeout(DEADLINE)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    for needle in [
        "第一次 read：6 字节 \"你好\"",
        "再 read 一次：0 字节",
        "read 进 4 字节的缓冲区：4 字节 \"efgh\"",
        "来源地址就是发送方的地址：是",
        "只写出了一部分（少于 32 MiB）",
        "WouldBlock",
        "对方读到 4194304 字节，内容完全一致",
        "一个收到 \"Tracy\"，另一个收到 \"Sarah\"",
        "再收一次：\"!\"",
        "io::copy 返回 1048576，对方收到 1048576 字节，与文件内容完全一致",
        "还没 flush，对方读到：什么也没有（WouldBlock）",
        "flush 之后，对方按行读到：[\"第一行\", \"第二行\"]",
    ] {
        assert!(out.contains(needle), "缺少 {needle:?}：\n{out}");
    }
    #[cfg(target_os = "linux")]
    assert!(
        out.contains("libc::sendfile 返回 1048576，对方收到 1048576 字节，与文件内容完全一致"),
        "{out}"
    );
    assert_matches_saved(&saved("methods.txt"), &out);

    Command::cargo_bin("l06-methods")
        .unwrap()
        .arg("recvall")
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .env_remove("RUST_BACKTRACE")
        .timeout(DEADLINE)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("没有叫 \"recvall\" 的一行"))
        .stderr(predicate::str::contains("recv-into"));
}
