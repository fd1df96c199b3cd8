//! 聊天客户端：一个线程发（键盘 → 套接字），一个线程收（套接字 → 屏幕）。

use std::io;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_04::chat;

/// 进入聊天室：输入一行发给大家，同时随时显示别人的消息；空行、exit 或 EOF 离开。
#[derive(Parser)]
#[command(name = "l04-chat-client", version)]
struct Args {
    #[command(flatten)]
    connect: support::cli::Connect<12345>,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let timeout = args.connect.timeout();
    let stream = lesson_04::connect(
        &args.connect.host,
        args.connect.port,
        timeout,
        "chat-server",
    )?;
    support::say(format!(
        "已连接到聊天室 {}（空行或 exit 离开）",
        stream.peer_addr()?
    ));
    // 标准输入交给发送线程；它是进程级的全局对象，可以放心地交给别的线程。
    chat::chat_client(stream, io::BufReader::new(io::stdin()), timeout)
}
