use encoding_rs::GBK;

/// UTF-8 的 BOM：U+FEFF 编码成 UTF-8 的三个字节。
const BOM: &[u8] = b"\xef\xbb\xbf";

pub fn guess_decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    // 有 BOM 就一定是 UTF-8：去掉这一个 BOM，剩下的不合法也不再试 GBK。
    if let Some(rest) = bytes.strip_prefix(BOM) {
        return std::str::from_utf8(rest)
            .ok()
            .map(|text| (text.to_string(), "utf-8-sig"));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some((text.to_string(), "utf-8"));
    }
    // decode_without_bom_handling_and_without_replacement 遇到任何坏字节都返回 None。
    GBK.decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| (text.into_owned(), "gbk"))
}
