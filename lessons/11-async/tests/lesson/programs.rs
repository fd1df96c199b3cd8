//! 四个服务端和客户端，各自和别的课的客户端对话：线路上一字不差。

use std::time::Duration;

use crate::common::*;

#[test]
fn the_lesson_04_client_and_ours_both_get_their_greetings() {
    let srv = server(SERVER, &[]);
    let port = srv.port();
    let out = testkit::run(&other("l04-threaded-client"), ["--port", &port], "");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        out.stdout,
        "Welcome!\nHello, Michael!\nHello, Tracy!\nHello, Sarah!\n"
    );
    let ours = testkit::run(CLIENT, ["--port", &port], "");
    assert!(ours.status.success(), "{ours:?}");
    assert_eq!(ours.stdout, out.stdout);
    testkit::assert_matches_saved(&saved("client.txt"), &ours.stdout);
}

#[test]
fn our_client_talks_to_the_threaded_server_of_lesson_04() {
    let srv = server(&other("l04-threaded-server"), &[]);
    let out = testkit::run(CLIENT, ["--port", &srv.port(), "--clients", "20"], "");
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stdout
            .contains("20 个连接同时对话，每个发了 3 个名字：60 条回复全部正确"),
        "{}",
        out.stdout
    );
}

#[test]
fn many_clients_at_once_take_about_as_long_as_one() {
    // 每条回复前等 300 毫秒：200 个连接一个接一个要 180 秒，同时进行只要 0.9 秒多一点。
    let srv = server(
        SERVER,
        &["--delay-ms", "300", "--max-connections", "1000", "--quiet"],
    );
    let started = std::time::Instant::now();
    let out = testkit::run(CLIENT, ["--port", &srv.port(), "--clients", "200"], "");
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.contains("600 条回复全部正确"), "{}", out.stdout);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "用了 {:?}",
        started.elapsed()
    );
}

#[test]
fn the_framed_server_echoes_frames_for_the_lesson_08_client() {
    let mut srv = server(FRAMED_SERVER, &[]);
    let out = testkit::run(
        &other("l08-framed-client"),
        ["--port", &srv.port(), "你好", "", "我爱阿芬"],
        "",
    );
    assert!(out.status.success(), "{out:?}");
    let expected = "回显：6 字节 “你好”\n回显：0 字节（空消息）\n回显：12 字节 “我爱阿芬”\n发了 3 帧，每帧都收到了回显\n";
    assert!(out.stdout.ends_with(expected), "{}", out.stdout);
    srv.expect_stdout("一共回显了 3 帧");
    let port = srv.addr().port();
    let log = srv.kill_and_collect().stdout;
    testkit::assert_matches_saved(&saved("framed-server.txt"), &normalized(&log, port, 9999));
}

#[test]
fn the_udp_server_answers_the_lesson_05_client() {
    let srv = server(UDP_SERVER, &[]);
    let out = testkit::run(&other("l05-client"), ["--port", &srv.port()], "");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        out.stdout,
        "Hello, Michael!\nHello, Tracy!\nHello, Sarah!\n"
    );
}

#[test]
fn the_chat_room_relays_between_two_lesson_04_clients() {
    let srv = server(CHAT_SERVER, &[]);
    let port = srv.port();
    let client = other("l04-chat-client");
    let mut a = testkit::Proc::spawn(&client, ["--port", &port]);
    a.expect_stdout("用户1");
    let mut b = testkit::Proc::spawn(&client, ["--port", &port]);
    b.expect_stdout("用户2");
    a.expect_stdout("用户2 加入了聊天室");
    b.send_line("你好甲");
    a.expect_stdout("用户2：你好甲");
    a.send_line("你好乙");
    b.expect_stdout("用户1：你好乙");
    a.close_stdin();
    b.expect_stdout("用户1 离开了聊天室");
}
