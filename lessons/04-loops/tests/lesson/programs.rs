//! 第 04 课的程序：服务端和客户端都作为真实进程运行，在真实的套接字上对话。
//! 书里展示的输出文件由这里保持与实际一致。

use crate::common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener};
use std::time::Instant;

use assert_cmd::Command;
use common::{bin, first_session, mask, raw_connect, raw_stream, read_line, recv_once, SHOWN_TIME};
use lesson_04::ctime::looks_like_ctime;
use predicates::prelude::*;
use testkit::{assert_matches_saved, Proc, DEADLINE};

fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn server(name: &str, extra: &[&str]) -> Proc {
    let mut args = vec!["--port", "0"];
    args.extend_from_slice(extra);
    Proc::server(&bin(name), args)
}

/// 回复的样子必须是 `[<内容>] <ctime>`。
fn assert_reply(line: &str, content: &str) {
    let prefix = format!("收到：[{content}] ");
    let time = line
        .split_once(&prefix)
        .map(|(_, t)| t)
        .unwrap_or_else(|| panic!("{line:?} 不是对 {content:?} 的回复"));
    assert!(looks_like_ctime(time), "回复里的时间不像 ctime：{time:?}");
}

#[test]
fn mask_replaces_times_and_ports() {
    let text = "服务端 正在监听 127.0.0.1:40000\n客户端 127.0.0.1:33333 连上了\n收到：[你好] Sun Nov 22 01:59:42 2026\n客户端 127.0.0.1:44444\n127.0.0.1:33333\n";
    assert_eq!(
        mask(text, "40000", "6969"),
        "服务端 正在监听 127.0.0.1:6969\n客户端 127.0.0.1:50001 连上了\n收到：[你好] Mon Dec  9 18:15:50 2019\n客户端 127.0.0.1:50002\n127.0.0.1:50001\n"
    );
}

#[test]
fn v2_server_answers_every_line_until_the_client_leaves() {
    let mut srv = server("l04-server", &[]);
    let port = srv.port();
    let out = testkit::run(
        &bin("l04-client"),
        ["--port", &port],
        "i am binary\ni am handsome\n\n这一行在空行之后，不会发出\n",
    );
    assert!(out.status.success(), "客户端失败：{}", out.stderr);
    let replies: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("收到："))
        .collect();
    assert_eq!(replies.len(), 2, "空行之后就应该结束：{}", out.stdout);
    assert_reply(replies[0], "i am binary");
    assert_reply(replies[1], "i am handsome");
    assert!(out.stdout.contains("共发送 2 条消息"), "{}", out.stdout);
    assert_matches_saved(&saved("client.txt"), &mask(&out.stdout, &port, "6969"));

    srv.expect_stdout("断开了连接（这次共 2 条消息）");
    // 服务端没有退出，而是回到外层循环等下一个客户端。
    let again = testkit::run(&bin("l04-client"), ["--port", &port], "还在吗\n");
    assert!(again.status.success(), "{}", again.stderr);
    assert!(again.stdout.contains("收到：[还在吗] "), "{}", again.stdout);
    srv.expect_stdout("断开了连接（这次共 1 条消息）");
    let log = srv.kill_and_collect().stdout;
    assert_eq!(
        log.matches("等待连接……").count(),
        3,
        "每服务完一个客户端回到外层循环：\n{log}"
    );
    // 书里只展示第一个客户端的那一段。
    assert_matches_saved(
        &saved("server.txt"),
        &mask(&first_session(&log), &port, "6969"),
    );
}

#[test]
fn v2_server_serves_one_client_at_a_time() {
    let mut srv = server("l04-server", &[]);
    let port = srv.port();
    let mut first = Proc::spawn(&bin("l04-client"), ["--port", &port]);
    first.send_line("我先来");
    first.expect_stdout("收到：[我先来]");

    // 第二个客户端连得上（连接在监听队列里排队），消息也发得出去，但没人读它。
    // 它要一直等到第一个客户端离开：期限放宽，机器再忙也不会在那之前放弃。
    let mut second = Proc::spawn(&bin("l04-client"), ["--port", &port, "--timeout", "60"]);
    second.send_line("我排队");
    second.expect_stdout("发送：我排队");
    // 第一个客户端还能继续对话：服务端仍然只陪着它。
    first.send_line("我还在");
    first.expect_stdout("收到：[我还在]");
    assert!(
        !second.stdout_so_far().contains("收到："),
        "第一个客户端还连着，第二个客户端却已经得到了回复：\n{}",
        second.stdout_so_far()
    );

    // 第一个客户端一走，第二个马上得到回复。
    let first_out = first.finish();
    assert!(first_out.status.success(), "{}", first_out.stderr);
    second.expect_stdout("收到：[我排队]");
    let second_out = second.finish();
    assert!(second_out.status.success(), "{}", second_out.stderr);
    let log = srv.kill_and_collect().stdout;
    let left = log.find("共 2 条消息").expect("第一个客户端离开的记录");
    let queued = log.find("收到：我排队").expect("第二个客户端的消息");
    assert!(
        left < queued,
        "第二个客户端的消息应该在第一个离开之后才处理：\n{log}"
    );
}

/// 回复必须**正好**是 `[<内容>] <ctime>`：内容原样放回，后面是 24 个字符的时间，没有换行符。
fn assert_exact_reply(reply: &[u8], content: &[u8]) {
    let head = [&b"["[..], content, b"] "].concat();
    assert!(
        reply.starts_with(&head) && reply.len() == head.len() + 24,
        "回复应该正好是 [内容] 加 24 个字符的时间、没有换行符，实际是 {:?}",
        String::from_utf8_lossy(reply)
    );
    let time = std::str::from_utf8(&reply[head.len()..]).expect("时间是 ASCII");
    assert!(looks_like_ctime(time), "回复里的时间不像 ctime：{time:?}");
}

#[test]
fn v2_server_speaks_the_tutorials_wire_format() {
    let mut srv = server("l04-server", &[]);
    let port = srv.port();
    let mut raw = raw_stream(&port);
    // 一次 send、一次 recv，和教程的客户端一样。每一种都检查回复的每一个字节。
    for (send, content, what) in [
        (
            &b"i am binary"[..],
            &b"i am binary"[..],
            "教程的客户端：不带换行符",
        ),
        (b"nc\n", b"nc", "nc：带一个 \\n"),
        (b"telnet\r\n", b"telnet", "telnet：带 \\r\\n"),
        (b"two\n\n", b"two\n", "只去掉一个换行符"),
        (b"\n", b"", "只有换行符：空消息照样回复"),
        (b"\xff\xfeabc", b"\xff\xfeabc", "非法 UTF-8：字节原样放回"),
    ] {
        raw.write_all(send).unwrap();
        assert_exact_reply(&recv_once(&raw, what), content);
    }
    srv.expect_stdout("收到一条空消息（只有一个换行符）");
    srv.expect_stdout("含非法 UTF-8，已用 � 代替");
    // 发了一句就消失：服务端照样回复，然后去服务下一个客户端。
    raw.write_all(b"half").unwrap();
    drop(raw);
    srv.expect_stdout("收到：half");

    // 超过 1024 字节的一行：客户端说明原因、不发送，下一行照常一问一答。
    let input = format!("{}\n之后的一行\n", "a".repeat(2000));
    let out = testkit::run(&bin("l04-client"), ["--port", &port], &input);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout
            .contains("这条消息有 2000 字节，没有发送：服务端一次只读 1024 字节"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("发送：aaaa"), "{}", out.stdout);
    assert!(out.stdout.contains("收到：[之后的一行] "), "{}", out.stdout);
    assert!(out.stdout.contains("共发送 1 条消息"), "{}", out.stdout);
    assert!(srv.is_running(), "坏输入不应该让服务端退出");
    assert!(!srv.stderr_so_far().contains("panicked"));
}

/// 0123456789 循环的 `n` 个字节：拆开的地方一眼就能看出来。
fn digits(n: usize) -> Vec<u8> {
    (0..n).map(|i| b'0' + (i % 10) as u8).collect()
}

#[test]
fn a_message_longer_than_1024_bytes_gets_one_reply_per_piece() {
    let mut srv = server("l04-server", &[]);
    let port = srv.port();
    let message = digits(2500);
    let mut raw = raw_stream(&port);
    // 教程的客户端会这样做：不管多长，一条消息一次 send 出去。
    raw.write_all(&message).unwrap();
    // 说完了：半关闭，把服务端的回复统统读回来，直到它关闭连接。
    raw.shutdown(Shutdown::Write).unwrap();
    let mut replies = Vec::new();
    raw.read_to_end(&mut replies).unwrap();
    // 服务端 recv(1024) 了三次：1024、1024、452 字节，每一块都当作一条消息回复了一次。
    let want: String = message
        .chunks(1024)
        .map(|piece| format!("[{}] {SHOWN_TIME}", String::from_utf8_lossy(piece)))
        .collect();
    assert_eq!(
        mask(&String::from_utf8_lossy(&replies), &port, "6969"),
        want,
        "一条 2500 字节的消息应该得到三条回复"
    );
    srv.expect_stdout("断开了连接（这次共 3 条消息）");
    // 服务端没事，回到外层循环等下一个；下一个客户端得到回复时，上一段日志一定已经打印完了。
    let again = testkit::run(&bin("l04-client"), ["--port", &port], "还在吗\n");
    assert!(again.stdout.contains("收到：[还在吗] "), "{}", again.stdout);
    let log = srv.kill_and_collect().stdout;
    assert_matches_saved(
        &saved("long-message.txt"),
        &mask(&first_session(&log), &port, "6969"),
    );

    // 多线程服务端也一样：2000 字节得到两句 Hello。
    let srv = server("l04-threaded-server", &[]);
    let mut raw = raw_stream(&srv.port());
    let message = digits(2000);
    raw.write_all(&message).unwrap();
    raw.shutdown(Shutdown::Write).unwrap();
    let mut replies = Vec::new();
    raw.read_to_end(&mut replies).unwrap();
    let want = format!(
        "Welcome!Hello, {}!Hello, {}!",
        String::from_utf8_lossy(&message[..1024]),
        String::from_utf8_lossy(&message[1024..])
    );
    assert!(
        replies == want.as_bytes(),
        "一条 2000 字节的名字应该得到两句 Hello，实际是 {:?}",
        String::from_utf8_lossy(&replies)
    );
}

#[test]
fn a_silent_client_is_dropped_so_the_next_one_gets_in() {
    let mut srv = server("l04-server", &["--idle-timeout", "1"]);
    let port = srv.port();
    let (_silent, mut reader) = raw_connect(&port);
    srv.expect_stdout("连上了");
    let out = testkit::run(&bin("l04-client"), ["--port", &port], "轮到我了\n");
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.contains("收到：[轮到我了] "), "{}", out.stdout);
    srv.expect_stdout("好让排队的客户端进来");
    let mut rest = Vec::new();
    assert_eq!(
        reader.read_to_end(&mut rest).unwrap(),
        0,
        "不说话的客户端应该被断开"
    );
}

#[test]
fn client_reports_a_server_that_goes_away() {
    let mut srv = server("l04-server", &[]);
    let port = srv.port();
    let mut client = Proc::spawn(&bin("l04-client"), ["--port", &port]);
    client.send_line("第一句");
    client.expect_stdout("收到：[第一句]");
    srv.kill_and_collect();
    client.send_line("第二句");
    let out = client.finish();
    assert_eq!(out.status.code(), Some(1), "{}", out.stdout);
    assert!(out.stderr.contains("服务端"), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn clients_without_a_server_say_how_to_start_it() {
    let nobody = testkit::closed_port();
    let port = nobody.port().to_string();
    // 每个客户端都说出和它配对的那个服务端。
    for (name, hint) in [
        ("l04-client", "just lesson 04 server"),
        ("l04-threaded-client", "just lesson 04 threaded-server"),
        ("l04-chat-client", "just lesson 04 chat-server"),
    ] {
        Command::cargo_bin(name)
            .unwrap()
            .args(["--port", &port])
            .write_stdin("你好\n")
            .env("NO_COLOR", "1")
            .env("WORKBOOK_JUST", "1")
            .env_remove("RUST_BACKTRACE")
            .timeout(DEADLINE)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("连不上服务端"))
            .stderr(predicate::str::contains(hint))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn hostile_arguments_are_refused_before_anything_happens() {
    // 0 秒的超时：标准库的 set_read_timeout(Some(Duration::ZERO)) 返回错误，而系统层面的 SO_RCVTIMEO = 0
    // 意思却是“永远等”。两种意思都不是用户想要的“不等”；大得离谱的值会让“现在 + 超时”溢出。
    // 所以在解析参数时就拒绝，并指出是哪个参数、范围是多少。
    let huge = "18446744073709551615";
    let mut cases: Vec<(&str, &str, &str, &str)> = Vec::new();
    for client in ["l04-client", "l04-threaded-client", "l04-chat-client"] {
        cases.push((client, "--timeout", "0", "应当在 1 到 3600 秒之间"));
        cases.push((client, "--timeout", huge, "应当在 1 到 3600 秒之间"));
    }
    for srv in ["l04-server", "l04-threaded-server", "l04-chat-server"] {
        cases.push((srv, "--idle-timeout", "0", "应当在 1 到 86400 秒之间"));
        cases.push((srv, "--idle-timeout", huge, "应当在 1 到 86400 秒之间"));
        cases.push((srv, "--min-rate", "0", "字节每秒之间"));
        cases.push((srv, "--max-connections", "0", "之间"));
        cases.push((srv, "--port", "65536", "--port"));
    }
    cases.push((
        "l04-server",
        "--max-connections",
        "2",
        "应当在 1 到 1 个之间",
    ));
    cases.push((
        "l04-threaded-server",
        "--delay-ms",
        huge,
        "应当在 0 到 10000 毫秒之间",
    ));
    cases.push((
        "l04-chat-server",
        "--queue",
        "0",
        "应当在 1 到 10000 条之间",
    ));
    for (name, flag, value, why) in cases {
        Command::cargo_bin(name)
            .unwrap()
            .args(["--port", "0", flag, value])
            .env("NO_COLOR", "1")
            .env("WORKBOOK_JUST", "1")
            .timeout(DEADLINE)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(flag))
            .stderr(predicate::str::contains(why))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn every_program_has_chinese_help_and_a_version() {
    for name in [
        "l04-server",
        "l04-client",
        "l04-threaded-server",
        "l04-threaded-client",
        "l04-chat-server",
        "l04-chat-client",
    ] {
        let help = Command::cargo_bin(name)
            .unwrap()
            .arg("--help")
            .timeout(DEADLINE)
            .assert()
            .success();
        let text = String::from_utf8_lossy(&help.get_output().stdout).into_owned();
        assert!(
            text.contains("用法:") && text.contains("显示版本"),
            "{name}:\n{text}"
        );
        assert!(
            !text.contains("[default"),
            "{name} 的默认值只写一次：\n{text}"
        );
        Command::cargo_bin(name)
            .unwrap()
            .arg("--version")
            .timeout(DEADLINE)
            .assert()
            .success()
            .stdout(predicate::str::contains(name));
    }
}

#[test]
fn servers_report_a_port_that_is_taken() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for name in ["l04-server", "l04-threaded-server", "l04-chat-server"] {
        Command::cargo_bin(name)
            .unwrap()
            .args(["--port", &port])
            .env("NO_COLOR", "1")
            .env("WORKBOOK_JUST", "1")
            .env_remove("RUST_BACKTRACE")
            .timeout(DEADLINE)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("无法监听"))
            .stderr(predicate::str::contains("--port 0"))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn threaded_client_gets_welcome_and_a_hello_for_each_name() {
    let mut srv = server("l04-threaded-server", &[]);
    let port = srv.port();
    let out = testkit::run(&bin("l04-threaded-client"), ["--port", &port], "");
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "Welcome!\nHello, Michael!\nHello, Tracy!\nHello, Sarah!\n"
    );
    assert_matches_saved(&saved("threaded-client.txt"), &out.stdout);
    srv.expect_stdout("的连接已关闭（3 条消息）");

    let out = testkit::run(
        &bin("l04-threaded-client"),
        ["--port", &port, "--names", "小明,Bob"],
        "",
    );
    assert_eq!(out.stdout, "Welcome!\nHello, 小明!\nHello, Bob!\n");
    srv.expect_stdout("的连接已关闭（2 条消息）");
}

#[test]
fn threaded_server_serves_clients_at_the_same_time() {
    let srv = server("l04-threaded-server", &["--delay-ms", "100"]);
    let port = srv.port();
    // 第一个客户端收下 Welcome! 之后一声不吭，一直占着它的连接。
    let quiet = raw_stream(&port);
    assert_eq!(recv_once(&quiet, "Welcome!"), b"Welcome!");
    // 它还连着的时候，另外 4 个客户端同时连上来，各自完成整段对话。一次只服务一个的服务端做不到：
    // 它们会排在第一个客户端后面，等到 --timeout 到期就报错退出。这里不看时间，只看结果。
    let clients: Vec<(Proc, String)> = (1..=4)
        .map(|i| {
            let names = format!("c{i}-a,c{i}-b,c{i}-c");
            let proc = Proc::spawn(
                &bin("l04-threaded-client"),
                ["--port", &port, "--names", &names],
            );
            (
                proc,
                format!("Welcome!\nHello, c{i}-a!\nHello, c{i}-b!\nHello, c{i}-c!\n"),
            )
        })
        .collect();
    for (client, want) in clients {
        let out = client.finish();
        assert!(
            out.status.success(),
            "第一个客户端还连着，其他客户端却没有被服务：{}",
            out.stderr
        );
        assert_eq!(out.stdout, want, "每个客户端只收到给它自己的回复");
    }
    drop(srv);
}

/// 用时间看出“同时”：4 个客户端一起连上开了延迟的多线程服务端（每条回复前等 400 毫秒，
/// 一段对话至少 1.2 秒）。同时服务时，每个客户端都在**任何一个**客户端说完之前就收到了 Welcome!；
/// 一次只服务一个的服务端做不到：第二个客户端的 Welcome! 要等第一个说完才来。
/// 这里比较的是几段时间是否重叠，而不是“必须在几秒内完成”，机器再忙也不会误判；
/// 整个过程仍有期限（testkit::DEADLINE）。
#[test]
fn threaded_clients_overlap_in_time() {
    let srv = server("l04-threaded-server", &["--delay-ms", "400"]);
    let port = srv.port();
    let mut clients: Vec<Proc> = (1..=4)
        .map(|i| {
            let names = format!("t{i}-a,t{i}-b,t{i}-c");
            Proc::spawn(
                &bin("l04-threaded-client"),
                ["--port", port.as_str(), "--names", names.as_str()],
            )
        })
        .collect();
    // 同时盯着 4 个客户端，记下每个 Welcome! 和每个最后一条回复**第一次出现**的时刻
    // （按期限轮询；记下的时刻最多比真实时刻晚一次轮询的间隔）。
    let mut welcomed: Vec<Option<Instant>> = vec![None; clients.len()];
    let mut finished: Vec<Option<Instant>> = vec![None; clients.len()];
    let deadline = Instant::now() + DEADLINE;
    while finished.iter().any(Option::is_none) {
        assert!(Instant::now() < deadline, "客户端没有在期限内说完");
        for (i, c) in clients.iter_mut().enumerate() {
            let out = c.stdout_so_far();
            if welcomed[i].is_none() && out.contains("Welcome!") {
                welcomed[i] = Some(Instant::now());
            }
            if finished[i].is_none() && out.contains(&format!("Hello, t{}-c!", i + 1)) {
                finished[i] = Some(Instant::now());
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let welcomed: Vec<Instant> = welcomed
        .into_iter()
        .map(|t| t.expect("先收到 Welcome!"))
        .collect();
    let finished: Vec<Instant> = finished.into_iter().flatten().collect();
    let last_welcome = welcomed.iter().max().unwrap();
    let first_finish = finished.iter().min().unwrap();
    assert!(
        last_welcome < first_finish,
        "最后一个 Welcome! 比第一个客户端说完还晚 {:?}：客户端是一个接一个被服务的",
        last_welcome.duration_since(*first_finish)
    );
    for c in clients {
        assert!(c.finish().status.success());
    }
    drop(srv);
}

#[test]
fn threaded_server_speaks_the_tutorials_wire_format() {
    let mut srv = server("l04-threaded-server", &[]);
    let mut raw = raw_stream(&srv.port());
    assert_eq!(recv_once(&raw, "Welcome!"), b"Welcome!", "欢迎语不带换行符");
    // 一次 send、一次 recv，和教程的客户端一样；回复一个字节也不多。
    for (send, want) in [
        (&b"Michael"[..], "Hello, Michael!"), // 教程的客户端：不带换行符
        (b"Tracy\r\n", "Hello, Tracy!"),      // telnet
        (b"Sarah\n", "Hello, Sarah!"),        // nc
        (b"\xffX", "Hello, \u{FFFD}X!"),      // 非法 UTF-8：有损解码
        (b"\n", "Hello, !"),                  // 只有换行符：空名字照样回复
    ] {
        raw.write_all(send).unwrap();
        let reply = recv_once(&raw, want);
        assert_eq!(String::from_utf8_lossy(&reply), want);
    }
    srv.expect_stdout("的消息含非法 UTF-8，已用 � 代替");
    raw.write_all(b"exit").unwrap();
    let mut rest = Vec::new();
    assert_eq!(
        raw.read_to_end(&mut rest).unwrap(),
        0,
        "exit 之后服务端应关闭连接"
    );
    srv.expect_stdout("的连接已关闭（5 条消息）");
}

#[test]
fn threaded_client_refuses_names_it_cannot_send() {
    // 这些名字在连接之前就被拒绝：所以这里不需要服务端，错误里也不会说“连不上”。
    let nobody = testkit::closed_port();
    let port = nobody.port().to_string();
    let long = "长".repeat(400);
    for (names, why) in [
        ("Bob,,Amy", "名字不能是空的"),
        ("Bob,exit", "名字不能是 exit"),
        (long.as_str(), "这个名字有 1200 字节"),
    ] {
        Command::cargo_bin("l04-threaded-client")
            .unwrap()
            .args(["--port", &port, "--names", names])
            .env("NO_COLOR", "1")
            .env("WORKBOOK_JUST", "1")
            .env_remove("RUST_BACKTRACE")
            .timeout(DEADLINE)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(why))
            .stderr(predicate::str::contains("连不上").not())
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn chat_clients_see_each_others_messages() {
    let mut srv = server("l04-chat-server", &[]);
    let port = srv.port();
    let mut a = Proc::spawn(&bin("l04-chat-client"), ["--port", &port]);
    a.expect_stdout("你是 用户1");
    let mut b = Proc::spawn(&bin("l04-chat-client"), ["--port", &port]);
    b.expect_stdout("你是 用户2");
    a.expect_stdout("用户2 加入了聊天室");

    a.send_line("大家好，我是甲");
    b.expect_stdout("用户1：大家好，我是甲");
    b.send_line("你好甲，我是乙");
    a.expect_stdout("用户2：你好甲，我是乙");
    // 两个方向可以同时进行：乙连着说两句，甲不用回话也能都收到。
    b.send_line("第二句");
    b.send_line("第三句");
    a.expect_stdout("用户2：第三句");
    assert!(a.stdout_so_far().contains("用户2：第二句"));
    assert!(
        !a.stdout_so_far().contains("用户1：大家好"),
        "自己说的话不会转回给自己"
    );

    // 坏输入：太长的一行只告诉发的人，非法 UTF-8 有损转发。
    b.send_line(&"长".repeat(30_000));
    b.expect_stdout("错误：一行最多 65536 字节");
    b.send_bytes(b"\xff\xfe\n");
    a.expect_stdout("用户2：\u{FFFD}\u{FFFD}");

    let b_out = b.finish();
    assert!(b_out.status.success(), "{}", b_out.stderr);
    assert!(b_out.stdout.contains("你已离开聊天室"), "{}", b_out.stdout);
    a.expect_stdout("用户2 离开了聊天室");
    let a_out = a.finish();
    assert!(a_out.status.success(), "{}", a_out.stderr);
    srv.expect_stdout("用户1 离开了聊天室");
    assert!(srv.is_running());
}

#[test]
fn a_chat_member_that_vanishes_does_not_break_the_room() {
    let mut srv = server("l04-chat-server", &[]);
    let port = srv.port();
    let mut a = Proc::spawn(&bin("l04-chat-client"), ["--port", &port]);
    a.expect_stdout("你是 用户1");
    {
        let (mut raw, mut reader) = raw_connect(&port);
        assert!(read_line(&mut reader, "欢迎语").contains("你是 用户2"));
        raw.write_all("说了一半".as_bytes()).unwrap();
    } // 连接在这里消失
    a.expect_stdout("用户2：说了一半");
    a.expect_stdout("用户2 离开了聊天室");
    a.send_line("还有人吗");
    srv.expect_stdout("用户1 说：还有人吗");
    let out = a.finish();
    assert!(out.status.success(), "{}", out.stderr);
}
