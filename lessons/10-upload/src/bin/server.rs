//! 文件上传服务端：`post|大小|文件名` 上传，`get|文件名` 下载。

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use clap::Parser;
use lesson_10::server::{prepare_dir, serve, Config};
use lesson_10::transfer::remove_stale;
use lesson_10::upload::TEMP_PREFIX;

/// 收文件、发文件。文件名只能是一个普通的名字，写入先进临时文件，收齐了才换上正式名字。
#[derive(Parser)]
struct Args {
    /// 监听的地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 监听的端口（0 表示让系统挑一个空闲端口）
    #[arg(long, default_value_t = lesson_10::DEFAULT_PORT)]
    port: u16,
    /// 存放文件的目录，不存在就新建；相对路径从当前目录算起（默认 ./uploads）
    #[arg(long, default_value = lesson_10::DEFAULT_DIR)]
    dir: PathBuf,
    /// 单个文件最多多少字节（默认 1 GiB）
    #[arg(long, default_value_t = lesson_10::DEFAULT_MAX_SIZE)]
    max_size: u64,
    /// 允许上传同名文件替换已有的文件（默认拒绝）
    #[arg(long)]
    allow_overwrite: bool,
    /// 一个连接多少秒不收发数据就断开
    #[arg(long, default_value_t = lesson_10::DEFAULT_IDLE_SECS)]
    timeout: u64,
    /// 最多同时服务多少个连接
    #[arg(long, default_value_t = lesson_10::DEFAULT_MAX_CLIENTS)]
    max_clients: usize,
    /// 每个连接结束时打印进程的峰值内存（基准测试用）
    #[arg(long)]
    report_memory: bool,
    /// 收下一个上传之后，磁盘上至少还要剩多少 MiB（默认 64）；放不下就拒绝，一个字节都不收
    #[arg(long, default_value_t = lesson_10::server::DEFAULT_DISK_RESERVE / (1024 * 1024))]
    disk_reserve_mb: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    ensure!(args.timeout > 0, "--timeout 至少是 1 秒");
    ensure!(args.max_clients > 0, "--max-clients 至少是 1");
    let dir = prepare_dir(&args.dir)
        .with_context(|| format!("无法使用存放目录 {}（--dir）", args.dir.display()))?;
    let listener = support::bind(&args.host, args.port)?;
    support::announce("上传服务端", listener.local_addr()?);
    let overwrite = if args.allow_overwrite {
        "允许覆盖同名文件"
    } else {
        "不覆盖同名文件"
    };
    support::say(format_args!(
        "文件保存在 {}（单个文件最多 {} 字节，{overwrite}）",
        dir.display(),
        args.max_size
    ));
    // 上次的服务端被杀掉（SIGKILL、断电）时没来得及删的临时文件，现在删掉。
    let stale = remove_stale(&dir, TEMP_PREFIX)
        .with_context(|| format!("清理 {} 里上次留下的临时文件失败", dir.display()))?;
    for name in stale {
        support::say(format_args!("删除了上次留下的临时文件 {name}"));
    }
    let config = Config {
        dir,
        max_size: args.max_size,
        allow_overwrite: args.allow_overwrite,
        idle: Duration::from_secs(args.timeout),
        max_clients: args.max_clients,
        report_memory: args.report_memory,
        disk_reserve: args.disk_reserve_mb.saturating_mul(1024 * 1024),
    };
    serve(listener, config, log).context("接受连接时出错")
}

/// 每个连接的线程都用它打印一行：`say` 会立即刷新，看输出的人按时看到。
fn log(line: String) {
    support::say(line);
}
