//! 粘包演示与三种分帧办法的服务端：`--mode raw|ack|line|length`，每个连接一个线程。

use std::io::Write;
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use lesson_08::{describe, frame, receive, serve_forever, Mode};
use support::say;

/// 按所选模式接收消息，逐条打印；客户端说完后回一行总结。
#[derive(Parser)]
struct Args {
    /// 监听的地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 监听的端口（0 表示让系统挑一个空闲端口）
    #[arg(long, default_value_t = lesson_08::DEFAULT_PORT)]
    port: u16,
    /// 怎样分开消息：raw（不分，看粘包）、ack、line、length
    #[arg(long, value_enum, default_value_t = Mode::Length)]
    mode: Mode,
    /// line 和 length 模式下一条消息最多多少字节
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
    // 模式写在第一行里：第一行会立刻刷新出去，看的人马上知道这是哪一种服务端。
    support::announce(
        format_args!("服务端（模式 {}）", args.mode),
        listener.local_addr()?,
    );
    serve_forever(listener, move |stream, n| handle(stream, n, &args))?;
    Ok(())
}

// ANCHOR: handle
fn handle(stream: TcpStream, n: u64, args: &Args) {
    say(format_args!("[#{n}] 新连接"));
    // 对方一直不说话时，读会在超时后报错，这个线程也就结束了。
    let idle = Duration::from_secs(args.timeout);
    let _ = stream.set_read_timeout(Some(idle));
    let _ = stream.set_write_timeout(Some(idle));
    let mut log = |line: std::fmt::Arguments<'_>| say(format_args!("[#{n}] {line}"));
    let reply = match receive(&stream, args.mode, args.max_frame, &mut log) {
        Ok(summary) => {
            say(format_args!("[#{n}] 对方说完了：{summary}"));
            summary
        }
        Err(e) => {
            let why = describe(&e, args.timeout);
            say(format_args!("[#{n}] 出错：{why}；断开这个连接"));
            format!("错误：{why}")
        }
    };
    // 对方也可能已经走了，回不回得去都不影响服务端。
    let _ = (&stream).write_all(format!("{reply}\n").as_bytes());
}
// ANCHOR_END: handle
