//! 第 04 课多线程服务端的异步版：先说 `Welcome!`，再对每条消息回复 `Hello, <消息>!`。
//! 所有的连接都在同一个线程上；Ctrl-C 时不再接受新连接，等正在进行的连接说完再退出。

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_11::greet::{self, Sleep};
use lesson_11::{print_log, quiet_log, serve, ShutdownArgs};

/// 异步服务端：一个线程、每个连接一个任务，同时服务很多个客户端。
#[derive(Parser)]
#[command(name = "l11-server", version)]
struct Args {
    #[command(flatten)]
    listen: support::cli::Listen<9999>,
    /// 每条回复前先等多少毫秒（相当于教程里的 time.sleep(1)，让并发看得见），0 到 10000
    #[arg(long, value_name = "毫秒", default_value_t = 0,
          value_parser = support::cli::ranged(0, 10_000, "毫秒"))]
    delay_ms: u64,
    /// 怎样等那几毫秒：tokio（对）、thread（错：整个服务端跟着停下）、spawn-blocking（交给阻塞线程池）
    #[arg(long, value_name = "等法", value_enum, default_value_t = Sleep::Tokio)]
    sleep: Sleep,
    /// 积压队列多长（listen 的参数），1 到 65535：握手完成、还没被 accept 取走的连接最多排多少条。
    /// 设得很小（比如 8），再用 --clients 300 一下子连过来，就能看到被悄悄丢掉的连接
    #[arg(long, value_name = "条", default_value_t = support::BACKLOG as u64,
          value_parser = support::cli::ranged(1, 65_535, "条"))]
    backlog: u64,
    /// 不逐个记录连接的来去，只记录启动、拒绝和关闭（几百个客户端同时来时用）
    #[arg(long)]
    quiet: bool,
    #[command(flatten)]
    limits: support::cli::Limits,
    #[command(flatten)]
    shutdown: ShutdownArgs,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

// ANCHOR: main
fn real_main(args: Args) -> Result<()> {
    let backlog = i32::try_from(args.backlog)?;
    let listener = support::bind_with_backlog(&args.listen.host, args.listen.port, backlog)?;
    let addr = listener.local_addr()?;
    let policy = args.limits.policy();
    let shutdown = args.shutdown.shutdown();
    let delay = Duration::from_millis(args.delay_ms);
    let log = if args.quiet { quiet_log } else { print_log };
    lesson_11::block_on(async {
        let listener = lesson_11::tokio_listener(listener)?;
        serve::stop_on_ctrl_c(&shutdown, log);
        support::announce("异步服务端", addr);
        log("等待连接……");
        greet::serve_greet(listener, &policy, &shutdown, args.sleep, delay, log).await;
        Ok(())
    })?
}
// ANCHOR_END: main
