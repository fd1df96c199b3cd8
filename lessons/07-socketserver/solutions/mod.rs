//! 第 07 课练习的参考答案。先自己做，做不出来再看。

pub mod handle_request;
pub mod lines;
pub mod serve_at_most;
pub mod stop_word;
