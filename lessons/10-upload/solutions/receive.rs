//! 练习 3 的参考答案：临时文件 + 边收边算摘要 + 收齐才改名。

use std::fs::{self, File};
use std::io::{self, ErrorKind, Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::transfer::to_hex;

pub fn receive_file(conn: &mut dyn Read, dir: &Path, name: &str, size: u64) -> io::Result<String> {
    let temp = dir.join(format!(".upload-{}.part", std::process::id()));
    let result = receive_into(conn, &temp, size);
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

fn receive_into(conn: &mut dyn Read, temp: &Path, size: u64) -> io::Result<String> {
    let mut file = File::create(temp)?;
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
