//! 把一行命令变成“程序名 + 参数”，并决定这个程序能不能运行。
//!
//! 这里**没有 shell**：`;`、`|`、`>`、`$(…)`、反引号对我们来说都只是普通字符，
//! 会原样作为参数交给程序。能做的只有两件事：按空白切成词，以及用引号把含空格的文字
//! 括成一个词。切好的词再拿审过的程序表（[`VETTED`]）检查：程序和它的每个参数都要审过。

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

// ANCHOR: split
/// 把一行命令切成词。规则只有这几条，刻意比 shell 简单：
///
/// - 空白（空格、制表符等）分隔词，连续的空白算一处；
/// - 单引号 `'…'` 和双引号 `"…"` 里的一切都原样保留（包括空白和另一种引号），
///   引号本身去掉；引号可以和旁边的文字连成一个词：`a'b c'd` 是一个词 `ab cd`；
/// - `''` 或 `""` 得到一个空词；
/// - 反斜杠是普通字符，没有转义；`$`、`` ` ``、`;`、`|`、`>`、`*` 也都是普通字符；
/// - 引号没有闭合时返回错误，而不是猜用户的意思。
pub fn split_command_line(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    // 当前词是否已经开始。单靠 `word.is_empty()` 分不清“没有词”和“空词 ''”。
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some(other) => word.push(other),
                        None => return Err(format!("引号 {c} 没有闭合")),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}
// ANCHOR_END: split

// ANCHOR: vetted
/// 服务端只在这几个目录里找程序，而且只在启动时找一次。不看启动服务端的人的 `PATH`：
/// 它可能以一个谁都能写的目录开头（那里的 `echo` 是别人放的），也可能含有空项
/// （`PATH=:/usr/bin`，空项表示“当前目录”，而命令在 `--dir` 里运行，那里的文件谁放的都有可能）。
pub const FIXED_PATH: &str = "/usr/bin:/bin";

/// 一个程序可以带什么参数。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgRule {
    /// 任何参数：这个程序没有读写文件、运行别的程序的选项，参数只会被打印或者当作数字。
    Any,
    /// 每个参数都必须和这里的某一项完全相同。空表就是“不带参数”。
    Only(&'static [&'static str]),
    /// 以 `+` 开头的格式（`date +%Y`），或者和这里的某一项完全相同。
    FormatOr(&'static [&'static str]),
    /// 只有时长：数字，后面可以跟 `s`、`m`、`h`、`d`（`sleep 1.5`、`sleep 2m`）。
    Durations,
}

/// 审过的程序：只有它们能被允许。`why` 说明它的参数为什么只能是这些。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vetted {
    pub name: &'static str,
    pub args: ArgRule,
    pub why: &'static str,
}

/// 审过的程序表。只有表里的程序能运行，参数也只能是表里写的；不在表里的程序
/// `--allow` 一律拒绝（见 [`validate_allow`]）。
///
/// 为什么是“审过才放”，而不是“有问题才拦”：能替人运行命令的程序（`sh -c`、`rbash -c`、
/// `nawk 'BEGIN{system(…)}'`、`ld.so /bin/sh`、`setarch`、`prlimit`、`sg`、`capsh`、`valgrind`、
/// `gcc -wrapper`、`zip -TT`、`ex -c '!…'`、`sqlite3 .system`、`gmake --eval`……）和能读写任意文件的
/// 程序（`dd if=`、`tee 文件`，甚至 `date -f`）多到列不完，每台机器上装的又不一样。
/// 一张“不许运行”的表漏掉一个，允许列表就形同虚设；这张表漏掉一个，只是少一个能用的程序。
pub const VETTED: &[Vetted] = &[
    vet("echo", ArgRule::Any, "只把参数打印出来"),
    vet("printf", ArgRule::Any, "只按格式打印参数"),
    vet("pwd", ArgRule::Only(&["-L", "-P"]), "只打印当前目录"),
    vet("whoami", ArgRule::Only(&[]), "只打印用户名"),
    vet(
        "uname",
        ArgRule::Only(&["-a", "-s", "-n", "-r", "-v", "-m", "-p", "-i", "-o"]),
        "只接受它的开关",
    ),
    vet("nproc", ArgRule::Only(&[]), "只打印处理器个数"),
    vet(
        "date",
        ArgRule::FormatOr(&["-u", "--utc", "-R", "-I", "--iso-8601"]),
        "-f、-r 会读文件，-s 和不以 + 开头的参数会改系统时间",
    ),
    vet(
        "seq",
        ArgRule::Any,
        "只打印数字；输出再多也受输出上限和时间限制管",
    ),
    vet(
        "sleep",
        ArgRule::Durations,
        "只接受时长；睡多久都受时间限制管",
    ),
    vet(
        "yes",
        ArgRule::Any,
        "只重复打印参数；受输出上限和时间限制管",
    ),
    vet("true", ArgRule::Any, "什么也不做"),
    vet("false", ArgRule::Any, "什么也不做，以退出码 1 结束"),
];

const fn vet(name: &'static str, args: ArgRule, why: &'static str) -> Vetted {
    Vetted { name, args, why }
}

/// 默认允许的程序（都在 [`VETTED`] 里）。
pub const DEFAULT_ALLOWED: &[&str] = &["echo", "pwd", "uname", "whoami"];

// ANCHOR_END: vetted

// ANCHOR: check_args
impl Vetted {
    /// 检查一条命令的参数（程序名之后的词）。每个参数单独检查，所以 `date -uf 文件`、
    /// GNU 允许的缩写 `--fi`、`-f文件` 这些写法都不会被漏掉：它们不在表里。
    pub fn check_args(&self, args: &[String]) -> Result<(), String> {
        let Some(bad) = args.iter().find(|a| !self.accepts(a)) else {
            return Ok(());
        };
        let allowed = match self.args {
            ArgRule::Any => unreachable!("Any 接受任何参数"),
            ArgRule::Only([]) => "不带参数".to_string(),
            ArgRule::Only(list) => format!("只能带 {}", list.join(" ")),
            ArgRule::FormatOr(list) => format!("只能带 +格式 和 {}", list.join(" ")),
            ArgRule::Durations => "只能带时长（如 1、0.5、2m）".to_string(),
        };
        Err(format!(
            "{} 不接受参数 {bad:?}：{} {allowed}（{}）",
            self.name, self.name, self.why
        ))
    }

    fn accepts(&self, arg: &str) -> bool {
        match self.args {
            ArgRule::Any => true,
            ArgRule::Only(list) => list.contains(&arg),
            ArgRule::FormatOr(list) => arg.starts_with('+') || list.contains(&arg),
            ArgRule::Durations => {
                let number = arg.strip_suffix(['s', 'm', 'h', 'd']).unwrap_or(arg);
                number.chars().any(|c| c.is_ascii_digit())
                    && number.chars().all(|c| c.is_ascii_digit() || c == '.')
                    && number.matches('.').count() <= 1
            }
        }
    }
}

// ANCHOR_END: check_args

// ANCHOR: resolve
/// 一个允许运行的程序：审过的规则，加上启动时在 [`FIXED_PATH`] 里找到的绝对路径。
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    pub vetted: Vetted,
    pub path: PathBuf,
}

/// 在 [`FIXED_PATH`] 里找一个程序，返回它的绝对路径。只在启动时调用一次：
/// 之后每条命令都运行这个路径，`PATH` 和工作目录再怎么变都不会换成别的文件。
pub fn resolve(name: &str) -> Result<PathBuf, String> {
    FIXED_PATH
        .split(':')
        .map(|dir| Path::new(dir).join(name))
        .find(|path| {
            path.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
        .ok_or_else(|| format!("在 {FIXED_PATH} 里找不到程序 {name}"))
}

/// 检查 `--allow` 给出的名字，返回要允许的程序。不是裸名字、不在审过的表里、
/// 在固定的 PATH 里找不到，都在启动时拒绝并说明原因。
pub fn validate_allow(name: &str) -> Result<Allowed, String> {
    if name.is_empty() || name.contains('/') {
        return Err(format!(
            "--allow {name:?} 不是裸程序名：只写名字（如 --allow seq），不写路径"
        ));
    }
    let Some(vetted) = VETTED.iter().find(|v| v.name == name) else {
        let names: Vec<&str> = VETTED.iter().map(|v| v.name).collect();
        return Err(format!(
            "--allow {name}：{name} 不在审过的程序表里，不能允许。只有审过的程序才能加进允许列表：{}。\
             别的程序可能替人运行命令（sh -c、awk 'BEGIN{{system(…)}}'、ld.so /bin/sh）\
             或者读写文件（dd if=…、tee 文件），这样的程序数不完，不能一个个拦；\
             如果你确实要教程里那样的 shell，请明确使用 --dangerous-shell",
            names.join(" ")
        ));
    };
    let path = resolve(name).map_err(|why| format!("--allow {name}：{why}"))?;
    Ok(Allowed {
        vetted: *vetted,
        path,
    })
}
// ANCHOR_END: resolve

// ANCHOR: allow
/// 为什么拒绝运行一个命令。
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// 命令行里没有任何词。
    Empty,
    /// 程序名里有 `/`（如 `/bin/echo`、`./x`）：只接受裸名字。
    NotBareName,
    /// 不在允许列表里。
    NotAllowed,
    /// 程序允许，这个参数不允许。
    BadArgument(String),
}

/// 检查一条命令（已经切成词）：程序必须是裸名字，在允许列表里（完全相同才算），
/// 参数也必须是它审过的参数。通过时返回要运行的程序（带着启动时找好的绝对路径）。
///
/// 为什么不接受路径：含 `/` 的名字不经过查找，`./x` 能运行服务端目录里的任何文件，
/// `/tmp/echo` 是个冒名者。只收裸名字，“是不是同一个程序”就只有一种比法。
pub fn check_command<'a>(words: &[String], allowed: &'a [Allowed]) -> Result<&'a Allowed, Refusal> {
    let Some((program, args)) = words.split_first() else {
        return Err(Refusal::Empty);
    };
    if program.is_empty() {
        return Err(Refusal::Empty);
    }
    if program.contains('/') {
        return Err(Refusal::NotBareName);
    }
    let found = allowed
        .iter()
        .find(|a| a.vetted.name == program)
        .ok_or(Refusal::NotAllowed)?;
    found
        .vetted
        .check_args(args)
        .map_err(Refusal::BadArgument)?;
    Ok(found)
}
// ANCHOR_END: allow

/// 拒绝时给客户端的说明（放在 `error: ` 后面）。
pub fn explain(refusal: &Refusal, program: &str, allowed: &[Allowed]) -> String {
    let names: Vec<&str> = allowed.iter().map(|a| a.vetted.name).collect();
    match refusal {
        Refusal::Empty => "命令是空的".to_string(),
        Refusal::NotBareName => {
            format!("不接受带路径的程序名 {program:?}：只写名字（如 echo），服务端在 {FIXED_PATH} 里找它")
        }
        Refusal::NotAllowed if VETTED.iter().any(|v| v.name == program) => format!(
            "不允许运行 {program}。允许的程序：{}。需要的话，启动服务端时加 --allow {program}",
            names.join(", ")
        ),
        Refusal::NotAllowed => format!(
            "不允许运行 {program}。允许的程序：{}。{program} 不在审过的程序表里，不能加进允许列表",
            names.join(", ")
        ),
        Refusal::BadArgument(why) => why.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> Vec<String> {
        split_command_line(line).unwrap()
    }

    #[test]
    fn splitting_follows_the_documented_rules() {
        assert_eq!(split("  echo   hi  "), ["echo", "hi"]);
        assert_eq!(split("echo 'a b' \"c d\""), ["echo", "a b", "c d"]);
        assert_eq!(split("a'b c'd"), ["ab cd"]);
        assert_eq!(split("echo '' x"), ["echo", "", "x"]);
        assert_eq!(split("echo \"it's\""), ["echo", "it's"]);
        assert_eq!(split(r"echo a\ b"), ["echo", r"a\", "b"]);
        assert_eq!(
            split("echo hi; rm -rf x"),
            ["echo", "hi;", "rm", "-rf", "x"]
        );
        assert!(split("").is_empty());
        assert!(split_command_line("echo 'oops").is_err());
    }

    fn allowed(names: &[&str]) -> Vec<Allowed> {
        names.iter().map(|n| validate_allow(n).unwrap()).collect()
    }

    fn words(line: &str) -> Vec<String> {
        split(line)
    }

    #[test]
    fn only_bare_allowed_names_with_vetted_arguments_pass() {
        let allowed = allowed(DEFAULT_ALLOWED);
        assert!(check_command(&words("echo anything -e --help"), &allowed).is_ok());
        assert_eq!(
            check_command(&words("cat x"), &allowed),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(
            check_command(&words("/bin/echo hi"), &allowed),
            Err(Refusal::NotBareName)
        );
        assert_eq!(check_command(&[], &allowed), Err(Refusal::Empty));
        assert!(matches!(
            check_command(&words("uname /etc/shadow"), &allowed),
            Err(Refusal::BadArgument(_))
        ));
        assert!(matches!(
            check_command(&words("whoami x"), &allowed),
            Err(Refusal::BadArgument(_))
        ));
        assert!(check_command(&words("uname -s -r"), &allowed).is_ok());
        assert!(allowed.iter().all(|a| a.path.is_absolute()));
    }

    #[test]
    fn date_takes_formats_and_a_few_switches_only() {
        let date = VETTED.iter().find(|v| v.name == "date").unwrap();
        for ok in ["+%Y", "-u", "+%s", "--utc"] {
            assert!(date.check_args(&[ok.to_string()]).is_ok(), "{ok}");
        }
        for bad in [
            "-f",
            "--file=/etc/shadow",
            "--fi",
            "-uf",
            "-s",
            "0101",
            "-r",
            "--",
            "",
        ] {
            assert!(date.check_args(&[bad.to_string()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn sleep_takes_durations_only() {
        let sleep = VETTED.iter().find(|v| v.name == "sleep").unwrap();
        for ok in ["1", "0.5", "2m", "3h"] {
            assert!(sleep.check_args(&[ok.to_string()]).is_ok(), "{ok}");
        }
        for bad in ["", "s", ".", "1.2.3", "--help", "-1", "x"] {
            assert!(sleep.check_args(&[bad.to_string()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn allow_takes_only_vetted_bare_names() {
        assert!(validate_allow("seq").is_ok());
        for bad in [
            "/usr/bin/seq",
            "sh",
            "setsid",
            "tee",
            "dd",
            "ld.so",
            "python3.12",
            "",
        ] {
            assert!(validate_allow(bad).is_err(), "{bad}");
        }
        assert!(resolve("echo").unwrap().is_absolute());
        assert!(resolve("no-such-program-l09").is_err());
    }
}
