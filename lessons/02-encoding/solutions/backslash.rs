pub fn backslash_replace(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                out.push_str(text);
                return out;
            }
            Err(err) => {
                let (good, bad) = rest.split_at(err.valid_up_to());
                // valid_up_to 之前的字节已经检查过是合法的 UTF-8。
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                // error_len 是 None：数据在一个字符的中间结束了，剩下的字节全都是坏的。
                let n = err.error_len().unwrap_or(bad.len());
                for b in &bad[..n] {
                    out.push_str(&format!("\\x{b:02x}"));
                }
                rest = &bad[n..];
            }
        }
    }
}
