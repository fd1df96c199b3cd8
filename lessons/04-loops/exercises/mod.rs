//! 第 04 课的练习。每个文件里有 `todo!()`，把它换成你的代码，然后运行 `just grade 04`。

pub mod login;
pub mod per_thread;
pub mod until_eof;
