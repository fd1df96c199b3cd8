//! 第 05 课 UDP 服务端的异步版（端口 9999）：每收到一个数据报，就给发送方寄回 `Hello, <数据>!`；
//! 不是合法 UTF-8 的数据报只换来一句简短的错误（第 05 课讲过为什么不能回答得比请求长很多）。
//!
//! UDP 没有连接，也就没有“每个连接一个任务”：一个任务、一个套接字服务所有的客户端，
//! 和线程版一样。异步版多出来的是：收数据报的同时看着 `stop`，Ctrl-C 时干净地退出；
//! 寄回答时有一个期限（`tokio::time::timeout`），发送缓冲区满了也卡不住服务端。

use std::io;
use std::time::Duration;

use lesson_05::greet;
use tokio::net::UdpSocket;

use crate::serve::Shutdown;
use crate::Log;

/// 寄一个回答最多等多久：UDP 的发送几乎从不等待，万一等了，丢掉这一个回答（UDP 本来就可能丢）。
pub const SEND_TIMEOUT: Duration = Duration::from_secs(1);

/// 连续这么多次收不到数据（出错）就放弃：多半是套接字本身坏了，再循环也只是空转（和第 05 课一样）。
const MAX_ERRORS_IN_A_ROW: u32 = 100;

// ANCHOR: serve_udp
/// 收一个数据报、回答一个，直到 `shutdown.stop` 被取消（或者 `shutdown.after` 个数据报回答完）。
/// 返回回答了多少个数据报。
pub async fn serve_udp(
    socket: UdpSocket,
    buffer: usize,
    shutdown: &Shutdown,
    log: Log,
) -> io::Result<u64> {
    // 多要一个字节：这个字节也被填上，说明数据报比缓冲区大、被截断了（第 05 课的办法）。
    let mut buf = vec![0u8; buffer + 1];
    let mut answered = 0u64;
    let mut errors_in_a_row = 0;
    loop {
        // recv_from 是取消安全的：stop 先发生时，还没收到的数据报仍然在系统的队列里，什么也没丢。
        let received = tokio::select! {
            _ = shutdown.stop.cancelled() => break,
            received = socket.recv_from(&mut buf) => received,
        };
        let (n, from) = match received {
            Ok(pair) => pair,
            Err(e) => {
                errors_in_a_row += 1;
                log(&format!("接收出错（{e}），继续等下一个数据报"));
                if errors_in_a_row >= MAX_ERRORS_IN_A_ROW {
                    return Err(e);
                }
                continue;
            }
        };
        errors_in_a_row = 0;
        let truncated = n > buffer;
        let data = &buf[..n.min(buffer)];
        let greeting = greet(data);
        let mut line = format!(
            "收到 {from} 的 {} 字节：{}",
            data.len(),
            lesson_04::preview(&greeting.text)
        );
        if greeting.lossy {
            line.push_str("（不是合法的 UTF-8，只回答一句简短的错误）");
        }
        if truncated {
            line.push_str(&format!("（数据报比缓冲区大，只留下前 {buffer} 字节）"));
        }
        log(&line);
        match tokio::time::timeout(SEND_TIMEOUT, socket.send_to(&greeting.reply, from)).await {
            Ok(Ok(_)) => answered += 1,
            Ok(Err(e)) => log(&format!("回答 {from} 失败（{e}），继续等下一个数据报")),
            Err(_) => log(&format!("回答 {from} 等了 1 秒也寄不出去，丢掉这个回答")),
        }
        if shutdown.after == Some(answered) {
            log(&format!(
                "已经回答了 {answered} 个数据报（--shutdown-after-clients），像收到 Ctrl-C 一样开始关闭"
            ));
            shutdown.stop.cancel();
        }
    }
    log("不再接收数据报，服务端退出（UDP 没有连接，不用等谁说完）");
    Ok(answered)
}
// ANCHOR_END: serve_udp
