//! 第 09 课的练习。每个文件里有 `todo!()`，把它换成你的代码，然后运行 `just grade 09`。

pub mod ask;
pub mod menu;
pub mod seq;
pub mod split;
pub mod timeout;
