//! 第 11 课练习的参考答案。

pub mod counter;
pub mod deadline;
pub mod heartbeat;
pub mod offload;
