pub fn status_code(head: &str) -> Option<u16> {
    let line = head.split("\r\n").next()?;
    let mut words = line.splitn(3, ' ');
    let version = words.next()?;
    let code = words.next()?;
    if !version.starts_with("HTTP/") || code.len() != 3 {
        return None;
    }
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    code.parse().ok()
}
