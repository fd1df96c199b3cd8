//! Ctrl-C：不再接受新连接，让正在进行的连接说完（最多等 --drain 秒），然后退出码 0。

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use testkit::peers;

use crate::common::*;

fn read_some(stream: &mut TcpStream) -> Vec<u8> {
    let mut buf = [0u8; 4096];
    let n = stream.read(&mut buf).expect("读得到回复");
    buf[..n].to_vec()
}

#[test]
fn ctrl_c_lets_the_conversation_in_flight_finish_then_exits_0() {
    let mut srv = server(SERVER, &["--delay-ms", "300"]);
    let port = srv.addr().port();
    let mut s = peers::connect(srv.addr()).unwrap();
    assert_eq!(read_some(&mut s), b"Welcome!");
    s.write_all(b"Michael").unwrap();
    srv.expect_stdout("接受来自");
    ctrl_c(&srv);
    srv.expect_stdout("还有 1 个连接在进行");
    // 新连接被系统拒绝：监听套接字已经放开了。
    assert!(
        TcpStream::connect(srv.addr()).is_err(),
        "关闭开始后不该再接受连接"
    );
    // 说到一半的那个连接照样得到回复，还能接着说。
    assert_eq!(read_some(&mut s), b"Hello, Michael!");
    s.write_all(b"Tracy").unwrap();
    assert_eq!(read_some(&mut s), b"Hello, Tracy!");
    s.write_all(b"exit").unwrap();
    let done = srv.finish();
    assert_eq!(done.status.code(), Some(0), "{done:?}");
    assert!(
        done.stdout.contains("所有连接都结束了，服务端退出"),
        "{}",
        done.stdout
    );
    testkit::assert_matches_saved(
        &saved("shutdown-server.txt"),
        &normalized(&done.stdout, port, 9999),
    );
}

#[test]
fn the_drain_deadline_cuts_a_connection_that_never_finishes() {
    let mut srv = server(SERVER, &["--drain", "1"]);
    let mut s = peers::connect(srv.addr()).unwrap();
    assert_eq!(read_some(&mut s), b"Welcome!");
    srv.expect_stdout("接受来自");
    let started = Instant::now();
    ctrl_c(&srv);
    let done = srv.finish();
    assert_eq!(done.status.code(), Some(0), "{done:?}");
    assert!(
        done.stdout.contains("等了 1 秒，还有 1 个连接没有结束"),
        "{}",
        done.stdout
    );
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(10),
        "{took:?}"
    );
    // 被断开的连接读到 EOF，而不是一直挂着。
    s.set_read_timeout(Some(testkit::DEADLINE)).unwrap();
    assert_eq!(s.read(&mut [0u8; 16]).unwrap_or(0), 0);
}

#[test]
fn a_second_ctrl_c_stops_waiting() {
    let mut srv = server(SERVER, &["--drain", "60"]);
    let mut s = peers::connect(srv.addr()).unwrap();
    assert_eq!(read_some(&mut s), b"Welcome!");
    srv.expect_stdout("接受来自");
    ctrl_c(&srv);
    srv.expect_stdout("最多等它们 60 秒");
    ctrl_c(&srv);
    let done = srv.finish();
    assert_eq!(done.status.code(), Some(0), "{done:?}");
    assert!(
        done.stdout.contains("不等了：断开剩下的 1 个连接"),
        "{}",
        done.stdout
    );
}

#[test]
fn the_chat_room_says_goodbye_and_exits_0() {
    let mut srv = server(CHAT_SERVER, &[]);
    let member = peers::connect(srv.addr()).unwrap();
    member.set_read_timeout(Some(testkit::DEADLINE)).unwrap();
    srv.expect_stdout("加入了聊天室");
    ctrl_c(&srv);
    let mut all = String::new();
    let _ = (&member).read_to_string(&mut all);
    assert!(all.contains("服务端要关闭了，再见"), "{all}");
    let done = srv.finish();
    assert_eq!(done.status.code(), Some(0), "{done:?}");
}

#[test]
fn the_framed_and_udp_servers_exit_0_on_ctrl_c() {
    for bin in [FRAMED_SERVER, UDP_SERVER] {
        let srv = server(bin, &[]);
        ctrl_c(&srv);
        let done = srv.finish();
        assert_eq!(done.status.code(), Some(0), "{bin}: {done:?}");
    }
}

#[test]
fn shutdown_after_clients_ends_the_server_by_itself() {
    let srv = server(SERVER, &["--shutdown-after-clients", "3"]);
    let out = testkit::run(CLIENT, ["--port", &srv.port(), "--clients", "3"], "");
    assert!(out.status.success(), "{out:?}");
    let done = srv.finish();
    assert_eq!(done.status.code(), Some(0), "{done:?}");
    assert!(
        done.stdout.contains("已经服务了 3 个客户端"),
        "{}",
        done.stdout
    );
}
