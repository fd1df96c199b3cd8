//! UDP 服务端：每收到一个数据报，就给发送方寄回 `Hello, <数据>!`。

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_05::{in_range, serve, ServerOptions, DEFAULT_BUFFER, DEFAULT_PORT, MAX_PAYLOAD};

/// UDP 服务端：不用 listen、accept，收一个数据报就回答一个。
#[derive(Parser)]
struct Args {
    /// 监听的地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 监听的端口（0 表示让系统挑一个空闲端口）
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// 接收缓冲区的大小（字节，1 到 65507）；更大的数据报会被截断
    #[arg(long, default_value_t = DEFAULT_BUFFER, value_parser = in_range("--buffer", 1, MAX_PAYLOAD))]
    buffer: usize,
    /// 故意丢掉的数据报比例，0.0 到 1.0，用来模拟会丢包的网络
    #[arg(long, default_value_t = 0.0, value_parser = in_range("--drop", 0.0, 1.0))]
    drop: f64,
    /// 丢包用的随机数种子：同一个种子丢掉的总是同样几个
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let socket = support::bind_udp(&args.host, args.port)?;
    support::announce("UDP 服务端", socket.local_addr()?);
    if args.drop > 0.0 {
        support::say(format!(
            "（模拟丢包：每个数据报有 {:.0}% 的可能被丢掉，种子 {}）",
            args.drop * 100.0,
            args.seed
        ));
    }
    let opts = ServerOptions {
        buffer: args.buffer,
        drop: args.drop,
        seed: args.seed,
    };
    serve(&socket, &opts, &mut |line| support::say(line)).context("UDP 套接字一直出错，服务端停止")
}
