//! 客户端：上传一个文件、下载一个文件，两头都核对 SHA-256。

use std::fs::{self, File};
use std::io::{self, BufReader, IsTerminal, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lesson_08::frame::read_delimited;

use crate::transfer::{copy_exact, TempFile};
use crate::upload::{parse_digest, parse_reply, Reply, MAX_HEADER_BYTES};

/// 一次传输的结果。
#[derive(Debug)]
pub struct Transfer {
    pub size: u64,
    pub sha256: String,
    pub elapsed: Duration,
}

impl Transfer {
    /// 速度，`12.3 MiB/s`：和进度条用同一套单位。
    pub fn rate(&self) -> String {
        crate::size::rate(self.size, self.elapsed.as_secs_f64())
    }
}

// ANCHOR: upload
/// 把 `path` 上传成服务端的 `name`：请求头一行，正好 `size` 个字节，然后读回答、核对摘要。
/// 不用半关闭：服务端收够说好的字节数就回答，连接还可以接着用。
pub fn upload(stream: &TcpStream, path: &Path, name: &str, bar: &ProgressBar) -> Result<Transfer> {
    // 换行会把请求头截成两半，这样的名字根本没法写进协议。其余的规矩由服务端判断。
    ensure!(!name.contains('\n'), "文件名里不能有换行符：{name:?}");
    let mut file = File::open(path).with_context(|| format!("打不开 {}", path.display()))?;
    let meta = file.metadata()?;
    ensure!(meta.is_file(), "{} 不是一个普通文件", path.display());
    let size = meta.len();
    bar.set_length(size);

    let started = Instant::now();
    let mut conn = stream;
    let sent = conn
        .write_all(format!("post|{size}|{name}\n").as_bytes())
        .and_then(|()| {
            copy_exact(&mut file, &mut conn, size, &mut |done| {
                bar.set_position(done)
            })
        });
    let mut reader = BufReader::new(stream);
    let local_sha = match sent {
        Ok(sha) => {
            waiting_for_server(bar);
            sha
        }
        // 文件在发送途中变短了：对方等不到说好的字节数，我们关掉连接，它会丢弃已收到的部分。
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            bail!("{} 在发送途中变短了，上传作废", path.display())
        }
        // 发不下去了：多半是服务端拒绝了请求并关闭了连接。它的回答可能已经在路上，读出来给用户看。
        Err(e) => match read_reply(&mut reader) {
            Ok(Reply::Error(reason)) => bail!("服务端拒绝了上传：{reason}"),
            _ => return Err(anyhow!(e).context("发送文件内容时连接断开了")),
        },
    };
    match read_reply(&mut reader)? {
        Reply::Error(reason) => bail!("服务端拒绝了上传：{reason}"),
        Reply::Stored { size: got, sha256 } => {
            ensure!(
                got == size && sha256 == local_sha,
                "服务端收到的和本地文件不一致：本地 {size} 字节 {local_sha}，服务端 {got} 字节 {sha256}"
            );
            Ok(Transfer {
                size,
                sha256,
                elapsed: started.elapsed(),
            })
        }
        Reply::Sending { .. } => bail!("服务端的回答不对：上传的回答应当带着摘要"),
    }
}
// ANCHOR_END: upload

// ANCHOR: download
/// 下载 `name`，保存到 `out`：`ok <大小>`、内容、`sha256 <摘要>`。先写临时文件，
/// 字节数和 SHA-256 都对上才换成 `out` 这个名字；`out` 已经存在时，除非 `force`，否则不覆盖。
pub fn download(
    stream: &TcpStream,
    name: &str,
    out: &Path,
    force: bool,
    bar: &ProgressBar,
) -> Result<Transfer> {
    ensure!(!name.contains('\n'), "文件名里不能有换行符：{name:?}");
    check_output(out, force)?;
    let started = Instant::now();
    let mut conn = stream;
    conn.write_all(format!("get|{name}\n").as_bytes())
        .context("发送请求失败")?;

    let mut reader = BufReader::new(stream);
    let size = match read_reply(&mut reader)? {
        Reply::Error(reason) => bail!("服务端拒绝了下载：{reason}"),
        Reply::Sending { size } => size,
        Reply::Stored { .. } => bail!("服务端的回答不对：下载的回答应当是 ok <大小>"),
    };
    bar.set_length(size);
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut temp = TempFile::create_in(dir, ".download-")
        .with_context(|| format!("无法在 {} 里创建临时文件", dir.display()))?;
    let got = copy_exact(&mut reader, &mut temp, size, &mut |done| {
        bar.set_position(done)
    })
    .context("下载没有完成，收到的部分已丢弃")?;
    // 摘要在内容后面：服务端边发边算，我们边收边算，最后对一下。
    let line = read_delimited(&mut reader, b'\n', MAX_HEADER_BYTES)
        .context("等内容后面的摘要时出错，收到的部分已丢弃")?
        .ok_or_else(|| anyhow!("服务端发完内容就关闭了连接，没有给出摘要，收到的部分已丢弃"))?;
    let sha256 = parse_digest(&line).map_err(|e| anyhow!(e))?;
    ensure!(
        got == sha256,
        "收到的内容和服务端说的 SHA-256 不一致，已丢弃：服务端说 {sha256}，实际 {got}"
    );
    temp.commit(out, force).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => {
            anyhow!(
                "{} 已经存在，没有覆盖它（加 --force 才覆盖）",
                out.display()
            )
        }
        _ => anyhow!(e).context(format!("保存到 {} 失败", out.display())),
    })?;
    Ok(Transfer {
        size,
        sha256,
        elapsed: started.elapsed(),
    })
}
// ANCHOR_END: download

/// 本地的目标文件已经存在而又没有 `--force` 时，在连接服务端之前就停下。
pub fn check_output(out: &Path, force: bool) -> Result<()> {
    if !force && fs::symlink_metadata(out).is_ok() {
        bail!(
            "{} 已经存在，没有覆盖它（加 --force 才覆盖）",
            out.display()
        );
    }
    Ok(())
}

/// 读服务端的回答行。回答最多一行，超过上限就是对方不按协议说话。
fn read_reply(reader: &mut BufReader<&TcpStream>) -> Result<Reply> {
    let line = read_delimited(reader, b'\n', MAX_HEADER_BYTES)
        .context("等服务端的回答时出错")?
        .ok_or_else(|| anyhow!("服务端没有回答就关闭了连接（看看服务端的输出）"))?;
    parse_reply(&line).map_err(|e| anyhow!(e))
}

// ANCHOR: progress
/// 进度条：百分比、已传 / 总共（MiB）、速度（MiB/s），和结束时的总结用同一套单位。
const MOVING: &str =
    "{bar:40.cyan/blue} {percent:>3}% {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} 剩余 {eta}";
/// 字节都发完了，服务端还要写盘、fsync、核对摘要才回答：进度条停在 100%，说明在等什么。
const WAITING: &str = "{bar:40.cyan/blue} {percent:>3}% {binary_bytes}/{binary_total_bytes} {msg}";

/// 总长度由 [`upload`] / [`download`] 知道后再设。标准错误是终端时显示进度条；接到管道或文件时（测试、脚本、演示）什么都不画，
/// 否则日志里会塞满 `\r` 和颜色控制字符。
pub fn progress_bar() -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(MOVING) {
        bar.set_style(style);
    }
    bar
}

/// 最后一个字节发出去了：换成“等服务端”的样子，马上画出来（平时的重画有频率限制，这一次不能省）。
fn waiting_for_server(bar: &ProgressBar) {
    if let Ok(style) = ProgressStyle::with_template(WAITING) {
        bar.set_style(style);
    }
    bar.set_message("等服务端写盘并核对 SHA-256……");
    bar.force_draw();
}
// ANCHOR_END: progress
