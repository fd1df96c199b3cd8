//! 每个连接一个线程的服务端：先说 `Welcome!`，再对每条消息回复 `Hello, <消息>!`。

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_04::{print_log, threaded, DEFAULT_IDLE_SECS};

/// 多线程服务端：每个客户端一个线程，同时服务好几个客户端。
#[derive(Parser)]
struct Args {
    /// 监听的地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 监听的端口（0 表示让系统挑一个空闲端口）
    #[arg(long, default_value_t = 9999)]
    port: u16,
    /// 每条回复前先等多少毫秒（相当于教程里的 time.sleep(1)，让并发看得见）
    #[arg(long, default_value_t = 0)]
    delay_ms: u64,
    /// 客户端多少秒不说话就断开它
    #[arg(long, default_value_t = DEFAULT_IDLE_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    idle_secs: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let listener = support::bind(&args.host, args.port)?;
    support::announce("服务端", listener.local_addr()?);
    print_log("等待连接……");
    threaded::serve_threaded(
        &listener,
        Duration::from_millis(args.delay_ms),
        Duration::from_secs(args.idle_secs),
        print_log,
    );
    Ok(())
}
