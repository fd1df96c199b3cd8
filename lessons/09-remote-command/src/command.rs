//! 把一行命令变成“程序名 + 参数”，并决定这个程序能不能运行。
//!
//! 这里**没有 shell**：`;`、`|`、`>`、`$(…)`、反引号对我们来说都只是普通字符，
//! 会原样作为参数交给程序。能做的只有两件事：按空白切成词，以及用引号把含空格的文字
//! 括成一个词。

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

// ANCHOR: allow
/// 默认允许的程序。它们只打印信息：参数不能让它们读任意文件，也不能改变这台机器。
///
/// 故意不在里面的：`cat`、`ls`（参数可以是任何路径，等于把整台机器的文件和目录给人看），
/// `date`、`hostname`（`date -s …`、`hostname 新名字` 在有权限时会改系统时间和主机名）。
/// 确实需要时，启动服务端时用 `--allow 名字` 加上，并想清楚它的参数能做什么。
pub const DEFAULT_ALLOWED: &[&str] = &["echo", "pwd", "uname", "whoami"];

/// 这些程序一旦被允许，客户端就能借它们运行任意命令（`sh -c …`、`env 程序`、`xargs 程序`、
/// `find -exec`、`awk 'BEGIN{system(…)}'`、GNU `sed` 的 `e` 命令、`git -c core.pager=…`），
/// 或者让命令逃出时间限制（`setsid` 把程序放进新的会话和进程组，超时的 `killpg` 就杀不到它）。
/// 允许列表就形同虚设。`--allow` 拒绝它们；真要 shell 请用名字写明危险的 `--dangerous-shell`。
///
/// 这张表不可能列全：凡是能替你启动别的程序、或者能读写任意文件的程序都属于这一类，
/// 加 `--allow` 前要想到这一点。
pub const NEVER_ALLOWED: &[&str] = &[
    "sh", "bash", "dash", "zsh", "ksh", "csh", "tcsh", "fish", "busybox", "env", "xargs", "sudo",
    "su", "doas", "pkexec", "runuser", "setpriv", "nohup", "setsid", "timeout", "time", "nice",
    "ionice", "taskset", "chrt", "stdbuf", "chroot", "unshare", "nsenter", "flock", "watch",
    "script", "find", "awk", "gawk", "mawk", "sed", "perl", "python", "python3", "ruby", "node",
    "php", "lua", "tclsh", "expect", "make", "git", "ssh", "vi", "vim", "less", "man", "tar",
    "strace", "gdb",
];

/// `--allow` 的名字是否属于 [`NEVER_ALLOWED`]。带版本号的解释器（`python3.12`、`perl5.36`、
/// `lua5.4`）去掉末尾的数字和点之后再比一次，免得换个写法就绕过去。
pub fn is_never_allowed(name: &str) -> bool {
    let without_version = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    NEVER_ALLOWED.contains(&name) || NEVER_ALLOWED.contains(&without_version)
}

/// 为什么拒绝运行一个程序。
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// 命令行里没有任何词。
    Empty,
    /// 程序名里有 `/`（如 `/bin/echo`、`./x`）：只接受裸名字。
    NotBareName,
    /// 不在允许列表里。
    NotAllowed,
}

/// 检查程序名：必须是裸名字，并且在允许列表里（完全相同才算）。
///
/// 为什么不接受路径：含 `/` 的名字不经过 `PATH` 查找，`./x` 能运行服务端目录里的任何文件，
/// `/bin/echo` 虽然无害，但“按名字比较”一旦允许路径就得考虑 `/tmp/echo` 这类冒名者。
/// 只收裸名字，比较就只有一种写法。
pub fn check_program(program: &str, allowed: &[String]) -> Result<(), Refusal> {
    if program.is_empty() {
        return Err(Refusal::Empty);
    }
    if program.contains('/') {
        return Err(Refusal::NotBareName);
    }
    if allowed.iter().any(|a| a == program) {
        Ok(())
    } else {
        Err(Refusal::NotAllowed)
    }
}
// ANCHOR_END: allow

/// 检查 `--allow` 给出的名字：启动时就拒绝路径和会打开后门的程序。
pub fn validate_allow(name: &str) -> Result<(), String> {
    if name.is_empty() || name.contains('/') {
        return Err(format!(
            "--allow {name:?} 不是裸程序名：只写名字（如 --allow seq），不写路径"
        ));
    }
    if is_never_allowed(name) {
        return Err(format!(
            "--allow {name} 会让客户端借它运行任意命令，允许列表就没有意义了；\
             如果你确实要教程里那样的 shell，请明确使用 --dangerous-shell"
        ));
    }
    Ok(())
}

/// 拒绝时给客户端的说明（放在 `error: ` 后面）。
pub fn explain(refusal: &Refusal, program: &str, allowed: &[String]) -> String {
    match refusal {
        Refusal::Empty => "命令是空的".to_string(),
        Refusal::NotBareName => {
            format!("不接受带路径的程序名 {program:?}：只写名字（如 echo），服务端会在 PATH 里找它")
        }
        Refusal::NotAllowed => format!(
            "不允许运行 {program}。允许的程序：{}。需要的话，启动服务端时加 --allow {program}",
            allowed.join(", ")
        ),
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

    #[test]
    fn only_bare_allowed_names_pass() {
        let allowed: Vec<String> = DEFAULT_ALLOWED.iter().map(|s| s.to_string()).collect();
        assert_eq!(check_program("echo", &allowed), Ok(()));
        assert_eq!(check_program("cat", &allowed), Err(Refusal::NotAllowed));
        assert_eq!(
            check_program("/bin/echo", &allowed),
            Err(Refusal::NotBareName)
        );
        assert_eq!(check_program("", &allowed), Err(Refusal::Empty));
        assert!(validate_allow("seq").is_ok());
        assert!(validate_allow("/usr/bin/seq").is_err());
        assert!(validate_allow("sh").is_err());
        for launcher in ["setsid", "python3.12", "perl5.36", "sed"] {
            assert!(validate_allow(launcher).is_err(), "{launcher}");
        }
    }
}
