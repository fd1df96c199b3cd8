//! 第一个 TCP 客户端：连上服务端，说一句话，打印回复。

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_03::{describe, send_and_receive, DEFAULT_PORT, GREETING, MAX_REPLY};
use support::say;

/// 连上第 03 课的服务端，发送一句话（默认“你是who?”），打印服务端的回复。
#[derive(Parser)]
struct Args {
    /// 要发送的话
    #[arg(default_value = GREETING)]
    text: String,
    /// 服务端的地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 服务端的端口
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// 连接和等待回复的超时（秒）
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
    // socket + connect：连上就完成了三次握手；连不上时 support::connect 说明该怎么办。
    let timeout = Duration::from_secs(args.timeout);
    let mut stream = support::connect(&args.host, args.port, timeout, "03")?;
    say(format!("已连接到服务端 {}", stream.peer_addr()?));
    say(format!("发送：{}（{} 个字节）", args.text, args.text.len()));

    let reply = send_and_receive(&mut stream, &args.text)?;
    for line in describe("收到回复", &reply.bytes) {
        say(line);
    }
    if reply.reset {
        say("随后连接被服务端重置了：它没读完我们发的数据就关闭了连接");
    }
    if reply.cut {
        say(format!(
            "回复达到了 {MAX_REPLY} 个字节的上限，后面的部分没有再读"
        ));
    }
    Ok(())
}
// ANCHOR_END: main
