//! 练习册运行器的库部分：课程目录、演示、评分。`src/main.rs` 只负责命令行。

pub mod cargo;
pub mod demo;
pub mod grade;
pub mod lessons;
pub mod progress;
pub mod watch;
