//! 对付“慢慢滴”的客户端（slowloris）：给一个连接的收发加上最低速度。
//! 第 09 课（远程命令）和第 10 课（文件上传）的服务端都用它。

use std::io::{self, ErrorKind, Read, Write};
use std::time::{Duration, Instant};

/// 服务端要求的最低平均速度：每秒 16 KiB（约 128 kbit/s）。如今正常的网络都远快于它，
/// 正常的客户端一瞬间就发完一条命令、马上读走回答；只有故意拖着的连接才会慢到这个程度。
pub const MIN_RATE: u64 = 16 * 1024;

// ANCHOR: paced
/// 包在连接外面的读写器：除了读超时，还要求收发的平均速度不低于 `min_rate` 字节每秒。
///
/// 为什么读超时不够：`set_read_timeout` 只管“一次 read 最多等多久”。对方每隔一会儿（比超时短一点）
/// 发 1 个字节，每次 read 都不超时，一条命令、一个请求头就能拖上几个星期，“1 GiB 的上传”能拖上近千年；
/// 这样的连接开上几个，服务端的名额就被占满了。对方慢慢地读（下载、长回答）也是一样。
///
/// 办法是记一笔账（“漏桶”）：期限从“现在 + `idle`”开始，每收发 n 个字节往后推 n / `min_rate` 秒，
/// 但最多推到“现在 + `idle`”，省下的时间不能攒起来以后慢慢花。每次收发之后看一眼：
/// 已经过了期限，就报 `TimedOut` 错误，连接随之断开。
pub struct Paced<S> {
    inner: S,
    idle: Duration,
    min_rate: u64,
    until: Instant,
}

impl<S> Paced<S> {
    pub fn new(inner: S, idle: Duration, min_rate: u64) -> Paced<S> {
        Paced {
            inner,
            idle,
            min_rate: min_rate.max(1),
            until: crate::serve::later(idle),
        }
    }

    /// 重新开始计时（比如开始等下一条命令时）：期限回到“现在 + `idle`”。
    pub fn restart(&mut self) {
        self.until = crate::serve::later(self.idle);
    }

    fn account(&mut self, n: usize) -> io::Result<()> {
        let now = Instant::now();
        if now > self.until {
            return Err(io::Error::new(
                ErrorKind::TimedOut,
                format!(
                    "对方太慢：平均每秒不到 {} 字节，断开（防止有人一个字节一个字节地拖住连接）",
                    self.min_rate
                ),
            ));
        }
        let earned = Duration::from_secs_f64(n as f64 / self.min_rate as f64);
        self.until = self
            .until
            .checked_add(earned)
            .unwrap_or(self.until)
            .min(crate::serve::later(self.idle));
        Ok(())
    }
}

impl<S: Read> Read for Paced<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.account(n)?;
        Ok(n)
    }
}

impl<S: Write> Write for Paced<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.account(n)?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
// ANCHOR_END: paced

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_trickle_runs_out_of_time_and_a_fast_stream_does_not() {
        let mut fast = Paced::new(io::repeat(b'x'), Duration::from_secs(60), MIN_RATE);
        let mut buf = [0u8; 64 * 1024];
        for _ in 0..100 {
            fast.read_exact(&mut buf).unwrap();
        }
        let mut slow = Paced::new(io::repeat(b'x'), Duration::from_secs(60), MIN_RATE);
        // 把期限拨到过去，等于“上一批字节之后，对方很久才又发来一点”。
        slow.until = Instant::now() - Duration::from_millis(1);
        let err = slow.read(&mut buf[..1]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TimedOut);
        slow.restart();
        assert_eq!(slow.read(&mut buf[..1]).unwrap(), 1);
    }
}
