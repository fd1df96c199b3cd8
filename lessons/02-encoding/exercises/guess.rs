//! 练习 2（★★☆）：对方用的是 UTF-8 还是 GBK？
//!
//! 教程里的客户端连着一台中文 Windows，命令的输出是 GBK；换成 Linux 服务端，输出又是 UTF-8；
//! Windows 的记事本存 UTF-8 文件时，还会在开头放一个 BOM（`EF BB BF` 三个字节，也就是 U+FEFF）。
//! 写一个函数，按下面的顺序猜：
//!
//! 1. 以 BOM 开头：一定是 UTF-8。去掉**这一个** BOM，剩下的是合法的 UTF-8 就返回
//!    `Some((文字, "utf-8-sig"))`（Python 管这种编码叫 utf-8-sig），否则返回 `None`（不再试 GBK）；
//! 2. 是合法的 UTF-8：返回 `Some((文字, "utf-8"))`；
//! 3. 是合法的 GBK（用 `encoding_rs::GBK` 解码时没有任何错误）：返回 `Some((文字, "gbk"))`；
//! 4. 都不是：返回 `None`。
//!
//! 先试 UTF-8 是因为它的规则严格，GBK 字节碰巧是合法 UTF-8 的情况很少；反过来，UTF-8 的字节
//! 却常常“碰巧”是合法的 GBK（那就是乱码“娓告吵”）。

use encoding_rs::GBK;

pub fn guess_decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    todo!()
}
