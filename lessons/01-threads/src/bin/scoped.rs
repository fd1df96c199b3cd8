//! 作用域线程：几个线程直接借用主线程的局部数据。

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_01::sum_in_parts;
use support::cli::ranged;

/// 1 到 N 要先全部放进内存（每个数 8 个字节，上限时是 76 MiB），所以 N 有个上限，免得把内存占满。
const MAX_N: u64 = 10_000_000;
/// 每一份就是一个线程；几十个就足够看清楚，再多只是在为难操作系统。
const MAX_PARTS: u64 = 64;

/// 把 1..=N 分成几份，每份交给一个作用域线程求和。
#[derive(Parser)]
#[command(name = "l01-scoped", version)]
struct Args {
    /// 求 1 到 N 的和；N 最大 10000000，因为这些数要先全部放进内存
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = ranged(1, MAX_N, "个数"))]
    n: u64,
    /// 分成几份，每一份是一个线程，最多 64 份
    #[arg(long, value_name = "份数", default_value_t = 4, value_parser = ranged(1, MAX_PARTS, "份"))]
    parts: u64,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args.n, args.parts as usize))
}

fn real_main(n: u64, parts: usize) -> Result<()> {
    let data: Vec<u64> = (1..=n).collect();
    let sums = sum_in_parts(&data, parts);
    for (i, s) in sums.iter().enumerate() {
        println!("第 {} 份的和：{s}", i + 1);
    }
    println!(
        "总和：{}（公式算出的是 {}）",
        sums.iter().sum::<u64>(),
        n * (n + 1) / 2
    );
    Ok(())
}
