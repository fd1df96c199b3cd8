//! 客户端：把标准输入的每一行作为一条消息发给服务端（不带换行，一次写完），
//! 每条读一次回复并打印；空行或 EOF 结束。

use std::io;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;

/// 逐行发送标准输入（一行一条消息，一问一答），打印服务端的回复。
#[derive(Parser)]
struct Args {
    /// 服务端地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 服务端端口
    #[arg(long, default_value_t = 9999)]
    port: u16,
    /// 等服务端回复最多多少秒
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
    let stream = support::connect(&args.host, args.port, timeout, "07")?;
    support::say(format!("已连接 {}", stream.peer_addr()?));
    let n = lesson_07::chat(stream, io::stdin().lock(), &mut io::stdout().lock())?;
    support::say(format!("说完了，共收到 {n} 条回复"));
    Ok(())
}
