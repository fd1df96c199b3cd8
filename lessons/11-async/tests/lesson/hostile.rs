//! 坏输入：非法 UTF-8、太长的帧、说到一半就消失的对方、一直不说话的对方、名额满了、不读消息的聊天成员。
//! 每一种都只影响那一个连接：服务端不 panic、不退出，接着服务下一个。

use std::io::{Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use testkit::peers;

use crate::common::*;

fn read_some(stream: &mut TcpStream) -> Vec<u8> {
    let mut buf = [0u8; 4096];
    let n = stream.read(&mut buf).expect("读得到回复");
    buf[..n].to_vec()
}

/// 读到对方关闭为止（有期限）。
fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    stream.set_read_timeout(Some(testkit::DEADLINE)).unwrap();
    let mut all = Vec::new();
    let _ = stream.read_to_end(&mut all);
    all
}

fn still_greets(port: &str) {
    let out = testkit::run(CLIENT, ["--port", port], "");
    assert!(
        out.status.success(),
        "坏客户端之后服务端不再服务了：{out:?}"
    );
}

#[test]
fn invalid_utf8_gets_a_replacement_character_and_the_server_goes_on() {
    let mut srv = server(SERVER, &[]);
    let mut s = peers::connect(srv.addr()).unwrap();
    assert_eq!(read_some(&mut s), b"Welcome!");
    s.write_all(b"ab\xff\xfe").unwrap();
    assert_eq!(
        String::from_utf8_lossy(&read_some(&mut s)),
        "Hello, ab\u{fffd}\u{fffd}!"
    );
    drop(s);
    srv.expect_stdout("含非法 UTF-8");
    still_greets(&srv.port());
    assert!(srv.is_running());
}

#[test]
fn an_idle_peer_is_dropped_after_the_idle_timeout() {
    let mut srv = server(SERVER, &["--idle-timeout", "1"]);
    let mut s = peers::connect(srv.addr()).unwrap();
    let started = Instant::now();
    let all = read_to_close(&mut s);
    assert_eq!(all, b"Welcome!", "一直不说话的客户端只该收到欢迎语");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(10),
        "{took:?}"
    );
    srv.expect_stdout("关闭和 127.0.0.1");
    still_greets(&srv.port());
}

#[test]
fn the_connection_cap_refuses_with_a_sentence_in_the_protocol() {
    // 上限 2，同一个地址最多占一半：第二个来自 127.0.0.1 的连接就被拒绝。
    let mut srv = server(SERVER, &["--max-connections", "2"]);
    let mut first = peers::connect(srv.addr()).unwrap();
    assert_eq!(read_some(&mut first), b"Welcome!");
    let mut second = peers::connect(srv.addr()).unwrap();
    let words = String::from_utf8(read_to_close(&mut second)).unwrap();
    assert!(words.starts_with("服务端忙："), "{words}");
    assert!(
        !words.ends_with('\n'),
        "这个协议的话都不带换行符：{words:?}"
    );
    srv.expect_stdout("拒绝 127.0.0.1");
    // 第一个连接走了，名额归还，新来的又能连上。
    first.write_all(b"exit").unwrap();
    drop(first);
    testkit::wait_until("名额归还", || {
        testkit::run(CLIENT, ["--port", &srv.port()], "")
            .status
            .success()
    });
}

#[test]
fn our_client_reports_a_refusal_clearly() {
    let srv = server(SERVER, &["--max-connections", "2"]);
    let mut first = peers::connect(srv.addr()).unwrap();
    assert_eq!(read_some(&mut first), b"Welcome!");
    let out = testkit::run(CLIENT, ["--port", &srv.port()], "");
    testkit::assert_clear_failure(&out, "服务端拒绝了这个连接：服务端忙");
}

#[test]
fn a_frame_longer_than_the_limit_is_refused_before_allocating() {
    let mut srv = server(FRAMED_SERVER, &["--max-frame", "1KiB"]);
    let mut s = peers::connect(srv.addr()).unwrap();
    s.write_all(&u32::MAX.to_be_bytes()).unwrap();
    let reply = read_to_close(&mut s);
    assert!(reply.len() > 4, "{reply:?}");
    let len = u32::from_be_bytes(reply[..4].try_into().unwrap()) as usize;
    assert_eq!(len, reply.len() - 4, "错误也是完整的一帧");
    let text = String::from_utf8_lossy(&reply[4..]);
    assert!(
        text.starts_with("错误：") && text.contains("超过了上限 1 KiB"),
        "{text}"
    );
    srv.expect_stdout("拒绝接收");
    // 服务端还在：正常的一帧照样回显。
    let mut t = peers::connect(srv.addr()).unwrap();
    t.write_all(b"\0\0\0\x02hi").unwrap();
    assert_eq!(read_some(&mut t), b"\0\0\0\x02hi");
}

#[test]
fn a_peer_that_vanishes_mid_frame_only_ends_its_own_connection() {
    let mut srv = server(FRAMED_SERVER, &[]);
    // 说了一半就正常关闭：
    let mut s = peers::connect(srv.addr()).unwrap();
    s.write_all(b"\0\0\0\x10half").unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    srv.expect_stdout("连接在一帧的中途关闭");
    // 说了一半就消失（RST，像程序崩溃了）：
    let s = peers::connect(srv.addr()).unwrap();
    peers::vanish(s, b"\0\0\0\x10half", 6).unwrap();
    srv.expect_stdout("[#2] 出错");
    let mut t = peers::connect(srv.addr()).unwrap();
    t.write_all(b"\0\0\0\x03abc").unwrap();
    assert_eq!(read_some(&mut t), b"\0\0\0\x03abc");
}

#[test]
fn a_chat_member_who_never_reads_stalls_nobody() {
    let mut srv = server(CHAT_SERVER, &["--queue", "8"]);
    let addr = srv.addr();
    // 沉默者：连上以后一个字节也不读。
    let _silent = peers::connect(addr).unwrap();
    srv.expect_stdout("用户1（");
    let mut speaker = peers::connect(addr).unwrap();
    let listener = peers::connect(addr).unwrap();
    srv.expect_stdout("用户3（");
    // 说话的人最多比听的人早 4 行（听的人的队列不会满），沉默者的队列和套接字缓冲区却早就满了。
    let line = format!("{}\n", "字".repeat(20_000)); // 60 000 字节一行
    let lines = 300; // 一共 18 MB：远远超过沉默者的套接字缓冲区和它的队列
    let (got, kicked) = testkit::with_deadline("说完、听完 300 行", move || {
        let mut listener = std::io::BufReader::new(listener);
        listener
            .get_ref()
            .set_read_timeout(Some(testkit::DEADLINE))
            .unwrap();
        let (mut sent, mut got, mut kicked) = (0, 0, false);
        let mut text = String::new();
        while got < lines {
            if sent < lines && sent - got < 4 {
                speaker.write_all(line.as_bytes()).unwrap();
                sent += 1;
                continue;
            }
            text.clear();
            if std::io::BufRead::read_line(&mut listener, &mut text).unwrap_or(0) == 0 {
                break;
            }
            if text.starts_with("用户2：") {
                got += 1;
            }
            kicked |= text.contains("用户1 跟不上了");
        }
        (got, kicked)
    });
    assert_eq!(got, lines, "听的人没有收全：沉默的成员卡住了别人");
    assert!(kicked, "沉默的成员应当被请出聊天室，大家都听到一句说明");
}

#[test]
fn udp_answers_invalid_utf8_with_a_short_error() {
    let srv = server(UDP_SERVER, &[]);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(testkit::DEADLINE)).unwrap();
    sock.connect(srv.addr()).unwrap();
    sock.send(&[0xff; 1000]).unwrap();
    let mut buf = [0u8; 2048];
    let n = sock.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], lesson_05::NOT_UTF8_REPLY.as_bytes());
    sock.send(b"").unwrap();
    let n = sock.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"Hello, !");
}

#[test]
fn bad_arguments_fail_clearly() {
    let out = testkit::run(SERVER, ["--drain", "99999"], "");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stderr.contains("3600"), "{}", out.stderr);
    let taken = server(SERVER, &[]);
    let out = testkit::run(SERVER, ["--port", &taken.port()], "");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    let nobody = testkit::closed_port();
    let out = testkit::run(CLIENT, ["--port", &nobody.port().to_string()], "");
    testkit::assert_clear_failure(&out, "lesson 11 server");
}

#[test]
fn a_trickling_peer_is_dropped_below_the_minimum_rate() {
    // 每 100 毫秒 1 个字节：每次都等不到 1 秒的空闲超时，平均却远低于最低速率。
    // 问候服务端把每个字节当成一条消息、回 9 个字节，写出去的也算数：它的最低速率设成每秒 1000 字节。
    for (bin, words, rate) in [
        (FRAMED_SERVER, b"\0\0\0\x40".to_vec(), "100"),
        (SERVER, Vec::new(), "1000"),
    ] {
        let mut srv = server(bin, &["--idle-timeout", "1", "--min-rate", rate]);
        let mut s = peers::connect(srv.addr()).unwrap();
        let started = Instant::now();
        let mut data = words;
        data.extend(std::iter::repeat_n(b'x', 40));
        // 服务端断开以后，写会失败（连接被重置）：那正是期望的。
        let _ = peers::trickle(&mut s, &data, 1, Duration::from_millis(100));
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(3),
            "{bin}：慢慢发了 {took:?} 还没被断开"
        );
        srv.expect_line("说明为什么断开", |l| l.contains("慢"));
        still_greets_or_echoes(bin, &srv);
    }
}

fn still_greets_or_echoes(bin: &str, srv: &testkit::Proc) {
    let mut t = peers::connect(srv.addr()).unwrap();
    if bin == SERVER {
        assert_eq!(read_some(&mut t), b"Welcome!");
    } else {
        t.write_all(b"\0\0\0\x01z").unwrap();
        assert_eq!(read_some(&mut t), b"\0\0\0\x01z");
    }
}
