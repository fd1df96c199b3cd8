//! 粘包演示与三种分帧办法的服务端：`--mode raw|ack|line|length`，每个连接一个线程。

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::Result;
use clap::Parser;
use lesson_08::{describe, last_words, receive, Mode, Sizes};
use support::cli::{Limits, Listen};
use support::say;
use support::serve::{self, Budget, Conn, Policy, Refusal};

/// 按所选模式接收消息，逐条打印；客户端说完（半关闭）后回一行总结。
#[derive(Parser)]
#[command(name = "l08-server", version)]
struct Args {
    #[command(flatten)]
    listen: Listen<{ lesson_08::DEFAULT_PORT }>,
    /// 怎样分开消息（raw 是不分，用来看粘包）
    #[arg(long, value_name = "模式", value_enum, default_value_t = Mode::Length)]
    mode: Mode,
    #[command(flatten)]
    sizes: Sizes,
    #[command(flatten)]
    limits: Limits,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

/// 一个连接的线程要知道的东西。
struct Settings {
    mode: Mode,
    max_frame: usize,
    budget: Arc<Budget>,
    policy: Policy,
}

// ANCHOR: serve
fn real_main(args: Args) -> Result<()> {
    let budget = args.sizes.budget()?;
    let policy = args.limits.policy();
    let listener = support::bind(&args.listen.host, args.listen.port)?;
    // 模式写在第一行里：第一行会立刻刷新出去，看的人马上知道这是哪一种服务端。
    support::announce(
        format_args!("服务端（模式 {}）", args.mode),
        listener.local_addr()?,
    );
    let settings = Settings {
        mode: args.mode,
        max_frame: args.sizes.max_frame,
        budget,
        policy: policy.clone(),
    };
    // 拒绝也按这个协议说：一行以“错误：”开头的话，客户端会把它报出来。
    let refuse = |stream: &mut std::net::TcpStream, why: Refusal| {
        last_words(stream, format!("错误：{}\n", why.message()).as_bytes());
    };
    let number = AtomicU64::new(0);
    let handle = move |conn: Conn| {
        let n = number.fetch_add(1, Ordering::Relaxed) + 1;
        handle(conn, n, &settings);
    };
    serve::serve(
        &listener,
        &policy,
        || false,
        |line| say(line),
        refuse,
        handle,
    );
    Ok(())
}
// ANCHOR_END: serve

// ANCHOR: handle
fn handle(mut conn: Conn, n: u64, settings: &Settings) {
    say(format_args!("[#{n}] 新连接"));
    let mut log = |line: std::fmt::Arguments<'_>| say(format_args!("[#{n}] {line}"));
    let received = receive(
        &mut conn.stream,
        settings.mode,
        settings.max_frame,
        &settings.budget,
        &mut log,
    );
    let reply = match received {
        Ok(summary) => {
            say(format_args!("[#{n}] 对方说完了：{summary}"));
            summary
        }
        Err(e) => {
            let why = describe(&e, &settings.policy);
            say(format_args!("[#{n}] 出错：{why}；断开这个连接"));
            format!("错误：{why}")
        }
    };
    // 对方也可能已经走了，或者正是因为太慢才被断开的：最后这一行最多等 1 秒，回不回得去都不影响服务端。
    last_words(conn.stream.inner(), format!("{reply}\n").as_bytes());
}
// ANCHOR_END: handle
