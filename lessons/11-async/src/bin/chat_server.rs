//! 第 04 课聊天室的异步版：每人一行一条消息，服务端转发给其他所有人；新来的人先看到最近的消息。
//! 每个成员一个有界队列：一个不读消息的成员卡不住任何人，积压满了就被请出聊天室。

use std::process::ExitCode;

use anyhow::Result;
use clap::{CommandFactory, Parser};
use lesson_11::{chat, print_log, serve, ShutdownArgs};

/// 异步聊天室：所有成员都在同一个线程上，每个成员两个任务（一个读、一个写）。
#[derive(Parser)]
#[command(name = "l11-chat-server", version)]
struct Args {
    #[command(flatten)]
    listen: support::cli::Listen<12345>,
    /// 每个成员的发送队列最多积压几条消息（1 到 10000）；一直不读、积压满了的成员被请出聊天室
    #[arg(long, value_name = "条", default_value_t = chat::DEFAULT_QUEUE as u64,
          value_parser = support::cli::ranged(1, 10_000, "条"))]
    queue: u64,
    #[command(flatten)]
    limits: support::cli::Limits,
    #[command(flatten)]
    shutdown: ShutdownArgs,
}

fn main() -> ExitCode {
    // 聊天时很久不说话是正常的：空闲超时默认 10 分钟（和第 04 课的聊天室一样）。
    let cmd = Args::command().mut_arg("idle_timeout", |arg| {
        arg.default_value("600")
            .help("成员多久不说话就请它离开，也是写给它一条消息最多等多久，1 到 86400 秒")
    });
    let args: Args = support::cli::parse_with(cmd, std::env::args_os());
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let listener = support::bind(&args.listen.host, args.listen.port)?;
    let addr = listener.local_addr()?;
    let policy = args.limits.policy();
    let shutdown = args.shutdown.shutdown();
    lesson_11::block_on(async {
        let listener = lesson_11::tokio_listener(listener)?;
        serve::stop_on_ctrl_c(&shutdown, print_log);
        support::announce("异步聊天服务端", addr);
        chat::serve_chat(listener, &policy, &shutdown, args.queue as usize, print_log).await;
        Ok(())
    })?
}
