//! 文件上传服务端：`post|大小|文件名` 上传，`get|文件名` 下载。

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_10::server::{prepare_dir, serve, Config, DEFAULT_DISK_RESERVE};
use lesson_10::size::{self, human};
use lesson_10::transfer::remove_stale;
use lesson_10::upload::TEMP_PREFIX;
use support::cli::{Limits, Listen};

/// 收文件、发文件。文件名只能是一个普通的名字，写入先进临时文件，收齐了才换上正式名字。
#[derive(Parser)]
#[command(name = "l10-server", version)]
struct Args {
    #[command(flatten)]
    listen: Listen<{ lesson_10::DEFAULT_PORT }>,
    /// 存放文件的目录，不存在就新建；相对路径从当前目录算起
    #[arg(long, value_name = "目录", default_value = lesson_10::DEFAULT_DIR)]
    dir: PathBuf,
    /// 单个文件最大多少：字节数，或者带单位，如 512KiB、100MiB、2GiB
    #[arg(long, value_name = "大小", default_value = lesson_10::DEFAULT_MAX_SIZE,
          value_parser = size::parse)]
    max_size: u64,
    /// 允许上传同名文件替换已有的文件（不加就拒绝）
    #[arg(long)]
    allow_overwrite: bool,
    /// 收下一个上传之后，磁盘上至少还要剩多少（写法同 --max-size）；放不下就拒绝，一个字节都不收
    #[arg(long, value_name = "大小", default_value = DEFAULT_DISK_RESERVE,
          value_parser = size::parse)]
    disk_reserve: u64,
    #[command(flatten)]
    limits: Limits,
    /// 每个连接结束时打印进程的峰值内存（基准测试用）
    #[arg(long)]
    report_memory: bool,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let dir = prepare_dir(&args.dir)
        .with_context(|| format!("无法使用存放目录 {}（--dir）", args.dir.display()))?;
    let listener = support::bind(&args.listen.host, args.listen.port)?;
    support::announce("上传服务端", listener.local_addr()?);
    let overwrite = if args.allow_overwrite {
        "允许覆盖同名文件"
    } else {
        "不覆盖同名文件"
    };
    support::say(format_args!(
        "文件保存在 {}（单个文件最大 {}，{overwrite}）",
        dir.display(),
        human(args.max_size)
    ));
    let policy = args.limits.policy();
    support::say(format_args!(
        "最多同时 {} 个连接；一个连接 {} 秒不收不发、或者平均每秒不到 {}，就断开",
        policy.max_connections,
        policy.idle.as_secs(),
        human(policy.min_rate)
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
        report_memory: args.report_memory,
        disk_reserve: args.disk_reserve,
    };
    serve(&listener, config, &policy, log);
    Ok(())
}

/// 每个连接的线程都用它打印一行：`say` 会立即刷新，看输出的人按时看到。
fn log(line: &str) {
    support::say(line);
}
