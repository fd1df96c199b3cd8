//! 给人看的大小：`1.8 KiB`、`16 MiB`、`1 GiB`，而不是 `16777216`；命令行上也这样写。
//! 整课只用一套单位：1 KiB = 1024 字节（进度条、速度、日志、参数都是）。

const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/// 不到 1 KiB 写成 `N 字节`；否则用不小于 1 的最大单位，整数不带小数，其余保留一位小数。
pub fn human(bytes: u64) -> String {
    if bytes < 1024 {
        return format!("{bytes} 字节");
    }
    let mut unit = 0;
    let mut scale: u64 = 1024;
    while unit + 1 < UNITS.len() && bytes / scale >= 1024 {
        scale *= 1024;
        unit += 1;
    }
    if bytes.is_multiple_of(scale) {
        format!("{} {}", bytes / scale, UNITS[unit])
    } else {
        format!("{:.1} {}", bytes as f64 / scale as f64, UNITS[unit])
    }
}

/// 速度，`350.2 MiB/s`、`25.7 KiB/s`：和进度条一样的二进制单位。
pub fn rate(bytes: u64, secs: f64) -> String {
    let per_sec = bytes as f64 / secs.max(1e-9);
    format!("{}/s", human(per_sec.min(u64::MAX as f64) as u64))
}

/// 命令行上的大小（clap 的 `value_parser`）：`1048576`、`512KiB`、`100MiB`、`2GiB`，
/// 单位也可以只写一个字母（`K`、`M`、`G`、`T`、`P`、`E`），`B` 是字节。放不进 64 位时拒绝，不会悄悄变小。
pub fn parse(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = trimmed.split_at(digits);
    let shift = match unit.trim() {
        "" | "B" => 0,
        "K" | "KiB" => 10,
        "M" | "MiB" => 20,
        "G" | "GiB" => 30,
        "T" | "TiB" => 40,
        "P" | "PiB" => 50,
        "E" | "EiB" => 60,
        _ => {
            return Err(format!(
                "应当是一个整数，可以带单位（KiB、MiB、GiB、TiB），例如 100MiB，而不是 {text:?}"
            ))
        }
    };
    if number.is_empty() {
        return Err(format!(
            "应当是一个整数，可以带单位（KiB、MiB、GiB、TiB），例如 100MiB，而不是 {text:?}"
        ));
    }
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text} 太大了，放不进 64 位整数"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("{text} 太大了，超过了 16 EiB"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human(0), "0 字节");
        assert_eq!(human(1023), "1023 字节");
        assert_eq!(human(1024), "1 KiB");
        assert_eq!(human(1804), "1.8 KiB");
        assert_eq!(human(16 * 1024 * 1024), "16 MiB");
        assert_eq!(human(1 << 30), "1 GiB");
        assert_eq!(human(3 * 1024 * 1024 + 17), "3.0 MiB");
        assert_eq!(human(u64::MAX), "16.0 EiB");
        assert_eq!(rate(3 * 1024 * 1024, 2.0), "1.5 MiB/s");
        assert_eq!(rate(1804, 0.07), "25.2 KiB/s");
    }

    #[test]
    fn sizes_on_the_command_line() {
        assert_eq!(parse("100"), Ok(100));
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(parse("512KiB"), Ok(512 * 1024));
        assert_eq!(parse("64MiB"), Ok(64 << 20));
        assert_eq!(parse("1G"), Ok(1 << 30));
        assert_eq!(parse("2 TiB"), Ok(2 << 40));
        assert_eq!(parse("15EiB"), Ok(15 << 60));
        for bad in [
            "",
            "-1",
            "1.5GiB",
            "abc",
            "10 MB",
            "GiB",
            "16EiB",
            "99999999999999999999",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
