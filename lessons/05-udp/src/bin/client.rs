//! UDP 客户端：把几个名字逐个发给服务端，打印回答；回答丢了就重发。

use std::io::{self, BufRead};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use lesson_05::{ask, client_socket, Retry, DEFAULT_PORT, MAX_RETRIES, MAX_TIMEOUT};
use support::cli::ranged;

// 这里不用各课共用的 `support::cli::Connect`：它的 `--timeout` 以秒计，而 UDP 的一次等待
// 通常远不到一秒（本机上一问一答只要几十微秒），所以等待写成 `--timeout-ms`，另加 `--retries`。

/// UDP 客户端：发送名字，打印服务端的 `Hello, <名字>!`。
#[derive(Parser)]
#[command(name = "l05-client", version)]
struct Args {
    /// 服务端的地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 服务端的端口
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// 每次发送后最多等多久，1 到 60000 毫秒
    #[arg(long, value_name = "毫秒", default_value_t = 1000,
          value_parser = ranged(1, MAX_TIMEOUT.as_millis() as u64, "毫秒"))]
    timeout_ms: u64,
    /// 等不到回答时最多重发几次，0 到 100 次
    #[arg(long, value_name = "次", default_value_t = 3,
          value_parser = ranged(0, MAX_RETRIES as u64, "次"))]
    retries: u64,
    /// 从标准输入逐行读名字（空行或 EOF 结束），而不是用参数
    #[arg(long)]
    stdin: bool,
    /// 要发送的名字；不给就发 Michael、Tracy、Sarah
    #[arg(value_name = "名字")]
    names: Vec<String>,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let addrs = support::resolve(&args.host, args.port)?;
    // 服务端默认只在 IPv4 的 127.0.0.1 上监听，所以名字解析出几个地址时先用 IPv4 的。
    let server = *addrs.iter().find(|a| a.is_ipv4()).unwrap_or(&addrs[0]);
    let socket = client_socket(server).context("无法创建 UDP 套接字")?;
    let retry = Retry {
        timeout: Duration::from_millis(args.timeout_ms),
        retries: u32::try_from(args.retries).unwrap_or(MAX_RETRIES),
    };
    let ask_one = |name: &str| -> Result<()> {
        let reply = ask(&socket, server, name, retry, &mut |note| support::say(note))?;
        support::say(reply);
        Ok(())
    };
    if args.stdin {
        for line in io::stdin().lock().split(b'\n') {
            let line = line.context("读标准输入失败")?;
            let bytes = line.strip_suffix(b"\r").unwrap_or(&line).to_vec();
            if bytes.is_empty() {
                break;
            }
            let name = String::from_utf8(bytes).unwrap_or_else(|err| {
                support::say("（这一行不是合法的 UTF-8，坏字节换成了 �）");
                String::from_utf8_lossy(err.as_bytes()).into_owned()
            });
            ask_one(&name)?;
        }
    } else if args.names.is_empty() {
        for name in ["Michael", "Tracy", "Sarah"] {
            ask_one(name)?;
        }
    } else {
        for name in &args.names {
            ask_one(name)?;
        }
    }
    Ok(())
}
