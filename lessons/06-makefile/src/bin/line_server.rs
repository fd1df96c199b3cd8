//! 行服务端：每收到一行，回复一行；`--no-flush` 是故意忘了 flush 的错误版本。

use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use anyhow::{ensure, Result};
use clap::Parser;
use lesson_06::{serve_lines, DEFAULT_IDLE_SECS, DEFAULT_PORT};

/// 行服务端：每收到一行，回复 `Return your msg:<这一行>`
#[derive(Parser)]
struct Args {
    /// 监听的地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 监听的端口（0 让系统挑一个空闲端口）
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// 客户端这么多秒不发数据就断开它
    #[arg(long, default_value_t = DEFAULT_IDLE_SECS)]
    idle_timeout: u64,
    /// 故意写错：回复之后不 flush（演示谈话为什么会卡住）
    #[arg(long)]
    no_flush: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    ensure!(args.idle_timeout >= 1, "--idle-timeout 至少是 1 秒");
    let idle = Duration::from_secs(args.idle_timeout);
    let listener = support::bind(&args.host, args.port)?;
    // --no-flush 是故意写错的版本，第一行就说清楚，免得有人拿它当正确的程序用。
    let who = if args.no_flush {
        "行服务端（--no-flush：回复后故意不 flush）"
    } else {
        "行服务端"
    };
    support::announce(who, listener.local_addr()?);
    for conn in listener.incoming() {
        let Ok(stream) = conn else { continue };
        // 对方刚连上就用 RST 断开时拿不到它的地址：跳过这个连接，服务端照常运行。
        let Ok(peer) = stream.peer_addr() else {
            continue;
        };
        support::say(format!("{peer} 连上了"));
        let flush_each = !args.no_flush;
        thread::spawn(move || match serve_lines(stream, idle, flush_each) {
            Ok(n) => support::say(format!("{peer} 结束，一共回复了 {n} 行")),
            Err(e) => support::say(format!("{peer} 连接出错：{e}")),
        });
    }
    Ok(())
}
