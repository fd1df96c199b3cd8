//! 长度前缀分帧的客户端：每条消息发一帧，等回显的那一帧回来再发下一条。

use std::io::{self, BufRead, BufReader, BufWriter};
use std::net::TcpStream;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Parser;
use lesson_08::frame::{read_frame, write_frame, DEFAULT_MAX_FRAME};
use lesson_08::Show;
use support::cli::Connect;
use support::say;

/// 把消息（参数里的，或者标准输入的每一行）逐条作为帧发给 `l08-framed-server`，打印回显。
#[derive(Parser)]
#[command(name = "l08-framed-client", version)]
struct Args {
    #[command(flatten)]
    connect: Connect<{ lesson_08::FRAMED_PORT }>,
    /// 要发送的消息；不给时从标准输入读，每行一条，空行或 EOF 结束
    #[arg(value_name = "消息")]
    messages: Vec<String>,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

/// 服务端不肯回显时回的那一帧：内容以“错误：”开头（而我们发的不是这句话）。
fn refusal<'a>(echo: &'a [u8], sent: &[u8]) -> Option<&'a str> {
    let text = std::str::from_utf8(echo).ok()?;
    (echo != sent).then_some(text.strip_prefix("错误：")?)
}

/// 发送失败时（服务端拒绝了我们、已经关闭了连接），先看看它留下的那一帧说明。
fn why_refused(stream: &TcpStream, sent: &[u8]) -> Option<String> {
    let echo = read_frame(&mut BufReader::new(stream), DEFAULT_MAX_FRAME).ok()??;
    refusal(&echo, sent).map(str::to_string)
}

fn real_main(args: Args) -> Result<()> {
    let Connect { host, port, .. } = &args.connect;
    // 先单独解析地址：解析失败有它自己的说明，不会被下面当成“连不上”。
    support::resolve(host, *port)?;
    // support::connect 的提示是启动 l08-server，而这个客户端要连的是分帧回显服务端，换成对的命令。
    let stream =
        support::connect(host, *port, args.connect.timeout(), "08").map_err(|err| match err
            .downcast::<io::Error>(
        ) {
            Ok(io_err) => anyhow::Error::new(io_err).context(format!(
                "连不上分帧回显服务端 {host}:{port}。它在运行吗？先在另一个终端里启动它：{}",
                support::command_line("lesson 08 framed-server")
            )),
            Err(err) => err,
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
        if let Err(e) = write_frame(&mut writer, &message) {
            if let Some(why) = why_refused(&stream, &message) {
                bail!("服务端拒绝了：{why}");
            }
            return Err(e).context("发送失败");
        }
        sent += 1;
        match read_frame(&mut reader, DEFAULT_MAX_FRAME).context("读回显失败")? {
            Some(echo) => {
                if let Some(why) = refusal(&echo, &message) {
                    bail!("服务端拒绝了：{why}");
                }
                say(format_args!("回显：{}", Show(&echo)));
            }
            None => bail!("服务端关闭了连接，第 {sent} 条消息没有回显（看看服务端的输出）"),
        }
    }
    say(format_args!("发了 {sent} 帧，每帧都收到了回显"));
    Ok(())
}
