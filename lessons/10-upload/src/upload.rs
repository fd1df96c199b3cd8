//! 协议的文字部分：请求头 `post|<size>|<name>` / `get|<name>` 和回答行的解析，以及文件名的检查。
//!
//! 这里只处理字符串，不碰网络也不碰磁盘，所以最容易测，也是整个服务端最要紧的一道门：
//! 对方发来的文件名在通过 [`sanitize_file_name`] 之前，绝不拿去拼路径。

use crate::size::human;

/// 文件名最多多少字节（常见文件系统对一个文件名的上限就是 255 字节）。
pub const MAX_NAME_BYTES: usize = 255;

/// 请求头一行最多多少字节（不含换行）。`post|` + 20 位数字 + `|` + 255 字节的名字也远小于它。
pub const MAX_HEADER_BYTES: usize = 1024;

/// 临时文件名的开头。合法的文件名不能以 `.` 开头，所以临时文件永远不会和真正的上传重名，
/// 也永远不会被 `get` 发出去。
pub const TEMP_PREFIX: &str = ".upload-";

/// 客户端的一个请求。
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `post|<size>|<name>`：后面紧跟 `size` 个字节的文件内容。
    Post { size: u64, name: String },
    /// `get|<name>`：下载一个文件。
    Get { name: String },
}

/// 练习 2 到 4 的协议变体：客户端在请求头里先说出内容的 SHA-256，`post|<大小>|<摘要>|<文件名>`，
/// 服务端收完自己算一遍，对上了才保存。
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announced {
    pub size: u64,
    /// 64 个小写十六进制字符。
    pub sha256: String,
    pub name: String,
}

// ANCHOR: sanitize
/// 检查对方给的文件名是不是“一个普通的文件名”，是就原样返回，不是就说明为什么。
///
/// 教程里的服务端直接 `os.path.join(BASE_DIR, 'yuan', filename)`：文件名是 `../../.bashrc`
/// 时，文件就写到了目录外面；是 `/etc/passwd` 这样的绝对路径时，`join` 干脆丢掉前面的目录。
/// 所以我们不去“清洗”坏名字（清洗总有漏网的写法），而是只接受一小类明确安全的名字，其余一律拒绝。
pub fn sanitize_file_name(name: &str) -> Result<&str, String> {
    if name.is_empty() {
        return Err("文件名是空的".into());
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(format!(
            "文件名有 {} 字节，超过了上限 {MAX_NAME_BYTES} 字节",
            name.len()
        ));
    }
    if name == "." || name == ".." {
        return Err(format!("文件名不能是 {name}（它指的是目录）"));
    }
    // `/` 是 Unix 的路径分隔符，`\` 是 Windows 的；两个都拒绝，名字里就不可能藏着目录。
    // 绝对路径（`/etc/passwd`、`C:\x`）也因此被拒绝。
    if name.contains(['/', '\\']) {
        return Err(format!(
            "文件名里不能有 / 或 \\，只能是一个文件名，不能带路径：{name:?}"
        ));
    }
    // 控制字符（换行、制表、NUL……）会破坏日志和协议的行，也会让终端显示出别的东西。
    if name.chars().any(char::is_control) {
        return Err(format!("文件名里不能有控制字符：{name:?}"));
    }
    // 看不见的格式字符：从右到左覆盖（U+202E）能让 `invoice\u{202E}gpj.exe` 显示成
    // `invoiceexe.jpg`，零宽字符能造出两个看起来一模一样、其实不同的名字。
    if name.chars().any(is_invisible_format) {
        return Err(format!(
            "文件名里不能有改变文字方向或看不见的格式字符（如 U+202E、U+200B）：{name:?}"
        ));
    }
    // 以点开头的是隐藏文件；服务端自己的临时文件也以点开头，这样它们永远不会被当成上传的文件。
    if name.starts_with('.') {
        return Err(format!("文件名不能以 . 开头（隐藏文件）：{name:?}"));
    }
    Ok(name)
}
// ANCHOR_END: sanitize

/// 改变文字显示方向的控制符和零宽字符。它们不是 `char::is_control` 意义上的控制字符，
/// 却能让同一个名字在屏幕上显示成另一个样子。
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

// ANCHOR: parse_header
/// 解析一行请求头（已经去掉了结尾的换行）。`max_size` 是允许上传的最大字节数。
///
/// 数字只接受纯数字：`+5`、` 5`、`-1`、`5.0` 都不算，免得“宽容”的解析让两端理解不一致。
pub fn parse_header(line: &[u8], max_size: u64) -> Result<Request, String> {
    let line = std::str::from_utf8(line).map_err(|_| "请求头不是合法的 UTF-8".to_string())?;
    let (method, rest) = line.split_once('|').ok_or_else(|| {
        format!("请求头格式不对，应当是 post|大小|文件名 或 get|文件名：{line:?}")
    })?;
    match method {
        "post" => {
            // 名字里可以有 `|`：只在第一个 `|` 处切开大小和名字。
            let (size, name) = rest
                .split_once('|')
                .ok_or_else(|| format!("post 请求应当是 post|大小|文件名：{line:?}"))?;
            let size = parse_size(size)?;
            if size > max_size {
                return Err(format!(
                    "文件有 {}，超过了上限 {}",
                    human(size),
                    human(max_size)
                ));
            }
            let name = sanitize_file_name(name)?.to_string();
            Ok(Request::Post { size, name })
        }
        "get" => {
            let name = sanitize_file_name(rest)?.to_string();
            Ok(Request::Get { name })
        }
        other => Err(format!("不认识的请求 {other:?}，只支持 post 和 get")),
    }
}

fn parse_size(text: &str) -> Result<u64, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("大小应当是一个非负整数，而不是 {text:?}"));
    }
    text.parse()
        .map_err(|_| format!("大小 {text} 太大了，超出了 64 位整数的范围"))
}
// ANCHOR_END: parse_header

/// 服务端的回答行。
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// `ok <size> <sha256>`：上传的文件已经在正式的名字上、在磁盘上了。
    Stored { size: u64, sha256: String },
    /// `ok <size>`：下载的 `size` 个字节紧跟在这一行后面，摘要在字节之后（[`parse_digest`]）。
    Sending { size: u64 },
    /// `error <原因>`：服务端随后关闭连接。
    Error(String),
}

/// 解析服务端的回答行（不含换行）。
pub fn parse_reply(line: &[u8]) -> Result<Reply, String> {
    let line = String::from_utf8_lossy(line);
    if let Some(reason) = line.strip_prefix("error ") {
        return Ok(Reply::Error(reason.to_string()));
    }
    let words: Vec<&str> = line.split(' ').collect();
    match words[..] {
        ["ok", size, sha] if is_sha256(sha) => Ok(Reply::Stored {
            size: parse_size(size)?,
            sha256: sha.to_ascii_lowercase(),
        }),
        ["ok", size] => Ok(Reply::Sending {
            size: parse_size(size)?,
        }),
        _ => Err(format!("看不懂服务端的回答：{line:?}")),
    }
}

/// 解析下载内容之后的那一行 `sha256 <hex>`，返回小写的摘要。
pub fn parse_digest(line: &[u8]) -> Result<String, String> {
    let line = String::from_utf8_lossy(line);
    match line.strip_prefix("sha256 ") {
        Some(sha) if is_sha256(sha) => Ok(sha.to_ascii_lowercase()),
        _ => Err(format!("下载的内容后面应当是 sha256 <摘要>，却是 {line:?}")),
    }
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass_and_paths_do_not() {
        for ok in ["a.txt", "照片 1.jpg", "x|y", "a..", "README"] {
            assert_eq!(sanitize_file_name(ok), Ok(ok));
        }
        for bad in [
            "",
            ".",
            "..",
            "..a",
            ".hidden",
            "../x",
            "/etc/passwd",
            "a/b",
            "a\\b",
            "C:\\x",
            "a\nb",
            "a\0",
            "invoice\u{202E}gpj.exe",
            "a\u{200B}.txt",
        ] {
            assert!(sanitize_file_name(bad).is_err(), "{bad:?} 应当被拒绝");
        }
        assert!(sanitize_file_name(&"a".repeat(255)).is_ok());
        assert!(sanitize_file_name(&"a".repeat(256)).is_err());
    }

    #[test]
    fn headers() {
        assert_eq!(
            parse_header(b"post|12|a|b.txt", 100),
            Ok(Request::Post {
                size: 12,
                name: "a|b.txt".into()
            })
        );
        assert_eq!(
            parse_header(b"get|a.txt", 0),
            Ok(Request::Get {
                name: "a.txt".into()
            })
        );
        for bad in [
            &b"post|+5|a"[..],
            b"post|-1|a",
            b"post| 5|a",
            b"post|101|a",
            b"post|99999999999999999999999|a",
            b"post|5",
            b"put|5|a",
            b"hello",
            b"get|../x",
            b"post|1|\xff",
        ] {
            assert!(parse_header(bad, 100).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn replies() {
        let sha = "ab".repeat(32);
        assert_eq!(
            parse_reply(format!("ok 5 {sha}").as_bytes()),
            Ok(Reply::Stored {
                size: 5,
                sha256: sha.clone()
            })
        );
        assert_eq!(parse_reply(b"ok 5"), Ok(Reply::Sending { size: 5 }));
        assert_eq!(parse_digest(format!("sha256 {sha}").as_bytes()), Ok(sha));
        assert!(parse_digest(b"sha256 abc").is_err());
        assert_eq!(
            parse_reply("error 不行".as_bytes()),
            Ok(Reply::Error("不行".into()))
        );
        assert!(parse_reply(b"ok 5 abc").is_err());
        assert!(parse_reply(b"ok -5").is_err());
        assert!(parse_reply(b"").is_err());
    }
}
