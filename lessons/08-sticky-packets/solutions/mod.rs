//! 第 08 课练习的参考答案。先自己做，做不出来再看。

pub mod encode;
pub mod escape;
pub mod server;
pub mod varint;
