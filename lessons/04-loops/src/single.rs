//! 教程 V2 的服务端（端口 6969）：外层循环一个接一个地接受客户端，
//! 内层循环和当前这个客户端一问一答，直到它断开。一次只服务一个客户端。

use std::io::{self, BufRead, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use support::serve::{Backoff, Guarded, Policy};

use crate::ctime::ctime_now;
use crate::message::{lossy, recv_message, send_message, strip_newline, RECV_SIZE, REPLY_SIZE};
use crate::{dropped_because, preview, Log};

// ANCHOR: serve_forever
/// 外层循环：永远等下一个客户端。`accept` 一次只交出一个连接，
/// 在 [`serve_client`] 返回之前不会回到这里——后来的客户端只能在队列里等。
///
/// 所以每个客户端能占着服务端多久必须有个限度：连接包进 `Guarded`，一直不说话的、
/// 一个字节一个字节地拖的客户端，最多 `policy.idle`（再加上它收发的字节挣来的一点时间）就被断开。
pub fn serve_forever(listener: &TcpListener, policy: &Policy, log: Log) {
    let mut backoff = Backoff::default();
    loop {
        log("等待连接……");
        let (stream, peer) = match accept(listener, &mut backoff, log) {
            Ok(pair) => pair,
            Err(e) => {
                // 比如对方在排队时就放弃了；这不是服务端的错，接着等下一个。
                log(&format!("接受连接失败：{e}"));
                continue;
            }
        };
        log(&format!("客户端 {peer} 连上了"));
        // ANCHOR: guarded
        let mut stream = match Guarded::new(stream, policy.idle, policy.min_rate) {
            Ok(guarded) => guarded,
            Err(e) => {
                log(&format!("设置客户端 {peer} 的超时失败（{e}），断开"));
                continue;
            }
        };
        // ANCHOR_END: guarded
        match serve_client(&mut stream, log) {
            Ok(n) => log(&format!("客户端 {peer} 断开了连接（这次共 {n} 条消息）")),
            Err(e) if support::is_timeout(&e) => log(&format!(
                "{}：断开客户端 {peer}，好让排队的客户端进来",
                dropped_because(&e, policy)
            )),
            Err(e) => log(&format!("和客户端 {peer} 的连接出错（{e}），断开")),
        }
    }
}

/// `accept`，出错时按 [`Backoff`] 等一会儿再试：文件描述符用完时（EMFILE），那个连接还在队列里，
/// 马上再 accept 只会马上再失败，一秒钟转上几十万圈、写几十万行日志。同一阵错误只记一行。
fn accept(
    listener: &TcpListener,
    backoff: &mut Backoff,
    log: Log,
) -> io::Result<(TcpStream, std::net::SocketAddr)> {
    loop {
        match listener.accept() {
            Ok(pair) => {
                if let Some(n) = backoff.succeeded() {
                    log(&format!("接受连接恢复正常（刚才连续失败了 {n} 次）"));
                }
                return Ok(pair);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            // 排队的对方在被接受之前就断开了：只关那一个连接的事，不必等。
            Err(e) if e.kind() == ErrorKind::ConnectionAborted => return Err(e),
            Err(e) => {
                let (wait, first) = backoff.failed();
                if first {
                    log(&format!(
                        "接受连接失败：{e}。稍后重试（等待从 {} 毫秒起逐步加长，这一阵的错误不再逐条记录）",
                        Backoff::FIRST.as_millis()
                    ));
                }
                thread::sleep(wait);
            }
        }
    }
}
// ANCHOR_END: serve_forever

// ANCHOR: serve_client
/// 内层循环：一次读到的就是一条消息，回复 `[<内容>] <ctime>`，直到对方关闭连接；返回处理了几条消息。
///
/// 和教程一样，`recv` 一次最多读 [`RECV_SIZE`]（1024）字节，读到几个字节就回复一次。
/// 关键在读到 0 字节（`None`）：对方关闭后，每次读都会**立刻**返回 0 字节，
/// 所以读到 0 就必须离开循环，否则这个循环会一直空转（见 [`empty_reads_of_naive_loop`]）。
pub fn serve_client(stream: &mut (impl Read + Write), log: Log) -> io::Result<u64> {
    let mut buf = [0u8; RECV_SIZE];
    let mut count = 0;
    loop {
        // ANCHOR: eof
        let Some(data) = recv_message(stream, &mut buf)? else {
            return Ok(count); // 0 字节：对方关闭了连接
        };
        // ANCHOR_END: eof
        count += 1;
        // 手敲消息的人（nc、telnet）按回车会带上一个换行符，它不算内容。
        let data = strip_newline(data);
        log(&describe(data));
        // 回复里原样放回收到的字节，和教程的 b'[%s] %s' % (data, ...) 一样：不解码、不修改。
        let mut reply = Vec::with_capacity(data.len() + 27);
        reply.push(b'[');
        reply.extend_from_slice(data);
        reply.extend_from_slice(b"] ");
        reply.extend_from_slice(ctime_now().as_bytes());
        // 整条回复一次写出，不加换行符：教程的客户端 recv 一次就拿到整条回复。
        send_message(&mut *stream, &reply)?;
    }
}

/// 服务端日志里的“收到：……”一行。
///
/// 只有换行符的消息去掉换行符后是空的，照样回复（`[] 时间`）：一次读、一次回复，对方才能一问一答地等下去。
pub fn describe(data: &[u8]) -> String {
    if data.is_empty() {
        return "收到一条空消息（只有一个换行符）".to_string();
    }
    let (text, repaired) = lossy(data);
    let note = if repaired {
        "（含非法 UTF-8，已用 � 代替）"
    } else {
        ""
    };
    format!("收到：{}{note}", preview(&text))
}
// ANCHOR_END: serve_client

// ANCHOR: naive_loop
/// 教程 1.5 节那种循环的样子：只在“读到了东西”时处理，读到 0 字节时什么也不做、接着读。
/// 为了能在测试里观察它，这里最多转 `rounds` 圈，返回其中有几圈读到了 0 字节。
///
/// 对方关闭连接之后，`read` 不再等待，每次都立刻返回 `Ok(0)`，于是几乎每一圈都是空转：
/// 没有 `rounds` 的话，它会永远这样转下去，占满一个 CPU 核。
pub fn empty_reads_of_naive_loop(stream: &mut impl Read, rounds: usize) -> usize {
    let mut buf = [0u8; 1024];
    let mut empty = 0;
    for _ in 0..rounds {
        match stream.read(&mut buf) {
            Ok(0) => empty += 1, // 教程的 `if data != "":` 在这里什么也不做
            Ok(_) => {}          // 处理数据……
            Err(_) => break,
        }
    }
    empty
}
// ANCHOR_END: naive_loop

// ANCHOR: client_session
/// 客户端：从 `input` 一行一行地读，每行作为一条消息发给服务端，打印它的回复；读到空行或 EOF 时结束。
/// 返回发了几条消息。`echo` 为真时把发出的内容也打印出来（标准输入不是终端时，看输出的人需要它）。
///
/// 一问一答、严格交替：发出一条，等到它的回复，才发下一条。所以服务端读的时候，线路上只有这一条消息，
/// 两条消息不会挤进同一次 `recv`。
pub fn client_session(
    stream: &TcpStream,
    input: &mut impl BufRead,
    echo: bool,
    timeout: Duration,
) -> Result<u64> {
    let mut line = Vec::new();
    let mut reply = [0u8; REPLY_SIZE];
    let mut sent = 0;
    loop {
        if !echo {
            print!(">>: ");
            let _ = io::stdout().flush();
        }
        line.clear();
        input
            .read_until(b'\n', &mut line)
            .context("读标准输入失败")?;
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        if line.is_empty() {
            return Ok(sent); // 空行或 EOF：和教程的 `if not send_data: break` 一样
        }
        if line.len() > RECV_SIZE {
            // 服务端一次只读 1024 字节：更长的消息会被拆成几条、得到几条回复，一问一答就错开了。
            support::say(too_long_notice(line.len()));
            continue;
        }
        // 一条消息一次写完，不加换行符，和教程的 send 一样。
        send_message(stream, &line).context("发送失败：服务端可能已经关闭了连接")?;
        sent += 1;
        if echo {
            support::say(format!("发送：{}", preview(&lossy(&line).0)));
        }
        // recv 一次，读到的就是这条消息的回复。
        match recv_message(&mut &*stream, &mut reply) {
            Ok(Some(bytes)) => support::say(format!("收到：{}", lossy(bytes).0)),
            Ok(None) => bail!("服务端关闭了连接，没有回复"),
            Err(e) if support::is_timeout(&e) => bail!(
                "服务端 {} 秒内没有回复。它一次只服务一个客户端：如果另一个客户端还连着，你的消息还在排队",
                timeout.as_secs()
            ),
            Err(e) => return Err(e).context("读服务端的回复失败"),
        }
    }
}
// ANCHOR_END: client_session

/// 一行太长、没有发送时对用户说的话。
pub fn too_long_notice(len: usize) -> String {
    format!(
        "这条消息有 {len} 字节，没有发送：服务端一次只读 {RECV_SIZE} 字节，更长的消息会被拆成几条、\
         得到几条回复，一问一答就对不上了（第 08 课讲怎么解决）"
    )
}
