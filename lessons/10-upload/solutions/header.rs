//! 练习 2 的参考答案。

use crate::upload::{sanitize_file_name, Announced};

pub fn parse_announced(line: &[u8], max_size: u64) -> Result<Announced, String> {
    let line = std::str::from_utf8(line).map_err(|_| "请求头不是合法的 UTF-8".to_string())?;
    let rest = line
        .strip_prefix("post|")
        .ok_or_else(|| format!("请求头应当以 post| 开头：{line:?}"))?;
    // 只切前两个 |：文件名在最后，里面可以再有 |。
    let mut parts = rest.splitn(3, '|');
    let (Some(size), Some(sha), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("请求头应当是 post|大小|摘要|文件名：{line:?}"));
    };
    // u64 的 parse 认得 "+5"：先要求全是数字（空的交给 parse 去拒绝）。
    if !size.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("大小应当是一个非负整数，而不是 {size:?}"));
    }
    let size: u64 = size
        .parse()
        .map_err(|_| format!("大小应当是一个放得进 64 位的非负整数，而不是 {size:?}"))?;
    if size > max_size {
        return Err(format!("文件有 {size} 字节，超过了上限 {max_size} 字节"));
    }
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("摘要应当是 64 个十六进制字符，而不是 {sha:?}"));
    }
    let name = sanitize_file_name(name)?;
    Ok(Announced {
        size,
        sha256: sha.to_ascii_lowercase(),
        name: name.to_string(),
    })
}
