//! 第 03 课练习的参考答案。

pub mod ask;
pub mod receipt;
pub mod split;
pub mod status;
pub mod text;
