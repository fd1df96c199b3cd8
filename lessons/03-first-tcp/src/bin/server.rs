//! 第一个 TCP 服务端：只接待一个客户端，读一次、回一句、关闭，然后退出。

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_03::{serve_once, DEFAULT_PORT};

/// 只接待一个客户端的 TCP 服务端：打印对方的地址和发来的数据，回复“我是Server”后退出。
#[derive(Parser)]
struct Args {
    /// 监听的地址（IPv6 用 ::1）
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 监听的端口；0 表示让系统挑一个空闲端口
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// 客户端连上以后最多等它多少秒
    #[arg(long, default_value_t = support::DEFAULT_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    support::run(|| real_main(args))
}

// ANCHOR: main
fn real_main(args: Args) -> Result<()> {
    // socket + bind + listen 三步合成一步：bind 成功时，系统已经在替我们接听了。
    let listener = support::bind(&args.host, args.port)?;
    // 第一行写出真正绑定的地址（--port 0 时只有这里知道端口是多少）。
    support::announce("服务端", listener.local_addr()?);
    serve_once(&listener, Duration::from_secs(args.timeout))
    // listener 在这里被丢弃，监听的端口随之关闭。
}
// ANCHOR_END: main
