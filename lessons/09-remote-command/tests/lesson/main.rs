//! 这一课的全部测试（评分用的 tests/exercises.rs 除外）编进同一个测试程序：
//! cargo 一次启动它，里面的测试并行运行，而不是一个测试文件一个进程、一个接一个地等。

// 这两组只在 Linux 上：危险模式的看守进程靠 Linux 的收养者，挤占资源的测试要用 setpriv、prlimit 和 /proc。
#[cfg(target_os = "linux")]
mod crowding;
#[cfg(target_os = "linux")]
mod descendants;
mod limits;
mod programs;
mod python;
mod twins;
mod vetted;
