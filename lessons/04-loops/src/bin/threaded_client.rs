//! 多线程服务端的客户端：读 `Welcome!`，依次发出几个名字，打印每条回复，最后发 `exit`。

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_04::threaded;

/// 发出几个名字（默认 Michael、Tracy、Sarah），打印服务端的每条回复。
#[derive(Parser)]
#[command(name = "l04-threaded-client", version)]
struct Args {
    #[command(flatten)]
    connect: support::cli::Connect<9999>,
    /// 要发送的名字，用逗号分隔
    #[arg(long, value_delimiter = ',', default_value = "Michael,Tracy,Sarah")]
    names: Vec<String>,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let timeout = args.connect.timeout();
    // 名字有问题就在连接之前说出来，不必先找服务端。
    threaded::check_names(&args.names)?;
    let stream = lesson_04::connect(
        &args.connect.host,
        args.connect.port,
        timeout,
        "threaded-server",
    )?;
    threaded::greet_session(&stream, &args.names, timeout)
}
