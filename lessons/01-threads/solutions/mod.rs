//! 第 01 课练习的参考答案。先自己做，做不出来再看。

pub mod named;
pub mod pool;
pub mod scoped;
pub mod stop;
