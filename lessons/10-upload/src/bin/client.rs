//! 文件上传客户端：`upload <路径>` 或 `download <文件名>`。

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use lesson_10::client::{self, check_output, progress_bar, Transfer};
use lesson_10::size::human;
use lesson_10::transfer::peak_memory_kib;
use support::cli::Connect;
use support::say;

/// 上传或下载一个文件，核对 SHA-256，报告速度。标准错误是终端时显示进度条。
#[derive(Parser)]
#[command(name = "l10-client", version)]
struct Args {
    #[command(flatten)]
    connect: Connect<{ lesson_10::DEFAULT_PORT }>,
    /// 结束时打印进程的峰值内存（基准测试用）
    #[arg(long)]
    report_memory: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 上传一个本地文件
    Upload {
        /// 本地文件的路径
        #[arg(value_name = "路径")]
        path: PathBuf,
        /// 在服务端保存成这个名字（不写就用本地的文件名）
        #[arg(long = "as", value_name = "名字")]
        name: Option<String>,
    },
    /// 下载服务端的一个文件
    Download {
        /// 服务端上的文件名
        #[arg(value_name = "名字")]
        name: String,
        /// 保存到哪里（不写就是当前目录下的同名文件）
        #[arg(long, value_name = "路径")]
        output: Option<PathBuf>,
        /// 本地已有这个文件时覆盖它
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let Connect { host, port, .. } = &args.connect;
    let timeout = args.connect.timeout();
    let bar = progress_bar();
    match &args.command {
        Command::Upload { path, name } => {
            let name = match name {
                Some(n) => n.clone(),
                None => file_name_of(path)?,
            };
            let stream = support::connect(host, *port, timeout, "10")?;
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
            let stream = support::connect(host, *port, timeout, "10")?;
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
                "客户端进程峰值内存（VmHWM）：{}",
                human(kib * 1024)
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
        "{what}完成：{}，两边的 SHA-256 一致：{}",
        human(done.size),
        done.sha256
    ));
    say(format_args!(
        "用时 {:.3} 秒，{}",
        done.elapsed.as_secs_f64(),
        done.rate()
    ));
}
