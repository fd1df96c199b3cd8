//! 远程执行命令的客户端：读一行命令，发给服务端，打印结果和它的字节数。

use std::io::{self, IsTerminal};
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_09::{connect, run_client, ClientOptions, Encoding};
use support::cli::Connect;

/// 远程执行命令的客户端：提示 cmd:>>>，输入 q 退出
#[derive(Parser)]
#[command(name = "l09-client", version)]
struct Args {
    #[command(flatten)]
    connect: Connect<{ lesson_09::DEFAULT_PORT }>,
    /// 服务端输出的编码（教程在中文 Windows 上用 gbk）
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    encoding: Encoding,
    /// 演示用：像教程一样不分帧，每个回答只读一次、最多 1024 字节
    #[arg(long)]
    unframed: bool,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let Connect { host, port, .. } = &args.connect;
    let stream = connect(host, *port, args.connect.timeout())?;
    support::say(format!("已连接到 {}", stream.peer_addr()?));
    let stdin = io::stdin();
    let options = ClientOptions {
        encoding: args.encoding,
        unframed: args.unframed,
        echo: !stdin.is_terminal(),
    };
    run_client(stream, &mut stdin.lock(), &mut io::stdout().lock(), options)
}
