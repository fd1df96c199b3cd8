//! 这一课的全部测试（评分用的 tests/exercises.rs 除外）编进同一个测试程序：
//! cargo 一次启动它，里面的测试并行运行，而不是一个测试文件一个进程、一个接一个地等。

mod breaks;
mod framework;
mod limits;
mod load;
mod programs;
mod python;
mod twins;
