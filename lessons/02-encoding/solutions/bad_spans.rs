pub fn bad_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        match std::str::from_utf8(&bytes[start..]) {
            Ok(_) => break,
            Err(err) => {
                let at = start + err.valid_up_to();
                match err.error_len() {
                    Some(n) => {
                        spans.push((at, n));
                        start = at + n;
                    }
                    None => {
                        spans.push((at, bytes.len() - at));
                        break;
                    }
                }
            }
        }
    }
    spans
}
