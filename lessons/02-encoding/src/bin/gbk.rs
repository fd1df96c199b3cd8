//! GBK：同一段文字的另一种字节，以及用错编码解码时出现的乱码。

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_02::bytes_literal;
use lesson_02::gbk::{decode_gbk_lossy, encode_gbk_lossy, encode_gbk_strict};

/// 用 GBK 编码和解码，看看用错编码会怎样，以及 GBK 表示不了的字符。
#[derive(Parser)]
#[command(name = "l02-gbk", version)]
struct Args {
    /// 要编码的文字
    #[arg(value_name = "文字", default_value = "I love 游泳")]
    text: String,
    /// 模拟中文 Windows 命令行的一行输出
    #[arg(long, value_name = "文字", default_value = "驱动器 C 中的卷没有标签。")]
    console: String,
    /// 一段含有 GBK 表示不了的字符的文字
    #[arg(long, value_name = "文字", default_value = "笑😀")]
    unmappable: String,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(&args))
}

// ANCHOR: main
fn real_main(args: &Args) -> Result<()> {
    let text = &args.text;
    println!("原文：{text}");
    match encode_gbk_strict(text) {
        Ok(gbk) => {
            let (utf8_len, gbk_len) = (text.len(), gbk.len());
            println!(
                "GBK 编码：{}（{gbk_len} 个字节，UTF-8 要 {utf8_len} 个）",
                bytes_literal(&gbk)
            );
            println!("按 GBK 解码回来：{}", decode_gbk_lossy(&gbk).0);
            // 用错编码的两个方向：两边都“解码成功”了，只是得到的字不对。
            println!(
                "UTF-8 字节当成 GBK 解码：{}",
                decode_gbk_lossy(text.as_bytes()).0
            );
            println!("GBK 字节当成 UTF-8 解码：{}", String::from_utf8_lossy(&gbk));
        }
        Err(bad) => println!("GBK 表示不了第 {} 个字符 '{}'", bad.index + 1, bad.ch),
    }

    // 教程的远程命令客户端为什么用 gbk 解码：中文 Windows 的命令行输出就是 GBK 字节。
    let (console, _) = encode_gbk_lossy(&args.console);
    println!("中文 Windows 命令行输出的字节：{}", bytes_literal(&console));
    println!("  按 GBK 解码：{}", decode_gbk_lossy(&console).0);
    println!("  按 UTF-8 解码：{}", String::from_utf8_lossy(&console));

    let odd = &args.unmappable;
    match encode_gbk_strict(odd) {
        Ok(bytes) => println!("“{odd}” 的 GBK 编码：{}", bytes_literal(&bytes)),
        Err(bad) => {
            let (n, ch, code) = (bad.index + 1, bad.ch, bad.ch as u32);
            println!("“{odd}” 的第 {n} 个字符 '{ch}'（U+{code:04X}）GBK 表示不了");
            let (lossy, had_errors) = encode_gbk_lossy(odd);
            let said = if had_errors { "是" } else { "否" };
            println!(
                "  有损编码换成了 HTML 数字引用：{}（报告有替换：{said}）",
                bytes_literal(&lossy)
            );
        }
    }
    Ok(())
}
// ANCHOR_END: main
