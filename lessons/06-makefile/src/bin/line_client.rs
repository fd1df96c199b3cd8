//! 行客户端：从标准输入读行，一行一行地发给行服务端，打印每个回复；空行或 EOF 结束。

use std::io;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_06::{chat_lines, DEFAULT_PORT};

/// 行客户端：标准输入的每一行发给服务端，等到回复再发下一行
#[derive(Parser)]
struct Args {
    /// 服务端地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 服务端端口
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// 每个回复最多等多少秒
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
    let stream = support::connect(&args.host, args.port, timeout, "06")?;
    chat_lines(&stream, io::stdin().lock(), timeout)
}
