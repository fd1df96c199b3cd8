pub fn split_response(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = data.windows(4).position(|w| w == b"\r\n\r\n")?;
    Some((&data[..end], &data[end + 4..]))
}
