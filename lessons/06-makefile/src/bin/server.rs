//! makefile 服务端：每个连接读 10 个字符，回复 `Return your msg:<这 10 个字符>`，flush。

use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use anyhow::{ensure, Result};
use clap::Parser;
use lesson_06::{serve_makefile, DEFAULT_IDLE_SECS, DEFAULT_PORT, MAX_BUFFER};

/// makefile 服务端：用 BufReader/BufWriter 包住连接，读 10 个字符并回复
#[derive(Parser)]
struct Args {
    /// 监听的地址
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 监听的端口（0 让系统挑一个空闲端口）
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// 客户端这么多秒不发数据就断开它
    #[arg(long, default_value_t = DEFAULT_IDLE_SECS)]
    idle_timeout: u64,
    /// 读缓冲区的大小（字节）；设成 1 时每个汉字都会被拆成几次读
    #[arg(long, default_value_t = 8192)]
    buffer: usize,
    /// 只服务一个连接就退出，和教程里的程序一样
    #[arg(long)]
    once: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    support::run(|| real_main(args))
}

// ANCHOR: main
fn real_main(args: Args) -> Result<()> {
    ensure!(args.idle_timeout >= 1, "--idle-timeout 至少是 1 秒");
    ensure!(
        (1..=MAX_BUFFER).contains(&args.buffer),
        "--buffer 应当在 1 到 {MAX_BUFFER} 字节之间，而不是 {}",
        args.buffer
    );
    let idle = Duration::from_secs(args.idle_timeout);
    let listener = support::bind(&args.host, args.port)?;
    support::announce("服务端", listener.local_addr()?);
    for conn in listener.incoming() {
        let stream = match conn {
            Ok(stream) => stream,
            Err(e) => {
                support::say(format!("接受连接失败：{e}"));
                continue;
            }
        };
        // 对方可能刚连上就用 RST 断开了，这时连它的地址都拿不到。那只是一个坏连接，
        // 不能让服务端跟着退出：说一声，接着等下一个。
        let peer = match stream.peer_addr() {
            Ok(peer) => peer,
            Err(e) => {
                support::say(format!("一个连接刚建立就断开了（{e}），不理它"));
                continue;
            }
        };
        support::say(format!("{peer} 连上了"));
        // 每个连接一个线程：一个迟迟不说话的客户端不会挡住别人。
        let worker = thread::spawn(move || {
            if let Err(e) = serve_makefile(stream, idle, args.buffer) {
                support::say(format!("{peer} 连接出错：{e}"));
            }
        });
        if args.once {
            let _ = worker.join();
            break;
        }
    }
    Ok(())
}
// ANCHOR_END: main
