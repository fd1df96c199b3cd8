//! 教程的 socket 方法表：每一行在本机的一对真实套接字上运行一次。

use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Parser;
use lesson_06::methods::{row, Row, ROWS};

/// 逐行运行 socket 方法表的例子（recv、recv-into、recvfrom、send、sendall、sendto、sendfile、makefile）
#[derive(Parser)]
#[command(name = "l06-methods", version)]
struct Args {
    /// 要运行的行；不写就全部运行
    #[arg(value_name = "行")]
    rows: Vec<String>,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let mut chosen: Vec<&Row> = Vec::new();
    for name in &args.rows {
        match row(name) {
            Some(r) => chosen.push(r),
            None => {
                let names: Vec<_> = ROWS.iter().map(|r| r.name).collect();
                bail!("没有叫 {name:?} 的一行。可以选：{}", names.join("、"));
            }
        }
    }
    if chosen.is_empty() {
        chosen = ROWS.iter().collect();
    }
    for r in chosen {
        support::say(format!("== {}  →  {}", r.python, r.rust));
        let lines = (r.run)().with_context(|| format!("{} 的例子没有运行成功", r.name))?;
        for line in lines {
            support::say(format!("   {line}"));
        }
    }
    Ok(())
}
