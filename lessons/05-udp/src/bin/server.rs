//! UDP 服务端：每收到一个数据报，就给发送方寄回 `Hello, <数据>!`。

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_05::{serve, share_arg, ServerOptions, DEFAULT_BUFFER, MAX_PAYLOAD};
use support::cli::{ranged, Listen};

/// UDP 服务端：不用 listen、accept，收一个数据报就回答一个。
#[derive(Parser)]
#[command(name = "l05-server", version)]
struct Args {
    #[command(flatten)]
    listen: Listen<{ lesson_05::DEFAULT_PORT }>,
    /// 接收缓冲区的大小，1 到 65507 字节；更大的数据报会被截断
    #[arg(long, value_name = "字节", default_value_t = DEFAULT_BUFFER as u64,
          value_parser = ranged(1, MAX_PAYLOAD as u64, "字节"))]
    buffer: u64,
    /// 故意丢掉的数据报比例，0 到 1，用来模拟会丢包的网络
    #[arg(long, value_name = "比例", default_value_t = 0.0, value_parser = share_arg)]
    drop: f64,
    /// 丢包用的随机数种子：同一个种子丢掉的总是同样几个
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let socket = support::bind_udp(&args.listen.host, args.listen.port)?;
    support::announce("UDP 服务端", socket.local_addr()?);
    if args.drop > 0.0 {
        support::say(format!(
            "（模拟丢包：每个数据报有 {:.0}% 的可能被丢掉，种子 {}）",
            args.drop * 100.0,
            args.seed
        ));
    }
    let opts = ServerOptions {
        buffer: usize::try_from(args.buffer).unwrap_or(DEFAULT_BUFFER),
        drop: args.drop,
        seed: args.seed,
    };
    serve(&socket, &opts, &mut |line| support::say(line)).context("UDP 套接字一直出错，服务端停止")
}
