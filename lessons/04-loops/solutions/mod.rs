//! 第 04 课练习的参考答案。

pub mod login;
pub mod per_thread;
pub mod relay;
pub mod until_eof;
