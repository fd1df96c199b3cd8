//! 教程 V2 的服务端：一直接受客户端，一次服务一个，每条消息回复 `[<内容>] <ctime>`。

use std::process::ExitCode;

use anyhow::Result;
use clap::{CommandFactory, Parser};
use lesson_04::{print_log, single};

/// 一直运行的服务端：一次服务一个客户端，每次 recv 到的消息回复 [消息] 和当前时间（不带换行符）。
/// 一个客户端最多占着它“空闲超时”那么久（再加上它收发的字节挣来的一点时间），好让排队的人进来。
#[derive(Parser)]
#[command(name = "l04-server", version)]
struct Args {
    #[command(flatten)]
    listen: support::cli::Listen<6969>,
    #[command(flatten)]
    limits: support::cli::Limits,
}

fn main() -> ExitCode {
    // 这个服务端和教程一样一次只服务一个客户端：连接上限只能是 1，其余的在积压队列里排队。
    let cmd = Args::command().mut_arg("max_connections", |arg| {
        arg.default_value("1")
            .value_parser(support::cli::ranged(1, 1, "个"))
            .help("一次只服务一个客户端（教程的 V2），其余的在积压队列里排队，所以只能是 1")
    });
    let args: Args = support::cli::parse_with(cmd, std::env::args_os());
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let listener = support::bind(&args.listen.host, args.listen.port)?;
    support::announce("服务端", listener.local_addr()?);
    single::serve_forever(&listener, &args.limits.policy(), print_log);
    Ok(())
}
