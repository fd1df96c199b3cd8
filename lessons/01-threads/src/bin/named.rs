//! 有名字的线程：不带参数、带参数，以及拿回线程的返回值。

use std::process::ExitCode;

use anyhow::{anyhow, Result};
use clap::Parser;
use lesson_01::{current_name, run2, spawn_named};

/// 启动两个有名字的线程（一个不带参数、一个带参数），等它们结束并取回返回值。
#[derive(Parser)]
#[command(name = "l01-named", version)]
struct Args {}

fn main() -> ExitCode {
    let _: Args = support::cli::parse();
    support::run(real_main)
}

// ANCHOR: main
fn real_main() -> Result<()> {
    println!("主线程的名字：{}", current_name());

    // 示例 1：不带参数的线程。闭包就是 Python 里的 target。
    let thread1 = spawn_named("线程1", || {
        println!("我是一个线程……（{}）", current_name());
    })?;
    // join 等线程结束；线程里 panic 时 join 返回 Err。
    thread1.join().map_err(|_| anyhow!("线程1 意外 panic"))?;

    // 示例 2：带参数的线程。move 把两个参数的所有权交给新线程。
    let (param1, param2) = (String::from("123"), String::from("456"));
    let thread2 = spawn_named("线程2", move || {
        let text = run2(&param1, &param2);
        println!("{text}（{}）", current_name());
        text.chars().count()
    })?;
    // Python 的 Thread 拿不回返回值，Rust 的 join 可以。
    let len = thread2.join().map_err(|_| anyhow!("线程2 意外 panic"))?;
    println!("线程2 返回了 {len}（它那句话的字符数）");
    Ok(())
}
// ANCHOR_END: main
