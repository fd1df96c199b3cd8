//! 编码与解码：先逐行重现教程的输出，再看字节数、坏字节和有损解码。

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use lesson_02::{bytes_literal, explain_utf8_error};

/// 把一段文字编码成 UTF-8 字节再解码回来，然后看看字节坏了会怎样。
#[derive(Parser)]
#[command(name = "l02-encode", version)]
struct Args {
    /// 要编码的文字
    #[arg(value_name = "文字", default_value = "I love 游泳")]
    text: String,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(&args.text))
}

fn real_main(origin: &str) -> Result<()> {
    // ANCHOR: tutorial
    // 编码的两种写法：as_bytes() 借出字符串里现成的字节，into_bytes() 把 String 整个变成 Vec<u8>。
    let bytes01: Vec<u8> = origin.as_bytes().to_vec();
    let bytes02: Vec<u8> = origin.to_string().into_bytes();
    // 解码的两种写法：String::from_utf8 拿走 Vec<u8>，str::from_utf8 只借用字节。
    // 两者都会检查字节是不是合法的 UTF-8，不合法就返回 Err，绝不会造出一个坏的字符串。
    let text01: String = String::from_utf8(bytes01.clone())?;
    let text02: &str = std::str::from_utf8(&bytes02)?;
    println!("{origin}");
    println!("{}", bytes_literal(&bytes01));
    println!("{}", bytes_literal(&bytes02));
    println!("{text01}");
    println!("{text02}");
    // ANCHOR_END: tutorial

    // ANCHOR: counts
    println!();
    println!(
        "字节数：{}，字符数：{}",
        origin.len(),
        origin.chars().count()
    );
    for ch in origin.chars().filter(|c| !c.is_ascii()) {
        let mut buf = [0u8; 4];
        let encoded = ch.encode_utf8(&mut buf).as_bytes();
        let (code, n) = (ch as u32, encoded.len());
        println!(
            "  '{ch}' 是 U+{code:04X}，UTF-8 用 {n} 个字节：{}",
            bytes_literal(encoded)
        );
    }
    // ANCHOR_END: counts

    // ANCHOR: broken
    let bytes = origin.as_bytes();
    let short = &bytes[..bytes.len().saturating_sub(1)];
    println!("少了最后一个字节：{}", bytes_literal(short));
    show_decoding(short);
    if let Some(pos) = bytes.iter().position(|b| !b.is_ascii()) {
        let mut spoiled = bytes.to_vec();
        spoiled[pos] = 0xff;
        println!("偏移 {pos} 的字节换成 0xff：{}", bytes_literal(&spoiled));
        show_decoding(&spoiled);
    }
    Ok(())
}

/// 先严格地解码，失败时说明原因；再做有损解码，坏字节换成 U+FFFD（�）。
fn show_decoding(bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(text) => println!("  仍然是合法的 UTF-8：{text}"),
        Err(err) => {
            println!("  严格解码失败：{}", explain_utf8_error(&err, bytes.len()));
            println!("  有损解码：{}", String::from_utf8_lossy(bytes));
        }
    }
}
// ANCHOR_END: broken
