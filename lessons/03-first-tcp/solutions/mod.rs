//! 第 03 课练习的参考答案。

pub mod ask;
pub mod serve_one;
pub mod split;
pub mod status;
