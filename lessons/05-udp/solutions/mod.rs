//! 第 05 课的练习的参考答案。先自己做，做不出来再看。

pub mod ask_all;
pub mod backoff;
pub mod chunks;
pub mod serve_one;
