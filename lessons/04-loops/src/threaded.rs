//! 每个连接一个线程的服务端（端口 9999）：先说 `Welcome!`，然后对每条消息回 `Hello, <消息>!`，
//! 收到 `exit` 或对方关闭时结束这个连接。主线程只管 `accept`，所以一个慢客户端挡不住别人。
//! 线路上的格式和教程一字不差：一次 `recv` 就是一条消息，所有的话都不带换行符。

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use support::serve::{self, Conn, Policy, Refusal};

use crate::message::{lossy, recv_message, send_message, strip_newline, RECV_SIZE, REPLY_SIZE};
use crate::{dropped_because, Log};

// ANCHOR: serve_threaded
/// 主线程的循环：接受一个连接，交给一个新线程，马上回去接受下一个。
///
/// 循环本身是所有服务端共用的 [`serve::serve`]：它管连接上限、accept 出错后的退避、
/// 开不了线程时只拒绝这一个连接，并把每个连接包进 `Guarded`（空闲超时和最低速率）。
/// 这里只说两件这个服务端自己的事：怎样拒绝（和别的话一样，一次写完、不带换行符），
/// 以及每个连接的线程里做什么。
pub fn serve_threaded(listener: &TcpListener, policy: &Policy, delay: Duration, log: Log) {
    let refuse = |stream: &mut TcpStream, why: Refusal| {
        let _ = send_message(stream, why.message().as_bytes());
    };
    let limits = policy.clone();
    let handle = move |mut conn: Conn| {
        let peer = conn.peer;
        log(&format!("接受来自 {peer} 的新连接……"));
        // conn.stream 归这个线程所有：线程结束时连接随之关闭，名额（conn.slot）随之归还。
        match greet_client(&mut conn.stream, peer, delay, log) {
            Ok(n) => log(&format!("来自 {peer} 的连接已关闭（{n} 条消息）。")),
            Err(e) => log(&format!(
                "{}，关闭和 {peer} 的连接。",
                dropped_because(&e, &limits)
            )),
        }
    };
    serve::serve(listener, policy, || false, log, refuse, handle);
}
// ANCHOR_END: serve_threaded

// ANCHOR: greet_client
/// 一个连接的全部对话，在它自己的线程里运行；返回处理了几条消息。
///
/// 和教程一样：先发 `Welcome!`，然后每次 `recv` 读到的就是一个名字，回复 `Hello, <名字>!`；
/// 名字是 `exit` 或者读到 0 字节时结束。所有的话都不带换行符。
/// `delay` 对应教程里的 `time.sleep(1)`：每条消息先等一会儿再回复，好让“几个客户端同时被服务”看得见。
///
/// `stream` 是包了超时的连接（`Guarded`）：这个协议没有消息的边界（一个字节也是一条消息），
/// 所以整个连接只记一笔账，不在每条消息之前重新计时，一个字节一个字节地拖的对方也会被断开。
pub fn greet_client(
    stream: &mut (impl Read + Write),
    peer: SocketAddr,
    delay: Duration,
    log: Log,
) -> io::Result<u64> {
    send_message(&mut *stream, b"Welcome!")?;
    let mut buf = [0u8; RECV_SIZE];
    let mut count = 0;
    loop {
        let Some(data) = recv_message(stream, &mut buf)? else {
            return Ok(count); // 0 字节：对方关闭了连接
        };
        // 教程的 data.decode('utf-8') 遇到坏字节会抛异常、让这个线程悄悄死掉；这里有损解码，照样回复。
        let (name, repaired) = lossy(strip_newline(data));
        if name == "exit" {
            return Ok(count);
        }
        if repaired {
            log(&format!("来自 {peer} 的消息含非法 UTF-8，已用 � 代替"));
        }
        count += 1;
        let reply = format!("Hello, {name}!");
        thread::sleep(delay);
        send_message(&mut *stream, reply.as_bytes())?;
    }
}
// ANCHOR_END: greet_client

// ANCHOR: greet_session
/// 客户端：读欢迎语，依次发出每个名字并打印回复，最后发 `exit`。
///
/// 每个名字一次写完、不加换行符，然后等它的回复；等到了才发下一个，所以两个名字不会挤进服务端的同一次 `recv`。
pub fn greet_session(stream: &TcpStream, names: &[String], timeout: Duration) -> Result<()> {
    check_names(names)?;
    let mut buf = [0u8; REPLY_SIZE];
    let welcome = receive(stream, &mut buf, timeout).context("没有收到欢迎语")?;
    if welcome.starts_with("服务端忙") {
        // 服务端到了连接上限（或者开不了线程），说了这一句就关掉了连接。
        bail!("服务端拒绝了这个连接：{welcome}");
    }
    support::say(welcome);
    for name in names {
        send_message(stream, name.as_bytes()).context("发送失败：服务端可能已经关闭了连接")?;
        support::say(receive(stream, &mut buf, timeout)?);
    }
    send_message(stream, b"exit").context("发送 exit 失败")?;
    Ok(())
}

/// recv 一次，读到的就是一条回复；把各种意外变成一句中文说明。
fn receive(stream: &TcpStream, buf: &mut [u8], timeout: Duration) -> Result<String> {
    match recv_message(&mut &*stream, buf) {
        Ok(Some(bytes)) => Ok(lossy(bytes).0.into_owned()),
        Ok(None) => bail!("服务端关闭了连接"),
        Err(e) if support::is_timeout(&e) => {
            bail!("服务端 {} 秒内没有回复", timeout.as_secs())
        }
        Err(e) => Err(e).context("读服务端的回复失败"),
    }
}
// ANCHOR_END: greet_session

/// 在连接之前检查要发的名字：有几种名字在这个协议里发不出去，或者会被服务端误解。
pub fn check_names(names: &[String]) -> Result<()> {
    for name in names {
        // send(b'') 什么也不发：服务端收不到任何东西，也就不会回复，客户端会一直等下去。
        ensure!(
            !name.is_empty(),
            "名字不能是空的：空消息发不出去，服务端收不到，也就不会回复"
        );
        ensure!(
            name.len() <= RECV_SIZE,
            "名字最多 {RECV_SIZE} 字节（服务端一次只读这么多），这个名字有 {} 字节",
            name.len()
        );
        ensure!(
            strip_newline(name.as_bytes()) != b"exit",
            "名字不能是 exit：服务端会把它当作告别、关闭连接"
        );
    }
    Ok(())
}
