//! Python `time.ctime()` 的时间格式：`Mon Dec  9 17:06:41 2019`。
//!
//! 教程的服务端在每条回复后面加上 `ctime()`。Rust 标准库不带日历（它只知道“从 1970 年起过了多少秒”），
//! 所以这里分两步：先把秒数换算成年月日时分秒（[`Tm`]），再按 ctime 的样子排版。
//!
//! 程序里用的是**本地时间**，和 Python 的 `time.ctime()` 一样：时区的换算交给 `jiff`（[`local_tm`]），
//! 它读本机的时区设置（`TZ` 环境变量、`/etc/localtime`）。UTC 的换算不依赖任何设置，这里自己算一遍
//! （[`utc_tm`]，附录 B 讲它的算法），测试用它和几个固定的时间戳检查格式，再拿它和 `jiff` 的结果互相核对。

use std::time::{SystemTime, UNIX_EPOCH};

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// 拆开的时间，字段的含义与 C 的 `struct tm` 相同，只是月份从 1 数起。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tm {
    /// 公历年份，如 2019。
    pub year: i64,
    /// 月份，1 到 12。
    pub month: u32,
    /// 日，1 到 31。
    pub day: u32,
    /// 时，0 到 23。
    pub hour: u32,
    /// 分，0 到 59。
    pub minute: u32,
    /// 秒，0 到 60（闰秒时可能是 60）。
    pub second: u32,
    /// 星期几，0 是星期日、1 是星期一……6 是星期六（和 C 一样；Python 的 `weekday()` 却是星期一为 0）。
    pub weekday: u32,
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

// ANCHOR: format_ctime
/// 按 `time.ctime()` 的样子排版：星期和月份用英文缩写，**日占两格、不足时前面补空格**
/// （所以 12 月 9 日是 `Dec  9`，两个空格），时分秒各占两位、补 0。
pub fn format_ctime(tm: &Tm) -> String {
    // 越界的字段（调用者给了坏数据）显示成 ???，而不是让下标越界 panic。
    let weekday = WEEKDAYS.get(tm.weekday as usize).unwrap_or(&"???");
    let month = (tm.month as usize)
        .checked_sub(1)
        .and_then(|i| MONTHS.get(i))
        .unwrap_or(&"???");
    format!(
        "{weekday} {month} {:>2} {:02}:{:02}:{:02} {}",
        tm.day, tm.hour, tm.minute, tm.second, tm.year
    )
}
// ANCHOR_END: format_ctime

// ANCHOR: utc_tm
/// 把 Unix 时间戳（秒）换算成 UTC 的年月日时分秒。
///
/// 日期部分用的是 Howard Hinnant 的 `civil_from_days` 算法：把年份的起点挪到 3 月 1 日，
/// 闰年多出来的 2 月 29 日就落在“年末”，每 400 年一个完整的循环，不需要查表。
pub fn utc_tm(secs: i64) -> Tm {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // 这个 400 年循环里的第几天，0..146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 循环里的第几年
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 从 3 月 1 日数起的第几天
    let mp = (5 * doy + 2) / 153; // 从 3 月数起的第几个月
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Tm {
        year,
        month: month as u32,
        day: day as u32,
        hour: (rest / 3600) as u32,
        minute: (rest % 3600 / 60) as u32,
        second: (rest % 60) as u32,
        // 1970 年 1 月 1 日是星期四。
        weekday: (days + 4).rem_euclid(7) as u32,
    }
}
// ANCHOR_END: utc_tm

// ANCHOR: local_tm
/// 把时间戳换算成时区 `tz` 里的时间。
///
/// 时区的规则（哪一天起夏令时、某地某年的 UTC 偏移改过几次）是一张会变的表，不是能自己算出来的：
/// 交给 `jiff`，它读系统的时区数据库（`/usr/share/zoneinfo`）。时间戳超出 `jiff` 能表示的范围
/// （公元 -9999 年到 9999 年以外）时，退回 UTC 的换算。
pub fn tm_in(secs: i64, tz: &TimeZone) -> Tm {
    let Ok(t) = Timestamp::from_second(secs) else {
        return utc_tm(secs);
    };
    let dt = tz.to_datetime(t);
    Tm {
        year: i64::from(dt.year()),
        month: dt.month() as u32,
        day: dt.day() as u32,
        hour: dt.hour() as u32,
        minute: dt.minute() as u32,
        second: dt.second() as u32,
        // jiff 的星期从星期一数起（1 到 7），C 的 struct tm 从星期日数起（0 到 6）。
        weekday: dt.weekday().to_sunday_zero_offset() as u32,
    }
}

/// 把时间戳换算成本机时区的时间，和 Python 的 `time.localtime()` 一样：
/// 先看 `TZ` 环境变量，没有的话看 `/etc/localtime`；都找不到时用 UTC。
pub fn local_tm(secs: i64) -> Tm {
    tm_in(secs, &TimeZone::system())
}
// ANCHOR_END: local_tm

/// 现在的本地时间，排成 `time.ctime()` 的样子。
pub fn ctime_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    format_ctime(&local_tm(secs))
}

/// 判断一段文字是不是 ctime 的样子（测试和书里的输出用它把时间换成固定值）。
pub fn looks_like_ctime(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 24
        && WEEKDAYS.iter().any(|w| text.starts_with(w))
        && MONTHS.iter().any(|m| text.get(4..7) == Some(*m))
        && b[3] == b' '
        && b[7] == b' '
        && (b[8] == b' ' || b[8].is_ascii_digit())
        && b[9].is_ascii_digit()
        && b[10] == b' '
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b' '
        && b[20..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_python_for_fixed_timestamps() {
        // 右边的值来自 Python：time.asctime(time.gmtime(秒数))。
        let cases = [
            (1_575_911_201, "Mon Dec  9 17:06:41 2019"),
            (0, "Thu Jan  1 00:00:00 1970"),
            (951_782_400, "Tue Feb 29 00:00:00 2000"),
            (-1, "Wed Dec 31 23:59:59 1969"),
            (4_102_444_799, "Thu Dec 31 23:59:59 2099"),
        ];
        for (secs, want) in cases {
            assert_eq!(format_ctime(&utc_tm(secs)), want, "时间戳 {secs}");
            assert!(looks_like_ctime(want), "{want}");
        }
    }

    #[test]
    fn bad_fields_do_not_panic() {
        let tm = Tm {
            year: 2024,
            month: 13,
            day: 1,
            hour: 0,
            minute: 0,
            second: 0,
            weekday: 9,
        };
        assert_eq!(
            format_ctime(&tm),
            "??? ??? 1 00:00:00 2024".replace(" 1 ", "  1 ")
        );
    }

    #[test]
    fn our_utc_arithmetic_agrees_with_jiff() {
        // 从公元前到 2400 年以后，隔一段取一个时间戳（步长不是整天，时分秒也都核对到）。
        let mut secs = -62_000_000_000i64;
        while secs < 14_000_000_000 {
            assert_eq!(utc_tm(secs), tm_in(secs, &TimeZone::UTC), "时间戳 {secs}");
            secs += 86_400 * 37 + 3_607;
        }
    }

    #[test]
    fn a_time_zone_moves_the_clock() {
        // 北京时间比 UTC 早 8 小时：UTC 的 12 月 9 日 17 点是北京的 12 月 10 日 1 点。
        let beijing = TimeZone::fixed(jiff::tz::offset(8));
        assert_eq!(
            format_ctime(&tm_in(1_575_911_201, &beijing)),
            "Tue Dec 10 01:06:41 2019"
        );
        // 超出 jiff 范围的时间戳退回 UTC 的换算，不会 panic。
        assert_eq!(tm_in(i64::MAX / 2, &beijing), utc_tm(i64::MAX / 2));
    }

    #[test]
    fn local_time_has_the_ctime_shape() {
        assert!(looks_like_ctime(&ctime_now()), "{}", ctime_now());
        assert!(
            !looks_like_ctime("Mon Dec 9 17:06:41 2019"),
            "日不足两位时要补空格"
        );
    }
}
