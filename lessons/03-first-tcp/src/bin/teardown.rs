//! 连接是怎么结束的：在本机上真的建连接、真的关闭，打印每一步之后两端的连接状态。

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, ValueEnum};
use lesson_03::teardown;

/// 四次挥手与半关闭、RST、TIME_WAIT 与 SO_REUSEADDR、积压队列（backlog），每一幕都是真的连接。
#[derive(Parser)]
#[command(name = "l03-teardown", version)]
struct Args {
    /// 演哪一幕
    #[arg(value_name = "幕", value_enum, default_value_t = Scene::All)]
    scene: Scene,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scene {
    /// 四次挥手：客户端半关闭，服务端读到 0，回一句话，再关闭
    Close,
    /// 没读完就关闭：对方收到 RST，read 得到 ConnectionReset
    Reset,
    /// TIME_WAIT 和 SO_REUSEADDR：服务端先关闭后马上重新监听同一个端口
    Rebind,
    /// listen(n) 的 n：排队等 accept 的连接数，不是连接上限
    Backlog,
    /// 以上全部
    All,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

fn real_main(args: Args) -> Result<()> {
    let all = args.scene == Scene::All;
    if all || args.scene == Scene::Close {
        teardown::four_way_close()?;
    }
    if all || args.scene == Scene::Reset {
        teardown::reset()?;
    }
    if all || args.scene == Scene::Rebind {
        teardown::rebind()?;
    }
    if all || args.scene == Scene::Backlog {
        teardown::backlog()?;
    }
    Ok(())
}
