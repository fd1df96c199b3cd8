//! 第 05 课练习的参考答案。先自己做，做不出来再看。

pub mod ask;
pub mod chunks;
pub mod serve_one;
