//! 课程目录的一致性：`lesson.toml` 说有的东西，仓库里真的有。
//! 程序、练习文件、参考答案、评分测试、书的章节，缺一样这里就失败。

use std::fs;

use workbook::lessons::{self, Lesson};

fn all() -> Vec<Lesson> {
    lessons::load_all(&lessons::repo_root()).expect("所有 lesson.toml 都能读")
}

fn read(lesson: &Lesson, rel: &str) -> String {
    let path = lesson.dir.join(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("读 {} 失败：{e}", path.display()))
}

#[test]
fn lessons_are_numbered_like_their_folders() {
    let all = all();
    assert!(!all.is_empty(), "lessons/ 下没有任何 lesson.toml");
    assert_eq!(all[0].number, "01", "第一课应当是 01");
    for pair in all.windows(2) {
        assert!(
            pair[0].number < pair[1].number,
            "课号 {} 重复",
            pair[1].number
        );
    }
    for lesson in &all {
        let dir = lesson
            .dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            dir.starts_with(&format!("{}-", lesson.number)),
            "{dir} 应以课号开头"
        );
    }
}

#[test]
fn every_program_is_a_binary_of_its_package() {
    for lesson in all() {
        let manifest = read(&lesson, "Cargo.toml");
        assert!(
            manifest.contains(&format!("name = \"{}\"", lesson.package)),
            "第 {} 课的 Cargo.toml 里包名不是 {}",
            lesson.number,
            lesson.package
        );
        assert!(
            !lesson.programs.is_empty(),
            "第 {} 课没有程序",
            lesson.number
        );
        for program in &lesson.programs {
            let bin = lesson.bin_name(&program.name);
            assert!(
                manifest.contains(&format!("name = \"{bin}\"")),
                "第 {} 课的 Cargo.toml 没有可执行文件 {bin}",
                lesson.number
            );
        }
        for step in &lesson.demo {
            assert!(
                lesson.program(&step.program).is_some(),
                "第 {} 课的演示用到了不存在的程序 {}",
                lesson.number,
                step.program
            );
        }
        assert!(!lesson.demo.is_empty(), "第 {} 课没有演示", lesson.number);
    }
}

#[test]
fn every_exercise_has_a_file_a_solution_and_a_grading_test() {
    for lesson in all() {
        assert!(
            lesson.exercises.len() >= 4,
            "第 {} 课至少要有 4 道练习",
            lesson.number
        );
        let grading = read(&lesson, "tests/exercises.rs");
        let mut ids = std::collections::HashSet::new();
        for ex in &lesson.exercises {
            assert!(ids.insert(&ex.id), "练习编号 {} 重复", ex.id);
            assert!(
                ex.id.starts_with(&format!("l{}_", lesson.number)),
                "练习编号 {} 应以 l{}_ 开头",
                ex.id,
                lesson.number
            );
            read(&lesson, &ex.file);
            let solution = read(&lesson, &ex.solution);
            assert!(
                !solution.contains("todo!("),
                "参考答案 {} 里还有 todo!()",
                ex.solution
            );
            let call = format!("exercise!(\n    {},\n    \"{}\",", ex.id, ex.file);
            assert!(
                grading.contains(&call),
                "第 {} 课的 tests/exercises.rs 里没有 {} 的评分测试（应以 {call:?} 开头）",
                lesson.number,
                ex.id
            );
            assert!(!ex.hint.trim().is_empty(), "练习 {} 没有提示", ex.id);
        }
    }
}

#[test]
fn every_lesson_has_python_and_a_chapter() {
    let root = lessons::repo_root();
    let summary = fs::read_to_string(root.join("book/src/SUMMARY.md")).expect("书有目录");
    for lesson in all() {
        let python = lesson.dir.join("python");
        let has_py = fs::read_dir(&python)
            .map(|d| {
                d.flatten()
                    .any(|e| e.path().extension().is_some_and(|x| x == "py"))
            })
            .unwrap_or(false);
        assert!(has_py, "第 {} 课没有 python/ 对照程序", lesson.number);
        let chapter = format!("ch{}-", lesson.number);
        assert!(
            summary.contains(&chapter),
            "书的目录里没有第 {} 课的章节（文件名应以 {chapter} 开头）",
            lesson.number
        );
    }
}

/// 练习由易到难：每道 1 到 3 颗星，一课之内不降；两层提示都有；章节里用同样的星级介绍它。
/// 全书至少 40 道。
#[test]
fn exercises_are_rated_and_the_chapter_shows_the_stars() {
    let root = lessons::repo_root();
    let mut total = 0;
    for lesson in all() {
        total += lesson.exercises.len();
        let chapter = fs::read_dir(root.join("book/src"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&format!("ch{}-", lesson.number)))
            })
            .unwrap_or_else(|| panic!("第 {} 课没有章节文件", lesson.number));
        let text = fs::read_to_string(&chapter).unwrap();
        let mut last = 1;
        for ex in &lesson.exercises {
            assert!(
                (1..=3).contains(&ex.stars),
                "练习 {} 的星级是 {}，应当是 1 到 3",
                ex.id,
                ex.stars
            );
            assert!(
                ex.stars >= last,
                "第 {} 课的练习 {} 比前一道容易（{} 星 < {} 星）：一课之内由易到难",
                lesson.number,
                ex.id,
                ex.stars,
                last
            );
            last = ex.stars;
            assert!(
                ex.steps.as_deref().is_some_and(|s| !s.trim().is_empty()),
                "练习 {} 没有第二层提示（steps）",
                ex.id
            );
            let stars = format!(
                "{}{}",
                "★".repeat(usize::from(ex.stars)),
                "☆".repeat(3 - usize::from(ex.stars))
            );
            let file = ex.file.trim_start_matches("exercises/");
            assert!(
                text.lines().any(|l| l.contains(&stars) && l.contains(file)),
                "{} 里介绍练习 {}（{}）的那一行应当写着 {stars}",
                chapter.display(),
                ex.id,
                ex.file
            );
        }
    }
    assert!(total >= 40, "全书只有 {total} 道练习，至少要 40 道");
}
