//! 书不能和代码脱节：`book/src` 里每个 `{{#include 文件:锚点}}` 都必须指向存在的文件，
//! 锚点必须在文件里成对出现（ANCHOR 与 ANCHOR_END）。mdBook 自己对缺失的文件只记一条日志，
//! 对缺失的锚点什么也不说，所以由这个测试把关。

use std::fs;
use std::path::{Path, PathBuf};

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("能读 book/src") {
        let path = entry.expect("目录项").path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// 找出文本里所有 `{{#include …}}` / `{{#rustdoc_include …}}` 的参数。
fn includes(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{#") {
        let after = &rest[start + 3..];
        let Some(end) = after.find("}}") else { break };
        let inner = after[..end].trim();
        if let Some(arg) = inner
            .strip_prefix("include ")
            .or_else(|| inner.strip_prefix("rustdoc_include "))
        {
            found.push(arg.trim().to_string());
        }
        rest = &after[end..];
    }
    found
}

fn has_anchor(text: &str, marker: &str, anchor: &str) -> bool {
    text.lines().any(|line| {
        line.split_once(marker)
            .is_some_and(|(_, name)| name.trim() == anchor)
    })
}

#[test]
fn every_include_names_an_existing_file_and_anchor() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src");
    let mut files = Vec::new();
    markdown_files(&src, &mut files);
    assert!(!files.is_empty(), "book/src 里没有 Markdown 文件");
    let mut problems = Vec::new();
    let mut count = 0;
    for md in &files {
        let text = fs::read_to_string(md).expect("章节是 UTF-8");
        for arg in includes(&text) {
            count += 1;
            let (path, anchor) = match arg.split_once(':') {
                Some((p, a)) => (p, Some(a.split(':').next().unwrap_or(""))),
                None => (arg.as_str(), None),
            };
            let target = md.parent().unwrap().join(path);
            let Ok(body) = fs::read_to_string(&target) else {
                problems.push(format!("{}: 引用的文件不存在：{path}", md.display()));
                continue;
            };
            if let Some(anchor) =
                anchor.filter(|a| !a.is_empty() && !a.chars().all(|c| c.is_ascii_digit()))
            {
                if !has_anchor(&body, "ANCHOR:", anchor)
                    || !has_anchor(&body, "ANCHOR_END:", anchor)
                {
                    problems.push(format!(
                        "{}: {path} 里没有成对的锚点 {anchor}",
                        md.display()
                    ));
                }
            } else if anchor.is_none() && path.ends_with(".rs") {
                problems.push(format!(
                    "{}: 不带锚点地引用整个 {path}（锚点注释会显示出来），请加锚点",
                    md.display()
                ));
            }
        }
    }
    assert!(count > 0, "书里没有任何 include：章节应当展示真实代码");
    assert!(
        problems.is_empty(),
        "书里的引用有问题：\n{}",
        problems.join("\n")
    );
}

#[test]
fn include_parser_finds_anchors() {
    let text = "a\n{{#include ../x.rs:main}}\nb {{#rustdoc_include y.rs}}";
    assert_eq!(includes(text), vec!["../x.rs:main", "y.rs"]);
    assert!(has_anchor("// ANCHOR: main\n", "ANCHOR:", "main"));
    assert!(!has_anchor("// ANCHOR: mainly\n", "ANCHOR:", "main"));
}
