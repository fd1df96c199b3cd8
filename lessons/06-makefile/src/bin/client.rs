//! makefile 客户端：发一句话，打印服务端的回复。

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_06::{run_client, EXAMPLE};
use support::cli::Connect;

/// makefile 客户端：发一句话，打印服务端的回复
#[derive(Parser)]
#[command(name = "l06-client", version)]
struct Args {
    /// 要发送的话
    #[arg(value_name = "话", default_value = EXAMPLE)]
    message: String,
    #[command(flatten)]
    connect: Connect<{ lesson_06::DEFAULT_PORT }>,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let c = &args.connect;
    run_client(&c.host, c.port, c.timeout(), &args.message)
}
