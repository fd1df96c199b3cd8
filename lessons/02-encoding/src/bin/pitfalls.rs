//! 教程版的解码方法（`String::from_utf8` / `str::from_utf8`，相当于 `data.decode("utf-8")`）
//! 碰到真实世界的字节时会坏在哪里：每个坑真的运行一次给你看。

use std::io;
use std::process::ExitCode;
use std::str::Utf8Error;

use clap::{Parser, ValueEnum};
use lesson_02::stream::send_in_two_parts;

/// 运行一个常见的坑：坏字节、拆在两次读取之间的字符、GBK 字节、切在字符中间的切片。
#[derive(Parser)]
#[command(name = "l02-pitfalls", version)]
struct Args {
    /// 要看哪一个坑
    #[arg(value_name = "坑")]
    what: Pitfall,
}

#[derive(Clone, Copy, ValueEnum)]
enum Pitfall {
    /// 教程版的两种解码碰到一个坏字节：返回 Err，程序到此为止（退出码 1）
    BadBytes,
    /// “游”字的 3 个字节被拆在两次 read 里：每次读到就解码，两次都失败
    SplitRead,
    /// 中文 Windows 命令行输出的 GBK 字节当成 UTF-8 解码
    GbkAsUtf8,
    /// 按字节数切 &str，切在“游”字中间：panic（退出码 101）
    Slice,
}

fn main() -> io::Result<ExitCode> {
    let args: Args = support::cli::parse();
    match args.what {
        Pitfall::BadBytes => bad_bytes()?,
        Pitfall::SplitRead => split_read()?,
        Pitfall::GbkAsUtf8 => gbk_as_utf8(),
        Pitfall::Slice => slice(),
    }
    Ok(ExitCode::SUCCESS)
}

// ANCHOR: bad_bytes
/// 教程版的解码，字节里只坏了一个：“游”的第一个字节换成了 0xff（UTF-8 里不会出现这个字节）。
fn bad_bytes() -> io::Result<()> {
    let mut bytes01: Vec<u8> = "I love 游泳".as_bytes().to_vec();
    bytes01[7] = 0xff;
    println!("收到的字节：b'{}'", bytes01.escape_ascii());
    println!(
        "第 2 种解码（str::from_utf8）：{}",
        show(std::str::from_utf8(&bytes01))
    );
    println!("第 1 种解码（String::from_utf8），和教程版一样用 ? 交给 main：");
    // 教程版里的同一行：解码失败，? 让 main 带着这个错误返回，后面的文字一个字也拿不到。
    let text01: String = String::from_utf8(bytes01).map_err(io::Error::other)?;
    println!("{text01}");
    Ok(())
}
// ANCHOR_END: bad_bytes

// ANCHOR: split_read
/// “I love 游泳”的 13 个字节通过本机一条真实的 TCP 连接分两次发出：先 8 个，再 5 个。
/// 接收方照教程的样子，每读到一次就 decode 一次。
fn split_read() -> io::Result<()> {
    let data = "I love 游泳".as_bytes();
    let mut reads = 0;
    send_in_two_parts(data, 8, |chunk| {
        reads += 1;
        println!(
            "第 {reads} 次读到 {} 个字节：b'{}'",
            chunk.len(),
            chunk.escape_ascii()
        );
        println!("  str::from_utf8：{}", show(std::str::from_utf8(chunk)));
    })?;
    // 字节本身一点没坏：两次读到的拼在一起，就是合法的 UTF-8。
    println!("两次读到的字节拼起来：{}", show(std::str::from_utf8(data)));
    Ok(())
}
// ANCHOR_END: split_read

// ANCHOR: gbk_as_utf8
/// 教程的远程命令服务端跑在简体中文 Windows 上，`dir` 的输出是 GBK 字节。
/// 这里是“驱动器 C 中的卷没有标签。”的 GBK 字节，原样写在这里，就像刚从套接字读到的一样。
#[allow(invalid_from_utf8)] // 字节写死在源码里，编译器看得出它不是 UTF-8；从套接字读到的字节它就看不见了
fn gbk_as_utf8() {
    let data: &[u8] = b"\xc7\xfd\xb6\xaf\xc6\xf7 C \xd6\xd0\xb5\xc4\xbe\xed\xc3\xbb\xd3\xd0\xb1\xea\xc7\xa9\xa1\xa3";
    println!("收到的字节：b'{}'", data.escape_ascii());
    println!("str::from_utf8：{}", show(std::str::from_utf8(data)));
    println!("String::from_utf8_lossy：{}", String::from_utf8_lossy(data));
}
// ANCHOR_END: gbk_as_utf8

// ANCHOR: slice
/// 协议说“最多 8 个字节”，于是按字节数切字符串。第 8 个字节落在“游”字（第 7..10 个字节）中间。
fn slice() {
    let text = "I love 游泳";
    println!("text.get(..8)：{:?}", text.get(..8));
    println!("text.is_char_boundary(8)：{}", text.is_char_boundary(8));
    println!("&text[..8]：");
    let first = &text[..8];
    println!("{first}");
}
// ANCHOR_END: slice

/// 解码结果的两种说法：标准库给人看的一句话（Display），和 `Utf8Error` 里的两个数。
fn show(result: Result<&str, Utf8Error>) -> String {
    match result {
        Ok(text) => format!("Ok({text:?})"),
        Err(e) => format!(
            "Err：{e}（valid_up_to = {}，error_len = {:?}）",
            e.valid_up_to(),
            e.error_len()
        ),
    }
}
