//! 第 08 课的练习。每个文件里有 `todo!()`，把它换成你的代码，然后运行 `just grade 08`。

pub mod encode;
pub mod escape;
pub mod server;
pub mod varint;
