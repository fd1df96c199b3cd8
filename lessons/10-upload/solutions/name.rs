//! 练习 1 的参考答案：只接受一小类明确安全的名字，其余一律拒绝。

pub fn sanitize_file_name(name: &str) -> Result<&str, String> {
    if name.is_empty() {
        return Err("文件名是空的".to_string());
    }
    if name.len() > 255 {
        return Err(format!("文件名有 {} 字节，超过了 255 字节", name.len()));
    }
    if name == "." || name == ".." {
        return Err(format!("文件名不能是 {name}"));
    }
    for c in name.chars() {
        if c == '/' || c == '\\' {
            return Err(format!("文件名里不能有路径分隔符：{name:?}"));
        }
        if c.is_control() {
            return Err(format!("文件名里不能有控制字符：{name:?}"));
        }
    }
    if name.starts_with('.') {
        return Err(format!("文件名不能以 . 开头：{name:?}"));
    }
    Ok(name)
}
