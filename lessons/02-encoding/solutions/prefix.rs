/// 截短时放在末尾的省略号，UTF-8 里占 3 个字节。
const ELLIPSIS: &str = "…";

pub fn shorten(s: &str, max_bytes: usize) -> String {
    if s.len() <= max_bytes {
        return s.to_string();
    }
    // 放不下时要给省略号留出 3 个字节；连省略号都放不下，就什么也不放。
    let Some(room) = max_bytes.checked_sub(ELLIPSIS.len()) else {
        return String::new();
    };
    // 从 room 往回找，第一个字符边界就是截断的地方；0 一定是边界，所以循环一定会停。
    let mut end = room;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{ELLIPSIS}", &s[..end])
}
