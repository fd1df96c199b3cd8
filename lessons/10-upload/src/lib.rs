//! 第 10 课：文件上传。
//!
//! 教程的上传程序只有二十几行，却有四个洞：文件名可以带 `../`，写到目录外面去；
//! 大小不设上限；同名文件直接覆盖；连接断在半路时留下一个半截的文件，还用着正式的名字。
//! 这一课的协议和教程一样简单（`post|大小|文件名`，只多了一个换行），但每个洞都补上了：
//!
//! - [`upload`]：请求头的解析和文件名检查，纯字符串，不碰网络和磁盘；
//! - [`transfer`]：按说好的长度搬字节、边搬边算 SHA-256、只在成功时才换上正式名字的临时文件；
//! - [`server`]：一个连接一个线程，一个连接上一个接一个的请求；连接上限、空闲超时和最低速率
//!   是所有服务端共用的 `support::serve`；拒绝时体面地结束连接；
//! - [`client`]：上传、下载、进度条，两头核对摘要；
//! - [`size`]：给人看的大小（`1.8 KiB`、`16 MiB`），命令行上也这样写。

pub mod client;
pub mod server;
pub mod size;
pub mod transfer;
pub mod upload;

// 学习者的练习只在评分时编译（cargo 特性 `exercises`）：写到一半的练习不会拖累这一课的程序和别的课。
#[path = "../exercises/mod.rs"]
#[cfg(feature = "exercises")]
#[allow(unused_variables, unused_imports, unused_mut, dead_code)]
pub mod exercises;

// 参考答案（cargo 特性 `solutions`）：评分时不编译，学习者的文件够不着它。
#[path = "../solutions/mod.rs"]
#[cfg(feature = "solutions")]
#[doc(hidden)]
pub mod solutions;

/// 服务端的默认端口，和教程一样。
pub const DEFAULT_PORT: u16 = 8898;

/// 默认的存放目录（相对于启动服务端时的当前目录）。教程把文件放在脚本旁边的 `yuan` 子目录里。
pub const DEFAULT_DIR: &str = "uploads";

/// 默认的单个文件上限（命令行上的写法，见 [`size::parse`]）。
pub const DEFAULT_MAX_SIZE: &str = "1GiB";
