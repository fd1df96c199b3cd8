//! 第 04 课的程序：服务端和客户端都作为真实进程运行，在真实的套接字上对话。
//! 书里展示的输出文件由这里保持与实际一致。

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::{bin, first_session, free_port, mask, raw_connect, read_line};
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
    let mut second = Proc::spawn(&bin("l04-client"), ["--port", &port]);
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

#[test]
fn bad_input_gets_an_answer_and_the_server_keeps_going() {
    let mut srv = server("l04-server", &[]);
    let port = srv.port();
    let (mut raw, mut reader) = raw_connect(&port);
    // 不是合法 UTF-8 的字节：有损解码，照样回复。
    raw.write_all(b"\xff\xfeabc\n").unwrap();
    let reply = read_line(&mut reader, "对非法 UTF-8 的回复");
    assert!(reply.starts_with("[\u{FFFD}\u{FFFD}abc] "), "{reply:?}");
    // 空行：回复一对空的方括号。
    raw.write_all(b"\n").unwrap();
    let reply = read_line(&mut reader, "对空行的回复");
    assert!(
        reply.starts_with("[] ") && looks_like_ctime(&reply[3..]),
        "{reply:?}"
    );
    // \r\n 结尾的行（telnet 的习惯）：\r 不算内容。
    raw.write_all(b"telnet\r\n").unwrap();
    assert!(read_line(&mut reader, "对 \\r\\n 行的回复").starts_with("[telnet] "));
    // 发了半行就消失：服务端记下这半行，然后去服务下一个客户端。
    raw.write_all(b"half").unwrap();
    drop(raw);
    drop(reader);
    srv.expect_stdout("含非法 UTF-8，已用 � 代替");
    srv.expect_stdout("收到：half");
    srv.expect_stdout("最后半行");

    // 1 MiB 的一行：服务端丢掉它，回一句错误，下一行照常处理。
    let mut input = "a".repeat(1 << 20);
    input.push_str("\n之后的一行\n");
    let out = testkit::run(&bin("l04-client"), ["--port", &port], &input);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout
            .contains("收到：错误：一行最多 65536 字节，这条消息有 1048576 字节，已丢弃"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("发送：aaaa") && out.stdout.contains("（共 1048576 字节）"));
    assert!(out.stdout.contains("收到：[之后的一行] "), "{}", out.stdout);
    srv.expect_stdout("超过上限 65536，已丢弃");
    assert!(srv.is_running(), "坏输入不应该让服务端退出");
    assert!(!srv.stderr_so_far().contains("panicked"));
}

#[test]
fn a_silent_client_is_dropped_so_the_next_one_gets_in() {
    let mut srv = server("l04-server", &["--idle-secs", "1"]);
    let port = srv.port();
    let (_silent, mut reader) = raw_connect(&port);
    srv.expect_stdout("连上了");
    let out = testkit::run(&bin("l04-client"), ["--port", &port], "轮到我了\n");
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.contains("收到：[轮到我了] "), "{}", out.stdout);
    srv.expect_stdout("1 秒没有说话，断开它");
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
    let port = free_port().to_string();
    for name in ["l04-client", "l04-threaded-client", "l04-chat-client"] {
        Command::cargo_bin(name)
            .unwrap()
            .args(["--port", &port])
            .write_stdin("你好\n")
            .env("NO_COLOR", "1")
            .env_remove("RUST_BACKTRACE")
            .timeout(DEADLINE)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("连不上服务端"))
            .stderr(predicate::str::contains("just lesson 04 server"))
            .stderr(predicate::str::contains("panicked").not());
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
    const CLIENTS: usize = 4;
    const NAMES: usize = 3;
    const DELAY_MS: u64 = 500;
    let serial = Duration::from_millis(DELAY_MS * (CLIENTS * NAMES) as u64);
    let srv = server(
        "l04-threaded-server",
        &["--delay-ms", &DELAY_MS.to_string()],
    );
    let port = srv.port();
    let started = Instant::now();
    let clients: Vec<(Proc, String)> = (1..=CLIENTS)
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
        assert!(out.status.success(), "{}", out.stderr);
        assert_eq!(out.stdout, want, "每个客户端只收到给它自己的回复");
    }
    let took = started.elapsed();
    // 一个接一个地服务要 serial（6 秒）；同时服务大约是一个客户端的时间（1.5 秒）。
    // 期限放宽到 serial 的四分之三，慢机器上也不会误报，而串行的服务端一定超过它。
    assert!(
        took < serial * 3 / 4,
        "{CLIENTS} 个客户端用了 {took:?}，串行服务需要 {serial:?}：它们没有被同时服务"
    );
    drop(srv);
}

#[test]
fn messages_sent_in_one_write_are_not_merged() {
    let mut srv = server("l04-threaded-server", &[]);
    let (mut raw, mut reader) = raw_connect(&srv.port());
    assert_eq!(read_line(&mut reader, "Welcome!"), "Welcome!");
    // 三条消息一次写出：教程的 recv(1024) 会把它们当成一条。
    raw.write_all(b"Michael\nTracy\nSarah\n").unwrap();
    for name in ["Michael", "Tracy", "Sarah"] {
        assert_eq!(read_line(&mut reader, name), format!("Hello, {name}!"));
    }
    // 坏输入：非法 UTF-8 有损解码；超长的一行只得到一句错误。
    raw.write_all(b"\xffX\n").unwrap();
    assert_eq!(read_line(&mut reader, "非法 UTF-8"), "Hello, \u{FFFD}X!");
    let mut long = vec![b'x'; 100_000];
    long.push(b'\n');
    raw.write_all(&long).unwrap();
    assert!(read_line(&mut reader, "超长行").starts_with("错误：一行最多 65536 字节"));
    raw.write_all(b"exit\n").unwrap();
    let mut rest = Vec::new();
    assert_eq!(
        reader.read_to_end(&mut rest).unwrap(),
        0,
        "exit 之后服务端应关闭连接"
    );
    srv.expect_stdout("的连接已关闭（4 条消息）");
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
