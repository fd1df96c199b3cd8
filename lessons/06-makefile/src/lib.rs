//! 第 06 课：makefile 与缓冲读写。
//!
//! Python 的 `conn.makefile(mode='rw')` 把一个套接字包成“文件”：读的一侧带缓冲、按字符解码，
//! 写的一侧先攒在缓冲区里，`flush()` 时才真正交给套接字。Rust 里同样的事分成两个零件：
//! `BufReader` 管读、`BufWriter` 管写，两者各拿一个 `try_clone` 出来的句柄，指向同一条连接。
//! 这里放各程序共用、书里讲解、测试检查的代码；表格里每个套接字方法的例子在 [`methods`] 里。

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

use anyhow::{bail, Context, Result};

pub mod methods;

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

/// 教程里的端口。两个服务端都用它，所以同一时刻只能开其中一个（或者给一个 `--port 0`）。
pub const DEFAULT_PORT: u16 = 9999;

/// 教程里 `f.read(10)` 的 10：服务端读这么多个**字符**。
pub const MSG_CHARS: usize = 10;

/// 回复的前缀，与教程一字不差，Python 程序和 Rust 程序因此能互相对话。
pub const REPLY_PREFIX: &str = "Return your msg:";

/// 客户端默认发送的话：11 个汉字、33 个字节，服务端只取前 10 个字符。
pub const EXAMPLE: &str = "你好世界和平万岁一二三";

/// 服务端默认的空闲超时（秒）：客户端这么久一个字节也不发，就断开它。
pub const DEFAULT_IDLE_SECS: u64 = 30;

/// 行服务端接受的最长一行（字节）。没有上限的 `read_line` 会被一个不发换行的对方撑爆内存。
pub const MAX_LINE: usize = 64 * 1024;

/// 客户端读一个回复（`l06-line-client` 是一行回复）最多读这么多字节。
/// 服务端的回复只比发出去的话多一个前缀，行服务端的一行又不超过 [`MAX_LINE`]；
/// 不设上限的 `read_to_end` / `read_line` 会把一个不停发字节的对方整个读进内存。
pub const MAX_REPLY: usize = 2 * MAX_LINE;

/// `l06-server --buffer` 的上限（1 MiB）：读缓冲区是每个连接预先分配的，不能由一个参数随意撑大。
pub const MAX_BUFFER: usize = 1 << 20;

/// 回复之后最多再读掉（丢弃）这么多字节，见 [`linger`]。
pub const DRAIN_LIMIT: u64 = 1 << 20;

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

// ANCHOR: read_chars
/// 读出至多 `n` 个**字符**（不是字节），相当于 Python 文本模式下的 `f.read(n)`。
///
/// - 读够 `n` 个字符就停下；多出来的字节还留在 `reader` 的缓冲区里，下次照样能读到。
/// - 对方先关闭了连接（EOF），就返回已经读到的部分：可能不足 `n` 个，甚至是空串，和 Python 一样。
/// - 一个汉字在 UTF-8 里占 3 个字节，TCP 可能把它切在两次读之间。不完整的字节先放进
///   `pending`，凑齐一个字符再解码，所以字符怎样被切开都不要紧。
/// - 不是合法的 UTF-8，或者连接断在一个字符的中间，返回 `InvalidData` 错误，由调用者决定怎么回答。
pub fn read_chars(reader: &mut impl BufRead, n: usize) -> io::Result<String> {
    let mut text = String::new();
    let mut count = 0;
    let mut offset = 0; // 已经消费的字节数，报错时告诉对方坏在哪里
    let mut pending: Vec<u8> = Vec::with_capacity(4);
    while count < n {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            if pending.is_empty() {
                return Ok(text);
            }
            return Err(invalid(format!(
                "连接在一个字符的中间断开了：最后的字节 {} 不是完整的 UTF-8 字符",
                hex(&pending)
            )));
        }
        // 一个字节一个字节地看：每凑齐一个字符就数一个，数够了立刻停，不多拿。
        let mut used = 0;
        let mut bad = false;
        for &byte in available {
            used += 1;
            pending.push(byte);
            match std::str::from_utf8(&pending) {
                Ok(ch) => {
                    text.push_str(ch);
                    pending.clear();
                    count += 1;
                    if count == n {
                        break;
                    }
                }
                // error_len() 为 None：目前是合法的开头，只是字符还没收齐，接着读。
                Err(e) if e.error_len().is_none() => {}
                Err(_) => {
                    bad = true;
                    break;
                }
            }
        }
        // 告诉 BufReader 这些字节用掉了；没用掉的留给下一次读。
        reader.consume(used);
        offset += used;
        if bad {
            return Err(invalid(format!(
                "收到的不是合法的 UTF-8（第 {} 个字节附近：{}），请用 UTF-8 编码发送文字",
                offset,
                hex(&pending)
            )));
        }
    }
    Ok(text)
}
// ANCHOR_END: read_chars

// ANCHOR: serve_makefile
/// 处理一个连接，做的正是教程里 `makefile` 例子的事：读 10 个字符，回复，flush。
///
/// `capacity` 是读缓冲区的大小（默认 8 KiB）；设成 1 时每个多字节字符都会被拆开读，
/// 可以亲眼验证 [`read_chars`] 不怕字符被切开。
pub fn serve_makefile(stream: TcpStream, idle: Duration, capacity: usize) -> io::Result<()> {
    let peer = stream.peer_addr()?;
    // 一直不说话的客户端不能永远占着这个连接：读和写都有超时。
    stream.set_read_timeout(Some(idle))?;
    stream.set_write_timeout(Some(idle))?;
    // makefile(mode='rw') 的 Rust 写法：同一条连接的两个句柄，一个包成带缓冲的读者，
    // 一个包成带缓冲的写者。try_clone 复制的是句柄（文件描述符），不是连接。
    let mut rfile = BufReader::with_capacity(capacity.max(1), stream.try_clone()?);
    let mut wfile = BufWriter::new(stream.try_clone()?);

    let reply = match read_chars(&mut rfile, MSG_CHARS) {
        Ok(text) => {
            support::say(format!(
                "{peer} 读到 {} 个字符（{} 字节）：{text}",
                text.chars().count(),
                text.len()
            ));
            format!("{REPLY_PREFIX}{text}")
        }
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            support::say(format!("{peer} 数据有问题：{e}"));
            format!("错误：{e}")
        }
        Err(e) if support::is_timeout(&e) => {
            support::say(format!(
                "{peer} {} 秒没有收到完整的消息，断开连接",
                idle.as_secs()
            ));
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    wfile.write_all(reply.as_bytes())?;
    // 回复此刻还在 wfile 的缓冲区里，对方一个字节也没收到；flush 才把它交给套接字。
    wfile.flush()?;
    support::say(format!("{peer} 已回复并 flush：{reply}"));
    linger(&stream, rfile);
    Ok(())
}
// ANCHOR_END: serve_makefile

// ANCHOR: linger
/// 回复之后，先半关闭，再把对方多发的字节读掉，最后才关闭连接。
///
/// 教程的服务端读了 10 个字符就 `close()`。如果对方多发的内容还没被读走，
/// Linux 会用 RST 而不是正常的 FIN 结束连接：对方读完回复，等来的不是 EOF 而是
/// “Connection reset by peer”，读到 EOF 才算完的客户端（`read_to_end`、Python 的 `f.read()`）
/// 会报错，连已经收到的回复一起丢掉。先 `shutdown(Write)` 让对方读到 EOF，
/// 再读掉剩下的（有上限、有超时），连接就能体面地结束。
pub fn linger(stream: &TcpStream, rfile: BufReader<TcpStream>) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = io::copy(&mut rfile.take(DRAIN_LIMIT), &mut io::sink());
}
// ANCHOR_END: linger

// ANCHOR: ask
/// 客户端的一问一答：发出 `msg`，告诉服务端“我说完了”，读回复直到服务端关闭连接。
///
/// 为什么要半关闭（`shutdown(Write)`）：消息不足 10 个字符时，服务端的 `read_chars` 还在等下文；
/// 半关闭后它读到 EOF，就拿已经收到的部分作答，和 Python 的 `f.read(10)` 一样。
/// 回复最多读 [`MAX_REPLY`] 字节：超过了还没完，就不是这个服务端会给的回复，报错停下。
pub fn ask(stream: &TcpStream, msg: &str) -> io::Result<Vec<u8>> {
    let mut wfile = BufWriter::new(stream);
    wfile.write_all(msg.as_bytes())?;
    // 先 flush 再 shutdown：反过来的话，消息还在缓冲区里，服务端只会读到一个空的 EOF。
    wfile.flush()?;
    stream.shutdown(Shutdown::Write)?;
    let mut reply = Vec::new();
    // 多读 1 个字节，用来发现“超过了上限”。
    BufReader::new(stream)
        .take(MAX_REPLY as u64 + 1)
        .read_to_end(&mut reply)?;
    if reply.len() > MAX_REPLY {
        return Err(invalid(format!(
            "回复超过了 {MAX_REPLY} 字节还没有结束，不再读下去（makefile 服务端的回复只有几十个字节，连上的是它吗？）"
        )));
    }
    Ok(reply)
}
// ANCHOR_END: ask

/// 客户端程序的主体：连接、发送、打印回复。
pub fn run_client(host: &str, port: u16, timeout: Duration, msg: &str) -> Result<()> {
    let stream = support::connect(host, port, timeout, "06")?;
    support::say(format!(
        "发送：{msg}（{} 个字符，{} 字节）",
        msg.chars().count(),
        msg.len()
    ));
    let reply = ask(&stream, msg).context("和服务端的对话没有完成")?;
    if reply.is_empty() {
        bail!("服务端没有回复就关闭了连接（它是不是等得不耐烦，先断开了？）");
    }
    match String::from_utf8(reply) {
        Ok(text) => support::say(format!("收到：{text}")),
        Err(e) => support::say(format!(
            "收到（不是合法的 UTF-8，按替换字符显示）：{}",
            String::from_utf8_lossy(e.as_bytes())
        )),
    }
    Ok(())
}

/// 按行读的一次结果。
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// 一行文字（已去掉行尾的 `\n` 或 `\r\n`）；最后一行没有换行也算。
    Text(String),
    /// 这一行不是合法的 UTF-8。
    NotUtf8,
    /// 这一行超过了上限还没有换行。
    TooLong,
    /// 对方关闭了连接，没有更多的行了。
    Eof,
}

// ANCHOR: next_line
/// 读一行，最多 `max` 字节。这是 `lines()` 的稳妥版：`lines()` 对一行的长度没有上限，
/// 遇到非法 UTF-8 就直接报错结束；这里把两种情况都变成可以回答对方的结果。
pub fn next_line(reader: &mut impl BufRead, max: usize) -> io::Result<Line> {
    let mut bytes = Vec::new();
    // take 给这一次读加上上限：最多 max + 1 字节，多出的那 1 个字节用来发现“超长”。
    let n = reader.take(max as u64 + 1).read_until(b'\n', &mut bytes)?;
    if n == 0 {
        return Ok(Line::Eof);
    }
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    } else if bytes.len() > max {
        return Ok(Line::TooLong);
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => Line::Text(text),
        Err(_) => Line::NotUtf8,
    })
}
// ANCHOR_END: next_line

// ANCHOR: serve_lines
/// 行服务端的一个连接：每收到一行，回复 `Return your msg:<这一行>` 加换行。
///
/// `flush_each` 为 `false` 就是故意写错的版本：回复只写进 `BufWriter`，
/// 8 KiB 的缓冲区远没写满，所以一个字节也不会发出去，直到连接结束时最后那次 flush。
/// 对方等着回复，服务端等着下一行——谈话就这样卡住了。
pub fn serve_lines(stream: TcpStream, idle: Duration, flush_each: bool) -> io::Result<usize> {
    let peer = stream.peer_addr()?;
    stream.set_read_timeout(Some(idle))?;
    stream.set_write_timeout(Some(idle))?;
    let mut rfile = BufReader::new(stream.try_clone()?);
    let mut wfile = BufWriter::new(stream.try_clone()?);
    let mut replies = 0;
    loop {
        let reply = match next_line(&mut rfile, MAX_LINE) {
            Ok(Line::Text(text)) => {
                support::say(format!("{peer} 收到一行：{text}"));
                format!("{REPLY_PREFIX}{text}\n")
            }
            Ok(Line::NotUtf8) => {
                support::say(format!("{peer} 收到一行非法的 UTF-8"));
                "错误：这一行不是合法的 UTF-8，请用 UTF-8 编码发送文字\n".to_string()
            }
            Ok(Line::TooLong) => {
                support::say(format!("{peer} 一行超过 {MAX_LINE} 字节，断开连接"));
                let msg = format!("错误：一行不能超过 {MAX_LINE} 字节，连接将关闭\n");
                wfile.write_all(msg.as_bytes())?;
                break;
            }
            Ok(Line::Eof) => {
                support::say(format!("{peer} 关闭了连接"));
                break;
            }
            Err(e) if support::is_timeout(&e) => {
                support::say(format!("{peer} {} 秒没有说话，断开连接", idle.as_secs()));
                wfile.flush()?;
                return Ok(replies);
            }
            Err(e) => return Err(e),
        };
        wfile.write_all(reply.as_bytes())?;
        replies += 1;
        if flush_each {
            // 这一句就是本课的主角：没有它，回复只是躺在缓冲区里。
            wfile.flush()?;
        }
    }
    // 连接结束前一定 flush：BufWriter 被丢弃时也会 flush，但那时出了错只能被悄悄忽略。
    wfile.flush()?;
    linger(&stream, rfile);
    Ok(replies)
}
// ANCHOR_END: serve_lines

// ANCHOR: chat_lines
/// 行客户端：把 `input` 的每一行发给服务端，等它的回复再发下一行；空行或 EOF 结束。
///
/// 等回复有超时（连接上设置的读超时）。等不到时不直接放弃，而是半关闭再看一眼：
/// 如果回复这时才“迟到”，说明它一直躺在服务端的缓冲区里——服务端忘了 flush。
pub fn chat_lines(stream: &TcpStream, input: impl BufRead, timeout: Duration) -> Result<()> {
    let mut rfile = BufReader::new(stream);
    let mut wfile = BufWriter::new(stream);
    for line in input.lines() {
        let line = line.context("读标准输入失败")?;
        if line.is_empty() {
            break;
        }
        support::say(format!("发送：{line}"));
        let sent = writeln!(wfile, "{line}").and_then(|()| wfile.flush());
        sent.context("发送失败，服务端断开了连接。重新启动它：just lesson 06 line-server")?;
        match next_line(&mut rfile, MAX_REPLY) {
            Ok(Line::Eof) => bail!("服务端还没回复就关闭了连接"),
            Ok(reply) => support::say(format!("收到：{}", reply_text(reply)?)),
            Err(e) if support::is_timeout(&e) => {
                support::say(format!(
                    "等了 {} 秒也没收到回复。半关闭，看看服务端收尾时会不会把回复吐出来……",
                    timeout.as_secs()
                ));
                stream.shutdown(Shutdown::Write).context("半关闭失败")?;
                // 迟到的回复也有上限：一共最多读 MAX_REPLY 字节。
                let mut late = rfile.take(MAX_REPLY as u64);
                while let Ok(reply) = next_line(&mut late, MAX_REPLY) {
                    if reply == Line::Eof {
                        break;
                    }
                    support::say(format!("迟到的回复：{}", reply_text(reply)?));
                }
                bail!("服务端没有及时回复：回复一直留在它的缓冲区里，它是不是忘了 flush？");
            }
            Err(e) => return Err(e).context("读回复失败"),
        }
    }
    // 告诉服务端“我说完了”（半关闭），它读到 EOF 就会结束这个连接。
    stream.shutdown(Shutdown::Write).context("半关闭失败")?;
    Ok(())
}

/// 行客户端收到的一行回复，变成可以打印的文字；太长的一行是错误，不再读下去。
fn reply_text(reply: Line) -> Result<String> {
    Ok(match reply {
        Line::Text(text) => text,
        Line::NotUtf8 => "（这一行不是合法的 UTF-8）".to_string(),
        Line::TooLong => bail!(
            "服务端的一行回复超过了 {MAX_REPLY} 字节还没有换行，不再读下去（行服务端的回复只比你发的那一行长 16 个字节）"
        ),
        Line::Eof => String::new(),
    })
}
// ANCHOR_END: chat_lines
