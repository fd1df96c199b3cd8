use encoding_rs::GBK;

pub fn guess_decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some((text.to_string(), "utf-8"));
    }
    // decode_without_bom_handling_and_without_replacement 遇到任何坏字节都返回 None。
    GBK.decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| (text.into_owned(), "gbk"))
}
