//! 书里“哪里会坏”的两次运行，用的是完整版（l08-server / l08-client）的中间办法：
//! ack 每条消息要等一个来回；分隔符装不下含有分隔符的消息。
//! 旁白（# 开头）是测试写的，测试也检查旁白说的每一件事。

use crate::common::*;
use crate::pause::{resume, stop, unread, wait_for_client_of, wait_unread};

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::Duration;

use testkit::{assert_clear_failure, assert_matches_saved, Proc, DEADLINE};

fn tagged(who: &str, text: &str) -> String {
    text.lines().map(|l| format!("{who} | {l}\n")).collect()
}

#[test]
fn ack_mode_sends_nothing_more_while_the_receiver_is_paused() {
    let ack_server = server(SERVER, &["--mode", "ack"]);
    let (port, sport) = (ack_server.port(), ack_server.addr().port());
    stop(ack_server.pid());
    let client = Proc::spawn(
        CLIENT,
        ["--port", &port, "--mode", "ack", "我爱Python", "我爱阿芬"],
    );
    let cport = wait_for_client_of(sport);
    wait_unread(sport, cport, 12);
    // 观察半秒：服务端不回 ok，客户端就不发第 2 条。
    thread::sleep(Duration::from_millis(500));
    assert_eq!(
        unread(sport, cport),
        Some(12),
        "ack 模式的客户端在等 ok，第 2 条不该发出来"
    );
    resume(ack_server.pid());
    let out = client.finish();
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        out.stdout.matches("收到确认 ok").count(),
        2,
        "{}",
        out.stdout
    );
    let ack = normalized(&out.stdout, &port, 8888);

    // 对照：length 模式不等任何人，服务端暂停着，两帧也马上都到了它的接收缓冲区。
    let length_server = server(SERVER, &["--mode", "length"]);
    let (port, sport) = (length_server.port(), length_server.addr().port());
    stop(length_server.pid());
    let client = Proc::spawn(
        CLIENT,
        [
            "--port",
            &port,
            "--mode",
            "length",
            "我爱Python",
            "我爱阿芬",
        ],
    );
    let cport = wait_for_client_of(sport);
    wait_unread(sport, cport, 4 + 12 + 4 + 12);
    resume(length_server.pid());
    let out = client.finish();
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("服务端：收到 2 条消息，共 24 字节"),
        "{}",
        out.stdout
    );
    let length = normalized(&out.stdout, &port, 8888);

    let breaks = "# l08-server --mode ack 暂停着（SIGSTOP）；l08-client --mode ack 连上来，发出第 1 条\n\
                  # 0.5 秒后，服务端的接收缓冲区里还是只有 12 字节：第 2 条没有发出来，客户端在等第 1 条的 ok\n\
                  # 服务端继续（SIGCONT）\n"
        .to_string()
        + &tagged("客户端", &ack)
        + "# 换成 length 模式，服务端同样暂停着：两帧（4 + 12 + 4 + 12 = 32 字节）马上都进了它的接收缓冲区\n\
           # 服务端继续\n"
        + &tagged("客户端", &length);
    assert_matches_saved(&saved("breaks-ack.txt"), &breaks);
}

#[test]
fn a_newline_inside_a_message_splits_it_in_line_mode() {
    let mut line_server = server(SERVER, &["--mode", "line"]);
    let port = line_server.port();
    // 一个只管在消息后面加 \n、不检查消息本身的发送方。
    let stream = TcpStream::connect(line_server.addr()).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    (&stream).write_all("我爱\nPython\n".as_bytes()).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut reply = String::new();
    (&stream).read_to_string(&mut reply).unwrap();
    assert_eq!(reply, "收到 2 条消息，共 12 字节\n");
    line_server.expect_stdout("[#1] 对方说完了");
    let log = line_server.kill_and_collect();
    let log: String = log
        .stdout
        .lines()
        .filter(|l| l.starts_with("[#1]"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        log,
        "[#1] 新连接\n\
         [#1] 第 1 条消息：6 字节 “我爱”\n\
         [#1] 第 2 条消息：6 字节 “Python”\n\
         [#1] 对方说完了：收到 2 条消息，共 12 字节\n"
    );

    // 完整版的客户端在连接之前就拒绝它（这里连端口都不必有人监听）。
    let refused = run_client(
        CLIENT,
        &["--port", &port, "--mode", "line", "我爱\nPython"],
        "",
    );
    assert_clear_failure(&refused, "第 1 条消息：line 模式的消息里不能有换行符");

    // length 模式什么字节都装得下：一条 13 字节的消息，换行符在里面。
    let mut length_server = server(SERVER, &["--mode", "length"]);
    let lport = length_server.port();
    let out = run_client(
        CLIENT,
        &["--port", &lport, "--mode", "length", "我爱\nPython"],
        "",
    );
    assert!(out.status.success(), "{}", out.stderr);
    length_server.expect_stdout("[#1] 对方说完了：收到 1 条消息，共 13 字节");
    let summary = out
        .stdout
        .lines()
        .find(|l| l.starts_with("服务端："))
        .expect("客户端打印了服务端的总结");
    assert_eq!(summary, "服务端：收到 1 条消息，共 13 字节");

    let breaks = "# 发送方在消息后面加一个 \\n，却不检查消息本身：写出的是 “我爱\\nPython\\n”\n"
        .to_string()
        + &tagged("服务端", &log)
        + "# 完整版的客户端在连接之前就拒绝这条消息：l08-client --mode line $'我爱\\nPython'\n"
        + &tagged("客户端", &refused.stderr)
        + "# length 模式装得下它：l08-client --mode length $'我爱\\nPython'\n"
        + &tagged("客户端", &format!("{summary}\n"));
    assert_matches_saved(&saved("breaks-delimiter.txt"), &breaks);
}
