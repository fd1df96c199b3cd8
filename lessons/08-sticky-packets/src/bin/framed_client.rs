//! 长度前缀分帧的客户端：每条消息发一帧，等回显的那一帧回来再发下一条。

use std::io::{self, BufRead, BufReader, BufWriter};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Parser;
use lesson_08::frame::{read_frame, write_frame, DEFAULT_MAX_FRAME};
use lesson_08::Show;
use support::say;

/// 把消息（参数里的，或者标准输入的每一行）逐条作为帧发给 `l08-framed-server`，打印回显。
#[derive(Parser)]
struct Args {
    /// 服务端地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 服务端端口
    #[arg(long, default_value_t = lesson_08::FRAMED_PORT)]
    port: u16,
    /// 读超时（秒）
    #[arg(long, default_value_t = support::DEFAULT_TIMEOUT_SECS)]
    timeout: u64,
    /// 要发送的消息；不给时从标准输入读，每行一条，空行或 EOF 结束
    messages: Vec<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    anyhow::ensure!(args.timeout > 0, "--timeout 至少是 1 秒");
    let timeout = Duration::from_secs(args.timeout);
    // 先单独解析地址：解析失败有它自己的说明，不会被下面当成“连不上”。
    support::resolve(&args.host, args.port)?;
    // support::connect 的提示是启动 l08-server，而这个客户端要连的是分帧回显服务端，换成对的命令。
    let stream = support::connect(&args.host, args.port, timeout, "08").map_err(|err| {
        match err.downcast::<io::Error>() {
            Ok(io_err) => anyhow::Error::new(io_err).context(format!(
                "连不上分帧回显服务端 {}:{}。它在运行吗？先在另一个终端里启动它：just lesson 08 framed-server",
                args.host, args.port
            )),
            Err(err) => err,
        }
    })?;
    say(format_args!("已连接 {}", stream.peer_addr()?));
    let mut reader = BufReader::new(&stream);
    let mut writer = BufWriter::new(&stream);

    // 参数里给了消息就用参数，否则一行一行地从标准输入读（交互式，像教程里的 input）。
    let from_args = !args.messages.is_empty();
    let mut given = args.messages.into_iter().map(String::into_bytes);
    let mut input = io::stdin().lock();
    let mut sent = 0;
    loop {
        let message = if from_args {
            match given.next() {
                Some(m) => m,
                None => break,
            }
        } else {
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
            line
        };
        write_frame(&mut writer, &message).context("发送失败")?;
        sent += 1;
        match read_frame(&mut reader, DEFAULT_MAX_FRAME).context("读回显失败")? {
            Some(echo) => say(format_args!("回显：{}", Show(&echo))),
            None => bail!("服务端关闭了连接，第 {sent} 条消息没有回显（看看服务端的输出）"),
        }
    }
    say(format_args!("发了 {sent} 帧，每帧都收到了回显"));
    Ok(())
}
