//! 对真正的 `l08-framed-server` 发坏帧：超长的长度、长度或内容发到一半就关闭、发到一半就卡住。
//! 每一种都只断开那一个连接、留下一行清楚的日志，服务端继续为别的客户端回显。

use crate::common;

use std::io::{BufReader, BufWriter, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};

use common::*;
use lesson_08::frame::{read_frame, write_frame};
use testkit::{Proc, DEADLINE};

fn connect(server: &Proc) -> TcpStream {
    let stream = TcpStream::connect(server.addr()).expect("连得上服务端");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// 发一帧、读回一帧：服务端还在正常服务。
fn echo(server: &Proc, payload: &[u8]) -> Vec<u8> {
    let stream = connect(server);
    write_frame(&mut BufWriter::new(&stream), payload).unwrap();
    read_frame(&mut BufReader::new(&stream), 1 << 26)
        .expect("读回显")
        .expect("服务端应当回显这一帧")
}

/// 服务端断开了这个连接：先回一帧以“错误：”开头的说明（对方已经走了就收不到），
/// 然后读到 EOF（或者连接被重置），而不是一直等下去。返回那句说明（没有收到时为空）。
fn assert_closed_by_server(stream: &TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match (&*stream).read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break,
            Err(e) => panic!("服务端应当断开这个连接，读的时候却是 {e:?}"),
        }
    }
    if got.is_empty() {
        return String::new();
    }
    let frame = read_frame(&mut &got[..], 4096)
        .expect("服务端断开前回的应当是一帧")
        .expect("服务端断开前回的应当是一帧");
    let text = String::from_utf8(frame).expect("说明是 UTF-8");
    assert!(text.starts_with("错误："), "{text:?}");
    text
}

#[test]
fn frames_of_any_content_come_back_unchanged() {
    let server = server(FRAMED_SERVER, &[]);
    assert_eq!(
        echo(&server, "我爱Python".as_bytes()),
        "我爱Python".as_bytes()
    );
    assert_eq!(echo(&server, b""), b"");
    assert_eq!(echo(&server, b"\xff\x00\xfe\n"), b"\xff\x00\xfe\n");
    let big: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 256) as u8).collect();
    assert!(echo(&server, &big) == big, "300 KB 的帧回显得不一样");
}

#[test]
fn a_length_over_the_maximum_is_refused_and_others_are_still_served() {
    let mut server = server(FRAMED_SERVER, &["--max-frame", "16"]);
    // 正好 16 字节可以。
    assert_eq!(echo(&server, b"0123456789abcdef"), b"0123456789abcdef");
    // 17 字节：只发长度，服务端看完长度就拒绝，不等内容。
    let bad = connect(&server);
    (&bad).write_all(&17u32.to_be_bytes()).unwrap();
    assert_eq!(
        assert_closed_by_server(&bad),
        "错误：对方声称这一帧有 17 字节，超过了上限 16 字节，拒绝接收"
    );
    server.expect_stdout("[#2] 出错：对方声称这一帧有 17 字节，超过了上限 16 字节，拒绝接收");
    // 4 GB：同样，服务端不会去分配这么多内存。
    let bad = connect(&server);
    (&bad).write_all(&[0xff, 0xff, 0xff, 0xff]).unwrap();
    assert_closed_by_server(&bad);
    server.expect_stdout(
        "[#3] 出错：对方声称这一帧有 4294967295 字节（约 4.0 GiB），超过了上限 16 字节",
    );
    assert_eq!(echo(&server, "还在".as_bytes()), "还在".as_bytes());
    assert!(server.is_running(), "服务端不应因为坏帧而退出");
}

#[test]
fn a_connection_closed_mid_header_or_mid_payload_is_logged() {
    let mut server = server(FRAMED_SERVER, &[]);
    let half_header = connect(&server);
    (&half_header).write_all(&[0, 0]).unwrap();
    half_header.shutdown(Shutdown::Write).unwrap();
    assert_closed_by_server(&half_header);
    server.expect_stdout("[#1] 出错：连接在长度前缀中途关闭（只收到 2/4 字节）");

    let half_payload = connect(&server);
    (&half_payload)
        .write_all(&[0, 0, 0, 10, b'a', b'b', b'c'])
        .unwrap();
    half_payload.shutdown(Shutdown::Write).unwrap();
    assert_closed_by_server(&half_payload);
    server.expect_stdout("[#2] 出错：连接在内容中途关闭（应有 10 字节），只收到 3 字节");

    assert_eq!(echo(&server, "还在".as_bytes()), "还在".as_bytes());
}

#[test]
fn a_stalled_client_times_out_without_blocking_others() {
    let mut server = server(FRAMED_SERVER, &["--idle-timeout", "1"]);
    // 发了 3 个字节的长度就不动了。
    let stalled = connect(&server);
    (&stalled).write_all(&[0, 0, 0]).unwrap();
    server.expect_stdout("[#1] 新连接");
    // 它卡着的时候，别的客户端照常得到回显（每个连接一个线程）。
    assert_eq!(echo(&server, "别等它".as_bytes()), "别等它".as_bytes());
    assert_closed_by_server(&stalled);
    server.expect_stdout(
        "[#1] 出错：超过 1 秒没有收到数据，或者来得太慢（每秒不到 16 KiB）；断开这个连接",
    );
}

#[test]
fn the_mode_server_also_drops_a_stalled_client() {
    let mut server = server(SERVER, &["--mode", "raw", "--idle-timeout", "1"]);
    let stalled = connect(&server);
    (&stalled).write_all("我爱".as_bytes()).unwrap();
    // raw 模式的慢读者在等对方说完；对方不说完也不关闭，超时后照样断开。
    let mut reply = String::new();
    let _ = (&stalled).read_to_string(&mut reply);
    server.expect_stdout("[#1] 出错：超过 1 秒没有收到数据");
    assert!(
        reply.starts_with("错误：超过 1 秒没有收到数据"),
        "{reply:?}"
    );
}
