//! 教程 V2 的服务端：一直接受客户端，一次服务一个，每条消息回复 `[<内容>] <ctime>`。

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_04::{print_log, single, DEFAULT_IDLE_SECS};

/// 一直运行的服务端：一次服务一个客户端，每次 recv 到的消息回复 [消息] 和当前时间（不带换行符）。
#[derive(Parser)]
struct Args {
    /// 监听的地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 监听的端口（0 表示让系统挑一个空闲端口）
    #[arg(long, default_value_t = 6969)]
    port: u16,
    /// 客户端多少秒不说话就断开它（好让排队的客户端进来）
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
    single::serve_forever(&listener, Duration::from_secs(args.idle_secs), print_log);
    Ok(())
}
