//! 作用域线程：几个线程直接借用主线程的局部数据。

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_01::sum_in_parts;

/// 把 1..=N 分成几份，每份交给一个作用域线程求和。
#[derive(Parser)]
struct Args {
    /// 求 1 到 N 的和
    #[arg(long, default_value_t = 100)]
    n: u64,
    /// 分成几份（几个线程）
    #[arg(long, default_value_t = 4)]
    parts: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    support::run(|| real_main(args.n, args.parts))
}

/// 1 到 N 要先全部放进内存（每个数 8 个字节），所以 N 有个上限，免得把内存占满。
const MAX_N: u64 = 10_000_000;
/// 每一份就是一个线程；几十个就足够看清楚，再多只是在为难操作系统。
const MAX_PARTS: usize = 64;

fn real_main(n: u64, parts: usize) -> Result<()> {
    anyhow::ensure!(
        (1..=MAX_PARTS).contains(&parts),
        "--parts 要在 1 到 {MAX_PARTS} 之间（每一份是一个线程）"
    );
    anyhow::ensure!(
        n <= MAX_N,
        "--n 最大是 {MAX_N}：这些数要先全部放进内存，太大会把内存占满"
    );
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
