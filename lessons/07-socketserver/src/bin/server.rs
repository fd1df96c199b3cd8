//! 教程里的 socketserver 服务端：ThreadingTcpServer + MyHandler，每读到一次（最多 1024 字节）
//! 回复一次 `Your msg=<读到的>`，不加换行——和教程的 Python 程序在线上完全一样。

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_07::socketserver::ThreadingTcpServer;
use lesson_07::{describe_policy, install_panic_hook, serve_until, MyHandler, MyHandlerOptions};
use support::cli::{ranged, Limits, Listen};

/// 每个连接一个线程的服务端；给了 --max-clients 时，服务完这么多个客户端就干净地退出。
#[derive(Parser)]
#[command(name = "l07-server", version)]
struct Args {
    #[command(flatten)]
    listen: Listen<9999>,
    #[command(flatten)]
    limits: Limits,
    /// 服务完这么多个客户端（1 到 1000000）后调用 shutdown() 和 server_close() 退出；不给就一直服务（Ctrl+C 结束）
    #[arg(long, value_name = "个", value_parser = ranged(1, 1_000_000, "个"))]
    max_clients: Option<u64>,
    /// serve_forever 每隔多少秒看一眼有没有人叫停，0.001 到 60 秒
    #[arg(long, value_name = "秒", default_value_t = 0.5, allow_negative_numbers = true,
          value_parser = poll_seconds)]
    poll_interval: f64,
    /// 演示用：收到正好是这段文字的消息时，处理器故意 panic
    #[arg(long, value_name = "文字")]
    panic_on: Option<String>,
}

/// `--poll-interval`：秒数，可以带小数（Python 的 `serve_forever(poll_interval=0.5)`）。
fn poll_seconds(text: &str) -> Result<f64, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("应当是一个秒数（例如 0.5），而不是 {text:?}"))?;
    // NaN 不在任何范围里；1e400 解析成无穷大，也不在。
    if !(0.001..=60.0).contains(&secs) {
        return Err(format!("应当在 0.001 到 60 秒之间，而不是 {text}"));
    }
    Ok(secs)
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

// ANCHOR: main
fn real_main(args: Args) -> Result<()> {
    install_panic_hook();
    let max_clients = args.max_clients.map(|n| n as usize);
    let (options, finished) = MyHandlerOptions::for_server(args.panic_on, max_clients);
    let listener = support::bind(&args.listen.host, args.listen.port)?;
    let server = ThreadingTcpServer::from_listener(listener, MyHandler::factory(options))
        .context("无法启动接受连接的线程")?
        .with_policy(args.limits.policy());
    support::announce("服务端", server.server_address());
    support::say(
        "ThreadingTcpServer + MyHandler：每个连接一个线程，每读到一次（最多 1024 字节）回复 Your msg=<读到的>",
    );
    support::say(describe_policy(server.policy()));

    let poll = Duration::from_secs_f64(args.poll_interval);
    match (max_clients, finished) {
        (Some(n), Some(finished)) => serve_until(&server, n, &finished, poll)?,
        _ => server.serve_forever(poll)?,
    }
    Ok(())
}
// ANCHOR_END: main
