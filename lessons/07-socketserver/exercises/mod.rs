//! 第 07 课的练习。每个文件里有 `todo!()`，把它换成你的代码，然后运行 `just grade 07`。

pub mod echo;
pub mod handle_request;
pub mod serve_until;
