//! 给人看的大小：`16 MiB` 而不是 `16777216`；命令行上也可以这样写（`--max-frame 16MiB`）。
//!
//! 单位是 1024 进位的 KiB、MiB、GiB。消息本身有多少字节仍然照实写（“共 24 字节”），
//! 这一课数的就是字节；上限、缓存这些配置值才换成好读的单位。

const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];

/// `16 MiB`、`64 KiB`、`100 字节`；不是整数个单位时保留一位小数，前面加“约”：`约 4.0 GiB`。
pub fn show(bytes: u64) -> String {
    for (name, unit) in UNITS {
        if bytes >= unit {
            return if bytes.is_multiple_of(unit) {
                format!("{} {name}", bytes / unit)
            } else {
                format!("约 {:.1} {name}", bytes as f64 / unit as f64)
            };
        }
    }
    format!("{bytes} 字节")
}

/// 一个对方说的长度：字节数照实写，大的再附上好读的写法（`4294967295 字节（约 4.0 GiB）`）。
pub fn exact(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} 字节")
    } else {
        format!("{bytes} 字节（{}）", show(bytes))
    }
}

/// 读一个大小：`4096`、`64KiB`、`16MiB`、`1 GiB`（也认 `K`、`M`、`G`，大小写都行）。
pub fn parse(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let unit = unit.trim().to_ascii_lowercase();
    let multiplier: u64 = match unit.as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        _ => return Err(bad(text)),
    };
    let n: u64 = digits.parse().map_err(|_| bad(text))?;
    n.checked_mul(multiplier).ok_or_else(|| bad(text))
}

fn bad(text: &str) -> String {
    format!("应当是一个大小，比如 4096（字节）、64KiB、16MiB，而不是 {text:?}")
}

/// clap 用的解析器：一个在 `min..=max` 字节之间的大小；超出时用好读的单位说清楚范围。
pub fn ranged(min: u64, max: u64) -> impl clap::builder::TypedValueParser<Value = usize> {
    move |text: &str| -> Result<usize, String> {
        let n = parse(text)?;
        if n < min || n > max {
            // 范围的两端照实写：不是整数个单位的（比如 4 GiB − 1 字节）写出字节数。
            let bound = |b: u64| {
                if show(b).starts_with('约') {
                    exact(b)
                } else {
                    show(b)
                }
            };
            return Err(format!(
                "应当在 {} 到 {} 之间，而不是 {}",
                bound(min),
                bound(max),
                show(n)
            ));
        }
        usize::try_from(n).map_err(|_| format!("{} 在这台机器上太大了", show(n)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(show(16 << 20), "16 MiB");
        assert_eq!(show(64 << 10), "64 KiB");
        assert_eq!(show(1023), "1023 字节");
        assert_eq!(show(1024), "1 KiB");
        assert_eq!(show(u32::MAX as u64), "约 4.0 GiB");
        assert_eq!(show(1536 << 10), "约 1.5 MiB");
        assert_eq!(exact(17), "17 字节");
        assert_eq!(exact(4_294_967_295), "4294967295 字节（约 4.0 GiB）");
    }

    #[test]
    fn sizes_parse_with_or_without_a_unit() {
        assert_eq!(parse("4096"), Ok(4096));
        assert_eq!(parse("16MiB"), Ok(16 << 20));
        assert_eq!(parse("16 mib"), Ok(16 << 20));
        assert_eq!(parse("64K"), Ok(64 << 10));
        assert_eq!(parse("1GiB"), Ok(1 << 30));
        assert_eq!(parse("7b"), Ok(7));
        for bad in [
            "",
            "MiB",
            "-1",
            "1.5MiB",
            "很多",
            "16 TiB",
            "18446744073709551616",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert!(parse("17179869184GiB").is_err(), "乘上单位溢出");
    }
}
