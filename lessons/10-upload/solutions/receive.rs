//! 练习 3 的参考答案：临时文件 + 边收边算摘要 + 收齐才改名。

use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use crate::transfer::to_hex;

pub fn receive_file(conn: &mut dyn Read, dir: &Path, name: &str, size: u64) -> io::Result<String> {
    let (temp, file) = create_temp(dir)?;
    let result = receive_into(conn, file, size);
    match result {
        Ok(sha) => {
            fs::rename(&temp, dir.join(name))?;
            Ok(sha)
        }
        Err(e) => {
            // 出了任何错，都不留下半截的文件。
            let _ = fs::remove_file(&temp);
            Err(e)
        }
    }
}

/// 在 `dir` 里新建一个临时文件：`<进程号>-<序号>` 让同时进行的几个上传各用各的名字；
/// `create_new` 在名字已经存在时失败（哪怕那是一个符号链接），绝不打开、截断别人的文件，
/// 也不会顺着链接写到目录外面去。失败了就换下一个序号。
fn create_temp(dir: &Path) -> io::Result<(PathBuf, File)> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".upload-{}-{n}.part", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

fn receive_into(conn: &mut dyn Read, mut file: File, size: u64) -> io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut left = size;
    while left > 0 {
        let want = left.min(buf.len() as u64) as usize;
        let n = match conn.read(&mut buf[..want]) {
            Ok(0) => {
                return Err(io::Error::new(
                    ErrorKind::UnexpectedEof,
                    format!("还差 {left} 字节对方就关闭了连接"),
                ))
            }
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n])?;
        left -= n as u64;
    }
    file.sync_all()?;
    Ok(to_hex(&hasher.finalize()))
}
