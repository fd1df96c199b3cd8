//! 评分用的两件事：
//!
//! - [`run_learner`]：运行学习者那一版的检查，把结果（通过，或者测试线程最后的那次 panic 和它的位置）
//!   写进运行器用环境变量 `WORKBOOK_REPORT` 指定的文件。学习者的代码自己接住的 panic
//!   （比如评分故意让处理器 panic，看学习者的服务端能不能扛住）只记作“途中的 panic”，不会被当成失败的原因。
//! - 给人看的比较：[`expect_eq`]、[`expect_bytes`]、[`waited`]：失败的信息标出“你的结果”和“期望”，
//!   字节写成 `b"…"`，太长的值截短，读超时说成“等了 N 秒没收到……”。

use std::any::Any;
use std::fmt::Debug;
use std::io::{self, Write};
use std::panic::{self, UnwindSafe};
use std::sync::{Mutex, Once};
use std::thread;
use std::time::Duration;

/// 报告文件的环境变量。
pub const REPORT_ENV: &str = "WORKBOOK_REPORT";

/// 一次 panic：哪个线程、在哪里、说了什么。
struct Panic {
    thread: String,
    location: String,
    message: String,
}

static PANICS: Mutex<Vec<Panic>> = Mutex::new(Vec::new());
static HOOK: Once = Once::new();

fn install_hook() {
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let message = payload_text(info.payload());
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_default();
            let thread = thread::current().name().unwrap_or("<无名>").to_string();
            if let Ok(mut all) = PANICS.lock() {
                all.push(Panic {
                    thread,
                    location,
                    message,
                });
            }
            default(info);
        }));
    });
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "（panic 没有附带文字）".to_string())
}

/// 报告文件里的一个字段：反斜杠、换行和制表符转义，一条记录总在一行里。
pub fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\t', "\\t")
}

/// [`escape`] 的反操作。
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// 运行学习者那一版的检查。设置了 `WORKBOOK_REPORT` 时把结果写进那个文件：
///
/// ```text
/// panic   <线程>  <文件:行:列>  <信息>      途中发生的每一次 panic
/// passed                                   检查通过
/// failed  <文件:行:列>  <信息>              检查失败：让测试失败的那一次 panic
/// ```
///
/// 失败的原因是传到测试线程最外层的那个 panic。它的位置取最近一次信息相同的 panic：
/// `with_deadline` 之类把别的线程的 panic 原样传回来时（`resume_unwind`）不会再经过 panic 钩子。
pub fn run_learner(check: impl FnOnce() + UnwindSafe) {
    install_hook();
    let result = panic::catch_unwind(check);
    let report = std::env::var_os(REPORT_ENV);
    if let Some(path) = &report {
        let mut text = String::new();
        if let Ok(all) = PANICS.lock() {
            for p in all.iter() {
                text.push_str(&format!(
                    "panic\t{}\t{}\t{}\n",
                    escape(&p.thread),
                    escape(&p.location),
                    escape(&p.message)
                ));
            }
        }
        match &result {
            Ok(()) => text.push_str("passed\n"),
            Err(payload) => {
                let message = payload_text(payload.as_ref());
                let location = PANICS
                    .lock()
                    .ok()
                    .and_then(|all| {
                        all.iter()
                            .rev()
                            .find(|p| p.message == message)
                            .map(|p| p.location.clone())
                    })
                    .unwrap_or_default();
                text.push_str(&format!(
                    "failed\t{}\t{}\n",
                    escape(&location),
                    escape(&message)
                ));
            }
        }
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = file.write_all(text.as_bytes());
        }
    }
    if let Err(payload) = result {
        panic::resume_unwind(payload);
    }
}

/// 给人看的值最多这么多个字符，再长就截短。
pub const SHOW_LIMIT: usize = 160;

/// 把一段文字截到 [`SHOW_LIMIT`] 个字符，说明原来有多长。
pub fn cut(text: &str) -> String {
    let count = text.chars().count();
    if count <= SHOW_LIMIT {
        return text.to_string();
    }
    let head: String = text.chars().take(SHOW_LIMIT).collect();
    format!("{head}……（共 {count} 个字符，只显示前 {SHOW_LIMIT} 个）")
}

/// 字节写成 Python 的 `b'…'` 样子（第 02 课的 `bytes_literal`），太长时截短。
pub fn show_bytes(bytes: &[u8]) -> String {
    const MAX: usize = 64;
    if bytes.len() <= MAX {
        return lesson_02::bytes_literal(bytes);
    }
    format!(
        "{}……（共 {} 个字节，只显示前 {MAX} 个）",
        lesson_02::bytes_literal(&bytes[..MAX]),
        bytes.len()
    )
}

/// 学习者的结果不等于期望时 panic，信息里标出两者（用 `{:?}` 显示，太长截短）。
#[track_caller]
pub fn expect_eq<T: PartialEq + Debug + ?Sized>(what: &str, yours: &T, expected: &T) {
    if yours != expected {
        panic!(
            "{what}\n  你的结果：{}\n  期望：    {}",
            cut(&format!("{yours:?}")),
            cut(&format!("{expected:?}"))
        );
    }
}

/// 同 [`expect_eq`]，但两边都是字节，显示成 `b'…'`。
#[track_caller]
pub fn expect_bytes(what: &str, yours: &[u8], expected: &[u8]) {
    if yours != expected {
        panic!(
            "{what}\n  你的结果：{}\n  期望：    {}",
            show_bytes(yours),
            show_bytes(expected)
        );
    }
}

/// 把一次 IO 错误说给学习者听：读超时说成“等了 N 秒没收到{what}”，再加上可能的原因；
/// 其余错误说成“{what}时出错：…”。
pub fn waited(what: &str, err: &io::Error, timeout: Duration, likely: &str) -> String {
    if support::is_timeout(err) {
        let secs = timeout.as_secs_f64();
        let likely = if likely.is_empty() {
            String::new()
        } else {
            format!("（{likely}）")
        };
        format!("等了 {secs} 秒没收到{what}{likely}")
    } else {
        format!("等{what}时出错：{}", describe_io(err))
    }
}

/// IO 错误的中文说法（常见的几种），后面附上系统原文。
pub fn describe_io(err: &io::Error) -> String {
    let what = match err.kind() {
        io::ErrorKind::ConnectionRefused => "连接被拒绝（对方没有在监听）",
        io::ErrorKind::ConnectionReset => "连接被对方重置",
        io::ErrorKind::ConnectionAborted => "连接被中止",
        io::ErrorKind::BrokenPipe => "对方已经关闭了连接，写不进去了",
        io::ErrorKind::UnexpectedEof => "对方提前关闭了连接",
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => "超时",
        io::ErrorKind::InvalidData => "数据格式不对",
        _ => "",
    };
    if what.is_empty() {
        err.to_string()
    } else {
        format!("{what}（{err}）")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        for text in ["", "a\nb", "tab\there", "back\\slash\\n", "末尾\\"] {
            assert_eq!(unescape(&escape(text)), text);
            assert!(!escape(text).contains('\n'));
        }
    }

    #[test]
    fn long_values_are_cut_and_bytes_look_like_python() {
        assert_eq!(show_bytes(b"hi\n"), "b'hi\\n'");
        assert!(show_bytes(&[0u8; 100]).contains("共 100 个字节"));
        assert!(cut(&"x".repeat(500)).contains("共 500 个字符"));
        let timeout = io::Error::from(io::ErrorKind::WouldBlock);
        assert_eq!(
            waited("回复", &timeout, Duration::from_secs(5), "忘了 flush？"),
            "等了 5 秒没收到回复（忘了 flush？）"
        );
    }
}
