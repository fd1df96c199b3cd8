//! 让读的一方“晚一步读”，粘包就每次都发生，不靠运气，也不靠 sleep。
//!
//! 用 SIGSTOP 暂停一个进程：它不再运行，可它的套接字还在，内核照样替它收下对方发来的字节，
//! 放进接收缓冲区。`/proc/net/tcp` 的 rx_queue 一栏（也就是 `ss -tn` 的 Recv-Q）说出缓冲区里
//! 有多少字节还没被程序读走。等到该到的字节都到了，再用 SIGCONT 让它继续。
//! 这正是教程里碰巧发生的事：读的线程没有及时被调度，两条消息就在缓冲区里排到了一起。
//! 只在 Linux 上有（`/proc`）。

use std::cell::Cell;
use std::fs;

use testkit::wait_until;

/// `/proc/net/tcp` 里的状态码。
const ESTABLISHED: u8 = 0x01;
const CLOSE_WAIT: u8 = 0x08;

/// 一个 TCP 套接字在本机这一端的样子（`/proc/net/tcp` 的一行）。
#[derive(Clone, Copy, Debug)]
struct Socket {
    local: u16,
    remote: u16,
    state: u8,
    rx_queue: u32,
}

fn sockets() -> Vec<Socket> {
    let text = fs::read_to_string("/proc/net/tcp").expect("读 /proc/net/tcp");
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let port = |addr: &str| u16::from_str_radix(addr.rsplit(':').next()?, 16).ok();
            Some(Socket {
                local: port(fields.get(1)?)?,
                remote: port(fields.get(2)?)?,
                state: u8::from_str_radix(fields.get(3)?, 16).ok()?,
                rx_queue: u32::from_str_radix(fields.get(4)?.split(':').nth(1)?, 16).ok()?,
            })
        })
        .collect()
}

/// 本端端口 `local`、对端端口 `remote` 的套接字里，还没被程序读走的数据有多少字节。
/// 对方关闭了（FIN 到了，状态是 CLOSE_WAIT）时，FIN 在 rx_queue 里也占 1，这里减掉它。
pub fn unread(local: u16, remote: u16) -> Option<u32> {
    sockets()
        .into_iter()
        .find(|s| s.local == local && s.remote == remote)
        .map(|s| s.rx_queue - u32::from(s.state == CLOSE_WAIT))
}

/// 等到有客户端连上 `server_port`（内核完成了握手，服务端程序还不必 accept），
/// 返回客户端那一端的端口。客户端可能已经发完、关闭了它那一边（CLOSE_WAIT），也算。
pub fn wait_for_client_of(server_port: u16) -> u16 {
    let found = Cell::new(None);
    wait_until(&format!("有客户端连上端口 {server_port}"), || {
        found.set(
            sockets()
                .into_iter()
                .find(|s| s.local == server_port && matches!(s.state, ESTABLISHED | CLOSE_WAIT))
                .map(|s| s.remote),
        );
        found.get().is_some()
    });
    found.get().expect("wait_until 返回时已经找到")
}

/// 等到 `local` 这一端的接收缓冲区里正好有 `bytes` 字节没被读走。
pub fn wait_unread(local: u16, remote: u16, bytes: u32) {
    wait_until(
        &format!("端口 {local}（对端 {remote}）的接收缓冲区里有 {bytes} 字节"),
        || unread(local, remote) == Some(bytes),
    );
}

/// 这个进程的每个线程都停下了吗（状态 T）？
fn all_stopped(pid: u32) -> bool {
    let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.flatten().all(|task| {
        let stat = fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        // 第二栏是带括号的程序名，里面可能有空格；状态是右括号后面的第一个字母。
        let state = stat.rsplit(')').next().unwrap_or("").trim_start();
        state.starts_with('T') || state.starts_with('t')
    })
}

/// 暂停进程（SIGSTOP），等它的每个线程都真的停下再返回。
pub fn stop(pid: u32) {
    testkit::signal::send(pid, testkit::signal::Signal::SIGSTOP);
    wait_until(&format!("进程 {pid} 停下"), || all_stopped(pid));
}

/// 让暂停的进程继续（SIGCONT）。它阻塞着的 recv 会接着等（没有设超时时，内核自动重新开始这次调用）。
pub fn resume(pid: u32) {
    testkit::signal::send(pid, testkit::signal::Signal::SIGCONT);
}
