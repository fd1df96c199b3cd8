//! 远程执行命令的服务端：收一帧命令，回一帧结果。默认不经过 shell，只运行允许的程序。

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Result};
use clap::Parser;
use colored::Colorize;
use lesson_08::frame::DEFAULT_MAX_FRAME;
use lesson_09::command::{validate_allow, DEFAULT_ALLOWED, FIXED_PATH};
use lesson_09::server::{self, Policy, Shell};
use lesson_09::{human_size, run, size_arg};
use support::cli::{ranged, Limits, Listen};

/// 一条命令的输出最多回传多少：回答要放进一帧（最长 16 MiB），还要留出说明截断的地方。
const MOST_OUTPUT: usize = DEFAULT_MAX_FRAME - 1024 * 1024;

/// 远程执行命令的服务端：收一帧命令，回一帧结果；只监听本机，不经过 shell，只运行审过的程序
#[derive(Parser)]
#[command(name = "l09-server", version)]
struct Args {
    #[command(flatten)]
    listen: Listen<{ lesson_09::DEFAULT_PORT }>,
    #[command(flatten)]
    limits: Limits,
    /// 在默认的允许列表（echo pwd uname whoami）之外再允许一个程序，可重复：--allow seq。只能从审过的程序里选：printf nproc date seq sleep yes true false，每个只接受审过的参数
    #[arg(long = "allow", value_name = "名字")]
    allow: Vec<String>,
    /// 一条命令最多运行多少毫秒（1 到 600000），超时连同子进程一起杀掉
    #[arg(long, value_name = "毫秒", default_value_t = 5000, value_parser = ranged(1, 600_000, "毫秒"))]
    time_limit_ms: u64,
    /// 一条命令的输出（标准输出加标准错误）最多回传多少，例如 64KiB、2MiB，最大 15 MiB；多出来的部分截掉并说明
    #[arg(long, value_name = "字节数", default_value = "1 MiB", value_parser = size_arg(1, MOST_OUTPUT))]
    max_output: usize,
    /// 命令在哪个目录里运行（不给时：服务端的当前目录）
    #[arg(long, value_name = "目录")]
    dir: Option<PathBuf>,
    /// 允许监听非本机回环地址（如 --host 0.0.0.0）：网络上能连上的人都能运行允许的程序
    #[arg(long)]
    allow_remote: bool,
    /// 危险，只在 Linux 上可用：像教程一样把整行交给 sh -c 执行，允许列表失效。命令结束或超时时，它的全部后代（包括用 setsid 逃出进程组的）都会被杀掉；但它请别的服务替它启动的进程（systemd-run、at、cron、ssh 连回本机）不是它的后代，杀不到
    #[arg(long)]
    dangerous_shell: bool,
    /// 演示用：像教程一样不分帧（一次 read 当一条命令，结果直接写回）
    #[arg(long)]
    unframed: bool,
}

fn main() -> ExitCode {
    // 危险模式里，服务端以 HELPER_ARG 重新启动自己，当作一条命令的看守进程（见 lesson_09::reap）。
    #[cfg(target_os = "linux")]
    {
        let argv: Vec<_> = std::env::args_os().collect();
        if argv
            .get(1)
            .is_some_and(|a| a == lesson_09::reap::HELPER_ARG)
        {
            return lesson_09::reap::helper_main(&argv[2..]);
        }
    }
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

/// 危险模式要用到的两个程序：`sh`，和充当看守进程的服务端自己。
#[cfg(target_os = "linux")]
fn dangerous_shell() -> Result<Shell> {
    use anyhow::Context;
    let sh = lesson_09::command::resolve("sh").map_err(anyhow::Error::msg)?;
    let helper = std::env::current_exe().context("找不到服务端自己的可执行文件")?;
    // 服务端自己也当收养者：命令杀掉它的看守进程时，留下的孤儿归服务端清理。
    lesson_09::reap::become_subreaper().context("无法成为收养者（PR_SET_CHILD_SUBREAPER）")?;
    Ok(Shell { sh, helper })
}

/// 别的系统上没有收养者：命令用 setsid 就能逃出进程组，时间限制和清理都管不住它，
/// 所以不提供这个模式，而不是提供一个管不住命令的版本。
#[cfg(not(target_os = "linux"))]
fn dangerous_shell() -> Result<Shell> {
    bail!(
        "--dangerous-shell 只在 Linux 上可用：命令结束或超时时，要靠 Linux 的收养者\
         （PR_SET_CHILD_SUBREAPER）找到并杀掉它的全部后代；在这个系统上，命令里一个 setsid \
         就能让进程逃出时间限制，一直留在后台。默认模式（不经过 shell）在这里照常可用"
    )
}

fn real_main(args: Args) -> Result<()> {
    // 允许的程序在启动时就找成绝对路径（只在固定的 PATH 里找），之后不再按名字找。
    let mut allowed = Vec::new();
    for name in DEFAULT_ALLOWED
        .iter()
        .copied()
        .chain(args.allow.iter().map(String::as_str))
    {
        let program = validate_allow(name).map_err(anyhow::Error::msg)?;
        if !allowed.contains(&program) {
            allowed.push(program);
        }
    }
    let dangerous_shell = if args.dangerous_shell {
        Some(dangerous_shell()?)
    } else {
        None
    };
    if let Some(dir) = &args.dir {
        anyhow::ensure!(dir.is_dir(), "--dir {} 不是一个存在的目录", dir.display());
    }
    // ANCHOR: guard
    let (host, port) = (&args.listen.host, args.listen.port);
    let addrs = support::resolve(host, port)?;
    if !server::is_loopback_only(&addrs) && !args.allow_remote {
        bail!(
            "拒绝监听 {host}：这不是本机回环地址，网络上的任何人都能连上来运行命令。\
             确实需要时加 --allow-remote"
        );
    }
    let listener = support::bind(host, port)?;
    support::announce("服务端", listener.local_addr()?);

    // 危险的选项大声说出来：每次启动都看得见。
    let warn = |text: &str| support::say(format!("警告：{text}").red().bold());
    if args.dangerous_shell {
        warn("--dangerous-shell：每条命令都交给 sh -c 执行，允许列表失效，连上来的人能做这个用户能做的任何事");
    } else {
        let names: Vec<&str> = allowed.iter().map(|a| a.vetted.name).collect();
        support::say(format!(
            "允许的程序：{}（不经过 shell，只在 {FIXED_PATH} 里找）",
            names.join(", ")
        ));
    }
    if args.allow_remote {
        warn("--allow-remote：网络上能连到这台机器的人都能让它运行命令");
    }
    if nix::unistd::geteuid().is_root() {
        warn("正以 root 身份运行，命令也会以 root 身份执行；请换一个普通用户");
    }
    // ANCHOR_END: guard
    let limits = args.limits.policy();
    support::say(format!(
        "每条命令最多运行 {} 毫秒、回传 {}；最多同时 {} 个连接（同一个地址最多 {} 个），空闲 {} 秒断开",
        args.time_limit_ms,
        human_size(args.max_output),
        limits.max_connections,
        limits.per_address,
        limits.idle.as_secs()
    ));

    let policy = Policy {
        allowed,
        dangerous_shell,
        limits: run::Limits {
            time_limit: Duration::from_millis(args.time_limit_ms),
            max_output: args.max_output,
            dir: args.dir,
        },
    };
    server::serve_forever(&listener, policy, &limits, args.unframed);
    Ok(())
}
