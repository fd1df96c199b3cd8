//! 聊天室服务端：每个连接一个线程，把每个人说的话转发给其他所有人。

use std::process::ExitCode;

use anyhow::Result;
use clap::{CommandFactory, Parser};
use lesson_04::{chat, print_log};

/// 聊天室：每人一行一条消息，服务端转发给其他所有人；新来的人先看到最近的消息。
#[derive(Parser)]
#[command(name = "l04-chat-server", version)]
struct Args {
    #[command(flatten)]
    listen: support::cli::Listen<12345>,
    /// 每个成员的发送队列最多积压几条消息（1 到 10000）；一直不读、积压满了的成员被请出聊天室
    #[arg(long, value_name = "条", default_value_t = chat::DEFAULT_QUEUE as u64,
          value_parser = support::cli::ranged(1, 10_000, "条"))]
    queue: u64,
    #[command(flatten)]
    limits: support::cli::Limits,
}

fn main() -> ExitCode {
    // 聊天时很久不说话是正常的：这里的空闲超时默认 10 分钟，而不是别的服务端的 30 秒。
    let cmd = Args::command().mut_arg("idle_timeout", |arg| {
        arg.default_value("600")
            .help("成员多久不说话就请它离开，也是写给它一条消息最多等多久，1 到 86400 秒")
    });
    let args: Args = support::cli::parse_with(cmd, std::env::args_os());
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let listener = support::bind(&args.listen.host, args.listen.port)?;
    support::announce("聊天服务端", listener.local_addr()?);
    chat::serve_chat(
        &listener,
        &args.limits.policy(),
        args.queue as usize,
        print_log,
    );
    Ok(())
}
