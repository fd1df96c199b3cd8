//! 第一个 TCP 服务端：只接待一个客户端，读一次、回一句、关闭，然后退出。

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_03::{serve_once, DEFAULT_PORT};

/// 只接待一个客户端的 TCP 服务端：打印对方的地址和发来的数据，回复“我是Server”后退出。
#[derive(Parser)]
#[command(name = "l03-server", version)]
struct Args {
    #[command(flatten)]
    listen: support::cli::Listen<{ DEFAULT_PORT }>,
    /// 客户端多久不收不发就断开它（读和写各自的超时），1 到 86400 秒
    #[arg(long, value_name = "秒", default_value_t = support::serve::DEFAULT_IDLE_SECS,
          value_parser = support::cli::seconds(1, 86_400))]
    idle_timeout: u64,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

// ANCHOR: main
fn real_main(args: Args) -> Result<()> {
    // socket + bind + listen 三步合成一步：bind 成功时，系统已经在替我们接听了。
    let listener = support::bind(&args.listen.host, args.listen.port)?;
    // 第一行写出真正绑定的地址（--port 0 时只有这里知道端口是多少）。
    support::announce("服务端", listener.local_addr()?);
    serve_once(&listener, Duration::from_secs(args.idle_timeout))
    // listener 在这里被丢弃，监听的端口随之关闭。
}
// ANCHOR_END: main
