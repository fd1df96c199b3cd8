//! 第 01 课的练习。每个文件里有 `todo!()`，把它换成你的代码，然后运行 `just grade 01`。

pub mod named;
pub mod pool;
pub mod scoped;
pub mod stop;
