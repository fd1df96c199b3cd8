//! 教程 V2 的服务端（端口 6969）：外层循环一个接一个地接受客户端，
//! 内层循环和当前这个客户端一问一答，直到它断开。一次只服务一个客户端。

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::ctime::ctime_now;
use crate::message::{lossy, read_message, send_line, Incoming, MAX_LINE};
use crate::{preview, Log};

// ANCHOR: serve_forever
/// 外层循环：永远等下一个客户端。`accept` 一次只交出一个连接，
/// 在 [`serve_client`] 返回之前不会回到这里——后来的客户端只能在队列里等。
pub fn serve_forever(listener: &TcpListener, idle: Duration, log: Log) {
    loop {
        log("等待连接……");
        let (stream, peer) = match listener.accept() {
            Ok(pair) => pair,
            Err(e) => {
                // 比如对方在排队时就放弃了；这不是服务端的错，接着等下一个。
                log(&format!("接受连接失败：{e}"));
                continue;
            }
        };
        log(&format!("客户端 {peer} 连上了"));
        match serve_client(&stream, idle, log) {
            Ok(n) => log(&format!("客户端 {peer} 断开了连接（这次共 {n} 条消息）")),
            Err(e) if support::is_timeout(&e) => log(&format!(
                "客户端 {peer} {} 秒没有说话，断开它，好让排队的客户端进来",
                idle.as_secs()
            )),
            Err(e) => log(&format!("和客户端 {peer} 的连接出错（{e}），断开")),
        }
    }
}
// ANCHOR_END: serve_forever

// ANCHOR: serve_client
/// 内层循环：读一行、回一行 `[<内容>] <ctime>`，直到对方关闭连接；返回处理了几条消息。
///
/// 关键在 `Incoming::Eof`：对方关闭后，每次读都会**立刻**返回 0 字节，
/// 所以读到 0 就必须离开循环，否则这个循环会一直空转（见 [`empty_reads_of_naive_loop`]）。
pub fn serve_client(stream: &TcpStream, idle: Duration, log: Log) -> io::Result<u64> {
    // 一个一直不说话的客户端会挡住所有排队的人，所以读写都有期限。
    stream.set_read_timeout(Some(idle))?;
    stream.set_write_timeout(Some(idle))?;
    let mut reader = BufReader::new(stream);
    let mut count = 0;
    loop {
        let (data, last) = match read_message(&mut reader, MAX_LINE)? {
            Incoming::Line(data) => (data, false),
            Incoming::Partial(data) => (data, true),
            Incoming::TooLong(n) => {
                log(&format!(
                    "收到一行 {n} 字节的消息，超过上限 {MAX_LINE}，已丢弃"
                ));
                send_line(stream, &too_long_reply(n))?;
                continue;
            }
            Incoming::Eof => return Ok(count),
        };
        count += 1;
        let (text, repaired) = lossy(&data);
        let note = if repaired {
            "（含非法 UTF-8，已用 � 代替）"
        } else {
            ""
        };
        log(&format!("收到：{}{note}", preview(&text)));
        let sent = send_line(stream, &format!("[{text}] {}", ctime_now()));
        if last {
            // 对方发完半行就关闭了发送方向；回复照发，它若已经完全离开，写失败也无妨。
            log("（这是对方关闭前发来的最后半行，没有换行符）");
            return Ok(count);
        }
        sent?;
    }
}
// ANCHOR_END: serve_client

/// 一行太长时给客户端的回复。
pub fn too_long_reply(n: usize) -> String {
    format!("错误：一行最多 {MAX_LINE} 字节，这条消息有 {n} 字节，已丢弃")
}

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
/// 客户端：从 `input` 一行一行地读，发给服务端，打印它的回复；读到空行或 EOF 时结束。
/// 返回发了几条消息。`echo` 为真时把发出的内容也打印出来（标准输入不是终端时，看输出的人需要它）。
pub fn client_session(
    stream: &TcpStream,
    input: &mut impl BufRead,
    echo: bool,
    timeout: Duration,
) -> Result<u64> {
    let mut replies = BufReader::new(stream);
    let mut line = Vec::new();
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
        line.push(b'\n');
        let mut writer = stream;
        writer
            .write_all(&line)
            .context("发送失败：服务端可能已经关闭了连接")?;
        line.pop();
        sent += 1;
        if echo {
            support::say(format!("发送：{}", preview(&lossy(&line).0)));
        }
        match read_message(&mut replies, 2 * MAX_LINE) {
            Ok(Incoming::Line(reply) | Incoming::Partial(reply)) => {
                support::say(format!("收到：{}", lossy(&reply).0));
            }
            Ok(Incoming::TooLong(n)) => support::say(format!("收到一条 {n} 字节的回复，太长，已丢弃")),
            Ok(Incoming::Eof) => bail!("服务端关闭了连接，没有回复"),
            Err(e) if support::is_timeout(&e) => bail!(
                "服务端 {} 秒内没有回复。它一次只服务一个客户端：如果另一个客户端还连着，你的消息还在排队",
                timeout.as_secs()
            ),
            Err(e) => return Err(e).context("读服务端的回复失败"),
        }
    }
}
// ANCHOR_END: client_session
