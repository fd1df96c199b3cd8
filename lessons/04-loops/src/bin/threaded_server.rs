//! 每个连接一个线程的服务端：先说 `Welcome!`，再对每条消息回复 `Hello, <消息>!`。

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_04::{print_log, threaded};

/// 多线程服务端：每个客户端一个线程，同时服务好几个客户端。
#[derive(Parser)]
#[command(name = "l04-threaded-server", version)]
struct Args {
    #[command(flatten)]
    listen: support::cli::Listen<9999>,
    /// 每条回复前先等多少毫秒（相当于教程里的 time.sleep(1)，让并发看得见），0 到 10000
    #[arg(long, value_name = "毫秒", default_value_t = 0,
          value_parser = support::cli::ranged(0, 10_000, "毫秒"))]
    delay_ms: u64,
    #[command(flatten)]
    limits: support::cli::Limits,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let listener = support::bind(&args.listen.host, args.listen.port)?;
    support::announce("服务端", listener.local_addr()?);
    print_log("等待连接……");
    threaded::serve_threaded(
        &listener,
        &args.limits.policy(),
        Duration::from_millis(args.delay_ms),
        print_log,
    );
    Ok(())
}
