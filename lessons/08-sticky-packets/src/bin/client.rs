//! 粘包演示与三种分帧办法的客户端：把几条消息一口气发给 `l08-server`。

use std::io::{self, BufRead};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Parser;
use lesson_08::modes::check_message;
use lesson_08::{send_messages, Mode};
use support::say;

/// 按所选模式连续发送消息（参数里的，或者标准输入的每一行），然后打印服务端的总结。
#[derive(Parser)]
struct Args {
    /// 服务端地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 服务端端口
    #[arg(long, default_value_t = lesson_08::DEFAULT_PORT)]
    port: u16,
    /// 怎样分开消息，要和服务端一致：raw、ack、line、length
    #[arg(long, value_enum, default_value_t = Mode::Length)]
    mode: Mode,
    /// 最后再发一条长消息：把“我爱Python”重复这么多次（每次 12 字节，最多 100 万次）
    #[arg(long)]
    repeat: Option<usize>,
    /// 读超时（秒）
    #[arg(long, default_value_t = support::DEFAULT_TIMEOUT_SECS)]
    timeout: u64,
    /// 要发送的消息；一条都不给（也没有 --repeat）时从标准输入读，每行一条，空行结束
    messages: Vec<String>,
}

/// `--repeat` 的上限。
const MAX_REPEAT: usize = 1_000_000;

fn main() -> ExitCode {
    let args = Args::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    anyhow::ensure!(args.timeout > 0, "--timeout 至少是 1 秒");
    let mut messages: Vec<Vec<u8>> = args
        .messages
        .iter()
        .map(|m| m.clone().into_bytes())
        .collect();
    if let Some(times) = args.repeat {
        // 先检查再拼：太大的次数会在拼出这条消息时就耗尽内存。
        anyhow::ensure!(
            times <= MAX_REPEAT,
            "--repeat 最多 {MAX_REPEAT} 次（12 MB 的消息已经足够看清拆包），给的是 {times}"
        );
        messages.push("我爱Python".repeat(times).into_bytes());
    }
    if messages.is_empty() {
        messages = stdin_lines()?;
    }
    // 连接之前先检查：这种模式发不了的消息，不要发出去再让对方猜。
    for (i, m) in messages.iter().enumerate() {
        check_message(args.mode, m).map_err(|e| anyhow::anyhow!("第 {} 条消息：{e}", i + 1))?;
    }
    let timeout = Duration::from_secs(args.timeout);
    let stream = support::connect(&args.host, args.port, timeout, "08")?;
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
