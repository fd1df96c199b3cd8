//! 教程里的 socketserver 服务端：ThreadingTcpServer + MyHandler，每读到一次（最多 1024 字节）
//! 回复一次 `Your msg=<读到的>`，不加换行——和教程的 Python 程序在线上完全一样。

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use clap::Parser;
use lesson_07::socketserver::ThreadingTcpServer;
use lesson_07::{install_panic_hook, serve_until, MyHandler, MyHandlerOptions};

/// 每个连接一个线程的服务端；给了 --max-clients 时，服务完这么多个客户端就干净地退出。
#[derive(Parser)]
struct Args {
    /// 监听的地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 监听的端口（0 表示让系统挑一个空闲端口）
    #[arg(long, default_value_t = 9999)]
    port: u16,
    /// 服务完这么多个客户端后调用 shutdown() 和 server_close() 退出；不给就一直服务（Ctrl+C 结束）
    #[arg(long)]
    max_clients: Option<usize>,
    /// serve_forever 每隔多少秒看一眼有没有人叫停
    #[arg(long, default_value_t = 0.5)]
    poll_interval: f64,
    /// 一个连接空闲多少秒后断开
    #[arg(long, default_value_t = 60)]
    idle_timeout: u64,
    /// 演示用：收到正好是这段文字的消息时，处理器故意 panic
    #[arg(long)]
    panic_on: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    support::run(|| real_main(args))
}

// ANCHOR: main
fn real_main(args: Args) -> Result<()> {
    ensure!(
        args.poll_interval > 0.0 && args.poll_interval <= 60.0,
        "--poll-interval 应当在 0 到 60 秒之间"
    );
    ensure!(args.idle_timeout >= 1, "--idle-timeout 至少是 1 秒");
    install_panic_hook();
    let idle = Duration::from_secs(args.idle_timeout);
    let (options, finished) =
        MyHandlerOptions::for_server(Some(idle), args.panic_on, args.max_clients);
    let listener = support::bind(&args.host, args.port)?;
    let server = ThreadingTcpServer::from_listener(listener, MyHandler::factory(options))
        .context("无法启动接受连接的线程")?;
    support::announce("服务端", server.server_address());
    support::say(
        "ThreadingTcpServer + MyHandler：每个连接一个线程，每读到一次（最多 1024 字节）回复 Your msg=<读到的>",
    );

    let poll = Duration::from_secs_f64(args.poll_interval);
    match (args.max_clients, finished) {
        (Some(n), Some(finished)) => serve_until(&server, n, &finished, poll)?,
        _ => server.serve_forever(poll)?,
    }
    Ok(())
}
// ANCHOR_END: main
