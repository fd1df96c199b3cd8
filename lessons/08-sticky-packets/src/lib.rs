//! 第 08 课：粘包与分帧。

pub mod frame;
