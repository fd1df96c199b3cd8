//! makefile 客户端：发一句话，打印服务端的回复。

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_06::{run_client, DEFAULT_PORT, EXAMPLE};

/// makefile 客户端：发一句话（默认 11 个汉字），打印服务端的回复
#[derive(Parser)]
struct Args {
    /// 要发送的话
    #[arg(default_value = EXAMPLE)]
    message: String,
    /// 服务端地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 服务端端口
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// 等待回复最多多少秒
    #[arg(long, default_value_t = support::DEFAULT_TIMEOUT_SECS)]
    timeout: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    anyhow::ensure!(args.timeout >= 1, "--timeout 至少是 1 秒");
    let timeout = Duration::from_secs(args.timeout);
    run_client(&args.host, args.port, timeout, &args.message)
}
