//! 用户或对方能造成的情况：没有服务端、端口被占用、发不了的消息、超长的消息。
//! 每一种都得到一句清楚的中文说明和退出码 1，不 panic；服务端照常服务别的客户端。

use crate::common;

use std::net::TcpListener;

use common::*;
use testkit::assert_clear_failure;

#[test]
fn clients_without_a_server_say_how_to_start_one() {
    let nobody = testkit::closed_port();
    let port = nobody.port().to_string();
    let out = run_client(CLIENT, &["--port", &port, "你好"], "");
    assert_clear_failure(&out, "just lesson 08 server");
    assert!(out.stderr.contains("连不上服务端"), "{}", out.stderr);
    // 分帧客户端要的是分帧回显服务端，提示里的命令也要是它。
    let out = run_client(FRAMED_CLIENT, &["--port", &port, "你好"], "");
    assert_clear_failure(&out, "just lesson 08 framed-server");
    assert!(out.stderr.contains("连接被拒绝"), "{}", out.stderr);
    assert!(
        !out.stderr.contains("just lesson 08 server"),
        "{}",
        out.stderr
    );
}

#[test]
fn servers_report_a_port_that_is_already_taken() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for bin in [SERVER, FRAMED_SERVER] {
        let out = run_client(bin, &["--port", &port], "");
        assert_clear_failure(&out, "无法监听");
        assert!(out.stderr.contains("--port 0"), "{}", out.stderr);
    }
}

#[test]
fn each_mode_refuses_messages_it_cannot_carry_before_connecting() {
    // 没有服务端也没关系：这些检查在连接之前。
    let nobody = testkit::closed_port();
    let port = nobody.port().to_string();
    let out = run_client(CLIENT, &["--port", &port, "--mode", "ack", "你好", ""], "");
    assert_clear_failure(&out, "第 2 条消息：ack 模式发不了空消息");
    let out = run_client(
        CLIENT,
        &["--port", &port, "--mode", "ack", "--repeat", "100"],
        "",
    );
    assert_clear_failure(&out, "ack 模式下一条消息最多 1024 字节");
    let out = run_client(CLIENT, &["--port", &port, "--mode", "line", "两\n行"], "");
    assert_clear_failure(&out, "line 模式的消息里不能有换行符");
    // 大得离谱的 --repeat 在解析参数时就被拒绝（退出码 2），而不是拼消息时耗尽内存后崩溃。
    let out = run_client(
        CLIENT,
        &["--port", &port, "--repeat", "100000000000000000"],
        "",
    );
    assert_eq!(out.status.code(), Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("--repeat") && out.stderr.contains("应当在 1 到 1000000 次之间"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_oversized_line_is_refused_and_the_server_keeps_serving() {
    let mut server = server(SERVER, &["--mode", "line", "--max-frame", "16"]);
    let port = server.port();
    let out = run_client(
        CLIENT,
        &["--port", &port, "--mode", "line", "我爱Python我爱阿芬"],
        "",
    );
    assert_clear_failure(&out, "服务端拒绝了这些消息");
    assert!(
        out.stderr.contains("超过了上限（16 字节）"),
        "{}",
        out.stderr
    );
    server.expect_stdout("[#1] 出错：消息超过了上限（16 字节）仍没有分隔符");
    // 同一个服务端，下一个客户端照常。
    let out = run_client(
        CLIENT,
        &["--port", &port, "--mode", "line", "我爱Python"],
        "",
    );
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("服务端：收到 1 条消息，共 12 字节"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_oversized_frame_is_refused_in_length_mode_too() {
    let mut server = server(SERVER, &["--mode", "length", "--max-frame", "16"]);
    let port = server.port();
    let out = run_client(
        CLIENT,
        &["--port", &port, "我爱Python", "--repeat", "2"],
        "",
    );
    assert_clear_failure(&out, "服务端拒绝了这些消息");
    assert!(
        out.stderr.contains("这一帧有 24 字节，超过了上限 16 字节"),
        "{}",
        out.stderr
    );
    server.expect_stdout("[#1] 第 1 条消息：12 字节 “我爱Python”");
    server.expect_stdout("[#1] 出错：对方声称这一帧有 24 字节");
}

#[test]
fn a_client_in_the_wrong_mode_gets_an_explanation_not_a_hang() {
    // ack 客户端发出不带长度前缀的“我爱Python”，length 服务端把头 4 个字节当成长度，
    // 得到一个近 4 GB 的数，拒绝并回一句错误；客户端等的是 ok，于是说明收到了什么。
    let _server = server(SERVER, &["--mode", "length"]);
    let port = _server.port();
    let out = run_client(
        CLIENT,
        &[
            "--port",
            &port,
            "--mode",
            "ack",
            "--timeout",
            "1",
            "我爱Python",
        ],
        "",
    );
    assert_clear_failure(&out, "服务端也是这个模式吗");
    assert!(out.stderr.contains("收到的却是"), "{}", out.stderr);
    assert!(out.stderr.contains("超过了上限"), "{}", out.stderr);
}

#[test]
fn a_client_facing_a_silent_server_times_out() {
    // 一个只监听、从不回话的“服务端”：连接能建立（内核替它完成握手），但永远等不到 ok。
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    let out = run_client(
        CLIENT,
        &[
            "--port",
            &port,
            "--mode",
            "ack",
            "--timeout",
            "1",
            "我爱Python",
        ],
        "",
    );
    assert_clear_failure(&out, "等待超时");
    drop(silent);
}
