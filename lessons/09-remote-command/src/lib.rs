//! 第 09 课：远程执行命令。
//!
//! 客户端发一帧（第 08 课的长度前缀帧），内容是一行命令（UTF-8）；服务端回一帧：
//! 命令的输出（标准输出后接标准错误），什么都没打印时是 `no output!`，
//! 拒绝或失败时是一行以 `error: ` 开头的说明。
//!
//! 教程的服务端把收到的文字交给 shell 执行，谁能连上它，谁就能在这台机器上做任何事。
//! 这里的默认版本不经过 shell、只运行允许列表里的程序、有时间限制和输出上限、只监听本机；
//! 教程的做法保留为一个名字写明危险的开关。

use std::io::{self, BufRead, BufWriter, ErrorKind, Read, Write};
use std::net::TcpStream;

use anyhow::{Context, Result};
use clap::ValueEnum;
use colored::Colorize;
use lesson_08::frame::{read_frame, write_frame, DEFAULT_MAX_FRAME};

pub mod command;
// 危险模式杀掉命令的全部后代，靠的是 Linux 的收养者（PR_SET_CHILD_SUBREAPER）和 /proc：
// 别的系统上没有，这个模块也就只在 Linux 上编译，服务端在那里拒绝 --dangerous-shell。
#[cfg(target_os = "linux")]
pub mod reap;
pub mod run;
pub mod server;

// 学习者的练习只在评分时编译（cargo 特性 `exercises`）：写到一半的练习不会拖累这一课的程序和别的课。
#[path = "../exercises/mod.rs"]
#[cfg(feature = "exercises")]
#[allow(unused_variables, unused_imports, unused_mut, dead_code)]
pub mod exercises;

// 参考答案（cargo 特性 `solutions`）：评分时不编译，学习者的文件够不着它。
#[path = "../solutions/mod.rs"]
#[cfg(feature = "solutions")]
#[doc(hidden)]
pub mod solutions;

/// 教程里的端口。
pub const DEFAULT_PORT: u16 = 8879;

/// 客户端的提示符（教程里写成了 `cdm:>>>`）。
pub const PROMPT: &str = "cmd:>>>";

/// 客户端怎样把收到的字节变成文字。
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Encoding {
    /// UTF-8（默认，Linux 和 macOS 上命令的输出）
    #[value(name = "utf-8")]
    Utf8,
    /// GBK（教程的做法：中文 Windows 上命令的输出）
    Gbk,
}

impl Encoding {
    /// 解码；不合法的字节变成 U+FFFD（�），而不是让客户端出错退出。
    pub fn decode(self, bytes: &[u8]) -> String {
        let encoding = match self {
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::Gbk => encoding_rs::GBK,
        };
        encoding.decode_without_bom_handling(bytes).0.into_owned()
    }
}

// ANCHOR: ask
/// 发一条命令（一帧），等它的回答（一帧）。
///
/// 不论回答有多长，`read_frame` 都先读 4 字节长度，再读满那么多字节，
/// 所以一条命令的回答不会跑到下一条命令那里去。
pub fn ask(stream: &mut TcpStream, command: &[u8]) -> io::Result<Vec<u8>> {
    write_frame(&mut BufWriter::new(&mut *stream), command)?;
    read_frame(stream, DEFAULT_MAX_FRAME)?
        .ok_or_else(|| io::Error::new(ErrorKind::UnexpectedEof, "服务端在回答之前关闭了连接"))
}
// ANCHOR_END: ask

/// 教程的客户端（只用于演示问题）：命令原样发出，回答只 `read` 一次，最多 1024 字节。
pub fn ask_unframed(stream: &mut TcpStream, command: &[u8]) -> io::Result<Vec<u8>> {
    stream.write_all(command)?;
    let mut buf = vec![0u8; server::UNFRAMED_READ];
    let n = loop {
        match stream.read(&mut buf) {
            Ok(0) => return Err(io::Error::new(ErrorKind::UnexpectedEof, "服务端关闭了连接")),
            Ok(n) => break n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    };
    buf.truncate(n);
    Ok(buf)
}

/// 客户端的选项。
#[derive(Debug, Clone, Copy)]
pub struct ClientOptions {
    pub encoding: Encoding,
    /// 用教程的不分帧方式收发（演示问题用）。
    pub unframed: bool,
    /// 把读到的命令也打印出来。标准输入不是终端（脚本、测试、演示）时打开，
    /// 否则输出里只看得到提示符，看不出输入了什么。
    pub echo: bool,
}

// ANCHOR: client_loop
/// 客户端的主循环：提示 `cmd:>>>`，读一行，发给服务端，打印回答和它的字节数。
///
/// 空行跳过（和教程一样，不发给服务端）；`q` 或标准输入结束时退出。
pub fn run_client(
    mut stream: TcpStream,
    input: &mut impl BufRead,
    out: &mut impl Write,
    options: ClientOptions,
) -> Result<()> {
    let mut line = Vec::new();
    loop {
        write!(out, "{PROMPT}")?;
        out.flush()?;
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            writeln!(out)?;
            return Ok(());
        }
        // 不是合法 UTF-8 的输入照原样发出去，由服务端拒绝并说明原因。
        let command = trim_bytes(&line);
        if options.echo {
            writeln!(out, "{}", String::from_utf8_lossy(command))?;
        }
        if command.is_empty() {
            continue;
        }
        if command == b"q" {
            return Ok(());
        }
        let reply = if options.unframed {
            ask_unframed(&mut stream, command)
        } else {
            ask(&mut stream, command)
        }
        .context("没有收到服务端的回答")?;
        let text = options.encoding.decode(&reply);
        if text.starts_with("error: ") {
            write!(out, "{}", text.red())?;
        } else {
            write!(out, "{text}")?;
        }
        if !text.ends_with('\n') {
            writeln!(out)?;
        }
        writeln!(out, "receive data size {}", reply.len())?;
    }
}
// ANCHOR_END: client_loop

/// 去掉首尾的空白（字节版的 `str::trim`，只认 ASCII 空白）。
fn trim_bytes(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace());
    match (start, end) {
        (Some(s), Some(e)) => &bytes[s..=e],
        _ => &[],
    }
}

/// 给人看的字节数：`1000 字节`、`64 KiB`、`1.9 MiB`（而不是 1048576 这样的一长串数字）。
pub fn human_size(bytes: usize) -> String {
    const KIB: f64 = 1024.0;
    let unit = |value: f64, name: &str| {
        let text = format!("{value:.1}");
        format!("{} {name}", text.strip_suffix(".0").unwrap_or(&text))
    };
    match bytes as f64 {
        b if b < KIB => format!("{bytes} 字节"),
        b if b < KIB * KIB => unit(b / KIB, "KiB"),
        b => unit(b / (KIB * KIB), "MiB"),
    }
}

/// 命令行上的字节数：`65536`、`64KiB`、`1 MiB`（K、M 也行，都按 1024 算），在 `min..=max` 之间。
/// 超出范围、写错单位、大得溢出，都用中文说清楚，不会 panic。
pub fn size_arg(min: usize, max: usize) -> impl clap::builder::TypedValueParser<Value = usize> {
    move |text: &str| -> std::result::Result<usize, String> {
        let bad = || format!("应当是字节数（如 65536、64KiB、1MiB），而不是 {text:?}");
        let lower = text.trim().to_ascii_lowercase();
        let digits = lower
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(lower.len());
        let (number, unit) = lower.split_at(digits);
        let scale: usize = match unit.trim() {
            "" | "b" => 1,
            "k" | "kib" => 1024,
            "m" | "mib" => 1024 * 1024,
            _ => return Err(bad()),
        };
        let n = number
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_mul(scale))
            .ok_or_else(bad)?;
        if n < min || n > max {
            return Err(format!(
                "应当在 {}到 {} 之间，而不是 {}",
                human_size(min),
                human_size(max),
                human_size(n)
            ));
        }
        Ok(n)
    }
}

/// 连上服务端；连不上时告诉用户先启动服务端。
pub fn connect(host: &str, port: u16, timeout: std::time::Duration) -> Result<TcpStream> {
    support::connect(host, port, timeout, "09")
}
