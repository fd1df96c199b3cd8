//! 教程 1.5 节的服务端在客户端离开后空转：这里用真实的套接字把这件事数出来，
//! 再确认我们的循环读到 0 字节就离开。

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::Duration;

use lesson_04::{no_log, single};
use testkit::with_deadline;

/// 建一对连好的套接字：(服务端这一头, 客户端那一头)。
fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    (server, client)
}

#[test]
fn the_naive_loop_spins_once_the_peer_has_gone() {
    let (mut server, mut client) = pair();
    client.write_all(b"hi").unwrap();
    drop(client);
    const ROUNDS: usize = 10_000;
    let empty = with_deadline("天真的循环", move || {
        single::empty_reads_of_naive_loop(&mut server, ROUNDS)
    });
    // 第一圈读到 "hi"，之后的每一圈都立刻返回 0 字节：循环一直在转，却什么也没等到。
    assert_eq!(empty, ROUNDS - 1);
}

#[test]
fn our_loop_leaves_at_the_first_empty_read() {
    let (mut server, mut client) = pair();
    client.write_all(b"hi").unwrap();
    // 半关闭：服务端读到 EOF，而它的回复仍然有人收。
    client.shutdown(Shutdown::Write).unwrap();
    let served = with_deadline("serve_client", move || {
        server
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        single::serve_client(&mut server, no_log)
    });
    assert_eq!(served.unwrap(), 1, "一条消息，然后读到 EOF 就返回");
    let mut reply = String::new();
    client.read_to_string(&mut reply).unwrap();
    // 回复是 [hi] 加 24 个字符的时间，没有换行符。
    assert!(reply.starts_with("[hi] "), "{reply:?}");
    assert_eq!(reply.len(), "[hi] ".len() + 24, "{reply:?}");
}
