//! 第 02 课的练习。每个文件里有 `todo!()`，把它换成你的代码，然后运行 `just grade 02`。

pub mod backslash;
pub mod guess;
pub mod prefix;
pub mod relay;
