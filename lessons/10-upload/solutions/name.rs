//! 练习 1 的参考答案：先过这一课的规矩，再加上 Windows 的。

use crate::upload::sanitize_file_name;

pub fn portable_file_name(name: &str) -> Result<&str, String> {
    let name = sanitize_file_name(name)?;
    if let Some(c) = name.chars().find(|c| "<>:\"|?*".contains(*c)) {
        return Err(format!("Windows 的文件名里不能有 {c}：{name:?}"));
    }
    if name.ends_with(['.', ' ']) {
        return Err(format!("Windows 会悄悄去掉文件名末尾的点和空格：{name:?}"));
    }
    // 设备名看的是第一个点之前的部分：`con.tar.gz` 也是 CON。
    let stem = name.split('.').next().unwrap_or(name);
    if is_device(stem) {
        return Err(format!(
            "{stem} 在 Windows 上是设备名，不能当文件名：{name:?}"
        ));
    }
    Ok(name)
}

fn is_device(stem: &str) -> bool {
    let upper = stem.to_ascii_uppercase();
    match upper.as_bytes() {
        b"CON" | b"PRN" | b"AUX" | b"NUL" => true,
        [b'C', b'O', b'M', digit] | [b'L', b'P', b'T', digit] => digit.is_ascii_digit(),
        _ => false,
    }
}
