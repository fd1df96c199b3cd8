//! 第 04 课多线程服务端的异步版（端口 9999）：先说 `Welcome!`，然后对每条消息回 `Hello, <消息>!`，
//! 收到 `exit` 或对方关闭时结束这个连接。线路上和第 04 课、和教程一字不差：一次读到的就是一条消息，
//! 所有的话都不带换行符。

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use lesson_04::message::{lossy, strip_newline, RECV_SIZE};
use support::serve::{Policy, Refusal};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::serve::{self, Conn, Shutdown};
use crate::Log;

/// 每条回复之前怎样等 `--delay-ms` 那么久（相当于教程里的 `time.sleep(1)`）。
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Sleep {
    /// `tokio::time::sleep(..).await`：这个任务让出线程，别的连接照常被服务。
    Tokio,
    /// `std::thread::sleep(..)`：把运行时唯一的线程睡过去，**所有**连接都跟着停下（错误的写法，用来看症状）。
    Thread,
    /// `tokio::task::spawn_blocking(|| std::thread::sleep(..))`：一定要阻塞的活，交给另外的线程去做。
    SpawnBlocking,
}

// ANCHOR: pause
/// 等 `delay` 这么久。三种等法的区别就是这一课最重要的一件事。
pub async fn pause(how: Sleep, delay: Duration) {
    if delay.is_zero() {
        return;
    }
    match how {
        Sleep::Tokio => tokio::time::sleep(delay).await,
        // 错的：在异步函数里调用会阻塞的函数。它不返回，这个线程就干不了别的。
        Sleep::Thread => std::thread::sleep(delay),
        Sleep::SpawnBlocking => {
            // 对的：阻塞的活放到运行时专门的阻塞线程池里，这里只是 .await 它做完。
            let _ = tokio::task::spawn_blocking(move || std::thread::sleep(delay)).await;
        }
    }
}
// ANCHOR_END: pause

// ANCHOR: greet_client
/// 一个连接的全部对话；返回处理了几条消息。和第 04 课的 `greet_client` 一行对一行，
/// 只是每个会等的地方（读、写、睡）后面多了 `.await`：等的时候，这个线程去服务别的连接。
pub async fn greet_client(
    stream: &mut (impl AsyncRead + AsyncWrite + Unpin),
    peer: SocketAddr,
    how: Sleep,
    delay: Duration,
    log: Log,
) -> io::Result<u64> {
    stream.write_all(b"Welcome!").await?;
    let mut buf = [0u8; RECV_SIZE];
    let mut count = 0;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(count); // 0 字节：对方关闭了连接
        }
        let (name, repaired) = lossy(strip_newline(&buf[..n]));
        if name == "exit" {
            return Ok(count);
        }
        if repaired {
            log(&format!("来自 {peer} 的消息含非法 UTF-8，已用 � 代替"));
        }
        count += 1;
        let reply = format!("Hello, {name}!");
        pause(how, delay).await;
        stream.write_all(reply.as_bytes()).await?;
    }
}
// ANCHOR_END: greet_client

// ANCHOR: serve_greet
/// 服务端：所有异步服务端共用的 [`serve::serve`]，每个连接一个任务。拒绝的话和别的话一样，不带换行符。
pub async fn serve_greet(
    listener: TcpListener,
    policy: &Policy,
    shutdown: &Shutdown,
    how: Sleep,
    delay: Duration,
    log: Log,
) -> u64 {
    let refuse = |why: Refusal| why.message().into_bytes();
    let limits = policy.clone();
    let handle = move |conn: Conn| {
        let limits = limits.clone();
        async move {
            // 整个 conn 拆开、各自绑在一个名字上：名额 `_slot` 一直活到这个任务结束才归还。
            // （只用 conn.stream 和 conn.peer 的话，async 块只捕获这两个字段，名额当场就被丢掉了。）
            let Conn {
                mut stream,
                peer,
                slot: _slot,
                ..
            } = conn;
            log(&format!("接受来自 {peer} 的新连接……"));
            match greet_client(&mut stream, peer, how, delay, log).await {
                Ok(n) => log(&format!("来自 {peer} 的连接已关闭（{n} 条消息）。")),
                Err(e) => log(&format!(
                    "{}，关闭和 {peer} 的连接。",
                    serve::dropped_because(&e, &limits)
                )),
            }
        }
    };
    serve::serve(listener, policy, shutdown, log, refuse, handle).await
}
// ANCHOR_END: serve_greet
