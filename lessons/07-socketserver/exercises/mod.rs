//! 第 07 课的练习。每个文件里有 `todo!()`，把它换成你的代码，然后运行 `just grade 07`。

pub mod handle_request;
pub mod lines;
pub mod serve_at_most;
pub mod stop_word;
