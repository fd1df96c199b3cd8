//! 行客户端：从标准输入读行，一行一行地发给行服务端，打印每个回复；空行或 EOF 结束。

use std::io;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_06::chat_lines;
use support::cli::Connect;

/// 行客户端：标准输入的每一行发给服务端，等到回复再发下一行
#[derive(Parser)]
#[command(name = "l06-line-client", version)]
struct Args {
    #[command(flatten)]
    connect: Connect<{ lesson_06::DEFAULT_PORT }>,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let c = &args.connect;
    let stream = support::connect(&c.host, c.port, c.timeout(), "06")?;
    chat_lines(&stream, io::stdin().lock(), c.timeout())
}
