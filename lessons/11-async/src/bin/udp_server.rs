//! 第 05 课 UDP 服务端的异步版：每收到一个数据报，就给发送方寄回 `Hello, <数据>!`。

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_05::{DEFAULT_BUFFER, MAX_PAYLOAD};
use lesson_11::{print_log, serve, udp, ShutdownArgs};
use support::cli::{ranged, Listen};

/// 异步 UDP 服务端：一个任务、一个套接字，收一个数据报就回答一个；Ctrl-C 时干净地退出。
#[derive(Parser)]
#[command(name = "l11-udp-server", version)]
struct Args {
    #[command(flatten)]
    listen: Listen<{ lesson_05::DEFAULT_PORT }>,
    /// 接收缓冲区的大小，1 到 65507 字节；更大的数据报会被截断
    #[arg(long, value_name = "字节", default_value_t = DEFAULT_BUFFER as u64,
          value_parser = ranged(1, MAX_PAYLOAD as u64, "字节"))]
    buffer: u64,
    #[command(flatten)]
    shutdown: ShutdownArgs,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let socket = support::bind_udp(&args.listen.host, args.listen.port)?;
    let addr = socket.local_addr()?;
    let shutdown = args.shutdown.shutdown();
    let buffer = usize::try_from(args.buffer).unwrap_or(DEFAULT_BUFFER);
    lesson_11::block_on(async {
        socket
            .set_nonblocking(true)
            .context("无法把 UDP 套接字设为非阻塞")?;
        let socket =
            tokio::net::UdpSocket::from_std(socket).context("无法把 UDP 套接字交给 tokio")?;
        serve::stop_on_ctrl_c(&shutdown, print_log);
        support::announce("异步 UDP 服务端", addr);
        udp::serve_udp(socket, buffer, &shutdown, print_log)
            .await
            .context("UDP 套接字一直出错，服务端停止")?;
        Ok(())
    })?
}
