//! 第 06 课的练习的参考答案。先自己做，做不出来再看。

pub mod drain;
pub mod numbered;
pub mod pipeline;
pub mod readline;
