//! 解码标准输入（或一个文件），逐处报告不合法的字节和它们的偏移，而不是崩溃。

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Parser;
use lesson_02::{bytes_literal, decode_report, human_size, parse_hex, parse_size, pick_encoding};

/// 按 UTF-8 或 GBK 解码输入，打印文字，并列出每一处不合法的字节。
#[derive(Parser)]
#[command(name = "l02-decode", version)]
struct Args {
    /// 要解码的文件；省略时读标准输入
    #[arg(value_name = "文件")]
    file: Option<PathBuf>,
    /// 编码：utf-8 或 gbk
    #[arg(long, value_name = "编码", default_value = "utf-8")]
    encoding: String,
    /// 直接给出十六进制的字节（如 "e6 b8 b8"），代替文件和标准输入
    #[arg(long, value_name = "十六进制", conflicts_with = "file")]
    hex: Option<String>,
    /// 最多读这么多字节，防止一个巨大的输入占满内存；可以写 1000、64KiB、16MiB 这样的大小，最大 1GiB
    #[arg(long, value_name = "大小", default_value = "16MiB", value_parser = parse_size)]
    max_bytes: u64,
}

/// 最多列出这么多处坏字节，其余的只报个数。
const SHOW_AT_MOST: usize = 10;

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| real_main(&args))
}

// ANCHOR: main
fn real_main(args: &Args) -> Result<()> {
    let Some(encoding) = pick_encoding(&args.encoding) else {
        bail!(
            "不支持的编码 {:?}：这个程序只认 utf-8 和 gbk",
            args.encoding
        );
    };
    let name = if encoding == encoding_rs::GBK {
        "GBK"
    } else {
        "UTF-8"
    };
    let bytes = read_input(args)?;
    if bytes.is_empty() {
        println!("输入是空的（0 个字节），没有可以解码的内容");
        return Ok(());
    }

    let report = decode_report(&bytes, encoding);
    print!("{}", report.text);
    if !report.text.ends_with('\n') {
        println!();
    }
    for bad in report.bad.iter().take(SHOW_AT_MOST) {
        let piece = &bytes[bad.offset..bad.offset + bad.len];
        println!("偏移 {}：不合法的字节 {}", bad.offset, bytes_literal(piece));
    }
    if report.bad.len() > SHOW_AT_MOST {
        println!("……还有 {} 处没有列出", report.bad.len() - SHOW_AT_MOST);
    }
    let chars = report.text.chars().count();
    let Some(first) = report.bad.first() else {
        println!(
            "（{name}：{} 个字节，{chars} 个字符，没有不合法的字节）",
            bytes.len()
        );
        return Ok(());
    };
    let other = if name == "GBK" {
        "如果数据来自 Linux 或 macOS，试试 --encoding utf-8"
    } else {
        "如果数据来自中文 Windows，试试 --encoding gbk"
    };
    bail!(
        "输入不是合法的 {name}：共 {} 处不合法的字节，第一处在偏移 {}。\
         打印出的文字里它们已换成 U+FFFD（�）；{other}",
        report.bad.len(),
        first.offset
    )
}
// ANCHOR_END: main

/// 从 `--hex`、文件或标准输入读出全部字节，超过上限就报错。
fn read_input(args: &Args) -> Result<Vec<u8>> {
    if let Some(hex) = &args.hex {
        return parse_hex(hex);
    }
    let source: Box<dyn Read> = match &args.file {
        Some(path) => Box::new(
            File::open(path)
                .with_context(|| format!("打不开文件 {}，请检查路径", path.display()))?,
        ),
        None => {
            // 直接在终端里运行、没有接管道时，程序在等你输入；不说一声，看起来就像卡住了。
            if io::stdin().is_terminal() {
                eprintln!(
                    "正在从标准输入读字节：输入完按 Ctrl-D 结束（Windows 上是 Ctrl-Z 再回车）"
                );
            }
            Box::new(io::stdin().lock())
        }
    };
    // 多读一个字节：读到了就说明输入超过了上限。
    let mut bytes = Vec::new();
    source
        .take(args.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .context("读输入失败")?;
    if bytes.len() as u64 > args.max_bytes {
        bail!(
            "输入超过了上限（{}）；确实要解码这么大的输入，请用 --max-bytes 调大上限",
            human_size(args.max_bytes)
        );
    }
    Ok(bytes)
}
