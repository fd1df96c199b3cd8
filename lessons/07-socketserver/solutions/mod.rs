//! 第 07 课练习的参考答案。先自己做，做不出来再看。

pub mod echo;
pub mod handle_request;
pub mod serve_until;
