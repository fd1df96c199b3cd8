//! 每个连接一个线程的服务端（端口 9999）：先说 `Welcome!`，然后对每条消息回 `Hello, <消息>!`，
//! 收到 `exit` 或对方关闭时结束这个连接。主线程只管 `accept`，所以一个慢客户端挡不住别人。

use std::io::{self, BufReader};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};

use crate::message::{lossy, read_message, send_line, Incoming, MAX_LINE};
use crate::single::too_long_reply;
use crate::{preview, Log};

// ANCHOR: serve_threaded
/// 主线程的循环：接受一个连接，交给一个新线程，马上回去接受下一个。
pub fn serve_threaded(listener: &TcpListener, delay: Duration, idle: Duration, log: Log) {
    loop {
        let (stream, peer) = match listener.accept() {
            Ok(pair) => pair,
            Err(e) => {
                log(&format!("接受连接失败：{e}"));
                continue;
            }
        };
        log(&format!("接受来自 {peer} 的新连接……"));
        // `move` 把 stream 的所有权交给新线程：连接从此归这个线程管，线程结束时连接随之关闭。
        let spawned = thread::Builder::new()
            .name(format!("连接 {peer}"))
            .spawn(move || match greet_client(&stream, delay, idle) {
                Ok(n) => log(&format!("来自 {peer} 的连接已关闭（{n} 条消息）。")),
                Err(e) if support::is_timeout(&e) => {
                    log(&format!("{peer} 太久没有说话，关闭连接。"))
                }
                Err(e) => log(&format!("和 {peer} 的连接出错（{e}），关闭。")),
            });
        if let Err(e) = spawned {
            // 系统不让再开线程（线程数到了上限）：拒绝这一个连接，服务端本身继续运行。
            log(&format!("无法为 {peer} 启动线程（{e}），拒绝这个连接"));
        }
    }
}
// ANCHOR_END: serve_threaded

// ANCHOR: greet_client
/// 一个连接的全部对话，在它自己的线程里运行；返回处理了几条消息。
///
/// `delay` 对应教程里的 `time.sleep(1)`：每条消息先等一会儿再回复，好让“几个客户端同时被服务”看得见。
pub fn greet_client(stream: &TcpStream, delay: Duration, idle: Duration) -> io::Result<u64> {
    stream.set_read_timeout(Some(idle))?;
    stream.set_write_timeout(Some(idle))?;
    send_line(stream, "Welcome!")?;
    let mut reader = BufReader::new(stream);
    let mut count = 0;
    loop {
        let (data, last) = match read_message(&mut reader, MAX_LINE)? {
            Incoming::Line(data) => (data, false),
            Incoming::Partial(data) => (data, true),
            Incoming::TooLong(n) => {
                send_line(stream, &too_long_reply(n))?;
                continue;
            }
            Incoming::Eof => return Ok(count),
        };
        let (name, _) = lossy(&data);
        if name == "exit" {
            return Ok(count);
        }
        count += 1;
        thread::sleep(delay);
        let sent = send_line(stream, &format!("Hello, {name}!"));
        if last {
            return Ok(count);
        }
        sent?;
    }
}
// ANCHOR_END: greet_client

// ANCHOR: greet_session
/// 客户端：读欢迎语，依次发出每个名字并打印回复，最后发 `exit`。
pub fn greet_session(stream: &TcpStream, names: &[String], timeout: Duration) -> Result<()> {
    for name in names {
        // 换行符是消息的边界，名字里不能有它，否则一条消息会变成两条。
        ensure!(!name.contains(['\n', '\r']), "名字里不能有换行符：{name:?}");
    }
    let mut reader = BufReader::new(stream);
    support::say(receive(&mut reader, timeout).context("没有收到欢迎语")?);
    for name in names {
        send_line(stream, name).context("发送失败：服务端可能已经关闭了连接")?;
        support::say(receive(&mut reader, timeout)?);
    }
    send_line(stream, "exit").context("发送 exit 失败")?;
    Ok(())
}

/// 读一行回复，把各种意外变成一句中文说明。
fn receive(reader: &mut BufReader<&TcpStream>, timeout: Duration) -> Result<String> {
    match read_message(reader, 2 * MAX_LINE) {
        Ok(Incoming::Line(line) | Incoming::Partial(line)) => Ok(preview(&lossy(&line).0)),
        Ok(Incoming::TooLong(n)) => bail!("服务端的回复有 {n} 字节，太长"),
        Ok(Incoming::Eof) => bail!("服务端关闭了连接"),
        Err(e) if support::is_timeout(&e) => {
            bail!("服务端 {} 秒内没有回复", timeout.as_secs())
        }
        Err(e) => Err(e).context("读服务端的回复失败"),
    }
}
// ANCHOR_END: greet_session
