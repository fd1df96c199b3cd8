//! 远程执行命令的服务端：收一帧命令，回一帧结果。默认不经过 shell，只运行允许的程序。

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use clap::Parser;
use colored::Colorize;
use lesson_08::frame::DEFAULT_MAX_FRAME;
use lesson_09::command::{resolve, validate_allow, DEFAULT_ALLOWED, FIXED_PATH};
use lesson_09::reap;
use lesson_09::run::Limits;
use lesson_09::server::{self, Policy, ServeOptions, Shell};

/// 远程执行命令的服务端（默认端口 8879，只监听本机，不经过 shell）
#[derive(Parser)]
struct Args {
    /// 监听的地址；不是本机回环地址时还需要 --allow-remote
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    #[arg(long, default_value_t = lesson_09::DEFAULT_PORT)]
    port: u16,
    /// 在默认的允许列表（echo pwd uname whoami）之外再允许一个程序，可重复：--allow seq。只能从审过的程序里选：printf nproc date seq sleep yes true false，每个只接受审过的参数
    #[arg(long = "allow", value_name = "NAME")]
    allow: Vec<String>,
    /// 一条命令最多运行多少毫秒，超时连同子进程一起杀掉
    #[arg(long, default_value_t = 5000)]
    time_limit_ms: u64,
    /// 一条命令的输出（标准输出加标准错误）最多回传多少字节
    #[arg(long, default_value_t = 1024 * 1024)]
    max_output: usize,
    /// 命令在哪个目录里运行（默认：服务端的当前目录）
    #[arg(long)]
    dir: Option<PathBuf>,
    /// 客户端多少秒不发命令就断开它
    #[arg(long, default_value_t = 60)]
    idle_secs: u64,
    /// 最多同时服务几个客户端
    #[arg(long, default_value_t = 4)]
    max_clients: usize,
    /// 允许监听非本机地址（网络上能连上的人都能运行允许的程序）
    #[arg(long)]
    allow_remote: bool,
    /// 危险：像教程一样把整行交给 sh -c 执行，允许列表失效。命令结束或超时时，它的全部后代（包括用 setsid 逃出进程组的）都会被杀掉；但它请别的服务替它启动的进程（systemd-run、at、cron、ssh 连回本机）不是它的后代，杀不到
    #[arg(long)]
    dangerous_shell: bool,
    /// 演示用：像教程一样不分帧（一次 read 当一条命令，结果直接写回）
    #[arg(long)]
    unframed: bool,
}

fn main() -> ExitCode {
    // 危险模式里，服务端以 HELPER_ARG 重新启动自己，当作一条命令的看守进程（见 lesson_09::reap）。
    let argv: Vec<_> = std::env::args_os().collect();
    if argv.get(1).is_some_and(|a| a == reap::HELPER_ARG) {
        return reap::helper_main(&argv[2..]);
    }
    let args = Args::parse();
    support::run(|| real_main(args))
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
        let sh = resolve("sh").map_err(anyhow::Error::msg)?;
        let helper = std::env::current_exe().context("找不到服务端自己的可执行文件")?;
        // 服务端自己也当收养者：命令杀掉它的看守进程时，留下的孤儿归服务端清理。
        reap::become_subreaper().context("无法成为收养者（PR_SET_CHILD_SUBREAPER）")?;
        Some(Shell { sh, helper })
    } else {
        None
    };
    ensure!(args.time_limit_ms > 0, "--time-limit-ms 至少是 1");
    ensure!(args.max_clients > 0, "--max-clients 至少是 1");
    let most = DEFAULT_MAX_FRAME - 1024;
    ensure!(
        args.max_output <= most,
        "--max-output 最大是 {most}（回答要放进一帧）"
    );
    if let Some(dir) = &args.dir {
        ensure!(dir.is_dir(), "--dir {} 不是一个存在的目录", dir.display());
    }
    // ANCHOR: guard
    let addrs = support::resolve(&args.host, args.port)?;
    if !server::is_loopback_only(&addrs) && !args.allow_remote {
        bail!(
            "拒绝监听 {}：这不是本机回环地址，网络上的任何人都能连上来运行命令。\
             确实需要时加 --allow-remote",
            args.host
        );
    }
    let listener = support::bind(&args.host, args.port)?;
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

    let policy = Policy {
        allowed,
        dangerous_shell,
        limits: Limits {
            time_limit: Duration::from_millis(args.time_limit_ms),
            max_output: args.max_output,
            dir: args.dir,
        },
    };
    let options = ServeOptions {
        idle: Duration::from_secs(args.idle_secs),
        max_clients: args.max_clients,
        unframed: args.unframed,
    };
    server::serve_forever(listener, policy, options);
    Ok(())
}
