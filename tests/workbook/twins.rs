//! 教程的孪生程序（`lesson.toml` 里带 `twin` 的程序）守着自己的规矩：
//! 只用标准库、`fn main() -> std::io::Result<()>`，而且不比它对照的 Python 长太多：
//! 最多是 Python 有效行数（去掉空行和注释）的 1.5 倍再加 4 行。

use std::fs;
use std::path::Path;

use workbook::lessons::{self, Lesson, Program};

/// 去掉空行和注释之后的行数。
fn code_lines(text: &str, comment: &str) -> usize {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with(comment))
        .count()
}

/// 孪生程序的 Rust 源文件：`Cargo.toml` 里名为 `lNN-<短名>` 的 `[[bin]]` 的 `path`。
fn source_of(lesson: &Lesson, program: &Program) -> String {
    let manifest = fs::read_to_string(lesson.dir.join("Cargo.toml")).expect("课程有 Cargo.toml");
    let value: toml::Table = toml::from_str(&manifest).expect("Cargo.toml 是合法的 TOML");
    let bin = lesson.bin_name(&program.name);
    let path = value
        .get("bin")
        .and_then(|b| b.as_array())
        .into_iter()
        .flatten()
        .find(|b| b.get("name").and_then(|n| n.as_str()) == Some(bin.as_str()))
        .and_then(|b| b.get("path").and_then(|p| p.as_str()))
        .unwrap_or_else(|| {
            panic!(
                "第 {} 课的 Cargo.toml 里没有带 path 的 [[bin]] {bin}",
                lesson.number
            )
        });
    fs::read_to_string(lesson.dir.join(path)).unwrap_or_else(|e| panic!("读 {path} 失败：{e}"))
}

fn all_twins() -> Vec<(Lesson, usize)> {
    lessons::load_all(&lessons::repo_root())
        .expect("所有 lesson.toml 都能读")
        .into_iter()
        .map(|l| {
            let n = l.twins().count();
            (l, n)
        })
        .collect()
}

#[test]
fn every_twin_is_no_longer_than_its_python_allows() {
    let mut problems = Vec::new();
    let mut table = Vec::new();
    for (lesson, _) in all_twins() {
        for program in lesson.twins() {
            let py_rel = program.twin.as_deref().expect("twins() 只给带 twin 的程序");
            let py = fs::read_to_string(lesson.dir.join(py_rel)).unwrap_or_else(|e| {
                panic!(
                    "第 {} 课 {}：读 {py_rel} 失败：{e}",
                    lesson.number, program.name
                )
            });
            let rust = source_of(&lesson, program);
            let (r, p) = (code_lines(&rust, "//"), code_lines(&py, "#"));
            let limit = p * 3 / 2 + 4;
            table.push(format!(
                "  l{}-{:<26} Rust {r:>3} 行，Python {p:>3} 行，上限 {limit}",
                lesson.number, program.name
            ));
            if r > limit {
                problems.push(format!(
                    "l{}-{}：{r} 行，超过了 {py_rel} 的 {p} 行 × 1.5 + 4 = {limit} 行",
                    lesson.number, program.name
                ));
            }
        }
    }
    eprintln!("孪生程序的大小：\n{}", table.join("\n"));
    assert!(
        problems.is_empty(),
        "孪生程序太长了：\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_twin_uses_only_the_standard_library() {
    let mut problems = Vec::new();
    for (lesson, _) in all_twins() {
        for program in lesson.twins() {
            let rust = source_of(&lesson, program);
            let name = format!("l{}-{}", lesson.number, program.name);
            if !rust.contains("fn main() -> std::io::Result<()>")
                && !rust.contains("fn main() -> io::Result<()>")
            {
                problems.push(format!(
                    "{name}：main 应当是 fn main() -> std::io::Result<()>"
                ));
            }
            // 第 07 课的孪生程序可以用这一课自己的 socketserver 库，就像 Python 用标准库的 socketserver。
            let own = format!("lesson_{}", lesson.number);
            for word in ["clap", "anyhow", "support", "colored", "testkit", "lesson_"] {
                for line in rust.lines().filter(|l| !l.trim_start().starts_with("//")) {
                    let allowed = lesson.number == "07" && line.contains(&own);
                    if line.contains(&format!("{word}::")) && !allowed {
                        problems.push(format!(
                            "{name}：只能用标准库，这一行用了 {word}：{}",
                            line.trim()
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_twin_names_an_existing_python_file() {
    for (lesson, _) in all_twins() {
        for program in lesson.twins() {
            let py = program.twin.as_deref().unwrap();
            assert!(
                py.starts_with("python/") && py.ends_with(".py") && lesson.dir.join(py).is_file(),
                "第 {} 课 {} 的 twin = {py:?} 应当是 python/ 里存在的 .py 文件",
                lesson.number,
                program.name
            );
            assert!(
                program.seed.is_some(),
                "第 {} 课 {} 应当用 seed 写明它出自哪篇教程的哪一节",
                lesson.number,
                program.name
            );
        }
    }
}

#[test]
fn line_counting_skips_blank_lines_and_comments() {
    assert_eq!(code_lines("a\n\n  # x\nb\n", "#"), 2);
    assert_eq!(code_lines("// x\nfn main() {}\n\n", "//"), 1);
    assert!(Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("lessons")
        .is_dir());
}
