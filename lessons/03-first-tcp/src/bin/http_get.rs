//! 最小的 HTTP GET 客户端：发请求，打印响应头，把正文存进文件。

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_03::{
    build_request, check_output, connect_http, content_length, default_output_name, head_lines,
    http_get, is_chunked, save_body, HTTP_DEFAULT_PORT,
};
use support::say;

/// 用一条 TCP 连接发出 HTTP GET 请求，打印响应头，把正文保存到文件（8000 是 python3 -m http.server 的端口）。
#[derive(Parser)]
#[command(name = "l03-http-get", version)]
struct Args {
    /// 要取的路径
    #[arg(long, value_name = "路径", default_value = "/")]
    path: String,
    #[command(flatten)]
    connect: support::cli::Connect<{ HTTP_DEFAULT_PORT }>,
    /// 正文保存到哪个文件；不给时取路径的最后一段，没有就用 index.html
    #[arg(long, value_name = "文件")]
    output: Option<PathBuf>,
    /// 文件已经存在时覆盖它（只有正文完整收到后才会替换）；不加时拒绝覆盖
    #[arg(long)]
    force: bool,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(args))
}

// ANCHOR: main
fn real_main(args: Args) -> Result<()> {
    let (host, port) = (&args.connect.host, args.connect.port);
    let request = build_request(host, port, &args.path)?;
    // 先看要写的文件：已经存在又没有 --force，就不必连接了。
    let output = args
        .output
        .unwrap_or_else(|| default_output_name(&args.path).into());
    check_output(&output, args.force)?;

    let mut stream = connect_http(host, port, args.connect.timeout())?;
    say(format!("已连接到 {}，发送请求：", stream.peer_addr()?));
    for line in request.split("\r\n").filter(|l| !l.is_empty()) {
        say(format!("  {line}"));
    }

    let mut response = http_get(&mut stream, &request)?;
    say("响应头：");
    for line in head_lines(&response.head) {
        say(format!("  {line}"));
    }
    if is_chunked(&response.head) {
        say("注意：这是分块传输（chunked）的响应，保存下来的正文里夹着各块的长度");
    }

    // 正文先进临时文件，收完整了才改名成 output：中途失败时 output 原来是什么还是什么。
    let expected = content_length(&response.head);
    let size = save_body(&mut response.body, &output, expected, args.force)?;
    say(format!("正文 {size} 个字节，已保存到 {}", output.display()));
    Ok(())
}
// ANCHOR_END: main
