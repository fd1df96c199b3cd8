//! 第 03 课：第一个 TCP 服务端与客户端。
//!
//! 教程里的 Python 服务端走七步：socket → bind → listen → accept → recv → send → close；
//! 客户端走五步：socket → connect → send → recv → close。这里是这两段流程的 Rust 版，
//! 再加上一个最小的 HTTP GET 客户端。程序（`src/bin/*.rs`）只解析参数，然后调用这里。

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Chain, Cursor, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, ensure, Context, Result};
use lesson_02::bytes_literal;
use support::{is_timeout, say};

pub mod teardown;

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

/// 教程里服务端和客户端约定的端口。
pub const DEFAULT_PORT: u16 = 8888;
/// 服务端一次最多读多少字节，也就是教程里的 `recv(1024)`。
pub const BUF_SIZE: usize = 1024;
/// 服务端的回复。
pub const REPLY: &str = "我是Server";
/// 客户端默认发送的话。
pub const GREETING: &str = "你是who?";
/// 客户端最多收多少字节的回复；再多就不是这个服务端了。
pub const MAX_REPLY: usize = 64 * 1024;

// ANCHOR: serve_once
/// 接待一个客户端：accept → 读一次（最多 1024 字节）→ 打印 → 回复 → 关闭。
///
/// Python 的第 1 到第 3 步（socket、bind、listen）在调用这里之前已经由
/// `TcpListener::bind` 一次做完了。
pub fn serve_once(listener: &TcpListener, idle: Duration) -> Result<()> {
    // 第 4 步 accept：一直等到有客户端完成三次握手，然后交给我们一条新连接和对方的地址。
    // listener 只负责接待；之后的收发都在这条新连接 stream 上进行。
    let (mut stream, peer) = listener.accept().context("接受连接失败")?;
    say(format!("客户端 {peer} 连上了"));

    // ANCHOR: timeout
    // 客户端连上以后一直不说话，服务端不能陪它等一辈子：读和写都设上超时。
    stream.set_read_timeout(Some(idle))?;
    stream.set_write_timeout(Some(idle))?;
    // ANCHOR_END: timeout

    // 第 5 步 recv：只读一次，最多 1024 个字节。
    let data = read_message(&mut stream).map_err(|err| explain_read_error(err, idle))?;
    for line in describe("收到", &data) {
        say(line);
    }

    // 第 6 步 send：回复是字节，字符串要先编码成 UTF-8。
    send_reply(&mut stream).context("回复没能送出：客户端可能已经断开")?;
    say(format!(
        "已回复：{REPLY}（{} 个字节），关闭连接",
        REPLY.len()
    ));
    Ok(())
    // 第 7 步 close：stream 在这里离开作用域，连接随之关闭。Rust 里的 close 就是 drop。
}
// ANCHOR_END: serve_once

// ANCHOR: read_reply
/// 读一次，最多 [`BUF_SIZE`] 个字节。读到 0 个字节表示对方已经半关闭或关闭了连接：它说完了。
///
/// 注意“最多”两个字：一次 `read` 交回的是此刻已经到达的数据，
/// 可能比对方发的少，也可能把对方的两次发送连在一起（第 08 课专门讲）。
pub fn read_message(stream: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut buf = [0u8; BUF_SIZE];
    let n = read_retrying(stream, &mut buf)?;
    Ok(buf[..n].to_vec())
}

/// 把回复完整地写出去。`write` 可能只写出一部分，`write_all` 会一直写到全部交给系统
/// 为止，相当于 Python 的 `sendall`，而不是 `send`。
pub fn send_reply(stream: &mut impl Write) -> io::Result<()> {
    stream.write_all(REPLY.as_bytes())
}
// ANCHOR_END: read_reply

/// `read` 被信号打断（`Interrupted`）时重读一次，这不是错误。
fn read_retrying(stream: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match stream.read(buf) {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

// ANCHOR: explain_read_error
fn explain_read_error(err: io::Error, idle: Duration) -> anyhow::Error {
    if is_timeout(&err) {
        anyhow!(
            "客户端连上以后 {} 秒内什么也没有发送，服务端不再等它（可以用 --idle-timeout 调整）",
            idle.as_secs()
        )
    } else {
        anyhow::Error::new(err).context("读取客户端的数据失败：客户端可能中途断开了")
    }
}
// ANCHOR_END: explain_read_error

// ANCHOR: describe
/// 字节形式最多显示这么多个字节、文字最多显示这么多个字符：一行放得下，再长只显示开头。
pub const SHOWN_BYTES: usize = 32;
/// 见 [`SHOWN_BYTES`]。
pub const SHOWN_CHARS: usize = 16;

/// 把收到的字节说给人听：先按 Python 的样子写成 bytes 字面量，再解码成文字。
///
/// 网络上来的只是字节，不保证是合法的 UTF-8：坏字节显示为 �，并说明原因，绝不 panic。
/// `what` 是第一行的开头（服务端写“收到”，客户端写“收到回复”）。
pub fn describe(what: &str, data: &[u8]) -> Vec<String> {
    let shown = &data[..data.len().min(SHOWN_BYTES)];
    let more = if data.len() > SHOWN_BYTES {
        format!("…（只显示前 {SHOWN_BYTES} 个字节）")
    } else {
        String::new()
    };
    let mut lines = vec![format!(
        "{what} {} 个字节：{}{more}",
        data.len(),
        bytes_literal(shown)
    )];
    if data.is_empty() {
        lines.push("对方什么也没发就半关闭了连接（读到 0 个字节就是“对方说完了”）".into());
        return lines;
    }
    lines.push(text_line(data));
    if data.len() == BUF_SIZE {
        lines.push(format!(
            "缓冲区读满了：这个服务端只读一次、最多 {BUF_SIZE} 个字节，对方后面的数据没有读"
        ));
    }
    lines
}

/// 按 UTF-8 解码的那一行。
pub fn text_line(data: &[u8]) -> String {
    let lossy = String::from_utf8_lossy(data);
    let count = lossy.chars().count();
    let mut text: String = lossy.chars().take(SHOWN_CHARS).collect();
    let mut notes = Vec::new();
    if count > SHOWN_CHARS {
        text.push('…');
        notes.push(format!("共 {count} 个字符，只显示前 {SHOWN_CHARS} 个"));
    }
    if let Err(err) = std::str::from_utf8(data) {
        notes.push(match err.error_len() {
            // 末尾是一个没收全的字符：不是对方发错了，而是我们只读到了它的前半截。
            None => format!(
                "最后 {} 个字节是一个被截断的字符，显示为 �",
                data.len() - err.valid_up_to()
            ),
            Some(_) => format!(
                "从第 {} 个字节起不是合法的 UTF-8，坏字节显示为 �",
                err.valid_up_to() + 1
            ),
        });
    }
    if notes.is_empty() {
        format!("按 UTF-8 解码：{text}")
    } else {
        format!("按 UTF-8 解码：{text}（{}）", notes.join("；"))
    }
}
// ANCHOR_END: describe

// ANCHOR: ask
/// 客户端的一问一答：发出 `text`，说“我发完了”，再把回复一直读到服务端关闭连接。
pub fn send_and_receive(stream: &mut TcpStream, text: &str) -> Result<Reply> {
    // 字符串先编码成 UTF-8 字节；write_all 保证全部发出（Python 的 sendall）。
    stream
        .write_all(text.as_bytes())
        .context("发送失败：服务端可能已经关闭了连接")?;
    // 半关闭：只关掉我们的发送方向。服务端的 read 会读到 0 个字节，知道我们说完了；
    // 我们仍然可以接收。
    // 这一步失败只说明连接已经断了，下面的读会报告真正的原因。
    let _ = stream.shutdown(Shutdown::Write);

    let timeout = stream.read_timeout().ok().flatten();
    // ANCHOR: read_to_eof
    let mut bytes = Vec::new();
    let mut buf = [0u8; BUF_SIZE];
    // 回复可能分几次到达，所以一直读到 0（服务端关闭了连接）为止。
    while bytes.len() < MAX_REPLY {
        match read_retrying(stream, &mut buf) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            // 服务端没读完我们的数据就关了连接，系统会发出“重置”（RST）。
            // 在那之前已经到达的回复仍然有效，留下它并如实告诉用户。
            Err(err) if err.kind() == io::ErrorKind::ConnectionReset && !bytes.is_empty() => {
                return Ok(Reply {
                    bytes,
                    reset: true,
                    cut: false,
                });
            }
            Err(err) => return Err(explain_reply_error(err, timeout)),
        }
    }
    // ANCHOR_END: read_to_eof
    if bytes.is_empty() {
        bail!("服务端没有回复任何内容就关闭了连接");
    }
    // 没有读到 0 就离开了循环：回复到了上限，后面还有没有、有多少，我们没再读。
    let cut = bytes.len() >= MAX_REPLY;
    Ok(Reply {
        bytes,
        reset: false,
        cut,
    })
}
// ANCHOR_END: ask

/// 服务端的回复。
#[derive(Debug)]
pub struct Reply {
    pub bytes: Vec<u8>,
    /// 收到回复之后，连接被服务端重置了（它没读完我们发的全部数据）。
    pub reset: bool,
    /// 回复达到了 [`MAX_REPLY`] 的上限，后面的部分没有读。
    pub cut: bool,
}

fn explain_reply_error(err: io::Error, timeout: Option<Duration>) -> anyhow::Error {
    if is_timeout(&err) {
        let secs = timeout.map_or(0, |t| t.as_secs());
        anyhow!("服务端 {secs} 秒内没有回复完（可以用 --timeout 调整）")
    } else if err.kind() == io::ErrorKind::ConnectionReset {
        anyhow::Error::new(err).context(
            "连接被服务端重置，一个字的回复也没收到：服务端可能没读完我们发的数据就关闭了连接",
        )
    } else {
        anyhow::Error::new(err).context("接收回复失败")
    }
}

// ---------------------------------------------------------------------------
// HTTP GET 客户端
// ---------------------------------------------------------------------------

/// `python3 -m http.server` 的默认端口。
pub const HTTP_DEFAULT_PORT: u16 = 8000;
/// 响应头最多这么长；超过了还没看到空行，对方多半不是 HTTP 服务端。
pub const MAX_HEAD: usize = 64 * 1024;

// ANCHOR: request
/// 拼出一个 HTTP/1.1 GET 请求。每行以 `\r\n` 结尾，最后一个空行表示请求头结束。
///
/// `Connection: close` 请服务端发完就关闭连接，这样“读到 EOF”就等于“响应收完了”。
pub fn build_request(host: &str, port: u16, path: &str) -> Result<String> {
    ensure!(
        path.starts_with('/'),
        "路径要以 / 开头，例如 / 或 /hello.html（收到的是 {path:?}）"
    );
    ensure!(
        !path.chars().any(|c| c.is_whitespace() || c.is_control()),
        "路径里不能有空格、换行等字符（收到的是 {path:?}），否则请求行就被拆坏了"
    );
    // IPv6 地址里有冒号，写进 Host 时要加方括号；80 是 HTTP 的默认端口，可以省略。
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let host = if port == 80 {
        host
    } else {
        format!("{host}:{port}")
    };
    Ok(format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    ))
}
// ANCHOR_END: request

// ANCHOR: read_head
/// 一直读，直到看见第一个 `\r\n\r\n`（响应头后面的空行）。
/// 返回响应头（不含空行）和已经顺带读到的那一段正文。
pub fn read_head(stream: &mut impl Read) -> Result<(Vec<u8>, Vec<u8>)> {
    let mut data = Vec::new();
    let mut chunk = [0u8; BUF_SIZE];
    loop {
        if let Some(end) = find_blank_line(&data) {
            let body_start = data.split_off(end + 4);
            data.truncate(end);
            return Ok((data, body_start));
        }
        ensure!(
            data.len() <= MAX_HEAD,
            "读了 {} 个字节还没看到响应头的结尾（空行），对方不像是 HTTP 服务端",
            data.len()
        );
        let n = read_retrying(stream, &mut chunk).map_err(|err| {
            if is_timeout(&err) {
                anyhow!("服务端在读超时之内没有把响应头发完")
            } else {
                anyhow::Error::new(err).context("读取响应失败")
            }
        })?;
        if n == 0 {
            let shown = &data[..data.len().min(200)];
            bail!(
                "服务端关闭了连接，但收到的 {} 个字节里没有空行 \\r\\n\\r\\n，分不出响应头和正文。开头是：{}",
                data.len(),
                bytes_literal(shown)
            );
        }
        data.extend_from_slice(&chunk[..n]);
    }
}

/// 第一个 `\r\n\r\n` 的位置。
pub fn find_blank_line(data: &[u8]) -> Option<usize> {
    data.windows(4).position(|w| w == b"\r\n\r\n")
}
// ANCHOR_END: read_head

// ANCHOR: http_get
/// 一个 HTTP 响应：响应头已经读进内存，正文还在路上。
pub struct Response<'a, S> {
    pub head: Vec<u8>,
    /// 先读出和响应头一起到达的那一段，再接着从连接里读。
    /// 正文从这里“流”过去，不会整个放进内存。
    pub body: Chain<Cursor<Vec<u8>>, &'a mut S>,
}

/// 发出请求，读完响应头，把正文留给调用者一边读一边处理。
pub fn http_get<'a, S: Read + Write>(stream: &'a mut S, request: &str) -> Result<Response<'a, S>> {
    stream
        .write_all(request.as_bytes())
        .context("发送请求失败")?;
    let (head, body_start) = read_head(stream)?;
    Ok(Response {
        head,
        body: Cursor::new(body_start).chain(stream),
    })
}

// ANCHOR_END: http_get

// ANCHOR: check_output
/// 连接之前先看一眼要写的文件：已经存在而没有给 `--force` 时拒绝，一个字节也不下载。
/// 教程的 `open('baidu.html', 'wb')` 会不声不响地把同名文件清空。
pub fn check_output(path: &Path, force: bool) -> Result<()> {
    // symlink_metadata 不跟随符号链接：指向别处的链接也算“已经存在”，不会顺着它写过去。
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => bail!(
            "{} 是一个文件夹，不能用来保存正文：用 --output 给一个文件名",
            path.display()
        ),
        Ok(_) if !force => bail!(
            "{} 已经存在，不会覆盖它：用 --output 换一个文件名，或者加 --force 覆盖",
            path.display()
        ),
        Ok(_) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err).with_context(|| format!("无法检查文件 {}", path.display())),
    }
}
// ANCHOR_END: check_output

// ANCHOR: save_body
/// 把正文存进 `path`，返回字节数。
///
/// 正文先写进同一个文件夹里的临时文件；只有收完了（读到 EOF，而且和 `Content-Length`
/// 一致）才改名成 `path`。中途出了任何错，临时文件被删掉，`path` 原来是什么还是什么。
pub fn save_body(
    body: &mut impl Read,
    path: &Path,
    expected: Option<u64>,
    force: bool,
) -> Result<u64> {
    let untouched = if path.exists() {
        format!("原来的 {} 没有改动", path.display())
    } else {
        format!("没有保存 {}", path.display())
    };
    let mut temp = TempFile::create_next_to(path)?;
    let size = temp.fill_from(body).map_err(|err| {
        let why = if is_timeout(&err) {
            anyhow!("服务端在读超时之内没有再发数据")
        } else if err.kind() == io::ErrorKind::ConnectionReset {
            anyhow::Error::new(err).context("连接被服务端重置")
        } else {
            anyhow::Error::new(err)
        };
        why.context(format!("正文没有收完，{untouched}"))
    })?;
    // 服务端中途断开时，读到的 EOF 看起来和“发完了”一样；响应头里的长度能揭穿它。
    if let Some(expected) = expected {
        ensure!(
            size <= expected,
            "正文比响应头说的长：响应头说有 {expected} 个字节，却收到了 {size} 个；{untouched}"
        );
        ensure!(
            size == expected,
            "正文不完整：响应头说有 {expected} 个字节，只收到 {size} 个；{untouched}"
        );
    }
    temp.put_in_place(path, force)?;
    Ok(size)
}

/// 正文的临时文件：`.<文件名>.<进程号>-<序号>.part`，和目标在同一个文件夹里，
/// 这样改名只是改一个目录项，不会跨文件系统复制。被丢弃时（出错、panic）自己删掉。
struct TempFile {
    path: PathBuf,
    file: File,
    /// 已经改名成目标文件了：不要再删。
    placed: bool,
}

impl TempFile {
    fn create_next_to(target: &Path) -> Result<TempFile> {
        let name = target
            .file_name()
            .with_context(|| format!("{} 不是一个文件名", target.display()))?;
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        for n in 0..100 {
            let mut temp_name = OsString::from(".");
            temp_name.push(name);
            temp_name.push(format!(".{}-{n}.part", std::process::id()));
            let path = dir.join(temp_name);
            // create_new：名字已经被占用（哪怕是一个符号链接）就失败，绝不打开别人的文件。
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    return Ok(TempFile {
                        path,
                        file,
                        placed: false,
                    })
                }
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(err) => {
                    return Err(err)
                        .with_context(|| format!("无法在 {} 里创建临时文件", dir.display()))
                }
            }
        }
        bail!("无法在 {} 里创建临时文件：名字都被占用了", dir.display())
    }

    /// 把正文全部写进临时文件并落到磁盘上。
    fn fill_from(&mut self, body: &mut impl Read) -> io::Result<u64> {
        let mut out = BufWriter::new(&self.file);
        let size = io::copy(body, &mut out)?;
        out.flush()?;
        drop(out);
        // 先确认字节真的写到了磁盘上，再改名：否则断电后可能留下一个名字对、内容空的文件。
        self.file.sync_all()?;
        Ok(size)
    }

    fn put_in_place(&mut self, target: &Path, force: bool) -> Result<()> {
        let failed = || {
            format!(
                "无法把临时文件 {} 改名为 {}",
                self.path.display(),
                target.display()
            )
        };
        if force {
            fs::rename(&self.path, target).with_context(failed)?;
            self.placed = true;
            return Ok(());
        }
        // 不覆盖：hard_link 在目标已经存在时失败，“检查”和“创建”是同一步，
        // 下载期间别人新建的同名文件也不会被换掉。之后临时的名字在 drop 时删掉。
        match fs::hard_link(&self.path, target) {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => bail!(
                "{} 在下载期间被别的程序创建了，不会覆盖它（加 --force 覆盖）",
                target.display()
            ),
            // 有的文件系统不支持硬链接：退回到“再检查一次，然后改名”。
            Err(_) => {
                check_output(target, false)?;
                fs::rename(&self.path, target).with_context(failed)?;
                self.placed = true;
                Ok(())
            }
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.placed {
            let _ = fs::remove_file(&self.path);
        }
    }
}
// ANCHOR_END: save_body

/// 响应头的各行（按 `\r\n` 分开）。响应头应当是 ASCII，万一不是也照样显示。
pub fn head_lines(head: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(head)
        .split("\r\n")
        .map(str::to_string)
        .collect()
}

/// 响应是不是分块传输（`Transfer-Encoding: chunked`）的。
pub fn is_chunked(head: &[u8]) -> bool {
    head_lines(head).iter().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("transfer-encoding:") && line.contains("chunked")
    })
}

/// 响应头里的 `Content-Length`（正文应有的字节数）；没有或看不懂时返回 `None`。
pub fn content_length(head: &[u8]) -> Option<u64> {
    head_lines(head).iter().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        if name.trim().eq_ignore_ascii_case("content-length") {
            value.trim().parse().ok()
        } else {
            None
        }
    })
}

/// 没有给 `--output` 时保存正文用的文件名：路径的最后一段，没有就用 `index.html`。
pub fn default_output_name(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or("");
    match path.rsplit('/').next() {
        Some(last) if !last.is_empty() && last != "." && last != ".." => last.to_string(),
        _ => "index.html".to_string(),
    }
}

/// 连接 HTTP 服务端。连不上时告诉用户怎样在本机开一个。
pub fn connect_http(host: &str, port: u16, timeout: Duration) -> Result<TcpStream> {
    let addrs = support::resolve(host, port)?;
    let mut last_err = None;
    for addr in &addrs {
        match TcpStream::connect_timeout(addr, timeout) {
            Ok(stream) => {
                stream.set_read_timeout(Some(timeout))?;
                stream.set_write_timeout(Some(timeout))?;
                return Ok(stream);
            }
            Err(err) => last_err = Some(err),
        }
    }
    let err = last_err.unwrap_or_else(|| io::Error::other("没有可用的地址"));
    Err(anyhow::Error::new(err).context(format!(
        "连不上 HTTP 服务端 {host}:{port}。想在本机试试，先在另一个终端里运行：python3 -m http.server {port}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_name_comes_from_the_path() {
        assert_eq!(default_output_name("/"), "index.html");
        assert_eq!(default_output_name("/docs/"), "index.html");
        assert_eq!(default_output_name("/a/b.txt?x=1#top"), "b.txt");
        assert_eq!(default_output_name("/hello.html"), "hello.html");
        assert_eq!(default_output_name("/a/.."), "index.html");
    }

    #[test]
    fn request_has_host_and_connection_close() {
        let req = build_request("127.0.0.1", 8000, "/x").unwrap();
        assert_eq!(
            req,
            "GET /x HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nConnection: close\r\n\r\n"
        );
        assert!(build_request("example.com", 80, "/")
            .unwrap()
            .contains("Host: example.com\r\n"));
        assert!(build_request("::1", 8000, "/")
            .unwrap()
            .contains("Host: [::1]:8000\r\n"));
        assert!(build_request("h", 80, "x").is_err());
        assert!(build_request("h", 80, "/a b").is_err());
        assert!(build_request("h", 80, "/a\r\nEvil: 1").is_err());
    }

    #[test]
    fn head_is_split_at_the_first_blank_line_across_reads() {
        // 一次只给 3 个字节的读者：空行被拆在两次读之间也要找得到。
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(3).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let (head, rest) = read_head(&mut Trickle(
            b"HTTP/1.0 200 OK\r\nA: b\r\n\r\nbody\r\n\r\nmore",
        ))
        .unwrap();
        assert_eq!(head, b"HTTP/1.0 200 OK\r\nA: b");
        assert!(b"body\r\n\r\nmore".starts_with(&rest), "{rest:?}");
        assert!(read_head(&mut Trickle(b"HTTP/1.0 200 OK\r\n")).is_err());
        assert_eq!(
            content_length(b"HTTP/1.0 200 OK\r\ncontent-length: 12"),
            Some(12)
        );
        assert_eq!(content_length(b"HTTP/1.0 200 OK\r\nX: 1"), None);
        assert!(is_chunked(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"));
    }

    #[test]
    fn describe_explains_bad_and_cut_utf8() {
        let lines = describe("收到", b"caf\xe9 ok");
        assert_eq!(lines[0], r"收到 7 个字节：b'caf\xe9 ok'");
        assert!(lines[1].contains("caf\u{fffd} ok"), "{lines:?}");
        assert!(lines[1].contains("从第 4 个字节起"), "{lines:?}");
        let cut = &"你好".as_bytes()[..4];
        assert!(text_line(cut).contains("最后 1 个字节是一个被截断的字符"));
        assert_eq!(describe("收到", b"").len(), 2);
        assert_eq!(describe("收到", &[b'a'; BUF_SIZE]).len(), 3);
    }
}
