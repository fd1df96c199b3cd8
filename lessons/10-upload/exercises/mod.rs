//! 第 10 课的练习。每个文件里有 `todo!()`，把它换成你的代码，然后运行 `just grade 10`。

pub mod header;
pub mod name;
pub mod receive;
pub mod serve;
