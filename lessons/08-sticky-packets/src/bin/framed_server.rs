//! 长度前缀分帧的回显服务端：每收到一帧，就把它原样作为一帧写回去。第 09、10 课用同样的帧。

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::Result;
use clap::Parser;
use lesson_08::{describe, echo_frames, frame_bytes, last_words, size, Sizes};
use support::cli::{Limits, Listen};
use support::say;
use support::serve::{self, Budget, Conn, Policy, Refusal};

/// 回显每一帧（4 字节大端长度 + 内容）；坏帧、半截的帧、卡住的连接都只断开那一个连接。
#[derive(Parser)]
#[command(name = "l08-framed-server", version)]
struct Args {
    #[command(flatten)]
    listen: Listen<{ lesson_08::FRAMED_PORT }>,
    #[command(flatten)]
    sizes: Sizes,
    #[command(flatten)]
    limits: Limits,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let budget = args.sizes.budget()?;
    let policy = args.limits.policy();
    let listener = support::bind(&args.listen.host, args.listen.port)?;
    let what = format!(
        "分帧回显服务端（帧长上限 {}，所有连接合起来最多缓存 {}）",
        size::show(args.sizes.max_frame as u64),
        size::show(args.sizes.max_buffered as u64)
    );
    support::announce(what, listener.local_addr()?);
    let max = args.sizes.max_frame;
    let settings = (max, budget, policy.clone());
    // ANCHOR: refuse
    // 这个协议里什么话都是一帧：“服务端忙”也是，内容以“错误：”开头。
    let refuse = |stream: &mut std::net::TcpStream, why: Refusal| {
        last_words(
            stream,
            &frame_bytes(format!("错误：{}", why.message()).as_bytes()),
        );
    };
    // ANCHOR_END: refuse
    let number = AtomicU64::new(0);
    let handle = move |conn: Conn| {
        let n = number.fetch_add(1, Ordering::Relaxed) + 1;
        let (max, budget, policy) = &settings;
        handle(conn, n, *max, budget, policy);
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

// ANCHOR: handle
fn handle(mut conn: Conn, n: u64, max: usize, budget: &Arc<Budget>, policy: &Policy) {
    say(format_args!("[#{n}] 新连接"));
    let mut log = |line: std::fmt::Arguments<'_>| say(format_args!("[#{n}] {line}"));
    match echo_frames(&mut conn.stream, max, budget, &mut log) {
        Ok(count) => say(format_args!("[#{n}] 对方关闭了连接，一共回显了 {count} 帧")),
        Err(e) => {
            let why = describe(&e, policy);
            say(format_args!("[#{n}] 出错：{why}；断开这个连接"));
            // 对方也许还在听（比如它发的帧太长）：回一帧说明，最多等 1 秒。
            last_words(
                conn.stream.inner(),
                &frame_bytes(format!("错误：{why}").as_bytes()),
            );
        }
    }
}
// ANCHOR_END: handle
