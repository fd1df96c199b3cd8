//! `Guarded` 的异步版：空闲超时和最低速率，套在任何 `AsyncRead` / `AsyncWrite` 外面。
//!
//! 规矩和 `support::serve::Guarded` 一字不差（第 04 课讲过）：期限从“现在 + 空闲超时”开始，
//! 每收发 n 个字节往后推 n / 最低速率 秒，最多推到“现在 + 空闲超时”；过了期限，读写就报
//! `TimedOut`。不同的只是“怎样等到期限”：线程版在每次系统调用之前用 `set_read_timeout`
//! 告诉内核最多等多久；异步版没有阻塞的系统调用可设，而是在读写“还没好”（`Pending`）的时候，
//! 顺便看一眼一个定时器（`tokio::time::Sleep`）：定时器先到，这次读写就以超时结束。

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// 从现在起 `d` 之后的时刻；`d` 大得离谱时取一个很远但不溢出的时刻（和 `support::serve::later` 一样）。
pub fn later(d: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(d)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}

// ANCHOR: guarded
/// 包在连接（或者它的读、写一半）外面，给读写加上空闲超时和最低速率。
pub struct Guarded<S> {
    inner: S,
    idle: Duration,
    min_rate: u64,
    /// 期限：过了它，读写就报超时。
    until: Instant,
    /// 定到期限的定时器。只在读写要等（`Pending`）时才去看它；期限变了，下次要等时再重新定。
    timer: Pin<Box<Sleep>>,
}

impl<S> Guarded<S> {
    pub fn new(inner: S, idle: Duration, min_rate: u64) -> Guarded<S> {
        let idle = idle.max(Duration::from_millis(1));
        let until = later(idle);
        Guarded {
            inner,
            idle,
            min_rate: min_rate.max(1),
            until,
            timer: Box::pin(tokio::time::sleep_until(until)),
        }
    }

    /// 里面的连接。
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// 里面的连接（可以改）。
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// 拿回里面的连接（比如要在断开之前说最后一句话）。
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// 重新开始计时（比如开始等下一条消息时）：期限回到“现在 + 空闲超时”。
    pub fn restart(&mut self) {
        self.until = later(self.idle);
    }

    /// 收发了 `n` 个字节：先看是不是已经过了期限，再把期限往后推 n / 最低速率 秒。
    fn account(&mut self, n: usize) -> io::Result<()> {
        let now = Instant::now();
        if now > self.until {
            return Err(too_slow(self.min_rate));
        }
        let earned = Duration::from_secs_f64(n as f64 / self.min_rate as f64);
        self.until = self
            .until
            .checked_add(earned)
            .unwrap_or(self.until)
            .min(later(self.idle));
        Ok(())
    }

    /// 读写要等了：把定时器定到期限，看它到了没有。没到时，定时器记下这个任务，到点叫醒它。
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        if self.timer.deadline() != self.until {
            self.timer.as_mut().reset(self.until);
        }
        self.timer.as_mut().poll(cx).is_ready()
    }
}

/// 超时的错误：就是线程版的那一个，说的话一字不差。
pub use support::serve::too_slow;

impl<S: AsyncRead + Unpin> AsyncRead for Guarded<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => Poll::Ready(this.account(buf.filled().len() - before)),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending if this.expired(cx) => Poll::Ready(Err(too_slow(this.min_rate))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Guarded<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(Ok(n)) => Poll::Ready(this.account(n).map(|()| n)),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending if this.expired(cx) => Poll::Ready(Err(too_slow(this.min_rate))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
// ANCHOR_END: guarded

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test(start_paused = true)]
    async fn silence_times_out_and_a_steady_stream_does_not() {
        let (client, server) = tokio::io::duplex(64);
        let mut guarded = Guarded::new(server, Duration::from_secs(2), 10);
        let mut buf = [0u8; 8];
        // 一直不说话：2 秒后超时（暂停的时钟让测试不真的等）。
        let err = guarded.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        guarded.restart();
        let mut client = client;
        client.write_all(b"hello").await.unwrap();
        assert_eq!(guarded.read(&mut buf).await.unwrap(), 5);
    }

    #[tokio::test(start_paused = true)]
    async fn a_trickle_below_the_minimum_rate_runs_out_of_time() {
        let (mut client, server) = tokio::io::duplex(64);
        let mut guarded = Guarded::new(server, Duration::from_secs(2), 10);
        let trickle = tokio::spawn(async move {
            // 每 1.5 秒 1 个字节：每次都等不到空闲超时，平均却远低于每秒 10 字节。
            for _ in 0..10 {
                tokio::time::sleep(Duration::from_millis(1500)).await;
                if client.write_all(b"x").await.is_err() {
                    break;
                }
            }
        });
        let mut got = 0;
        let mut buf = [0u8; 1];
        let err = loop {
            match guarded.read(&mut buf).await {
                Ok(n) => got += n,
                Err(e) => break e,
            }
        };
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(got <= 2, "收了 {got} 个字节才断开");
        drop(guarded);
        let _ = trickle.await;
    }

    #[test]
    fn huge_timeouts_do_not_overflow() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(async {
            let (_c, s) = tokio::io::duplex(8);
            let mut g = Guarded::new(s, Duration::from_secs(u64::MAX), u64::MAX);
            g.restart();
            g.account(1 << 20).unwrap();
        });
    }
}
