//! 异步服务端共用的主循环：第 04 课那几条规矩（连接上限、同一地址最多占一半名额、空闲超时和最低速率、
//! accept 出错后退避），再加上异步版才好做的一条：**优雅地关闭**。
//!
//! - 连接上限用 `tokio::sync::Semaphore`（mini-redis 的做法）：每个连接拿一张许可证，
//!   许可证跟着处理它的任务走，任务结束（正常返回、出错、panic、被取消）时自动归还。
//!   拿不到许可证的连接收到一句“服务端忙”就被关掉，和线程版一样，不排队。
//! - 没有“开不了线程”这一条了：一个任务只是运行时里的一小块内存，`tokio::spawn` 不会失败。
//! - 关闭：`stop` 这个 `CancellationToken` 被取消时（Ctrl-C，或者服务够了 `--shutdown-after-clients`
//!   个客户端），立刻放开监听套接字、不再接受新连接；正在进行的连接最多再等 `drain` 这么久，
//!   还没说完的，断开。等的时候再按一次 Ctrl-C（`force`），就不等了。

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use support::serve::{Backoff, Policy, Refusal, Slots};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::guard::Guarded;
use crate::Log;

/// 一条被接受、拿到了名额的连接，交给处理函数。
pub struct Conn {
    /// 包了空闲超时和最低速率的连接。
    pub stream: Guarded<TcpStream>,
    pub peer: SocketAddr,
    /// 服务端开始关闭时被取消：处理函数可以借它说一句“服务端要关了”，然后早点结束。
    pub stop: CancellationToken,
    /// 许可证和地址的名额：这个值被丢弃时（任务结束时）归还。
    pub slot: Slot,
}

/// 一个连接占着的名额：总数里的一张许可证，加上它的地址的一份（线程版的 `support::serve::Slot`）。
/// 丢弃时两样都归还。
pub struct Slot {
    _permit: OwnedSemaphorePermit,
    _share: support::serve::Slot,
}

/// 什么时候关闭、关闭时等多久。
#[derive(Clone, Debug)]
pub struct Shutdown {
    /// 取消它，服务端就开始关闭：不再接受新连接，等正在进行的连接说完。
    pub stop: CancellationToken,
    /// 关闭时再取消它（第二次 Ctrl-C）：不再等，立刻断开剩下的连接。
    pub force: CancellationToken,
    /// 关闭时最多等正在进行的连接多久。
    pub drain: Duration,
    /// 服务完这么多个客户端就自己开始关闭（演示用，等于按了一次 Ctrl-C）。
    pub after: Option<u64>,
}

impl Shutdown {
    pub fn new(drain: Duration, after: Option<u64>) -> Shutdown {
        Shutdown {
            stop: CancellationToken::new(),
            force: CancellationToken::new(),
            drain,
            after,
        }
    }
}

// ANCHOR: ctrl_c
/// 第一次 Ctrl-C：开始关闭；第二次：不再等正在进行的连接。
///
/// 要在打印监听地址**之前**调用：信号的处理在这里就装好（不是等到任务第一次运行时），
/// 地址一出来就按 Ctrl-C，也不会落到系统默认的处理（直接结束进程）上。
pub fn stop_on_ctrl_c(shutdown: &Shutdown, log: Log) {
    let (stop, force) = (shutdown.stop.clone(), shutdown.force.clone());
    let Some(mut interrupts) = Interrupts::install() else {
        log("这个系统上收不到 Ctrl-C：只能用 kill 结束服务端了");
        return;
    };
    tokio::spawn(async move {
        if !interrupts.next().await {
            return;
        }
        log("收到 Ctrl-C，开始关闭（再按一次 Ctrl-C 就不等了）");
        stop.cancel();
        if interrupts.next().await {
            force.cancel();
        }
    });
}
// ANCHOR_END: ctrl_c

/// 一个一个地收 Ctrl-C（Unix 上是 SIGINT）。
struct Interrupts {
    #[cfg(unix)]
    inner: tokio::signal::unix::Signal,
    #[cfg(windows)]
    inner: tokio::signal::windows::CtrlC,
}

impl Interrupts {
    fn install() -> Option<Interrupts> {
        #[cfg(unix)]
        let inner =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok()?;
        #[cfg(windows)]
        let inner = tokio::signal::windows::ctrl_c().ok()?;
        Some(Interrupts { inner })
    }

    /// 等下一次 Ctrl-C；收不到了（信号的通道关了）返回 false。
    async fn next(&mut self) -> bool {
        self.inner.recv().await.is_some()
    }
}
// ANCHOR_END: ctrl_c

/// 一个任务结束时交回来的：它是服务了一个连接，还是只是拒绝了一个。
enum Done {
    Served,
    Refused,
}

// ANCHOR: serve
/// 异步服务端的主循环：接受连接，发名额，每个连接一个任务（`handle` 返回的 future），直到 `shutdown.stop`
/// 被取消；然后等正在进行的连接说完（最多 `shutdown.drain`），返回一共服务了几个连接。
///
/// `refuse(原因)` 给出拒绝时要写给对方的字节（按这个服务端自己的协议：一句话、一行、一帧）。
pub async fn serve<H, F>(
    listener: TcpListener,
    policy: &Policy,
    shutdown: &Shutdown,
    log: Log,
    refuse: impl Fn(Refusal) -> Vec<u8>,
    handle: H,
) -> u64
where
    H: Fn(Conn) -> F,
    F: Future<Output = ()> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(policy.max_connections));
    // 每个地址占了几个名额（同一个 IP 最多占总名额的一半）：和线程版共用 `support::serve::Slots`。
    // 它也数总数，可总数先由 Semaphore 把关，它那一关永远过得去。
    let shares = Slots::new(policy);
    let mut tasks = JoinSet::new();
    let mut backoff = Backoff::default();
    let mut served = 0u64;
    loop {
        // 三件事谁先发生就做谁。accept 和 join_next 都是“取消安全”的：没被选中的那一个
        // 被丢掉时什么也没丢（还没接受的连接仍在队列里，结束了的任务仍在 JoinSet 里）。
        let accepted = tokio::select! {
            _ = shutdown.stop.cancelled() => break,
            Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                if let Ok(Done::Served) | Err(_) = done {
                    served += 1;
                    if shutdown.after == Some(served) {
                        log(&format!("已经服务了 {served} 个客户端（--shutdown-after-clients），像收到 Ctrl-C 一样开始关闭"));
                        shutdown.stop.cancel();
                    }
                }
                continue;
            }
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                let (wait, first) = backoff.failed();
                if first {
                    log(&format!(
                        "接受连接失败：{e}。稍后重试（等待从 {} 毫秒起逐步加长，这一阵的错误不再逐条记录）",
                        Backoff::FIRST.as_millis()
                    ));
                }
                // 等的时候也看着 stop：关闭不必等退避结束。
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = shutdown.stop.cancelled() => {}
                }
                continue;
            }
        };
        if let Some(n) = backoff.succeeded() {
            log(&format!("接受连接恢复正常（刚才连续失败了 {n} 次）"));
        }
        let taken = Arc::clone(&permits)
            .try_acquire_owned()
            .map_err(|_| Refusal::Full(policy.max_connections))
            .and_then(|permit| Ok((permit, shares.acquire(peer.ip())?)));
        let (permit, share) = match taken {
            Ok(pair) => pair,
            Err(why) => {
                log(&format!("拒绝 {peer}：{}", why.message()));
                let words = refuse(why);
                tasks.spawn(async move {
                    last_words(stream, &words).await;
                    Done::Refused
                });
                continue;
            }
        };
        let conn = Conn {
            stream: Guarded::new(stream, policy.idle, policy.min_rate),
            peer,
            stop: shutdown.stop.clone(),
            slot: Slot {
                _permit: permit,
                _share: share,
            },
        };
        let work = handle(conn);
        tasks.spawn(async move {
            work.await;
            Done::Served
        });
    }
    // 放开监听套接字：从这一刻起，新来的连接被系统拒绝，而不是排在队列里没人理。
    drop(listener);
    drain(tasks, shutdown, log).await;
    served
}

/// 关闭的第二步：等正在进行的连接说完，最多等 `shutdown.drain`。
async fn drain(mut tasks: JoinSet<Done>, shutdown: &Shutdown, log: Log) {
    let secs = shutdown.drain.as_secs();
    log(&format!(
        "不再接受新连接；还有 {} 个连接在进行，最多等它们 {secs} 秒",
        tasks.len()
    ));
    let all_done = async { while tasks.join_next().await.is_some() {} };
    tokio::select! {
        _ = all_done => {
            log("所有连接都结束了，服务端退出");
            return;
        }
        _ = tokio::time::sleep(shutdown.drain) => {
            log(&format!("等了 {secs} 秒，还有 {} 个连接没有结束：断开它们，服务端退出", tasks.len()));
        }
        _ = shutdown.force.cancelled() => {
            log(&format!("不等了：断开剩下的 {} 个连接，服务端退出", tasks.len()));
        }
    }
    // 取消剩下的任务：每个任务停在它的某个 .await 上，从那里被丢弃，连接随之关闭、名额随之归还。
    tasks.shutdown().await;
}
// ANCHOR_END: serve

/// 断开之前的最后一句话：最多写 1 秒，对方不读也卡不住谁；写完半关闭，再把对方已经发来的读掉
/// （否则关闭时发出去的是 RST，对方可能先看到“连接被重置”，而没读到这句话）。
pub async fn last_words(mut stream: TcpStream, words: &[u8]) {
    let quick = Duration::from_secs(1);
    let _ = tokio::time::timeout(quick, async {
        stream.write_all(words).await?;
        stream.shutdown().await?;
        let mut scratch = [0u8; 4096];
        for _ in 0..16 {
            match stream.try_read(&mut scratch) {
                Ok(n) if n > 0 => continue,
                _ => break,
            }
        }
        std::io::Result::Ok(())
    })
    .await;
}

/// 把“为什么断开”说给看日志的人听（和第 04 课的 `dropped_because` 一样）。
pub fn dropped_because(err: &std::io::Error, policy: &Policy) -> String {
    lesson_04::dropped_because(err, policy)
}
