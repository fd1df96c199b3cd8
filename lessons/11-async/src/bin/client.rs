//! 异步客户端：读 `Welcome!`，依次发出几个名字，打印每条回复，最后发 `exit`；
//! `--clients N` 同时开 N 个连接（每个连接一个任务，都在同一个线程上），最后说一句总结。

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_11::client;

/// 发出几个名字（默认 Michael、Tracy、Sarah），打印服务端的每条回复；可以同时开很多个连接。
#[derive(Parser)]
#[command(name = "l11-client", version)]
struct Args {
    #[command(flatten)]
    connect: support::cli::Connect<9999>,
    /// 要发送的名字，用逗号分隔
    #[arg(long, value_delimiter = ',', default_value = "Michael,Tracy,Sarah")]
    names: Vec<String>,
    /// 同时开几个连接，1 到 20000；多于 1 个时只打印总结
    #[arg(long, value_name = "个", default_value_t = 1,
          value_parser = support::cli::ranged(1, 20_000, "个"))]
    clients: u64,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let timeout = args.connect.timeout();
    lesson_04::threaded::check_names(&args.names)?;
    let addr = *support::resolve(&args.connect.host, args.connect.port)?
        .first()
        .context("没有可用的地址")?;
    let clients = args.clients as usize;
    let crowd =
        lesson_11::block_on(client::crowd(addr, clients, &args.names, timeout))?.map_err(|e| {
            // 只有连接被拒绝时才提醒“先启动服务端”：服务端在运行、却没说完话时，这个提醒只会误导人。
            if refused(&e) {
                e.context(format!(
                    "服务端在运行吗？先在另一个终端里启动它：{}",
                    support::command_line("lesson 11 server")
                ))
            } else {
                e.context("和服务端的对话没有完成")
            }
        })?;
    if clients == 1 {
        return Ok(()); // 每句话已经一到就打印出来了
    }
    client::check(&crowd, &args.names)?;
    support::say(format_args!(
        "{clients} 个连接同时对话，每个发了 {} 个名字：{} 条回复全部正确，用时 {:.2} 秒",
        args.names.len(),
        clients * args.names.len(),
        crowd.elapsed.as_secs_f64()
    ));
    Ok(())
}

/// 错误链里有没有“连接被拒绝”（那个端口上没有人在监听）。
fn refused(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
    })
}
