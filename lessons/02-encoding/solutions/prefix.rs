pub fn prefix_within(s: &str, max_bytes: usize) -> &str {
    if max_bytes >= s.len() {
        return s;
    }
    // 从 max_bytes 往回找，第一个字符边界就是答案；0 一定是边界，所以循环一定会停。
    let mut end = max_bytes;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
