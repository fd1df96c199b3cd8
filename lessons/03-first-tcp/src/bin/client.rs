//! 第一个 TCP 客户端：连上服务端，说一句话，打印回复。

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_03::{describe, send_and_receive, DEFAULT_PORT, GREETING, MAX_REPLY};
use support::say;

/// 连上第 03 课的服务端，发送一句话，打印服务端的回复。
#[derive(Parser)]
#[command(name = "l03-client", version)]
struct Args {
    /// 要发送的话
    #[arg(value_name = "话", default_value = GREETING)]
    text: String,
    #[command(flatten)]
    connect: support::cli::Connect<{ DEFAULT_PORT }>,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

// ANCHOR: main
fn real_main(args: Args) -> Result<()> {
    // socket + connect：连上就完成了三次握手；连不上时 support::connect 说明该怎么办。
    let Args { text, connect } = args;
    let mut stream = support::connect(&connect.host, connect.port, connect.timeout(), "03")?;
    say(format!("已连接到服务端 {}", stream.peer_addr()?));
    say(format!("发送：{text}（{} 个字节）", text.len()));

    let reply = send_and_receive(&mut stream, &text)?;
    for line in describe("收到回复", &reply.bytes) {
        say(line);
    }
    if reply.reset {
        say("随后连接被服务端重置了：它没读完我们发的数据就关闭了连接");
    }
    if reply.cut {
        say(format!(
            "回复达到了 {} KiB 的上限，后面的部分没有再读",
            MAX_REPLY / 1024
        ));
    }
    Ok(())
}
// ANCHOR_END: main
