//! 第 04 课的练习。每个文件里有 `todo!()`，把它换成你的代码，然后运行 `just grade 04`（没有装 just 时：`cargo run -- grade 04`）。

pub mod login;
pub mod per_thread;
pub mod relay;
pub mod until_eof;
