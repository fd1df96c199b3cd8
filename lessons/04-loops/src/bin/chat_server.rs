//! 聊天室服务端：每个连接一个线程，把每个人说的话转发给其他所有人。

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_04::{chat, print_log};

/// 聊天室：每人一行一条消息，服务端转发给其他所有人；新来的人先看到最近的消息。
#[derive(Parser)]
struct Args {
    /// 监听的地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 监听的端口（0 表示让系统挑一个空闲端口）
    #[arg(long, default_value_t = 12345)]
    port: u16,
    /// 成员多少秒不说话就请它离开
    #[arg(long, default_value_t = 600,
          value_parser = clap::value_parser!(u64).range(1..))]
    idle_secs: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let listener = support::bind(&args.host, args.port)?;
    support::announce("聊天服务端", listener.local_addr()?);
    chat::serve_chat(&listener, Duration::from_secs(args.idle_secs), print_log);
    Ok(())
}
