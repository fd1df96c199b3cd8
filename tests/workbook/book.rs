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

/// 汉字和中文标点：浏览器把两个这样的字符之间的换行显示成一个空格，读起来像是多打了一个空格。
fn is_wide_text(c: char) -> bool {
    unicode_width::UnicodeWidthChar::width(c) == Some(2)
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·')
}

/// 一行是不是一个新块的开头（列表、标题、表格、引用、代码、include、HTML）。
fn starts_block(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("- ")
        || t.starts_with("* ")
        || t.starts_with("+ ")
        || t.starts_with('#')
        || t.starts_with('|')
        || t.starts_with('>')
        || t.starts_with("```")
        || t.starts_with("{{#")
        || t.starts_with('<')
        || t.split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

#[test]
fn no_line_break_between_chinese_characters() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src");
    let mut files = Vec::new();
    markdown_files(&src, &mut files);
    let mut problems = Vec::new();
    for md in &files {
        let text = fs::read_to_string(md).expect("章节是 UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        let mut fence = false;
        for (i, pair) in lines.windows(2).enumerate() {
            if pair[0].trim_start().starts_with("```") {
                fence = !fence;
            }
            if fence || pair[0].trim().is_empty() || starts_block(pair[1]) {
                continue;
            }
            let (Some(a), Some(b)) = (
                pair[0].trim_end().chars().last(),
                pair[1].trim().chars().next(),
            ) else {
                continue;
            };
            if is_wide_text(a) && is_wide_text(b) {
                problems.push(format!("{}:{}: {a}⏎{b}", md.display(), i + 1));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "段落在两个汉字之间换了行，浏览器会在那里显示一个多余的空格（把这一段写成一行）：\n{}",
        problems.join("\n")
    );
}

/// 竖线、拐角和上下箭头：图里这些字符要和上一行或下一行的同类字符对齐。
const VERTICAL: &str = "│┃║┆┊╎┬┴┼├┤┌┐└┘╭╮╯╰▲▼△▽↑↓";

/// 一行里每个字符所在的显示列（汉字占两列）。
fn columns(line: &str) -> Vec<(usize, char)> {
    let mut col = 0;
    line.chars()
        .map(|c| {
            let here = col;
            col += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            (here, c)
        })
        .collect()
}

fn vertical_at(line: &[(usize, char)], col: usize) -> bool {
    line.iter()
        .any(|&(c, ch)| c == col && VERTICAL.contains(ch))
}

/// 一个 ```text 块里没有对上的竖线：返回（块内行号，显示列）。
fn misaligned(block: &[&str]) -> Vec<(usize, usize)> {
    let rows: Vec<Vec<(usize, char)>> = block.iter().map(|l| columns(l)).collect();
    let mut bad = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let above = i.checked_sub(1).map(|j| &rows[j][..]);
        let below = rows.get(i + 1).map(|r| &r[..]);
        for &(col, ch) in row {
            let up = above.is_some_and(|r| vertical_at(r, col));
            let down = below.is_some_and(|r| vertical_at(r, col));
            let ok = match ch {
                '│' | '┃' | '║' | '┆' | '┊' | '╎' | '├' | '┤' | '┼' => up || down,
                '┌' | '┐' | '┬' | '╭' | '╮' => down,
                '└' | '┘' | '┴' | '╰' | '╯' => up,
                _ => true,
            };
            if !ok {
                bad.push((i, col));
            }
        }
    }
    bad
}

#[test]
fn text_diagrams_line_up() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src");
    let mut files = Vec::new();
    markdown_files(&src, &mut files);
    let mut problems = Vec::new();
    for md in &files {
        let text = fs::read_to_string(md).expect("章节是 UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            if lines[i].trim() == "```text" {
                let start = i + 1;
                let end = (start..lines.len())
                    .find(|&j| lines[j].trim_start().starts_with("```"))
                    .unwrap_or(lines.len());
                for (row, col) in misaligned(&lines[start..end]) {
                    problems.push(format!(
                        "{}:{}: 第 {} 列的竖线和上下两行都没有对齐：{}",
                        md.display(),
                        start + row + 1,
                        col + 1,
                        lines[start + row].trim_end()
                    ));
                }
                i = end;
            }
            i += 1;
        }
    }
    assert!(
        problems.is_empty(),
        "图没有对齐（按显示宽度算，一个汉字占两列）：\n{}",
        problems.join("\n")
    );
}

#[test]
fn alignment_check_counts_chinese_as_two_columns() {
    assert!(misaligned(&["┌──┐", "│汉│", "└──┘"]).is_empty());
    assert!(misaligned(&["│ 汉 │", "│ ab │"]).is_empty());
    assert_eq!(misaligned(&["│ 汉 │", "│ a │"]), vec![(0, 5), (1, 4)]);
    assert_eq!(misaligned(&["┌─┐", "│汉│"]), vec![(0, 2), (1, 3)]);
}
