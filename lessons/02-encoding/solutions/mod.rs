//! 第 02 课练习的参考答案。先自己做，做不出来再看。

pub mod backslash;
pub mod guess;
pub mod prefix;
pub mod relay;
