//! 第 08 课的程序：真实的服务端与客户端进程在回环地址上配对运行。
//! 书里展示的输出文件由这里保持与实际一致。

use crate::common;

use common::*;
use testkit::{assert_matches_saved, Proc};

/// 服务端用 `mode` 启动，依次运行几个客户端（同一模式），返回服务端全部输出和各客户端的输出。
fn session(mode: &str, clients: &[&[&str]]) -> (String, Vec<String>) {
    let mut server = server(SERVER, &["--mode", mode]);
    let port = server.port();
    let mut outs = Vec::new();
    for extra in clients {
        let mut args = vec!["--port", port.as_str(), "--mode", mode];
        args.extend_from_slice(extra);
        let out = run_client(CLIENT, &args, "");
        assert!(
            out.status.success(),
            "客户端失败：{}\n{}",
            out.stdout,
            out.stderr
        );
        outs.push(normalized(&out.stdout, &port, 8888));
    }
    let log = server.kill_and_collect();
    (normalized(&log.stdout, &port, 8888), outs)
}

#[test]
fn raw_two_sends_arrive_in_one_recv_and_a_big_one_takes_five() {
    let (log, clients) = session("raw", &[&["我爱Python", "我爱阿芬"], &["--repeat", "400"]]);
    // 粘包：两次 send，服务端一次 recv 就拿到了全部 24 个字节。
    assert!(
        log.contains("[#1] 第 1 次 recv(1024)：24 字节 “我爱Python我爱阿芬”"),
        "{log}"
    );
    assert!(!log.contains("[#1] 第 2 次 recv"), "{log}");
    assert!(
        clients[0].contains("服务端：读了 1 次 recv，共 24 字节"),
        "{}",
        clients[0]
    );
    // 一条 4800 字节的消息：1024 × 4 + 704，第一次读正好把“爱”字切成两半。
    for i in 1..=4 {
        assert!(
            log.contains(&format!("[#2] 第 {i} 次 recv(1024)：1024 字节")),
            "{log}"
        );
    }
    assert!(log.contains("[#2] 第 5 次 recv(1024)：704 字节"), "{log}");
    assert!(log.contains("1024 字节，不是完整的 UTF-8"), "{log}");
    assert!(
        clients[1].contains("服务端：读了 5 次 recv，共 4800 字节"),
        "{}",
        clients[1]
    );
    assert_matches_saved(&saved("raw-server.txt"), &log);
    assert_matches_saved(&saved("raw-client.txt"), &clients.concat());
}

#[test]
fn ack_mode_confirms_every_message() {
    let (log, clients) = session("ack", &[&["我爱Python", "我爱阿芬"]]);
    assert!(
        log.contains("[#1] 第 1 条消息：12 字节 “我爱Python”，回一句 ok"),
        "{log}"
    );
    assert!(
        log.contains("[#1] 第 2 条消息：12 字节 “我爱阿芬”，回一句 ok"),
        "{log}"
    );
    assert_eq!(
        clients[0].matches("收到确认 ok").count(),
        2,
        "{}",
        clients[0]
    );
    assert!(
        clients[0].contains("服务端：收到 2 条消息，共 24 字节"),
        "{}",
        clients[0]
    );
    assert_matches_saved(&saved("ack-server.txt"), &log);
    assert_matches_saved(&saved("ack-client.txt"), &clients[0]);
}

#[test]
fn line_mode_keeps_every_message_including_the_empty_one() {
    let (log, clients) = session("line", &[&["我爱Python", "", "我爱阿芬"]]);
    assert!(
        log.contains("[#1] 第 1 条消息：12 字节 “我爱Python”"),
        "{log}"
    );
    assert!(log.contains("[#1] 第 2 条消息：0 字节（空消息）"), "{log}");
    assert!(
        log.contains("[#1] 第 3 条消息：12 字节 “我爱阿芬”"),
        "{log}"
    );
    assert!(
        clients[0].contains("服务端：收到 3 条消息，共 24 字节"),
        "{}",
        clients[0]
    );
    assert_matches_saved(&saved("line-server.txt"), &log);
    assert_matches_saved(&saved("line-client.txt"), &clients[0]);
}

#[test]
fn length_mode_delivers_a_big_message_whole() {
    let (log, clients) = session("length", &[&["我爱Python", "我爱阿芬", "--repeat", "400"]]);
    assert!(
        log.contains("[#1] 第 1 条消息：12 字节 “我爱Python”"),
        "{log}"
    );
    assert!(
        log.contains("[#1] 第 2 条消息：12 字节 “我爱阿芬”"),
        "{log}"
    );
    assert!(
        log.contains("[#1] 第 3 条消息：4800 字节 “我爱Python"),
        "{log}"
    );
    assert!(!log.contains("不是完整的 UTF-8"), "{log}");
    assert!(
        clients[0].contains("服务端：收到 3 条消息，共 4824 字节"),
        "{}",
        clients[0]
    );
    assert_matches_saved(&saved("length-server.txt"), &log);
    assert_matches_saved(&saved("length-client.txt"), &clients[0]);
}

#[test]
fn messages_can_come_from_stdin_and_need_not_be_utf8() {
    let mut server = server(SERVER, &["--mode", "length"]);
    let port = server.port();
    // 空行结束输入，后面的行不会发出去。
    let out = run_client(CLIENT, &["--port", &port], "我爱Python\na\n\n不会发送\n");
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("服务端：收到 2 条消息，共 13 字节"),
        "{}",
        out.stdout
    );
    // 不是 UTF-8 的一行照样作为一条消息发出去，服务端说明它不是 UTF-8。
    let mut client = Proc::spawn(CLIENT, ["--port", &port]);
    client.send_bytes(b"\xff\xfe\n\n");
    let out = client.finish();
    assert!(out.status.success(), "{}", out.stderr);
    server.expect_stdout("[#2] 第 1 条消息：2 字节，不是完整的 UTF-8");
    server.expect_stdout("[#2] 对方说完了：收到 1 条消息，共 2 字节");
}

#[test]
fn framed_client_gets_every_frame_back() {
    let mut server = server(FRAMED_SERVER, &[]);
    let port = server.port();
    let out = run_client(
        FRAMED_CLIENT,
        &["--port", &port, "你好", "", "我爱阿芬"],
        "",
    );
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.contains("回显：6 字节 “你好”"), "{}", out.stdout);
    assert!(
        out.stdout.contains("回显：0 字节（空消息）"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("发了 3 帧，每帧都收到了回显"),
        "{}",
        out.stdout
    );
    server.expect_stdout("[#1] 对方关闭了连接，一共回显了 3 帧");
    assert_matches_saved(
        &saved("framed-client.txt"),
        &normalized(&out.stdout, &port, 9999),
    );
    let log = server.kill_and_collect();
    assert_matches_saved(
        &saved("framed-server.txt"),
        &normalized(&log.stdout, &port, 9999),
    );
    // 交互式：从标准输入一行一行地读，空行结束。
    let mut server = common::server(FRAMED_SERVER, &[]);
    let port = server.port();
    let out = run_client(
        FRAMED_CLIENT,
        &["--port", &port],
        "第一行\n第二行\n\n不会发送\n",
    );
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("回显：9 字节 “第二行”"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("发了 2 帧"), "{}", out.stdout);
    server.expect_stdout("一共回显了 2 帧");
}
