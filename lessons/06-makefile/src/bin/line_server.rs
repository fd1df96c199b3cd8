//! 行服务端：每收到一行，回复一行；`--no-flush` 是故意忘了 flush 的错误版本。

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_06::{refuse, serve_lines};
use support::cli::{Limits, Listen};

/// 行服务端：每收到一行，回复 `Return your msg:<这一行>`
#[derive(Parser)]
#[command(name = "l06-line-server", version)]
struct Args {
    #[command(flatten)]
    listen: Listen<{ lesson_06::DEFAULT_PORT }>,
    #[command(flatten)]
    limits: Limits,
    /// 故意写错：回复之后不 flush（演示谈话为什么会卡住）
    #[arg(long)]
    no_flush: bool,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let policy = args.limits.policy();
    let listener = support::bind(&args.listen.host, args.listen.port)?;
    // --no-flush 是故意写错的版本，第一行就说清楚，免得有人拿它当正确的程序用。
    let who = if args.no_flush {
        "行服务端（--no-flush：回复后故意不 flush）"
    } else {
        "行服务端"
    };
    support::announce(who, listener.local_addr()?);
    let flush_each = !args.no_flush;
    // 连接上限、空闲和太慢的对方、accept 出错后的退避、开不了线程：见第 04 课。
    support::serve::serve(
        &listener,
        &policy,
        || false,
        |line| support::say(line),
        |stream, why| refuse(stream, why, true),
        move |conn| {
            let peer = conn.peer;
            support::say(format!("{peer} 连上了"));
            match serve_lines(conn, flush_each) {
                Ok(n) => support::say(format!("{peer} 结束，一共回复了 {n} 行")),
                Err(e) => support::say(format!("{peer} 连接出错：{e}")),
            }
        },
    );
    Ok(())
}
