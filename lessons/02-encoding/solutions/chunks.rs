pub fn decode_chunks(chunks: &[&[u8]]) -> Vec<String> {
    // 上一段末尾没写完的字符（最多 3 个字节），留着等下一段。
    let mut pending: Vec<u8> = Vec::new();
    let mut out = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        pending.extend_from_slice(chunk);
        let mut text = String::new();
        let mut rest: &[u8] = &pending;
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    text.push_str(s);
                    rest = &[];
                    break;
                }
                Err(err) => {
                    let (good, after) = rest.split_at(err.valid_up_to());
                    // valid_up_to 之前的字节已经检查过是合法的 UTF-8。
                    text.push_str(std::str::from_utf8(good).unwrap_or_default());
                    match err.error_len() {
                        Some(n) => {
                            text.push(char::REPLACEMENT_CHARACTER);
                            rest = &after[n..];
                        }
                        // 没写完的字符：留到下一段。
                        None => {
                            rest = after;
                            break;
                        }
                    }
                }
            }
        }
        pending = rest.to_vec();
        out.push(text);
    }
    // 读完了还剩半个字符：后半截永远不会来了，在最后一段的结果末尾补一个 U+FFFD。
    if let Some(last) = out.last_mut() {
        if !pending.is_empty() {
            last.push(char::REPLACEMENT_CHARACTER);
        }
    }
    out
}
