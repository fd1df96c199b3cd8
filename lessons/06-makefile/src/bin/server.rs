//! makefile 服务端：每个连接读 10 个字符，回复 `Return your msg:<这 10 个字符>`，flush。

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_06::{refuse, serve_makefile, size_arg, DEFAULT_BUFFER, MAX_BUFFER};
use support::cli::{Limits, Listen};
use support::serve::{Conn, Guarded, Slots};

/// makefile 服务端：用 BufReader/BufWriter 包住连接，读 10 个字符并回复
#[derive(Parser)]
#[command(name = "l06-server", version)]
struct Args {
    #[command(flatten)]
    listen: Listen<{ lesson_06::DEFAULT_PORT }>,
    #[command(flatten)]
    limits: Limits,
    /// 每个连接的读缓冲区（如 8192、8KiB、1MiB，1 字节到 1 MiB）；设成 1 时每个汉字都会被拆成几次读
    #[arg(long, value_name = "大小", default_value = "8KiB",
          value_parser = size_arg(1, MAX_BUFFER as u64))]
    buffer: u64,
    /// 只服务一个连接就退出，和教程里的程序一样
    #[arg(long)]
    once: bool,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

// ANCHOR: main
fn real_main(args: Args) -> Result<()> {
    let policy = args.limits.policy();
    let capacity = usize::try_from(args.buffer).unwrap_or(DEFAULT_BUFFER);
    let listener = support::bind(&args.listen.host, args.listen.port)?;
    support::announce("服务端", listener.local_addr()?);
    if args.once {
        // 像教程一样只服务一个：不开线程，就在这里处理完再退出。
        let (stream, peer) = listener.accept().context("接受连接失败")?;
        let slot = Slots::new(&policy)
            .acquire(peer.ip())
            .map_err(|why| anyhow::anyhow!(why.message()))?;
        let stream = Guarded::new(stream, policy.idle, policy.min_rate)?;
        serve(Conn { stream, peer, slot }, capacity);
        return Ok(());
    }
    // 接受连接、连接上限、accept 出错后的退避、开不了线程时只拒绝这一个：第 04 课讲过的同一套规矩。
    support::serve::serve(
        &listener,
        &policy,
        || false,
        |line| support::say(line),
        |stream, why| refuse(stream, why, false),
        move |conn| serve(conn, capacity),
    );
    Ok(())
}

/// 在这个连接自己的线程里：处理它，出了错记一行，服务端照常运行。
fn serve(conn: Conn, capacity: usize) {
    let peer = conn.peer;
    support::say(format!("{peer} 连上了"));
    if let Err(e) = serve_makefile(conn, capacity) {
        support::say(format!("{peer} 连接出错：{e}"));
    }
}
// ANCHOR_END: main
