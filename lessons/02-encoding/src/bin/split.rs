//! 一个字符被拆在两次读取之间：每次单独解码会出乱码，增量解码器把它拼回来。

use std::process::ExitCode;

use anyhow::{ensure, Context, Result};
use clap::Parser;
use encoding_rs::UTF_8;
use lesson_02::bytes_literal;
use lesson_02::stream::{send_in_two_parts, StreamDecoder};
use support::cli::ranged;

/// `--at` 的上限；真正的上限是文字的字节数减 1，解析完参数再检查。
const MAX_AT: u64 = 1 << 20;

/// 通过本机的一条真实 TCP 连接，把文字的 UTF-8 字节分两次发出，比较两种解码方法。
#[derive(Parser)]
#[command(name = "l02-split", version)]
struct Args {
    /// 要发送的文字
    #[arg(value_name = "文字", default_value = "I love 游泳")]
    text: String,
    /// 第一次发送多少个字节（其余的第二次发）；至少 1 个，而且要比文字的字节数少
    #[arg(long, value_name = "字节数", default_value_t = 8, value_parser = ranged(1, MAX_AT, "个字节"))]
    at: u64,
    /// 少发最后一个字节就关闭连接，模拟对方发到一半就消失
    #[arg(long)]
    truncate: bool,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(&args))
}

// ANCHOR: main
fn real_main(args: &Args) -> Result<()> {
    let mut bytes = args.text.as_bytes().to_vec();
    if args.truncate {
        bytes.pop();
    }
    let total = bytes.len();
    ensure!(
        total >= 2,
        "要发送的字节太少（{total} 个），至少要 2 个才能分两次发"
    );
    let at = args.at as usize;
    ensure!(
        (1..total).contains(&at),
        "--at 要在 1 到 {} 之间（一共要发 {total} 个字节）",
        total - 1
    );
    let place = match split_char(&args.text, at) {
        Some(ch) => format!("正好在“{ch}”字的中间"),
        None => "正好在两个字符之间".to_string(),
    };
    println!("把 {total} 个字节分两次发出，先发 {at} 个：{place}");
    if args.truncate {
        println!("（最后一个字节不发了：发送方发到一半就关闭连接）");
    }

    let mut naive = String::new();
    let mut whole = String::new();
    let mut decoder = StreamDecoder::new(UTF_8);
    let mut reads = 0;
    send_in_two_parts(&bytes, at, |chunk| {
        reads += 1;
        println!(
            "第 {reads} 次读到 {} 个字节：{}",
            chunk.len(),
            bytes_literal(chunk)
        );
        // 错误的做法：每次读到的字节单独解码，被拆开的字符两半都成了 U+FFFD。
        let alone = String::from_utf8_lossy(chunk);
        println!("  单独解码（错误的做法）：“{alone}”");
        naive.push_str(&alone);
        // 正确的做法：增量解码器交出完整的字符，半个字符留到下一次。
        let ready = decoder.push(chunk);
        println!("  增量解码器交出：“{ready}”");
        whole.push_str(&ready);
    })
    .context("本机的 TCP 连接出错了")?;

    let rest = decoder.finish();
    if rest.is_empty() {
        println!("连接关闭：增量解码器里没有剩下半个字符");
    } else {
        println!("连接关闭：增量解码器里还剩半个字符，等不到后半截了，换成“{rest}”");
    }
    whole.push_str(&rest);
    println!("合起来：单独解码得到“{naive}”，增量解码得到“{whole}”");
    Ok(())
}

/// `at` 落在哪个字符的中间？落在两个字符之间时返回 `None`。
fn split_char(text: &str, at: usize) -> Option<char> {
    text.char_indices()
        .find(|&(start, ch)| start < at && at < start + ch.len_utf8())
        .map(|(_, ch)| ch)
}
// ANCHOR_END: main
