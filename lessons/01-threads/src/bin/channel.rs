//! 通道：几个工人线程把结果发回主线程。

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_01::start_workers;
use support::cli::ranged;

/// 启动若干工人线程，通过通道收集它们的消息。
#[derive(Parser)]
#[command(name = "l01-channel", version)]
struct Args {
    /// 工人数量，每个工人是一个线程，最多 1000 个
    #[arg(long, value_name = "个数", default_value_t = 3, value_parser = ranged(1, 1000, "个工人"))]
    workers: u64,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args.workers as usize))
}

fn real_main(workers: usize) -> Result<()> {
    let rx = start_workers(workers)
        .with_context(|| format!("系统不让再开线程了：把 --workers {workers} 调小一些再试"))?;
    // 消息到达的顺序取决于线程调度；排序后再打印，输出才稳定。
    let mut messages: Vec<String> = rx.iter().collect();
    messages.sort();
    for m in &messages {
        println!("主线程收到：{m}");
    }
    println!(
        "一共收到 {} 条消息，所有发送端都已关闭，通道结束",
        messages.len()
    );
    Ok(())
}
