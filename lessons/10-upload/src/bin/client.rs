//! 文件上传客户端：`upload <路径>` 或 `download <文件名>`。

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use clap::{Parser, Subcommand};
use lesson_10::client::{self, check_output, progress_bar, Transfer};
use lesson_10::transfer::peak_memory_kib;
use support::say;

/// 上传或下载一个文件，核对 SHA-256，报告速度。标准错误是终端时显示进度条。
#[derive(Parser)]
struct Args {
    /// 服务端地址
    #[arg(long, global = true, default_value = "127.0.0.1")]
    host: String,
    /// 服务端端口
    #[arg(long, global = true, default_value_t = lesson_10::DEFAULT_PORT)]
    port: u16,
    /// 读写超时（秒）：服务端这么久没有动静就报错
    #[arg(long, global = true, default_value_t = support::DEFAULT_TIMEOUT_SECS)]
    timeout: u64,
    /// 结束时打印进程的峰值内存（基准测试用）
    #[arg(long, global = true)]
    report_memory: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 上传一个本地文件
    Upload {
        /// 本地文件的路径
        path: PathBuf,
        /// 在服务端保存成这个名字（默认用本地的文件名）
        #[arg(long = "as")]
        name: Option<String>,
    },
    /// 下载服务端的一个文件
    Download {
        /// 服务端上的文件名
        name: String,
        /// 保存到哪里（默认是当前目录下的同名文件）
        #[arg(long)]
        output: Option<PathBuf>,
        /// 本地已有这个文件时覆盖它
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    ensure!(args.timeout > 0, "--timeout 至少是 1 秒");
    let timeout = Duration::from_secs(args.timeout);
    let bar = progress_bar();
    match &args.command {
        Command::Upload { path, name } => {
            let name = match name {
                Some(n) => n.clone(),
                None => file_name_of(path)?,
            };
            let stream = support::connect(&args.host, args.port, timeout, "10")?;
            say(format_args!("已连接 {}", stream.peer_addr()?));
            say(format_args!("上传 {}，保存为 {name}", path.display()));
            let done = client::upload(&stream, path, &name, &bar)?;
            bar.finish_and_clear();
            report(&done, "上传");
        }
        Command::Download {
            name,
            output,
            force,
        } => {
            let out = output.clone().unwrap_or_else(|| PathBuf::from(name));
            check_output(&out, *force)?;
            let stream = support::connect(&args.host, args.port, timeout, "10")?;
            say(format_args!("已连接 {}", stream.peer_addr()?));
            say(format_args!("下载 {name}，保存到 {}", out.display()));
            let done = client::download(&stream, name, &out, *force, &bar)?;
            bar.finish_and_clear();
            report(&done, "下载");
        }
    }
    if args.report_memory {
        if let Some(kib) = peak_memory_kib() {
            say(format_args!(
                "客户端进程峰值内存（VmHWM）：{:.1} MiB",
                kib as f64 / 1024.0
            ));
        }
    }
    Ok(())
}

fn file_name_of(path: &Path) -> Result<String> {
    let name = path
        .file_name()
        .with_context(|| format!("{} 里没有文件名，用 --as 指定一个", path.display()))?;
    name.to_str().map(str::to_string).with_context(|| {
        format!(
            "{} 的文件名不是合法的 UTF-8，用 --as 指定一个",
            path.display()
        )
    })
}

fn report(done: &Transfer, what: &str) {
    say(format_args!(
        "{what}完成：{} 字节，两边的 SHA-256 一致：{}",
        done.size, done.sha256
    ));
    say(format_args!(
        "用时 {:.3} 秒，{:.1} MB/s",
        done.elapsed.as_secs_f64(),
        done.megabytes_per_sec()
    ));
}
