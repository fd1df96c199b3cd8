//! 第 06 课的练习。每个文件里有 `todo!()`，把它换成你的代码，然后运行 `just grade 06`。

pub mod drain;
pub mod numbered;
pub mod pipeline;
pub mod readline;
