//! 运行器和整个练习册的测试，编进同一个测试程序（cargo 只启动一次，里面的测试并行运行）：
//!
//! - `catalogue`：`lesson.toml` 说有的东西，仓库里真的有；
//! - `twins`：教程版只用标准库，而且不比它对照的 Python 长太多；
//! - `book`：书里引用的文件和锚点都在，段落不在汉字之间换行，图按显示宽度对齐；
//! - `browser`：在真的浏览器里搜索、看图；
//! - `runner`：运行器的命令行、演示；
//!
//! 评分、watch 和提示的测试（在沙盒里的第 01 课副本上）是另一个测试程序 `tests/grading/`：沙盒和这里的
//! 运行器测试共用目标目录，同时编译第 01 课时会互相换掉 `target/debug/l01-*`；cargo 一个接一个地运行测试程序，
//! 分开以后它们就不会同时编译了。

mod book;
mod browser;
mod catalogue;
mod runner;
mod twins;
