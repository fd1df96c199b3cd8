//! 客户端：把标准输入的每一行作为一条消息发给服务端（不带换行，一次写完），
//! 每条读一次回复并打印；空行或 EOF 结束。

use std::io;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use support::cli::Connect;

/// 逐行发送标准输入（一行一条消息，一问一答），打印服务端的回复。
#[derive(Parser)]
#[command(name = "l07-client", version)]
struct Args {
    #[command(flatten)]
    connect: Connect<9999>,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let Connect { host, port, .. } = &args.connect;
    let stream = support::connect(host, *port, args.connect.timeout(), "07")?;
    support::say(format!("已连接 {}", stream.peer_addr()?));
    let n = lesson_07::chat(stream, io::stdin().lock(), &mut io::stdout().lock())?;
    support::say(format!("说完了，共收到 {n} 条回复"));
    Ok(())
}
