//! 第 06 课：makefile 与缓冲读写。
//!
//! Python 的 `conn.makefile(mode='rw')` 把一个套接字包成“文件”：读的一侧带缓冲、按字符解码，
//! 写的一侧先攒在缓冲区里，`flush()` 时才真正交给套接字。Rust 里同样的事分成两个零件：
//! `BufReader` 管读、`BufWriter` 管写，两者各拿一个 `try_clone` 出来的句柄，指向同一条连接。
//! 这里放各程序共用、书里讲解、测试检查的代码；表格里每个套接字方法的例子在 [`methods`] 里。

use std::cell::RefCell;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use support::serve::{Conn, Guarded, Refusal};

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

/// 行服务端接受的最长一行（字节）。没有上限的 `read_line` 会被一个不发换行的对方撑爆内存。
pub const MAX_LINE: usize = 64 * 1024;

/// 客户端读一个回复（`l06-line-client` 是一行回复）最多读这么多字节。
/// 服务端的回复只比发出去的话多一个前缀，行服务端的一行又不超过 [`MAX_LINE`]；
/// 不设上限的 `read_to_end` / `read_line` 会把一个不停发字节的对方整个读进内存。
pub const MAX_REPLY: usize = 2 * MAX_LINE;

/// `l06-server --buffer` 的默认值（8 KiB，和 `BufReader` 的默认一样）。
pub const DEFAULT_BUFFER: usize = 8 << 10;

/// `l06-server --buffer` 的上限（1 MiB）：读缓冲区是每个连接预先分配的，不能由一个参数随意撑大。
pub const MAX_BUFFER: usize = 1 << 20;

/// 回复之后最多再读掉（丢弃）这么多字节，见 [`linger`]。
pub const DRAIN_LIMIT: u64 = 1 << 20;

/// 把字节数写成人看得懂的样子：`1 字节`、`8 KiB`、`1 MiB`、`1.5 KiB`。
pub fn human_size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (size, unit) in UNITS {
        if bytes >= size {
            return if bytes.is_multiple_of(size) {
                format!("{} {unit}", bytes / size)
            } else {
                format!("{:.1} {unit}", bytes as f64 / size as f64)
            };
        }
    }
    format!("{bytes} 字节")
}

/// 读命令行上的一个大小：`8192`、`8KiB`、`1MiB`（也认 `8K`、`1M`，不分大小写），
/// 要在 `min..=max` 之间；不对时用人看得懂的大小说清楚范围。
pub fn size_arg(min: u64, max: u64) -> impl clap::builder::TypedValueParser<Value = u64> {
    move |text: &str| -> Result<u64, String> {
        let text = text.trim();
        let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let (number, unit) = text.split_at(digits);
        let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kib" => 1 << 10,
            "m" | "mib" => 1 << 20,
            _ => {
                return Err(format!(
                    "应当是一个大小（如 8192、8KiB、1MiB），而不是 {text:?}"
                ))
            }
        };
        let (lo, hi) = (human_size(min), human_size(max));
        // “1 字节到 1 MiB”“1 KiB 到 1 MiB”：汉字和“到”之间不加空格，字母和“到”之间加。
        let gap = if lo.ends_with(|c: char| c.is_ascii()) {
            " "
        } else {
            ""
        };
        let range = format!("应当在 {lo}{gap}到 {hi} 之间");
        let n = number
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(scale))
            .ok_or_else(|| format!("{range}，而不是 {text}"))?;
        if n < min || n > max {
            return Err(format!("{range}，而不是 {text}"));
        }
        Ok(n)
    }
}

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

// ANCHOR: makefile
/// `conn.makefile(mode='rw')` 的 Rust 写法：读的一侧包成带缓冲的读者，写的一侧包成带缓冲的写者，
/// 两者拿着的是同一条连接，和教程版里的 `BufReader::new(&conn)`、`BufWriter::new(&conn)` 一样。
///
/// 连接包在 [`Guarded`] 里（空闲超时和最低速率，见第 04 课）：一直不说话的、一个字节一个字节地拖的
/// 对方，读和写都在有限的时间里失败，而不只是其中的每一次系统调用。`&TcpStream` 本来就实现了
/// `Read` 和 `Write`，`Guarded` 却要在每次读写时记账（改它的期限），只能用 `&mut`；
/// 所以把它放进 `RefCell`，[`Shared`] 在每一次读写的那一瞬间借用它。
///
/// 为什么不用 `try_clone` 复制一个句柄：那要多占一个文件描述符。描述符用完的时候，
/// 每个连接多占一个，就少接受一半的连接，还会让刚接受的连接因为复制不出句柄而被丢掉。
pub fn makefile(
    conn: &RefCell<Guarded>,
    capacity: usize,
) -> (BufReader<Shared<'_>>, BufWriter<Shared<'_>>) {
    (
        BufReader::with_capacity(capacity.max(1), Shared(conn)),
        BufWriter::new(Shared(conn)),
    )
}

/// 读写共用的一条连接（见 [`makefile`]）。同一个线程里读和写不会同时发生，借用不会冲突。
pub struct Shared<'a>(pub &'a RefCell<Guarded>);

impl Read for Shared<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.borrow_mut().read(buf)
    }
}

impl Write for Shared<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.borrow_mut().flush()
    }
}
// ANCHOR_END: makefile

// ANCHOR: serve_makefile
/// 处理一个连接，做的正是教程里 `makefile` 例子的事：读 10 个字符，回复，flush。
///
/// `capacity` 是读缓冲区的大小（默认 8 KiB）；设成 1 时每个多字节字符都会被拆开读，
/// 可以亲眼验证 [`read_chars`] 不怕字符被切开。`conn` 里的名额在函数返回时归还。
pub fn serve_makefile(conn: Conn, capacity: usize) -> io::Result<()> {
    let peer = conn.peer;
    let stream = RefCell::new(conn.stream);
    let idle = stream.borrow().idle();
    let (mut rfile, mut wfile) = makefile(&stream, capacity);

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
        // 一直不说话，或者慢得不像话（Guarded 报 TimedOut）：不回答，断开。
        Err(e) if support::is_timeout(&e) => {
            support::say(format!(
                "{peer} {} 秒没有收到完整的消息，断开连接",
                idle.as_secs()
            ));
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    // 回复从现在起重新计时：对方用掉的读的时间，不该算在我们写的头上。
    stream.borrow_mut().restart();
    wfile.write_all(reply.as_bytes())?;
    // 回复此刻还在 wfile 的缓冲区里，对方一个字节也没收到；flush 才把它交给套接字。
    wfile.flush()?;
    support::say(format!("{peer} 已回复并 flush：{reply}"));
    drop(wfile);
    if let Err(e) = linger(&stream, rfile) {
        if support::is_timeout(&e) {
            support::say(format!(
                "{peer} 回复之后还在慢慢地发，收尾到此为止，断开连接"
            ));
        }
    }
    Ok(())
}
// ANCHOR_END: serve_makefile

// ANCHOR: linger
/// 回复之后，先半关闭，再把对方多发的字节读掉，最后才关闭连接。返回读掉了多少字节。
///
/// 教程的服务端读了 10 个字符就 `close()`。如果对方多发的内容还没被读走，
/// Linux 会用 RST 而不是正常的 FIN 结束连接：对方读完回复，等来的不是 EOF 而是
/// “Connection reset by peer”，读到 EOF 才算完的客户端（`read_to_end`、Python 的 `f.read()`）
/// 会报错，连已经收到的回复一起丢掉。先 `shutdown(Write)` 让对方读到 EOF，
/// 再读掉剩下的，连接就能体面地结束。
///
/// 读掉多少、读多久都有上限：最多 [`DRAIN_LIMIT`] 字节；时间由 `rfile` 里的 [`Guarded`] 管，
/// 从现在起重新计时，一个回复之后还一个字节一个字节地拖着的对方，空闲超时一到就被断开。
pub fn linger(stream: &RefCell<Guarded>, rfile: BufReader<Shared<'_>>) -> io::Result<u64> {
    let _ = stream.borrow().inner().shutdown(Shutdown::Write);
    stream.borrow_mut().restart();
    io::copy(&mut rfile.take(DRAIN_LIMIT), &mut io::sink())
}
// ANCHOR_END: linger

// ANCHOR: refuse
/// 拒绝一个连接（名额满了、开不了线程）：用这个协议自己的样子写一句说明，然后体面地关闭。
///
/// `line` 为 true 时说明后面加一个换行（行服务端一行一个回复），否则不加（makefile 服务端的回复没有换行）。
pub fn refuse(stream: &mut TcpStream, why: Refusal, line: bool) {
    let end = if line { "\n" } else { "" };
    let _ = write!(stream, "错误：{}{end}", why.message());
    let _ = stream.shutdown(Shutdown::Write);
    // 对方可能已经发来了它的话。带着没读的字节关闭会变成 RST，对方可能读不到上面那句说明：
    // 把已经到了的读掉（不等还没到的，免得一个被拒绝的对方拖住接受连接的主循环）。
    if stream.set_nonblocking(true).is_ok() {
        let mut buf = [0u8; 4096];
        for _ in 0..16 {
            match stream.read(&mut buf) {
                Ok(n) if n > 0 => continue,
                _ => break,
            }
        }
    }
}
// ANCHOR_END: refuse

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
            "回复超过了 {} 还没有结束，不再读下去（makefile 服务端的回复只有几十个字节，连上的是它吗？）",
            human_size(MAX_REPLY as u64)
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
///
/// 每一行都要在空闲超时之内说完（一个字节一个字节地拖也不行）；答完一行，下一行重新计时。
pub fn serve_lines(conn: Conn, flush_each: bool) -> io::Result<usize> {
    let peer = conn.peer;
    let stream = RefCell::new(conn.stream);
    let idle = stream.borrow().idle();
    let (mut rfile, mut wfile) = makefile(&stream, DEFAULT_BUFFER);
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
                let max = human_size(MAX_LINE as u64);
                support::say(format!("{peer} 一行超过 {max}，断开连接"));
                let msg = format!("错误：一行不能超过 {max}，连接将关闭\n");
                wfile.write_all(msg.as_bytes())?;
                break;
            }
            Ok(Line::Eof) => {
                support::say(format!("{peer} 关闭了连接"));
                break;
            }
            Err(e) if support::is_timeout(&e) => {
                support::say(format!(
                    "{peer} {} 秒内没有说完一行（一直不说话，或者太慢），断开连接",
                    idle.as_secs()
                ));
                let _ = wfile.flush();
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
        // 这一行答完了：读下一行、写下一个回复，都重新计时。
        stream.borrow_mut().restart();
    }
    // 连接结束前一定 flush：BufWriter 被丢弃时也会 flush，但那时出了错只能被悄悄忽略。
    wfile.flush()?;
    drop(wfile);
    let _ = linger(&stream, rfile);
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
        sent.with_context(|| {
            format!(
                "发送失败，服务端断开了连接。重新启动它：{}",
                support::command_line("lesson 06 line-server")
            )
        })?;
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
            "服务端的一行回复超过了 {} 还没有换行，不再读下去（行服务端的回复只比你发的那一行长 16 个字节）",
            human_size(MAX_REPLY as u64)
        ),
        Line::Eof => String::new(),
    })
}
// ANCHOR_END: chat_lines
