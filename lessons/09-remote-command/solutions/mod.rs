//! 第 09 课练习的参考答案。

pub mod ask;
pub mod menu;
pub mod seq;
pub mod split;
pub mod timeout;
