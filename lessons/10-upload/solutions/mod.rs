//! 第 10 课练习的参考答案。先自己做，做不出来再看。

pub mod header;
pub mod name;
pub mod receive;
pub mod serve;
