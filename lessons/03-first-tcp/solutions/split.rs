pub fn split_lenient(data: &[u8]) -> Option<(&[u8], &[u8])> {
    // 每个 \n 都是一行的结尾；紧跟着的若是另一个行尾（\n 或 \r\n），中间就是那个空行。
    for (i, &byte) in data.iter().enumerate() {
        if byte != b'\n' {
            continue;
        }
        let after = &data[i + 1..];
        let blank = if after.starts_with(b"\n") {
            1
        } else if after.starts_with(b"\r\n") {
            2
        } else {
            continue;
        };
        // 这一行若以 \r\n 结尾，\r 也是行尾的一部分，不属于响应头。
        let head_end = if i > 0 && data[i - 1] == b'\r' {
            i - 1
        } else {
            i
        };
        return Some((&data[..head_end], &data[i + 1 + blank..]));
    }
    None
}
