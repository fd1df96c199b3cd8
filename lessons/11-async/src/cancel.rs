//! `select!` 和取消安全：一个读到一半就被取消的 future，把它已经读到的字节也一起带走了。
//!
//! 对方先发 4 字节的长度、停一下、再发内容。读的一方在 `select!` 里一边读帧、一边每 100 毫秒
//! 打一次“心跳”。心跳那一支先好了，`select!` 就把读帧的那个 future 丢掉——它已经读走的
//! 4 字节长度跟着它一起没了。下一轮新建的 future 从内容的第一个字节读起，把内容当成了长度。

use std::io;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// 帧长上限：演示用，小一点。
pub const MAX: usize = 1024;

/// 读一帧（4 字节大端长度 + 内容）。两次 `read_exact` 之间有一个 `.await`：在那里被取消，长度就丢了。
pub async fn read_frame(r: &mut (impl AsyncRead + Unpin)) -> io::Result<Vec<u8>> {
    let mut header = [0u8; 4];
    r.read_exact(&mut header).await?;
    let len = u32::from_be_bytes(header) as usize;
    if len > MAX {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "长度前缀是 {:02x?}，也就是 {len} 字节，超过了上限 {MAX}：前面的字节丢了，读歪了",
                header
            ),
        ));
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body).await?;
    Ok(body)
}

/// 对方：发长度，停 `gap`，再发内容。
pub async fn slow_sender(
    mut w: impl AsyncWrite + Unpin,
    body: &[u8],
    gap: Duration,
) -> io::Result<()> {
    w.write_all(&(body.len() as u32).to_be_bytes()).await?;
    w.flush().await?;
    tokio::time::sleep(gap).await;
    w.write_all(body).await?;
    w.flush().await
}

// ANCHOR: lossy
/// 错的：每一轮都新建一个 `read_frame` future。心跳先到时，这一轮的 future 被丢掉，读到一半的长度也没了。
pub async fn heartbeat_loses(
    r: &mut (impl AsyncRead + Unpin),
    log: &mut Vec<String>,
) -> io::Result<Vec<u8>> {
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.tick().await; // 第一次 tick 立刻就好：先把它用掉
    loop {
        tokio::select! {
            frame = read_frame(r) => return frame,
            _ = tick.tick() => note(log),
        }
    }
}
// ANCHOR_END: lossy

// ANCHOR: safe
/// 对的：future 只建一次，钉住（`pin!`），每一轮 `select!` 借用它（`&mut frame`）。心跳先到时
/// 被丢掉的只是那个借用，future 本身连同它读到一半的长度都还在，下一轮接着读。
pub async fn heartbeat_keeps(
    r: &mut (impl AsyncRead + Unpin),
    log: &mut Vec<String>,
) -> io::Result<Vec<u8>> {
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.tick().await;
    let frame = read_frame(r);
    tokio::pin!(frame);
    loop {
        tokio::select! {
            got = &mut frame => return got,
            _ = tick.tick() => note(log),
        }
    }
}
// ANCHOR_END: safe

/// 心跳：只记第一次（心跳的次数取决于机器有多忙，书里只关心“发生过”）。
fn note(log: &mut Vec<String>) {
    if log.is_empty() {
        log.push("心跳：读帧的那一支还没好，select! 选了心跳".to_string());
    }
}

/// 跑一遍演示：`keep` 选对的写法还是错的写法；返回要打印的几行。
pub async fn demo(keep: bool) -> Vec<String> {
    let (reader, writer) = tokio::io::duplex(64);
    let sender = tokio::spawn(slow_sender(
        writer,
        b"hello, world",
        Duration::from_millis(350),
    ));
    let mut log = vec![];
    let mut reader = reader;
    let got = if keep {
        heartbeat_keeps(&mut reader, &mut log).await
    } else {
        heartbeat_loses(&mut reader, &mut log).await
    };
    let _ = sender.await;
    log.push(match got {
        Ok(body) => format!("读到一帧：{:?}", String::from_utf8_lossy(&body)),
        Err(e) => format!("读帧失败：{e}"),
    });
    log
}
