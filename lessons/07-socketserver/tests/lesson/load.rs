//! 负载：200 个客户端同时连着真实的 l07-server，每个一问一答 50 次，每条回复都必须正确。
//! 这里只检查对不对，不检查快不快（速度见 `cargo bench -p lesson-07`）。

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use std::sync::mpsc;

use testkit::Proc;

/// 这个测试比别的重：期限放宽到 testkit::DEADLINE 的 4 倍，机器忙时也不误报，真卡住时仍会结束。
const LOAD_DEADLINE: Duration = Duration::from_secs(80);

const CLIENTS: usize = 200;
const ROUND_TRIPS: usize = 50;

fn client(addr: SocketAddr, c: usize, barrier: &Barrier) -> usize {
    let mut stream =
        TcpStream::connect_timeout(&addr, Duration::from_secs(30)).expect("连接服务端");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    // 所有客户端都连上之后才一起开始说话。
    barrier.wait();
    for i in 0..ROUND_TRIPS {
        // 一条消息一次写完，不带换行；等到回复才发下一条，所以服务端每次读到的正好是一条。
        let message = format!("客户端{c}的第{i}条");
        stream.write_all(message.as_bytes()).expect("发送");
        // 测试知道回复该有多长，所以读满这么多字节再比较：哪怕回复被拆成两次到达也不误报，
        // 而多出来的任何字节（比如一个换行）都会让下一条回复对不上。
        let expected = format!("Your msg={message}");
        let mut reply = vec![0u8; expected.len()];
        stream.read_exact(&mut reply).expect("读回复");
        assert_eq!(
            String::from_utf8_lossy(&reply),
            expected,
            "客户端 {c} 收到了错误的回复"
        );
    }
    // 说完了：关闭写端后，服务端不应再回任何东西，而是关闭连接。
    stream.shutdown(Shutdown::Write).expect("关闭写端");
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).expect("读到连接关闭");
    assert!(rest.is_empty(), "客户端 {c} 在 EOF 后还收到了 {rest:?}");
    ROUND_TRIPS
}

#[test]
fn two_hundred_clients_at_once_all_get_correct_answers() {
    // 默认最多同时 64 个连接、同一个地址最多 32 个：这里 200 个客户端都从 127.0.0.1 来，放开名额
    // （同一地址能占一半：400 个名额里的 200 个）；空闲超时也放宽，机器忙时慢一点不算慢。
    let server = Proc::server(
        env!("CARGO_BIN_EXE_l07-server"),
        [
            "--port",
            "0",
            "--max-connections",
            "400",
            "--idle-timeout",
            "120",
        ],
    );
    let addr = server.addr();
    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || {
        let barrier = Arc::new(Barrier::new(CLIENTS));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let barrier = Arc::clone(&barrier);
                thread::Builder::new()
                    .stack_size(64 * 1024)
                    .spawn(move || client(addr, c, &barrier))
                    .expect("启动客户端线程")
            })
            .collect();
        let total = clients
            .into_iter()
            .map(|c| c.join().expect("客户端线程没有 panic"))
            .sum::<usize>();
        let _ = done_tx.send(total);
    });
    let total = done_rx.recv_timeout(LOAD_DEADLINE).unwrap_or_else(|_| {
        panic!("200 个客户端各 50 次往返没有在 {LOAD_DEADLINE:?} 内完成（或有客户端线程失败）")
    });
    assert_eq!(total, CLIENTS * ROUND_TRIPS);
    drop(server);
}
