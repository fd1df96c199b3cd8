//! 每个服务端都要的几条规矩，写在这一处（书里在第 04 课讲一次，后面的课指回那里）：
//!
//! - **连接上限**：同时最多服务 `max_connections` 个连接，同一个 IP 最多占其中的 `per_address` 个；
//!   再来的连接收到一句“服务端忙”就被关掉，而不是排队等到天荒地老。名额由 [`Slot`] 代表，
//!   它被丢弃时（处理连接的线程结束，哪怕是 panic）名额自动归还。
//! - **空闲超时和最低速率**：[`Guarded`] 包在连接外面：一次读写最多等到期限；期限从“现在 + 空闲超时”
//!   开始，每收发 n 个字节往后推 n / 最低速率 秒（最多推到“现在 + 空闲超时”）。于是一直不说话的、
//!   一个字节一个字节地拖的、读得极慢的对方，都会在有限的时间里被断开；一整次 `write_all`
//!   也有了期限，而不只是其中的每一次系统调用。
//! - **accept 出错不空转**：比如文件描述符用完了（EMFILE），那个连接仍留在队列里，马上再 accept
//!   只会马上再失败。出错后先等一会儿（从 5 毫秒起翻倍，最多 1 秒），同一阵错误只记一行日志。
//! - **开不了线程只拒绝这一个连接**：用 `thread::Builder::spawn`，失败时告诉对方、记一行日志，
//!   服务端照常运行。
//!
//! 还有一个帮手：[`Budget`]，所有连接合起来最多缓存多少字节（例如收一个大帧之前先申请），
//! 这样内存的上限由这个数决定，而不是由“来了多少个对方”决定。

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// 默认的空闲超时（秒）。
pub const DEFAULT_IDLE_SECS: u64 = 30;
/// 默认的连接上限。
pub const DEFAULT_MAX_CONNECTIONS: u64 = 64;

/// 一个服务端的限制。
#[derive(Debug, Clone)]
pub struct Policy {
    /// 不收不发多久就断开。
    pub idle: Duration,
    /// 收发的最低平均速率（字节每秒）。
    pub min_rate: u64,
    /// 同时最多几个连接。
    pub max_connections: usize,
    /// 同一个 IP 最多占几个名额。
    pub per_address: usize,
}

impl Policy {
    /// 同一个 IP 最多占总名额的一半（至少 1 个）：一个对方占满所有名额、把别人都关在门外，就没那么便宜了。
    pub fn new(idle: Duration, min_rate: u64, max_connections: usize) -> Policy {
        let max_connections = max_connections.max(1);
        Policy {
            idle,
            min_rate: min_rate.max(1),
            max_connections,
            per_address: (max_connections / 2).max(1),
        }
    }
}

/// 名额表：一共几个名额，每个 IP 占了几个。
#[derive(Debug)]
pub struct Slots {
    max: usize,
    per_address: usize,
    taken: Mutex<HashMap<IpAddr, usize>>,
    total: AtomicUsize,
}

/// 为什么没拿到名额。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 总名额满了。
    Full(usize),
    /// 这个 IP 已经占了它能占的名额。
    TooManyFromYou(usize),
    /// 系统不让再开线程。
    NoThread,
}

impl Refusal {
    /// 给对方的一句话（不带换行；各服务端按自己的协议包装）。
    pub fn message(&self) -> String {
        match self {
            Refusal::Full(n) => format!("服务端忙：已经在服务 {n} 个连接，请稍后再试"),
            Refusal::TooManyFromYou(n) => {
                format!("服务端忙：你的地址已经占了 {n} 个连接，请先关掉一些")
            }
            Refusal::NoThread => "服务端忙：暂时开不了新的线程，请稍后再试".to_string(),
        }
    }
}

/// 一个名额；丢弃时归还。
#[derive(Debug)]
pub struct Slot {
    slots: Arc<Slots>,
    ip: IpAddr,
}

impl Slots {
    pub fn new(policy: &Policy) -> Arc<Slots> {
        Arc::new(Slots {
            max: policy.max_connections,
            per_address: policy.per_address,
            taken: Mutex::new(HashMap::new()),
            total: AtomicUsize::new(0),
        })
    }

    /// 为来自 `ip` 的连接拿一个名额。
    pub fn acquire(self: &Arc<Self>, ip: IpAddr) -> Result<Slot, Refusal> {
        let mut taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
        let total: usize = taken.values().sum();
        if total >= self.max {
            return Err(Refusal::Full(total));
        }
        let mine = taken.entry(ip).or_insert(0);
        if *mine >= self.per_address {
            return Err(Refusal::TooManyFromYou(*mine));
        }
        *mine += 1;
        self.total.store(total + 1, Ordering::Relaxed);
        Ok(Slot {
            slots: Arc::clone(self),
            ip,
        })
    }

    /// 正在用的名额数。
    pub fn in_use(&self) -> usize {
        self.total.load(Ordering::Relaxed)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut taken = self.slots.taken.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = taken.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                taken.remove(&self.ip);
            }
        }
        let total = taken.values().sum();
        self.slots.total.store(total, Ordering::Relaxed);
    }
}

/// `accept` 出错后的等待：从 5 毫秒起每次翻倍，最多 1 秒；同一阵错误只记第一次和恢复时各一行。
#[derive(Debug, Default)]
pub struct Backoff {
    failures: u64,
}

impl Backoff {
    pub const FIRST: Duration = Duration::from_millis(5);
    pub const MAX: Duration = Duration::from_secs(1);

    /// 记下一次失败，返回这次该等多久，以及要不要记日志（这一阵的第一次）。
    pub fn failed(&mut self) -> (Duration, bool) {
        self.failures += 1;
        let shift = (self.failures - 1).min(16) as u32;
        let wait = Self::FIRST
            .checked_mul(1u32 << shift)
            .unwrap_or(Self::MAX)
            .min(Self::MAX);
        (wait, self.failures == 1)
    }

    /// 记下一次成功；刚结束一阵失败时返回这阵失败了几次。
    pub fn succeeded(&mut self) -> Option<u64> {
        let n = std::mem::take(&mut self.failures);
        (n > 0).then_some(n)
    }
}

/// 一条被接受、拿到了名额的连接，交给处理函数。
pub struct Conn {
    pub stream: Guarded,
    pub peer: SocketAddr,
    /// 名额：这个值被丢弃时归还（处理函数返回时自动发生）。
    pub slot: Slot,
}

/// 服务端的主循环：接受连接，按 `policy` 发名额，每个连接一个线程，`handle` 在那个线程里运行。
///
/// - 拿不到名额、开不了线程时，`refuse(stream, 原因)` 负责按这个服务端的协议告诉对方（写一句话就关），
///   然后连接被关掉，循环继续；
/// - `accept` 出错时按 [`Backoff`] 等一会儿再试；
/// - `log` 记服务端的日志（一行一条）。
///
/// 只有 `stop()` 返回 true 时才结束（大多数服务端传 `|| false`，一直服务下去）。
pub fn serve<H, R, L>(
    listener: &TcpListener,
    policy: &Policy,
    stop: impl Fn() -> bool,
    log: L,
    refuse: R,
    handle: H,
) where
    H: Fn(Conn) + Send + Sync + 'static,
    R: Fn(&mut TcpStream, Refusal),
    L: Fn(&str) + Send + Sync + Clone + 'static,
{
    let slots = Slots::new(policy);
    let handle = Arc::new(handle);
    let mut backoff = Backoff::default();
    while !stop() {
        let (mut stream, peer) = match listener.accept() {
            Ok(pair) => pair,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => {
                let (wait, first) = backoff.failed();
                if first {
                    log(&format!(
                        "接受连接失败：{e}。稍后重试（等待从 {} 毫秒起逐步加长，这一阵的错误不再逐条记录）",
                        Backoff::FIRST.as_millis()
                    ));
                }
                thread::sleep(wait);
                continue;
            }
        };
        if let Some(n) = backoff.succeeded() {
            log(&format!("接受连接恢复正常（刚才连续失败了 {n} 次）"));
        }
        let slot = match slots.acquire(peer.ip()) {
            Ok(slot) => slot,
            Err(why) => {
                log(&format!("拒绝 {peer}：{}", why.message()));
                turn_away(&mut stream, policy, &refuse, why);
                continue;
            }
        };
        let guarded = match Guarded::new(stream, policy.idle, policy.min_rate) {
            Ok(g) => g,
            Err(e) => {
                log(&format!("设置 {peer} 的超时失败（{e}），关闭这个连接"));
                continue;
            }
        };
        let conn = Conn {
            stream: guarded,
            peer,
            slot,
        };
        let handle = Arc::clone(&handle);
        // 线程开不出来时，闭包（连同里面的连接和名额）会被交还给我们吗？不会：spawn 失败时闭包被丢弃，
        // 连接随之关闭、名额随之归还。所以先留一个克隆，用来告诉对方为什么。
        let spare = conn.stream.inner().try_clone();
        let spawned = thread::Builder::new()
            .name(format!("连接 {peer}"))
            .spawn(move || handle(conn));
        if let Err(e) = spawned {
            log(&format!("无法为 {peer} 启动线程（{e}），拒绝这个连接"));
            if let Ok(mut s) = spare {
                turn_away(&mut s, policy, &refuse, Refusal::NoThread);
            }
        }
    }
}

/// 拒绝一个连接：写一句话的时间也有限，对方不读也不会卡住主循环。
fn turn_away<R: Fn(&mut TcpStream, Refusal)>(
    stream: &mut TcpStream,
    policy: &Policy,
    refuse: &R,
    why: Refusal,
) {
    let quick = policy.idle.min(Duration::from_secs(1));
    let _ = stream.set_write_timeout(Some(quick));
    let _ = stream.set_read_timeout(Some(quick));
    refuse(stream, why);
}

/// 包在 `TcpStream` 外面，给读写加上空闲超时、最低速率和整次收发的期限（见模块说明）。
#[derive(Debug)]
pub struct Guarded {
    stream: TcpStream,
    idle: Duration,
    min_rate: u64,
    until: Instant,
}

/// 从现在起 `d` 之后的时刻；`d` 大得离谱时取一个很远但不溢出的时刻。
pub fn later(d: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(d)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}

impl Guarded {
    pub fn new(stream: TcpStream, idle: Duration, min_rate: u64) -> io::Result<Guarded> {
        let idle = idle.max(Duration::from_millis(1));
        stream.set_read_timeout(Some(idle))?;
        stream.set_write_timeout(Some(idle))?;
        Ok(Guarded {
            stream,
            idle,
            min_rate: min_rate.max(1),
            until: later(idle),
        })
    }

    /// 里面的连接（查地址、半关闭等用）。
    pub fn inner(&self) -> &TcpStream {
        &self.stream
    }

    /// 重新开始计时（比如开始等下一条消息时）：期限回到“现在 + 空闲超时”。
    pub fn restart(&mut self) {
        self.until = later(self.idle);
    }

    /// 空闲超时。
    pub fn idle(&self) -> Duration {
        self.idle
    }

    /// 下一次系统调用最多等多久：离期限还剩的时间（至少 1 毫秒，0 在标准库里不被允许）。
    fn arm(&self, write: bool) -> io::Result<()> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(too_slow(self.min_rate));
        }
        let left = left.min(self.idle).max(Duration::from_millis(1));
        if write {
            self.stream.set_write_timeout(Some(left))
        } else {
            self.stream.set_read_timeout(Some(left))
        }
    }

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
}

/// 对方太慢（或者一直不说话）时读写报的错：`TimedOut`，附一句中文说明。异步版的 `Guarded` 也用它。
pub fn too_slow(min_rate: u64) -> io::Error {
    io::Error::new(
        ErrorKind::TimedOut,
        format!("对方太慢或一直不说话：平均每秒不到 {min_rate} 字节，断开"),
    )
}

impl Read for Guarded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.arm(false)?;
        let n = self.stream.read(buf)?;
        self.account(n)?;
        Ok(n)
    }
}

impl Write for Guarded {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.arm(true)?;
        let n = self.stream.write(buf)?;
        self.account(n)?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// 所有连接合起来最多缓存多少字节。每次要缓存之前先 [`Budget::reserve`]，用完了自动归还。
#[derive(Debug)]
pub struct Budget {
    left: AtomicUsize,
    total: usize,
}

/// 从 [`Budget`] 里申请到的一份额度；丢弃时归还。
#[derive(Debug)]
pub struct Reservation {
    budget: Arc<Budget>,
    bytes: usize,
}

impl Budget {
    pub fn new(total: usize) -> Arc<Budget> {
        Arc::new(Budget {
            left: AtomicUsize::new(total),
            total,
        })
    }

    /// 申请 `bytes` 字节；不够时返回 None（调用者应当拒绝这个请求，而不是等）。
    pub fn reserve(self: &Arc<Self>, bytes: usize) -> Option<Reservation> {
        let mut left = self.left.load(Ordering::Relaxed);
        loop {
            if left < bytes {
                return None;
            }
            match self.left.compare_exchange_weak(
                left,
                left - bytes,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    return Some(Reservation {
                        budget: Arc::clone(self),
                        bytes,
                    })
                }
                Err(now) => left = now,
            }
        }
    }

    /// 还剩多少字节可以申请。
    pub fn available(&self) -> usize {
        self.left.load(Ordering::Relaxed)
    }

    /// 一共多少。
    pub fn total(&self) -> usize {
        self.total
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.budget.left.fetch_add(self.bytes, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn slots_cap_the_total_and_each_address_and_come_back_on_drop() {
        let policy = Policy::new(Duration::from_secs(1), 1, 4);
        assert_eq!(policy.per_address, 2);
        let slots = Slots::new(&policy);
        let a = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
        let b = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3));
        let a1 = slots.acquire(a).unwrap();
        let _a2 = slots.acquire(a).unwrap();
        assert_eq!(slots.acquire(a).unwrap_err(), Refusal::TooManyFromYou(2));
        let _b1 = slots.acquire(b).unwrap();
        let _b2 = slots.acquire(b).unwrap();
        let c = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 4));
        assert_eq!(slots.acquire(c).unwrap_err(), Refusal::Full(4));
        drop(a1);
        assert_eq!(slots.in_use(), 3);
        assert!(slots.acquire(c).is_ok());
    }

    #[test]
    fn backoff_doubles_up_to_a_second_and_logs_once_per_burst() {
        let mut b = Backoff::default();
        assert_eq!(b.failed(), (Duration::from_millis(5), true));
        assert_eq!(b.failed(), (Duration::from_millis(10), false));
        for _ in 0..20 {
            let (wait, log) = b.failed();
            assert!(wait <= Backoff::MAX && !log);
        }
        assert_eq!(b.failed().0, Backoff::MAX);
        assert_eq!(b.succeeded(), Some(23));
        assert_eq!(b.succeeded(), None);
        assert_eq!(b.failed(), (Duration::from_millis(5), true));
    }

    #[test]
    fn a_budget_refuses_beyond_its_total_and_refills_on_drop() {
        let budget = Budget::new(100);
        let r = budget.reserve(60).unwrap();
        assert!(budget.reserve(50).is_none());
        drop(r);
        assert_eq!(budget.available(), 100);
        assert!(budget.reserve(100).is_some());
    }

    #[test]
    fn huge_timeouts_do_not_overflow() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let stream = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let mut g = Guarded::new(stream, Duration::from_secs(u64::MAX), u64::MAX).unwrap();
        g.restart();
        g.account(1 << 20).unwrap();
    }
}
