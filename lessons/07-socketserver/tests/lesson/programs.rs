//! 第 07 课的程序：真实的 l07-server 和 l07-client 进程通过真实的套接字对话。
//! 书里展示的输出由这里保持与实际一致。

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};

use assert_cmd::Command;
use predicates::prelude::*;
use testkit::{assert_matches_saved, Proc, DEADLINE};

const SERVER: &str = env!("CARGO_BIN_EXE_l07-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l07-client");

fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// 把输出里会变的地址换成固定的：服务端的端口换成默认的 9999，
/// 客户端的临时端口按出现的先后换成 50001、50002……
pub(crate) fn normalize_addrs(text: &str, server_port: u16) -> String {
    let text = testkit::normalize(text, &[(&format!(":{server_port}"), ":9999")]);
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::new();
    let mut rest = text.as_str();
    const HOST: &str = "127.0.0.1:";
    while let Some(i) = rest.find(HOST) {
        out.push_str(&rest[..i + HOST.len()]);
        rest = &rest[i + HOST.len()..];
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        let port = &rest[..digits];
        rest = &rest[digits..];
        if port == "9999" {
            out.push_str(port);
            continue;
        }
        let n = match seen.iter().position(|p| p == port) {
            Some(n) => n,
            None => {
                seen.push(port.to_string());
                seen.len() - 1
            }
        };
        out.push_str(&(50001 + n).to_string());
    }
    out.push_str(rest);
    out
}

/// 把 `.rs:123` 这样的源码行号换成 `.rs:NNN`。
fn without_line_numbers(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(".rs:") {
        out.push_str(&rest[..i + 4]);
        rest = &rest[i + 4..];
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 {
            out.push_str("NNN");
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

fn client(port: &str, stdin: &str) -> assert_cmd::assert::Assert {
    Command::new(CLIENT)
        .args(["--port", port])
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .write_stdin(stdin)
        .timeout(DEADLINE)
        .assert()
}

/// 照教程写法的客户端：一条消息一次 send，不带换行，然后 recv(1024) 一次。
fn send_then_recv(conn: &mut TcpStream, message: &[u8]) -> String {
    conn.write_all(message).expect("发送");
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf).expect("读回复");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

fn connect(server: &Proc) -> TcpStream {
    let stream = TcpStream::connect(server.addr()).expect("连接服务端");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// 对方关闭连接之前发来的全部字节。
fn read_rest(conn: &mut TcpStream) -> String {
    let mut rest = Vec::new();
    conn.read_to_end(&mut rest).expect("读到连接关闭");
    String::from_utf8_lossy(&rest).into_owned()
}

#[test]
fn one_client_then_a_clean_shutdown_as_in_the_book() {
    let server = Proc::server(SERVER, ["--port", "0", "--max-clients", "1"]);
    let port = server.addr().port();
    let out = client(&server.port(), "你好\nsocketserver\n").success();
    let out = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(out.contains("收到：Your msg=你好\n"), "{out}");
    assert!(out.contains("收到：Your msg=socketserver\n"), "{out}");
    assert!(out.contains("共收到 2 条回复"), "{out}");
    assert_matches_saved(&saved("client.txt"), &normalize_addrs(&out, port));

    // 服务完 1 个客户端后，服务端自己调用 shutdown() 和 server_close()，以退出码 0 结束。
    let done = server.finish();
    assert!(
        done.status.success(),
        "服务端应当干净地退出：{}",
        done.stderr
    );
    let log = &done.stdout;
    let setup = log.find("setup：").expect("有 setup 这一行");
    let reply = log.find("→ Your msg=你好").expect("有回复这一行");
    let finish = log.find("finish：").expect("有 finish 这一行");
    let shutdown = log.find("shutdown() 返回了").expect("有 shutdown 这一行");
    let close = log
        .find("server_close() 返回了")
        .expect("有 server_close 这一行");
    assert!(
        setup < reply && reply < finish && finish < shutdown && shutdown < close,
        "{log}"
    );
    assert!(log.contains("共回复 2 条"), "{log}");
    assert!(
        done.stderr.is_empty(),
        "不应有任何错误输出：{}",
        done.stderr
    );
    assert_matches_saved(&saved("server.txt"), &normalize_addrs(log, port));
}

#[test]
fn clients_are_served_at_the_same_time() {
    let server = Proc::server(SERVER, ["--port", "0", "--max-clients", "3"]);
    let port = server.port();
    // A 和 B 连上、各说一句后一直不走。
    let mut a = Proc::spawn(CLIENT, ["--port", &port]);
    a.send_line("我是A");
    a.expect_stdout("收到：Your msg=我是A");
    let mut b = Proc::spawn(CLIENT, ["--port", &port]);
    b.send_line("我是B");
    b.expect_stdout("收到：Your msg=我是B");
    // 它们还连着，C 照样得到回复：每个连接有自己的线程。
    client(&port, "我是C\n")
        .success()
        .stdout(predicate::str::contains("收到：Your msg=我是C"));
    assert!(a.is_running() && b.is_running());
    a.send_line("A 还在");
    a.expect_stdout("收到：Your msg=A 还在");
    assert!(a.finish().status.success());
    assert!(b.finish().status.success());

    let done = server.finish();
    assert!(done.status.success(), "{}", done.stderr);
    for n in 1..=3 {
        assert!(
            done.stdout.contains(&format!("[处理-{n}] setup")),
            "{}",
            done.stdout
        );
    }
    assert!(
        done.stdout.contains("已经服务完 3 个客户端"),
        "{}",
        done.stdout
    );
    assert!(
        done.stdout.contains("server_close() 返回了"),
        "{}",
        done.stdout
    );
}

#[test]
fn a_panicking_handler_does_not_take_the_server_down() {
    let mut server = Proc::server(SERVER, ["--port", "0", "--panic-on", "炸"]);
    let port = server.port();
    // 同时连着的另一个客户端不受影响。
    let mut other = Proc::spawn(CLIENT, ["--port", &port]);
    other.send_line("之前");
    other.expect_stdout("收到：Your msg=之前");

    client(&port, "炸\n")
        .code(1)
        .stderr(predicate::str::contains("服务端没有回复就关闭了连接"))
        .stderr(predicate::str::contains("panicked").not());

    other.send_line("之后");
    other.expect_stdout("收到：Your msg=之后");
    client(&port, "还在吗\n")
        .success()
        .stdout(predicate::str::contains("收到：Your msg=还在吗"));
    // panic 之后 finish 照常运行。
    server.expect_stdout("共回复 0 条");
    assert!(server.is_running(), "一个处理器 panic 不应让服务端退出");

    let rest = server.kill_and_collect();
    let stderr = rest.stderr;
    assert!(
        stderr.contains("panic：收到了 \"炸\""),
        "应有一行中文说明：{stderr}"
    );
    assert!(stderr.contains("handle() panic 了"), "{stderr}");
    assert!(stderr.contains("finish() 已照常运行"), "{stderr}");
    assert!(
        !stderr.contains("panicked at"),
        "不应出现英文的 panic 信息：{stderr}"
    );
    assert!(
        !stderr.contains("RUST_BACKTRACE"),
        "不应出现回溯提示：{stderr}"
    );
    // panic 的位置带着源码的行号（lib.rs:200 这样）：改库的时候它会变，换成固定的 NNN 再比较。
    assert_matches_saved(
        &saved("panic.txt"),
        &without_line_numbers(&normalize_addrs(&stderr, server.addr().port())),
    );
    drop(other);
}

#[test]
fn a_tutorial_style_client_gets_exact_replies() {
    let mut server = Proc::server(SERVER, ["--port", "0"]);
    let mut conn = connect(&server);
    // 教程的客户端：不带换行，发一条收一条。回复正好是 Your msg=<消息>，没有换行。
    assert_eq!(
        send_then_recv(&mut conn, "你好".as_bytes()),
        "Your msg=你好"
    );
    assert_eq!(send_then_recv(&mut conn, b"again"), "Your msg=again");
    // nc / telnet 敲的行带着 \n 或 \r\n：去掉一个；只去一个。
    assert_eq!(send_then_recv(&mut conn, b"abc\r\n"), "Your msg=abc");
    assert_eq!(send_then_recv(&mut conn, b"b\n\n"), "Your msg=b\n");
    // 只有一个换行：一条空消息。
    assert_eq!(send_then_recv(&mut conn, b"\n"), "Your msg=");
    // 关闭写端：服务端读到 EOF，不再回复（教程会再回一句空的 "Your msg="），直接关闭连接。
    conn.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_rest(&mut conn), "", "读到 EOF 后不应再有回复");
    server.expect_stdout("共回复 5 条");
}

#[test]
fn invalid_utf8_is_answered_with_replacement_characters() {
    let mut server = Proc::server(SERVER, ["--port", "0"]);
    let mut conn = connect(&server);
    assert_eq!(
        send_then_recv(&mut conn, b"\xff\xfeok"),
        "Your msg=\u{fffd}\u{fffd}ok"
    );
    server.expect_stdout("不是合法的 UTF-8");
    // 连接还在，下一条照常回复。
    assert_eq!(send_then_recv(&mut conn, "好".as_bytes()), "Your msg=好");
    assert!(server.is_running());
}

#[test]
fn a_message_over_1024_bytes_is_answered_in_pieces() {
    let mut server = Proc::server(SERVER, ["--port", "0"]);
    let mut conn = connect(&server);
    // 400 个汉字，1200 字节，一次发出：服务端一次最多读 1024 字节，
    // 所以它被当成两条（或更多）消息，各得一条回复——而且 1024 正好切在一个汉字的中间。
    let big = "你".repeat(400);
    conn.write_all(big.as_bytes()).unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    let rest = read_rest(&mut conn);
    let pieces: Vec<&str> = rest.split("Your msg=").skip(1).collect();
    assert!(
        rest.starts_with("Your msg=") && pieces.len() >= 2,
        "应当分几次回复：{rest:?}"
    );
    // 被切开的汉字在两边都变成了 �：字节数对得上，内容却已经坏了。
    assert!(rest.contains('\u{fffd}'), "{rest:?}");
    let kept: String = pieces.concat().chars().filter(|&c| c == '你').collect();
    assert!(kept.chars().count() < 400 && kept.chars().count() >= 398);
    let log = server.expect_stdout("读满了 1024 字节");
    assert!(log.contains("第 08 课"), "{log}");
    server.expect_stdout("不是合法的 UTF-8");
    server.expect_stdout("finish：");
    assert!(server.is_running());
}

#[test]
fn a_peer_that_vanishes_does_not_hurt_others() {
    let mut server = Proc::server(SERVER, ["--port", "0"]);
    {
        let mut conn = connect(&server);
        conn.write_all("说到一半".as_bytes()).unwrap();
    } // 没等回复，连接在这里整个关掉
    server.expect_stdout("finish：");
    client(&server.port(), "下一个\n")
        .success()
        .stdout(predicate::str::contains("收到：Your msg=下一个"));
    assert!(server.is_running());
    let rest = server.kill_and_collect();
    assert!(
        rest.stderr.is_empty(),
        "对方消失不是服务端的错，不应报告错误：{}",
        rest.stderr
    );
}

#[test]
fn idle_connections_are_dropped() {
    let mut server = Proc::server(SERVER, ["--port", "0", "--idle-timeout", "1"]);
    let mut conn = connect(&server);
    // 什么也不发：服务端在空闲超时后关闭连接，我们读到 EOF（而不是等到 DEADLINE）。
    assert_eq!(read_rest(&mut conn), "");
    server.expect_stdout("太久没有说话，或者说得太慢，断开");
}

#[test]
fn an_empty_line_ends_the_client_session() {
    let server = Proc::server(SERVER, ["--port", "0"]);
    client(&server.port(), "一\n\n二\n")
        .success()
        .stdout(predicate::str::contains("Your msg=一"))
        .stdout(predicate::str::contains("Your msg=二").not())
        .stdout(predicate::str::contains("共收到 1 条回复"));
}

#[test]
fn the_client_keeps_replies_within_one_read() {
    let server = Proc::server(SERVER, ["--port", "0"]);
    // 1015 字节的一行：回复正好 1024 字节，一次读装得下，照常发送。
    let fits = "y".repeat(1024 - "Your msg=".len());
    // 再多一个字节，回复就装不进一次读：客户端不发送，说明原因，接着处理下一行。
    let too_long = "z".repeat(fits.len() + 1);
    client(&server.port(), &format!("{fits}\n{too_long}\n短\n"))
        .success()
        .stdout(predicate::str::contains(format!("收到：Your msg={fits}\n")))
        .stdout(predicate::str::contains("收到：Your msg=短\n"))
        .stdout(predicate::str::contains("z").not())
        .stdout(predicate::str::contains("共收到 2 条回复"))
        .stderr(predicate::str::contains("这一行有 1016 字节"))
        .stderr(predicate::str::contains("没有发送"))
        .stderr(predicate::str::contains("第 08 课"));
}

#[test]
fn client_without_a_server_says_how_to_start_it() {
    let nobody = testkit::closed_port(); // 占着这个端口却不监听：这里没有服务端
    let port = nobody.port().to_string();
    client(&port, "你好\n")
        .code(1)
        .stderr(predicate::str::contains("just lesson 07 server"))
        .stderr(predicate::str::contains("连接被拒绝"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn a_taken_port_is_reported_clearly() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    Command::new(SERVER)
        .args(["--port", &port])
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .timeout(DEADLINE)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("地址已被占用"))
        .stderr(predicate::str::contains("--port 0"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn a_client_waiting_on_a_silent_server_times_out() {
    // 一个只接受连接、从不回复的“服务端”。
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    Command::new(CLIENT)
        .args(["--port", &port, "--timeout", "1"])
        .write_stdin("有人吗\n")
        .timeout(DEADLINE)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("服务端都没有回复"));
    drop(silent);
}

#[test]
fn serving_forever_keeps_nothing_per_connection() {
    use lesson_07::MyHandlerOptions;
    // 一直服务（没有 --max-clients）：没有人数走了几个客户端，finish 就不该往任何通道里放东西，
    // 否则每个连接都在通道里留下一个地址，服务端越跑越大。
    let (options, finished) = MyHandlerOptions::for_server(None, None);
    assert!(
        options.finished.is_none() && finished.is_none(),
        "一直服务时不该有“走了一个客户端”的通道：没有人读它"
    );
    // 要数的时候才有通道，finish 每走一个客户端放进一个地址。
    let (options, finished) = MyHandlerOptions::for_server(None, Some(2));
    let finished = finished.expect("--max-clients 时需要通道");
    let server = lesson_07::socketserver::ThreadingTcpServer::bind(
        "127.0.0.1:0",
        lesson_07::MyHandler::factory(options),
    )
    .unwrap();
    let addr = server.server_address();
    testkit::with_deadline("serve_until 服务完 2 个客户端", move || {
        std::thread::scope(|s| {
            let serving = s.spawn(move || {
                lesson_07::serve_until(&server, 2, &finished, std::time::Duration::from_millis(20))
            });
            for text in ["一", "二"] {
                let mut conn = TcpStream::connect(addr).unwrap();
                conn.set_read_timeout(Some(DEADLINE)).unwrap();
                assert_eq!(
                    send_then_recv(&mut conn, text.as_bytes()),
                    format!("Your msg={text}")
                );
            }
            serving.join().unwrap().unwrap();
        });
    });
}
