//! 这一课的全部测试（评分用的 tests/exercises.rs 除外）编进同一个测试程序。

mod backlog;
mod blocking;
mod common;
mod hostile;
mod programs;
mod python;
#[cfg(unix)]
mod shutdown;
