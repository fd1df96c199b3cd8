//! 多线程服务端的客户端：读 `Welcome!`，依次发出几个名字，打印每条回复，最后发 `exit`。

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_04::threaded;

/// 发出几个名字（默认 Michael、Tracy、Sarah），打印服务端的每条回复。
#[derive(Parser)]
struct Args {
    /// 服务端地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 服务端端口
    #[arg(long, default_value_t = 9999)]
    port: u16,
    /// 要发送的名字，用逗号分隔
    #[arg(long, value_delimiter = ',', default_value = "Michael,Tracy,Sarah")]
    names: Vec<String>,
    /// 等回复最多多少秒
    #[arg(long, default_value_t = support::DEFAULT_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let timeout = Duration::from_secs(args.timeout);
    // 名字有问题就在连接之前说出来，不必先找服务端。
    threaded::check_names(&args.names)?;
    let stream = lesson_04::connect(&args.host, args.port, timeout, "threaded-server")?;
    threaded::greet_session(&stream, &args.names, timeout)
}
