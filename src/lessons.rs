//! 课程目录：每一课的 `lessons/NN-slug/lesson.toml` 是它唯一的元数据来源
//! （标题、程序、演示步骤、练习与提示），运行器和测试都只读这里。

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// 一课的元数据。
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// 两位数字的课号，如 `"03"`。
    pub number: String,
    /// 中文标题。
    pub title: String,
    /// Cargo 包名。
    pub package: String,
    /// 一句话介绍。
    pub summary: String,
    #[serde(default)]
    pub programs: Vec<Program>,
    #[serde(default)]
    pub demo: Vec<DemoStep>,
    /// 演示的总期限（秒）。
    #[serde(default = "default_demo_timeout")]
    pub demo_timeout_secs: u64,
    #[serde(default)]
    pub exercises: Vec<Exercise>,
    /// 课程所在目录（不在 toml 里，加载时填入）。
    #[serde(skip)]
    pub dir: PathBuf,
}

fn default_demo_timeout() -> u64 {
    60
}

/// 一课里的一个程序。可执行文件名是 `l<课号>-<name>`。
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Program {
    pub name: String,
    pub about: String,
    /// 教程程序的“孪生”版本（照教程逐行写成的 Rust，只用标准库）时，它对照的 Python 文件，
    /// 相对课程目录，如 `python/tutorial_server.py`。测试会比较两者的行数。
    pub twin: Option<String>,
    /// 孪生程序出自哪篇教程的哪一节，如 `000 §1.2–1.4`。
    pub seed: Option<String>,
}

/// 演示里的一个角色的启动方式。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 服务端：等它打印第一行（监听地址）后才继续；之后的参数可以用 `{port}`、`{host}`、`{addr}`。
    Server,
    /// 客户端或普通程序：默认等它结束再进行下一步。
    #[default]
    Client,
}

/// 演示的一步。
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoStep {
    /// 程序的短名（`server`、`client`……）。
    pub program: String,
    #[serde(default)]
    pub role: Role,
    #[serde(default)]
    pub args: Vec<String>,
    /// 每行输出前的标记，默认按角色取“服务端”/“客户端”。
    pub label: Option<String>,
    /// 启动前先打印的一句说明。
    pub note: Option<String>,
    /// 写给标准输入的内容。
    pub stdin: Option<String>,
    /// 等任一程序输出包含这段文字的一行后，才关闭标准输入（默认写完就关）。
    pub close_stdin_when: Option<String>,
    /// 等任一程序输出包含这段文字的一行后，才启动这一步。
    pub start_when: Option<String>,
    /// 等任一程序输出包含这段文字的一行后，向这个程序发送 SIGINT（就像在它的终端里按了 Ctrl-C）。
    /// 会优雅关闭的服务端配上 `exits = true`：演示等它自己退出，并检查退出码。
    pub interrupt_when: Option<String>,
    /// 客户端不等它结束就进行下一步（几个客户端同时运行）。
    #[serde(default)]
    pub parallel: bool,
    /// 服务端会自己退出（比如只服务一次）；演示结束时等它退出而不是关掉它。
    #[serde(default)]
    pub exits: bool,
    /// 期望的退出码（默认 0）。
    #[serde(default)]
    pub expect_code: i32,
    /// 在这次演示专用的临时目录里运行（演示结束时删掉）：会在当前目录里写文件的程序
    /// （比如教程版的上传服务端写进 `./yuan`）不在仓库里留下东西。参数里的 `{root}` 是仓库根目录。
    #[serde(default)]
    pub scratch: bool,
}

/// 一道练习。
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// 稳定的编号，也是评分测试函数的名字，如 `l03_reply`。
    pub id: String,
    pub title: String,
    /// 学习者要编辑的文件，相对课程目录。
    pub file: String,
    /// 参考答案文件，相对课程目录。
    pub solution: String,
    /// 难度：1 到 3 颗星，一课之内由易到难。
    #[serde(default)]
    pub stars: u8,
    /// 第一层提示：点一下思路（用哪个标准库 API、小心哪个坑），不给代码。
    pub hint: String,
    /// 第二层提示（`hint --more`）：一步一步的做法。
    #[serde(default)]
    pub steps: Option<String>,
}

impl Lesson {
    /// 程序短名对应的可执行文件名。
    pub fn bin_name(&self, program: &str) -> String {
        format!("l{}-{}", self.number, program)
    }

    pub fn program(&self, name: &str) -> Option<&Program> {
        self.programs.iter().find(|p| p.name == name)
    }

    pub fn program_names(&self) -> String {
        self.programs
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// 照教程写的孪生程序。
    pub fn twins(&self) -> impl Iterator<Item = &Program> {
        self.programs.iter().filter(|p| p.twin.is_some())
    }
}

/// 仓库根目录，运行时找：
///
/// 1. 从当前目录往上找，第一个既有 `Cargo.toml` 又有 `lessons/` 的目录（在仓库的任何子目录里运行都行）；
/// 2. 找不到时，从运行器自己的可执行文件往上找（`target/debug/workbook` 的上两级）；
/// 3. 再找不到，用编译时的位置。
///
/// 不直接用编译时的位置：两份仓库共用一个目标目录时，那会让这一份跑另一份的课程。
pub fn repo_root() -> PathBuf {
    let is_root = |dir: &Path| dir.join("Cargo.toml").is_file() && dir.join("lessons").is_dir();
    if let Ok(cwd) = std::env::current_dir() {
        if let Some(dir) = cwd.ancestors().find(|d| is_root(d)) {
            return dir.to_path_buf();
        }
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe.ancestors().skip(1).find(|d| is_root(d)) {
            return dir.to_path_buf();
        }
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// 读取 `lessons/` 下所有课程，按课号排序。
pub fn load_all(root: &Path) -> Result<Vec<Lesson>> {
    let dir = root.join("lessons");
    let mut lessons = Vec::new();
    for entry in fs::read_dir(&dir).with_context(|| format!("读不了目录 {}", dir.display()))? {
        let path = entry?.path();
        let manifest = path.join("lesson.toml");
        if manifest.is_file() {
            lessons.push(load(&manifest)?);
        }
    }
    lessons.sort_by(|a, b| a.number.cmp(&b.number));
    Ok(lessons)
}

/// 读取一个 `lesson.toml`。
pub fn load(manifest: &Path) -> Result<Lesson> {
    let text =
        fs::read_to_string(manifest).with_context(|| format!("读不了 {}", manifest.display()))?;
    let mut lesson: Lesson =
        toml::from_str(&text).with_context(|| format!("{} 格式不对", manifest.display()))?;
    lesson.dir = manifest.parent().expect("文件总在某个目录里").to_path_buf();
    Ok(lesson)
}

/// 按课号找一课；接受 `3`、`03`。找不到时列出已有的课。
pub fn find<'a>(lessons: &'a [Lesson], number: &str) -> Result<&'a Lesson> {
    let wanted = normalize_number(number)?;
    match lessons.iter().find(|l| l.number == wanted) {
        Some(l) => Ok(l),
        None => {
            let have: Vec<String> = lessons
                .iter()
                .map(|l| format!("  {}  {}", l.number, l.title))
                .collect();
            bail!("没有第 {wanted} 课。现有的课：\n{}", have.join("\n"))
        }
    }
}

fn normalize_number(number: &str) -> Result<String> {
    match number.trim().parse::<u32>() {
        Ok(n) if (1..=99).contains(&n) => Ok(format!("{n:02}")),
        _ => bail!("课号应该是 01 到 99 之间的数字，而不是 {number:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_normalized() {
        assert_eq!(normalize_number("3").unwrap(), "03");
        assert_eq!(normalize_number("10").unwrap(), "10");
        assert!(normalize_number("x").is_err());
        assert!(normalize_number("0").is_err());
    }
}
