//! 教程 V2 的客户端：把标准输入的每一行发给服务端，打印回复；空行或 EOF 结束。

use std::io::{self, IsTerminal};
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_04::single;

/// 一问一答的客户端：每输入一行就发给服务端并打印回复，空行或 Ctrl-D 结束。
#[derive(Parser)]
#[command(name = "l04-client", version)]
struct Args {
    #[command(flatten)]
    connect: support::cli::Connect<6969>,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let timeout = args.connect.timeout();
    let stream = lesson_04::connect(&args.connect.host, args.connect.port, timeout, "server")?;
    support::say(format!(
        "已连接到服务端 {}（输入一行发送，空行或 EOF 结束）",
        stream.peer_addr()?
    ));
    let stdin = io::stdin();
    // 在终端里打字时显示提示符 `>>:`；输入来自管道（测试、演示）时改为把发出的内容打印出来。
    let echo = !stdin.is_terminal();
    let sent = single::client_session(&stream, &mut stdin.lock(), echo, timeout)?;
    support::say(format!("会话结束，共发送 {sent} 条消息"));
    Ok(())
}
