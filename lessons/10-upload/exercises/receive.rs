//! 练习 3：收一个文件，只在收齐之后才让它出现在正式的名字上。
//!
//! 从 `conn` 正好读 `size` 个字节，保存为 `dir/name`，返回内容的 SHA-256（64 个小写十六进制字符）。
//!
//! - 先写进 `dir` 里的一个临时文件，名字以 `.` 开头（比如 `.upload-<进程号>-<序号>.part`）：
//!   和正式文件在同一个目录里，最后的 `fs::rename` 才是原子的。用 `create_new` 新建它，
//!   名字已经存在就换一个：不打开别人的文件，也不顺着符号链接写到目录外面去；
//! - 一边收一边写、一边算摘要，用一个固定大小的缓冲区，不要把整个文件读进内存；
//! - 收齐后先 `sync_all`，再 `fs::rename(临时文件, dir/name)`；
//! - 对方在 `size` 个字节到齐之前就关了连接（`read` 返回 0）：返回 `ErrorKind::UnexpectedEof`
//!   的错误，并且删掉临时文件，`dir` 里什么都不留下；
//! - 不要读超过 `size` 个字节：后面的字节不属于这个文件。
//!
//! 评分时，连接的另一头是真正的 `l10-client`：它会核对你算出的摘要。
//!
//! 用得上的：`sha2::{Digest, Sha256}`（`Sha256::new()`、`update`、`finalize`），
//! `crate::transfer::to_hex`，`std::fs::{self, File}`。

use std::io::{self, Read};
use std::path::Path;

pub fn receive_file(conn: &mut dyn Read, dir: &Path, name: &str, size: u64) -> io::Result<String> {
    todo!()
}
