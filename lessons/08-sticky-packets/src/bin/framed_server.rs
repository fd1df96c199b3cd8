//! 长度前缀分帧的回显服务端：每收到一帧，就把它原样作为一帧写回去。第 09、10 课用同样的帧。

use std::net::TcpStream;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_08::{describe, echo_frames, frame, serve_forever};
use support::say;

/// 回显每一帧（4 字节大端长度 + 内容）；坏帧、半截的帧、卡住的连接都只断开那一个连接。
#[derive(Parser)]
struct Args {
    /// 监听的地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 监听的端口（0 表示让系统挑一个空闲端口）
    #[arg(long, default_value_t = lesson_08::FRAMED_PORT)]
    port: u16,
    /// 一帧最多多少字节；对方声称更长时，在分配内存之前就拒绝
    #[arg(long, default_value_t = frame::DEFAULT_MAX_FRAME)]
    max_frame: usize,
    /// 一个连接多少秒不发数据就断开它
    #[arg(long, default_value_t = lesson_08::DEFAULT_IDLE_SECS)]
    timeout: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    anyhow::ensure!(args.timeout > 0, "--timeout 至少是 1 秒");
    let listener = support::bind(&args.host, args.port)?;
    let what = format!("分帧回显服务端（帧长上限 {} 字节）", args.max_frame);
    support::announce(what, listener.local_addr()?);
    serve_forever(listener, move |stream, n| handle(stream, n, &args))?;
    Ok(())
}

fn handle(stream: TcpStream, n: u64, args: &Args) {
    say(format_args!("[#{n}] 新连接"));
    let idle = Duration::from_secs(args.timeout);
    let _ = stream.set_read_timeout(Some(idle));
    let _ = stream.set_write_timeout(Some(idle));
    let mut log = |line: std::fmt::Arguments<'_>| say(format_args!("[#{n}] {line}"));
    match echo_frames(&stream, args.max_frame, &mut log) {
        Ok(count) => say(format_args!("[#{n}] 对方关闭了连接，一共回显了 {count} 帧")),
        Err(e) => say(format_args!(
            "[#{n}] 出错：{}；断开这个连接",
            describe(&e, args.timeout)
        )),
    }
}
