//! 第 08 课分帧回显服务端的异步版：每收到一帧（4 字节大端长度 + 内容），就把它原样作为一帧写回去。
//! 分帧用 tokio-util 的 `LengthDelimitedCodec`，帧长上限和第 08 课一样。

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_08::{size, Sizes};
use lesson_11::{framed, print_log, serve, ShutdownArgs};
use support::cli::{Limits, Listen};

/// 回显每一帧；坏帧、半截的帧、卡住的连接都只断开那一个连接。
#[derive(Parser)]
#[command(name = "l11-framed-server", version)]
struct Args {
    #[command(flatten)]
    listen: Listen<{ lesson_08::FRAMED_PORT }>,
    #[command(flatten)]
    sizes: Sizes,
    #[command(flatten)]
    limits: Limits,
    #[command(flatten)]
    shutdown: ShutdownArgs,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let budget = args.sizes.budget()?;
    let policy = args.limits.policy();
    let shutdown = args.shutdown.shutdown();
    let listener = support::bind(&args.listen.host, args.listen.port)?;
    let addr = listener.local_addr()?;
    let what = format!(
        "异步分帧回显服务端（帧长上限 {}，所有连接合起来最多缓存 {}）",
        size::show(args.sizes.max_frame as u64),
        size::show(args.sizes.max_buffered as u64)
    );
    let max = args.sizes.max_frame;
    lesson_11::block_on(async {
        let listener = lesson_11::tokio_listener(listener)?;
        serve::stop_on_ctrl_c(&shutdown, print_log);
        support::announce(what, addr);
        framed::serve_framed(listener, &policy, &shutdown, max, budget, print_log).await;
        Ok(())
    })?
}
