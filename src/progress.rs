//! 练习进度：仓库根目录的 `.workbook-progress`（纯文本，已被 git 忽略），每行一道题：
//!
//! ```text
//! l03_ask passed 9f86d081884c7d65…   通过时练习文件的 SHA-256
//! l03_split failed
//! ```
//!
//! 记下通过时文件的摘要，是为了在文件之后又被改过时说“需要重新评分”，而不是继续显示一个过时的 ✓。

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

/// 进度文件的默认名字。
pub const PROGRESS_FILE: &str = ".workbook-progress";

/// 一道题现在的状态。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// 还没评过分。
    New,
    /// 通过了，文件此后没有改过。
    Passed,
    /// 通过过，但文件后来改过：要重新评分才知道。
    Stale,
    /// 上次评分没有通过。
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Passed(Option<String>),
    Failed,
}

#[derive(Debug, Default)]
pub struct Progress {
    entries: BTreeMap<String, Entry>,
}

/// 文件内容的 SHA-256（十六进制）；读不了时返回 None。
pub fn file_digest(path: &Path) -> Option<String> {
    let bytes = fs::read(path).ok()?;
    Some(
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

impl Progress {
    /// 进度文件的位置：默认在仓库根目录，环境变量 `WORKBOOK_PROGRESS` 可以另指一个文件。
    pub fn path(root: &Path) -> PathBuf {
        std::env::var_os("WORKBOOK_PROGRESS")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join(PROGRESS_FILE))
    }

    pub fn load(root: &Path) -> Progress {
        Progress::parse(&fs::read_to_string(Progress::path(root)).unwrap_or_default())
    }

    pub fn parse(text: &str) -> Progress {
        let entries = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut words = l.split_whitespace();
                let id = words.next()?;
                let entry = match words.next()? {
                    "passed" => Entry::Passed(words.next().map(str::to_string)),
                    _ => Entry::Failed,
                };
                Some((id.to_string(), entry))
            })
            .collect();
        Progress { entries }
    }

    /// 一道题的状态；`file` 是它现在的练习文件。
    pub fn state(&self, id: &str, file: &Path) -> State {
        match self.entries.get(id) {
            None => State::New,
            Some(Entry::Failed) => State::Failed,
            Some(Entry::Passed(digest)) => {
                if digest.is_some() && *digest == file_digest(file) {
                    State::Passed
                } else {
                    State::Stale
                }
            }
        }
    }

    /// 记下通过：连同此刻文件的摘要。
    pub fn pass(&mut self, id: &str, file: &Path) {
        self.entries
            .insert(id.to_string(), Entry::Passed(file_digest(file)));
    }

    pub fn fail(&mut self, id: &str) {
        self.entries.insert(id.to_string(), Entry::Failed);
    }

    pub fn render(&self) -> String {
        let mut text = String::from("# workbook 练习进度（由 workbook grade 写入）\n");
        for (id, entry) in &self.entries {
            match entry {
                Entry::Passed(Some(d)) => text.push_str(&format!("{id} passed {d}\n")),
                Entry::Passed(None) => text.push_str(&format!("{id} passed\n")),
                Entry::Failed => text.push_str(&format!("{id} failed\n")),
            }
        }
        text
    }

    pub fn save(&self, root: &Path) -> Result<()> {
        let path = Progress::path(root);
        fs::write(&path, self.render()).with_context(|| format!("无法写入 {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_goes_stale_when_the_file_changes() {
        let dir = std::env::temp_dir().join(format!("progress-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("x.rs");
        fs::write(&file, "fn a() {}").unwrap();
        let mut p = Progress::default();
        assert_eq!(p.state("l01_a", &file), State::New);
        p.pass("l01_a", &file);
        p.fail("l01_b");
        let back = Progress::parse(&p.render());
        assert_eq!(back.state("l01_a", &file), State::Passed);
        assert_eq!(back.state("l01_b", &file), State::Failed);
        fs::write(&file, "fn a() { todo!() }").unwrap();
        assert_eq!(back.state("l01_a", &file), State::Stale);
        // 旧格式（没有摘要）的通过记录也算“需要重新评分”。
        assert_eq!(
            Progress::parse("l01_a passed\n").state("l01_a", &file),
            State::Stale
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
