//! 粘包演示与三种分帧办法的客户端：把几条消息一口气发给 `l08-server`。

use std::io::{self, BufRead};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Parser;
use lesson_08::modes::check_message;
use lesson_08::{send_messages, Mode};
use support::cli::Connect;
use support::say;

/// 按所选模式连续发送消息（参数里的，或者标准输入的每一行），然后打印服务端的总结。
#[derive(Parser)]
#[command(name = "l08-client", version)]
struct Args {
    #[command(flatten)]
    connect: Connect<{ lesson_08::DEFAULT_PORT }>,
    /// 怎样分开消息，要和服务端一致
    #[arg(long, value_name = "模式", value_enum, default_value_t = Mode::Length)]
    mode: Mode,
    /// 最后再发一条长消息：把“我爱Python”重复这么多次（每次 12 字节；1 到 100 万次，12 MB 已经足够看清拆包）
    #[arg(long, value_name = "次", value_parser = support::cli::ranged(1, 1_000_000, "次"))]
    repeat: Option<u64>,
    /// 要发送的消息；一条都不给（也没有 --repeat）时从标准输入读，每行一条，空行结束
    #[arg(value_name = "消息")]
    messages: Vec<String>,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let mut messages: Vec<Vec<u8>> = args
        .messages
        .iter()
        .map(|m| m.clone().into_bytes())
        .collect();
    if let Some(times) = args.repeat {
        // 次数在解析参数时已经查过上限：太大的次数会在拼出这条消息时就耗尽内存。
        messages.push("我爱Python".repeat(times as usize).into_bytes());
    }
    if messages.is_empty() {
        messages = stdin_lines()?;
    }
    // 连接之前先检查：这种模式发不了的消息，不要发出去再让对方猜。
    for (i, m) in messages.iter().enumerate() {
        check_message(args.mode, m).map_err(|e| anyhow::anyhow!("第 {} 条消息：{e}", i + 1))?;
    }
    let Connect { host, port, .. } = &args.connect;
    let stream = support::connect(host, *port, args.connect.timeout(), "08")?;
    say(format_args!(
        "已连接 {}，模式 {}：{}",
        stream.peer_addr()?,
        args.mode,
        args.mode.explain()
    ));
    let reply = send_messages(&stream, args.mode, &messages, &mut |line| say(line))
        .with_context(|| format!("按 {} 模式发送失败（服务端也是这个模式吗？）", args.mode))?;
    if let Some(why) = reply.strip_prefix("错误：") {
        bail!("服务端拒绝了这些消息：{why}");
    }
    say(format_args!("服务端：{reply}"));
    Ok(())
}

/// 从标准输入读消息，每行一条（按字节读，不是 UTF-8 也照发），空行或 EOF 结束。
fn stdin_lines() -> Result<Vec<Vec<u8>>> {
    let mut messages = Vec::new();
    let mut input = io::stdin().lock();
    loop {
        let mut line = Vec::new();
        if input
            .read_until(b'\n', &mut line)
            .context("读标准输入失败")?
            == 0
        {
            break;
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        if line.is_empty() {
            break;
        }
        messages.push(line);
    }
    Ok(messages)
}
