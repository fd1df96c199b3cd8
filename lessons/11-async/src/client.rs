//! 第 04 课 `threaded-client` 的异步版：读 `Welcome!`，依次发出几个名字，读每条回复，最后发 `exit`。
//! 多出来的一件事：`--clients N` 同时开 N 个连接，每个连接一个任务，全都在同一个线程上。

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use lesson_04::message::{lossy, REPLY_SIZE};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

/// 一次 `read` 读到的就是一条回复（第 04 课的规矩）；每次读都有期限。
async fn receive(stream: &mut TcpStream, timeout: Duration) -> Result<String> {
    let mut buf = [0u8; REPLY_SIZE];
    match tokio::time::timeout(timeout, stream.read(&mut buf)).await {
        Err(_) => bail!("服务端 {} 秒内没有回复", timeout.as_secs()),
        Ok(Err(e)) => Err(e).context("读服务端的回复失败"),
        Ok(Ok(0)) => bail!("服务端关闭了连接"),
        Ok(Ok(n)) => Ok(lossy(&buf[..n]).0.into_owned()),
    }
}

// ANCHOR: session
/// 一个连接的整段对话，返回收到的每一句话（欢迎语在最前面）。`echo` 时每收到一句就打印出来。
pub async fn session(
    addr: SocketAddr,
    names: &[String],
    timeout: Duration,
    echo: bool,
) -> Result<Vec<String>> {
    let mut stream = tokio::time::timeout(timeout, TcpStream::connect(addr))
        .await
        .map_err(|_| anyhow::anyhow!("{} 秒内没有连上 {addr}", timeout.as_secs()))?
        .with_context(|| format!("连不上服务端 {addr}"))?;
    let welcome = receive(&mut stream, timeout)
        .await
        .context("没有收到欢迎语")?;
    if welcome.starts_with("服务端忙") {
        bail!("服务端拒绝了这个连接：{welcome}");
    }
    let mut heard = vec![welcome];
    for name in names {
        if echo {
            support::say(&heard[heard.len() - 1]);
        }
        stream
            .write_all(name.as_bytes())
            .await
            .context("发送失败：服务端可能已经关闭了连接")?;
        heard.push(receive(&mut stream, timeout).await?);
    }
    if echo {
        support::say(&heard[heard.len() - 1]);
    }
    stream.write_all(b"exit").await.context("发送 exit 失败")?;
    Ok(heard)
}
// ANCHOR_END: session

/// 很多个连接一起跑的结果。
pub struct Crowd {
    /// 每个连接收到的话，按连接的编号排好。
    pub heard: Vec<Vec<String>>,
    /// 从第一个连接开始到最后一个结束，一共用了多久。
    pub elapsed: Duration,
}

// ANCHOR: crowd
/// 同时开 `clients` 个连接，每个连接一个任务。有连接出错时，等所有连接都有了结果（每个连接都有自己的
/// 期限，等得到头），报出一共几个失败、编号最小的那个是第几个、为什么。
pub async fn crowd(
    addr: SocketAddr,
    clients: usize,
    names: &[String],
    timeout: Duration,
) -> Result<Crowd> {
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for i in 0..clients {
        let names = names.to_vec();
        // 只有一个连接时，每句话一到就打印（和第 04 课的客户端一样）；很多个连接时只在最后总结。
        let echo = clients == 1;
        tasks.spawn(async move { (i, session(addr, &names, timeout, echo).await) });
    }
    let mut heard = vec![Vec::new(); clients];
    let mut failed = 0;
    let mut first: Option<(usize, anyhow::Error)> = None;
    while let Some(done) = tasks.join_next().await {
        let (i, result) = done.context("一个客户端任务意外结束")?;
        match result {
            Ok(lines) => heard[i] = lines,
            Err(e) => {
                failed += 1;
                if first.as_ref().is_none_or(|(j, _)| i < *j) {
                    first = Some((i, e));
                }
            }
        }
    }
    if let Some((i, e)) = first {
        if clients == 1 {
            return Err(e);
        }
        return Err(e.context(format!(
            "{clients} 个连接里有 {failed} 个失败，编号最小的是第 {} 个",
            i + 1
        )));
    }
    Ok(Crowd {
        heard,
        elapsed: started.elapsed(),
    })
}
// ANCHOR_END: crowd

/// 核对每个连接收到的回复：欢迎语是 `Welcome!`，每个名字的回复是 `Hello, 名字!`。
pub fn check(crowd: &Crowd, names: &[String]) -> Result<()> {
    for (i, heard) in crowd.heard.iter().enumerate() {
        let mut expected = vec!["Welcome!".to_string()];
        expected.extend(names.iter().map(|n| format!("Hello, {n}!")));
        ensure!(
            heard == &expected,
            "第 {} 个客户端收到的回复不对：{heard:?}，应当是 {expected:?}",
            i + 1
        );
    }
    Ok(())
}
