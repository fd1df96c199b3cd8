//! 用共享的停止标志让工作线程停下：教程里全局变量 `running` 的 Rust 写法。

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};

use anyhow::{anyhow, Result};
use clap::Parser;
use lesson_01::{spawn_named, work_until_stopped};
use support::cli::ranged;

/// 启动一个工作线程，收到若干次汇报后通过共享标志让它停下。
#[derive(Parser)]
#[command(name = "l01-stop-flag", version)]
struct Args {
    /// 收到多少次汇报后让工人停下，最多 1000 次
    #[arg(long, value_name = "次数", default_value_t = 3, value_parser = ranged(1, 1000, "次"))]
    rounds: u64,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args.rounds))
}

// ANCHOR: main
fn real_main(rounds: u64) -> Result<()> {
    let running = Arc::new(AtomicBool::new(true));
    // 容量为 0 的通道：工人每汇报一次，都要等主线程收下才能继续。
    let (tx, rx) = mpsc::sync_channel(0);
    let flag = Arc::clone(&running);
    let worker = spawn_named("工人", move || work_until_stopped(flag, tx))?;

    for round in rx.iter().take(rounds as usize) {
        println!("主线程：收到工人第 {round} 轮的汇报");
    }
    println!("主线程：把 running 设为 false，通知工人停下");
    running.store(false, Ordering::Relaxed);
    // 工人可能正卡在 send 上，等我们收下它已经开始的那一轮。把剩下的汇报收完，
    // 它才能回到循环开头、看到 false；它一结束，发送端随之丢弃，这个循环也就结束了。
    // 要是忘了上面那句 store，工人永远不停，这里就会一直收下去。
    for _ in rx.iter() {}

    let total = worker.join().map_err(|_| anyhow!("工人线程意外 panic"))?;
    // 工人在看到标志之前可能多做了一轮，所以总轮数不一定正好等于 rounds。
    anyhow::ensure!(total >= rounds, "工人只做了 {total} 轮，比汇报的还少");
    println!("主线程：工人已经停下");
    Ok(())
}
// ANCHOR_END: main
