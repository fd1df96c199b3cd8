//! 第 03 课的练习。每个文件里有 `todo!()`，把它换成你的代码，然后运行 `just grade 03`。

pub mod ask;
pub mod serve_one;
pub mod split;
pub mod status;
