//! 命令行：所有程序共用的参数和中文的帮助与报错。
//!
//! - [`parse`]：代替 `Args::parse()`。帮助里是“用法 / 参数 / 选项 / 命令 / 显示帮助”，默认值写成
//!   “（默认：8888）”，报错是中文（“不认识的参数”“值不对”“更多信息请运行 … --help”），退出码 2。
//! - [`Listen`]：服务端的 `--host`、`--port`（默认端口是类型参数，例如 `Listen<8888>`）；
//!   [`Connect`]：客户端的 `--host`、`--port`、`--timeout`；
//!   [`Limits`]：服务端对付空闲、太慢和太多连接的 `--idle-timeout`、`--min-rate`、`--max-connections`。
//!   同一个概念在每个程序里都是同一个名字、同一个单位、同一个取值范围。

use std::ffi::OsString;
use std::time::Duration;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, Args, Command, CommandFactory, FromArgMatches};

use crate::serve::Policy;

/// 服务端监听的地址。`PORT` 是这一课教程里的端口。
#[derive(Args, Debug, Clone)]
pub struct Listen<const PORT: u16> {
    /// 监听的地址（IPv6 用 ::1）
    #[arg(long, value_name = "地址", default_value = "127.0.0.1")]
    pub host: String,
    /// 监听的端口；0 表示让系统挑一个空闲端口
    #[arg(long, value_name = "端口", default_value_t = PORT, value_parser = port())]
    pub port: u16,
}

/// 客户端连接的服务端，以及等回复的超时。
#[derive(Args, Debug, Clone)]
pub struct Connect<const PORT: u16> {
    /// 服务端的地址
    #[arg(long, value_name = "地址", default_value = "127.0.0.1")]
    pub host: String,
    /// 服务端的端口
    #[arg(long, value_name = "端口", default_value_t = PORT, value_parser = port())]
    pub port: u16,
    /// 连接和等回复的超时，1 到 3600 秒
    #[arg(long, value_name = "秒", default_value_t = crate::DEFAULT_TIMEOUT_SECS,
          value_parser = seconds(1, 3600))]
    pub timeout: u64,
}

impl<const PORT: u16> Connect<PORT> {
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }
}

/// 服务端的三条限制：空闲多久断开、最低速率、最多同时几个连接。
#[derive(Args, Debug, Clone)]
pub struct Limits {
    /// 客户端多久不收不发就断开它，1 到 86400 秒
    #[arg(long, value_name = "秒", default_value_t = crate::serve::DEFAULT_IDLE_SECS,
          value_parser = seconds(1, 86_400))]
    pub idle_timeout: u64,
    /// 收发的最低平均速率（字节每秒）；慢到低于它的连接被断开，防止有人一个字节一个字节地拖住服务端
    #[arg(long, value_name = "字节每秒", default_value_t = crate::pace::MIN_RATE,
          value_parser = ranged(1, 1 << 30, "字节每秒"))]
    pub min_rate: u64,
    /// 最多同时服务几个连接（1 到 10000），再来的会收到“服务端忙”后被断开
    #[arg(long, value_name = "个", default_value_t = crate::serve::DEFAULT_MAX_CONNECTIONS,
          value_parser = ranged(1, 10_000, "个"))]
    pub max_connections: u64,
}

impl Limits {
    pub fn policy(&self) -> Policy {
        Policy::new(
            Duration::from_secs(self.idle_timeout),
            self.min_rate,
            self.max_connections as usize,
        )
    }
}

/// 一个在 `min..=max` 之间的整数；超出时用中文说清楚范围和单位。
pub fn ranged(
    min: u64,
    max: u64,
    unit: &'static str,
) -> impl clap::builder::TypedValueParser<Value = u64> {
    move |text: &str| -> Result<u64, String> {
        let n: u64 = text
            .trim()
            .parse()
            .map_err(|_| format!("应当是一个整数（{unit}），而不是 {text:?}"))?;
        if n < min || n > max {
            return Err(format!("应当在 {min} 到 {max} {unit}之间，而不是 {n}"));
        }
        Ok(n)
    }
}

/// 端口号，0 到 65535。
pub fn port() -> impl clap::builder::TypedValueParser<Value = u16> {
    |text: &str| -> Result<u16, String> {
        let n: u64 = text
            .trim()
            .parse()
            .map_err(|_| format!("端口应当是 0 到 65535 之间的整数，而不是 {text:?}"))?;
        u16::try_from(n).map_err(|_| format!("端口应当在 0 到 65535 之间，而不是 {n}"))
    }
}

/// 秒数，在 `min..=max` 之间。
pub fn seconds(min: u64, max: u64) -> impl clap::builder::TypedValueParser<Value = u64> {
    ranged(min, max, "秒")
}

/// 解析命令行（代替 `Args::parse()`）：中文的帮助和报错。
pub fn parse<T: CommandFactory + FromArgMatches>() -> T {
    parse_from(std::env::args_os())
}

/// 同 [`parse`]，参数由调用者给出（第一个是程序名）。
pub fn parse_from<T, I, S>(args: I) -> T
where
    T: CommandFactory + FromArgMatches,
    I: IntoIterator<Item = S>,
    S: Into<OsString> + Clone,
{
    parse_with(T::command(), args)
}

/// 同 [`parse_from`]，但命令由调用者先改过（比如加上运行时才知道的 `after_help`）。
pub fn parse_with<T, I, S>(cmd: Command, args: I) -> T
where
    T: FromArgMatches,
    I: IntoIterator<Item = S>,
    S: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // 用法一行里写程序真正的名字（比如 l03-server），而不是 clap 默认取的包名。
    let cmd = match args
        .first()
        .and_then(|a| std::path::Path::new(a).file_name())
    {
        Some(bin) => {
            let bin = bin.to_string_lossy().into_owned();
            cmd.bin_name(bin)
        }
        None => cmd,
    };
    let mut cmd = localize(cmd);
    let result = cmd
        .try_get_matches_from_mut(args)
        .and_then(|m| T::from_arg_matches(&m));
    match result {
        Ok(args) => args,
        Err(err) => exit_with(&mut cmd, err),
    }
}

/// 把 clap 生成的命令改成中文：各段的标题、帮助和版本选项、默认值和可选值的写法、用法一行。
pub fn localize(cmd: Command) -> Command {
    let name = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string();
    localize_as(cmd, &name)
}

/// `path` 是这个命令在用法一行里的全名（子命令前面带上父命令，例如 `workbook grade`）。
fn localize_as(cmd: Command, path: &str) -> Command {
    let mut cmd = cmd
        .max_term_width(100)
        .help_template("{before-help}{about-with-newline}\n用法: {usage}\n\n{all-args}{after-help}")
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助")
                .help_heading("选项"),
        );
    if cmd.get_version().is_some() {
        cmd = cmd.disable_version_flag(true).arg(
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本")
                .help_heading("选项"),
        );
    }
    let mut order = 0;
    cmd = cmd.mut_args(|arg| {
        // 按声明的先后显示（换了标题的参数，clap 默认按名字排序）。
        order += 1;
        let arg = arg.display_order(order);
        {
            let heading = if arg.is_positional() {
                "参数"
            } else {
                "选项"
            };
            let mut extra = String::new();
            let defaults: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            if !defaults.is_empty() && !arg.is_hide_default_value_set() {
                extra.push_str(&format!("（默认：{}）", defaults.join("、")));
            }
            let possible: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|p| !p.is_hide_set())
                .map(|p| p.get_name().to_string())
                .collect();
            if !possible.is_empty() && !arg.is_hide_possible_values_set() {
                extra.push_str(&format!("（可选：{}）", possible.join("、")));
            }
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            let arg = arg.help_heading(heading);
            if !arg.get_action().takes_values() {
                return arg;
            }
            arg.hide_default_value(true)
                .hide_possible_values(true)
                .help(format!("{help}{extra}"))
        }
    });
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for sub in subs {
        let full = format!("{path} {sub}");
        cmd = cmd.mut_subcommand(sub, |s| localize_as(s, &full));
    }
    let usage = cmd
        .render_usage()
        .to_string()
        .trim_start_matches("Usage:")
        .trim()
        .replace("[OPTIONS]", "[选项]")
        .replace("<COMMAND>", "<命令>")
        .replace("[COMMAND]", "[命令]");
    // 子命令单独生成用法时不知道父命令的名字：补上。
    let usage = match usage.split_once(' ') {
        Some((first, rest)) if path.ends_with(first) => format!("{path} {rest}"),
        None if path.ends_with(usage.as_str()) => path.to_string(),
        _ => usage,
    };
    cmd.override_usage(usage)
}

/// 报告一个解析错误（中文）并退出；`--help`、`--version` 打印后以 0 退出。
fn exit_with(cmd: &mut Command, err: clap::Error) -> ! {
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            std::process::exit(
                if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    2
                } else {
                    0
                },
            );
        }
        _ => {}
    }
    let name = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string();
    eprintln!("错误：{}", describe(&err));
    // 出错的是子命令时，错误里带着那个子命令的用法。
    let usage = context(&err, ContextKind::Usage)
        .unwrap_or_else(|| cmd.render_usage().to_string())
        .trim_start_matches("Usage:")
        .trim()
        .to_string();
    eprintln!("\n用法: {usage}\n\n更多信息请运行 {name} --help");
    std::process::exit(2);
}

fn context(err: &clap::Error, kind: ContextKind) -> Option<String> {
    match err.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::Bool(b) => Some(b.to_string()),
        ContextValue::None => None,
        _ => None,
    }
}

/// 一个解析错误的中文说法。
fn describe(err: &clap::Error) -> String {
    let arg = context(err, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(err, ContextKind::InvalidValue).unwrap_or_default();
    let suggested = context(err, ContextKind::SuggestedArg)
        .or_else(|| context(err, ContextKind::SuggestedSubcommand))
        .map(|s| format!("（是不是想写 {s}？）"))
        .unwrap_or_default();
    match err.kind() {
        ErrorKind::UnknownArgument => format!("不认识的参数 {arg}{suggested}"),
        ErrorKind::InvalidSubcommand => {
            let sub = context(err, ContextKind::InvalidSubcommand).unwrap_or_default();
            format!("没有叫 {sub} 的命令{suggested}")
        }
        ErrorKind::InvalidValue => {
            let valid = context(err, ContextKind::ValidValue)
                .map(|v| format!("，可选的有：{v}"))
                .unwrap_or_default();
            if value.is_empty() {
                format!("{arg} 需要一个值{valid}")
            } else {
                format!("{arg} 的值 {value:?} 不对{valid}")
            }
        }
        ErrorKind::ValueValidation => {
            let source = std::error::Error::source(err)
                .map(|s| s.to_string())
                .unwrap_or_default();
            // 标准库解析数字失败时的英文原话，换成中文。
            let source = match source.as_str() {
                "invalid digit found in string" => "应当是一个整数".to_string(),
                "number too large to fit in target type" => "数太大了".to_string(),
                "cannot parse integer from empty string" => "不能是空的".to_string(),
                _ => source,
            };
            format!("{arg} 的值 {value:?} 不对：{source}")
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::ArgumentConflict => {
            let prior = context(err, ContextKind::PriorArg).unwrap_or_default();
            format!("{arg} 不能和 {prior} 一起用")
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("多余的值 {value:?}（{arg}）")
        }
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        ErrorKind::NoEquals => format!("{arg} 的值要用 = 连上"),
        ErrorKind::InvalidUtf8 => "参数不是合法的 UTF-8".to_string(),
        _ => {
            let text = err.to_string();
            text.lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ")
                .to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// 测试用的程序。
    #[derive(Parser, Debug)]
    #[command(name = "demo", version, about = "一个小程序")]
    struct Demo {
        /// 要发送的话
        #[arg(default_value = "你好")]
        text: String,
        #[command(flatten)]
        connect: Connect<8888>,
        #[command(flatten)]
        limits: Limits,
    }

    fn help() -> String {
        localize(Demo::command()).render_help().to_string()
    }

    #[test]
    fn help_is_in_chinese_and_shows_each_default_once() {
        let h = help();
        for word in [
            "用法: demo [选项] [TEXT]",
            "参数:",
            "选项:",
            "显示帮助",
            "显示版本",
            "（默认：8888）",
            "（默认：你好）",
        ] {
            assert!(h.contains(word), "帮助里应当有 {word:?}：\n{h}");
        }
        for english in ["Usage", "Options", "Arguments", "Print help", "[default"] {
            assert!(!h.contains(english), "帮助里不应有 {english:?}：\n{h}");
        }
    }

    #[test]
    fn values_out_of_range_are_refused_in_chinese() {
        let err = localize(Demo::command())
            .try_get_matches_from(["demo", "--timeout", "0"])
            .unwrap_err();
        assert!(
            describe(&err).contains("应当在 1 到 3600 秒之间"),
            "{}",
            describe(&err)
        );
        let err = localize(Demo::command())
            .try_get_matches_from(["demo", "--idle-timeout", "18446744073709551615"])
            .unwrap_err();
        assert!(
            describe(&err).contains("应当在 1 到 86400 秒之间"),
            "{}",
            describe(&err)
        );
        let err = localize(Demo::command())
            .try_get_matches_from(["demo", "--bogus"])
            .unwrap_err();
        assert!(
            describe(&err).contains("不认识的参数 --bogus"),
            "{}",
            describe(&err)
        );
        let ok = Demo::from_arg_matches(
            &localize(Demo::command())
                .try_get_matches_from(["demo", "--max-connections", "3"])
                .unwrap(),
        )
        .unwrap();
        assert_eq!(ok.limits.policy().max_connections, 3);
        assert_eq!(ok.connect.timeout(), Duration::from_secs(10));
    }
}
