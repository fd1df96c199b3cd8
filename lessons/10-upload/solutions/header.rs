//! 练习 2 的参考答案。

use crate::upload::{sanitize_file_name, Request};

pub fn parse_header(line: &[u8], max_size: u64) -> Result<Request, String> {
    let line = std::str::from_utf8(line).map_err(|_| "请求头不是合法的 UTF-8".to_string())?;
    if let Some(rest) = line.strip_prefix("post|") {
        let (size, name) = rest
            .split_once('|')
            .ok_or_else(|| "post 请求应当是 post|大小|文件名".to_string())?;
        if size.is_empty() || !size.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("大小不是非负整数：{size:?}"));
        }
        let size: u64 = size.parse().map_err(|_| format!("大小 {size} 太大了"))?;
        if size > max_size {
            return Err(format!("文件有 {size} 字节，超过了上限 {max_size} 字节"));
        }
        let name = sanitize_file_name(name)?;
        Ok(Request::Post {
            size,
            name: name.to_string(),
        })
    } else if let Some(name) = line.strip_prefix("get|") {
        let name = sanitize_file_name(name)?;
        Ok(Request::Get {
            name: name.to_string(),
        })
    } else {
        Err(format!("不认识的请求：{line:?}"))
    }
}
