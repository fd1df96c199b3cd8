//! 搬字节：按说好的长度复制、边搬边算 SHA-256，以及“要么整个文件、要么什么都没有”的临时文件。

use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

/// 每次读写的缓冲区大小。教程用 1024 字节：搬 1 GB 要一百万次系统调用；
/// 256 KiB 只要四千次，而内存占用仍然是一个固定的小数目，与文件多大无关。
pub const BUF_SIZE: usize = 256 * 1024;

// ANCHOR: copy_exact
/// 从 `r` 正好搬 `size` 个字节到 `w`，边搬边算 SHA-256，返回十六进制的摘要。
///
/// 不多读：`r` 后面的字节（下一个请求、或者对方多发的东西）留在原处。
/// 不少读：`size` 个字节没到齐对方就关了连接，返回 `UnexpectedEof`，说明收到了多少。
/// 每搬一块调用一次 `progress(已搬字节数)`，进度条就挂在这里。
pub fn copy_exact(
    r: &mut impl Read,
    w: &mut impl Write,
    size: u64,
    progress: &mut dyn FnMut(u64),
) -> io::Result<String> {
    let mut buf = vec![0u8; BUF_SIZE];
    let mut hasher = Sha256::new();
    let mut done: u64 = 0;
    while done < size {
        // 最后一块只读剩下的那么多，绝不越过说好的长度。
        let want = (size - done).min(BUF_SIZE as u64) as usize;
        let n = match r.read(&mut buf[..want]) {
            Ok(0) => {
                return Err(io::Error::new(
                    ErrorKind::UnexpectedEof,
                    format!("说好 {size} 字节，只收到 {done} 字节对方就关闭了"),
                ))
            }
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        w.write_all(&buf[..n])?;
        done += n as u64;
        progress(done);
    }
    w.flush()?;
    Ok(to_hex(&hasher.finalize()))
}
// ANCHOR_END: copy_exact

/// 字节转成小写十六进制，`sha256sum` 和 Python 的 `hexdigest()` 都是这个样子。
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

// ANCHOR: temp_file
/// 一个放在目标目录里的临时文件。没有调用 [`TempFile::commit`] 就被丢弃时
/// （出错提前返回、线程 panic），`Drop` 会把它删掉：半截的文件不会留下。
pub struct TempFile {
    path: PathBuf,
    file: File,
    committed: bool,
    /// 已经写了多少字节、其中多少已经交给内核开始往磁盘写（见下面的 `write`）。
    written: u64,
    handed_off: u64,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl TempFile {
    /// 在 `dir` 里建一个新的临时文件，名字是 `<prefix><进程号>-<序号>.part`。
    ///
    /// 必须和最终文件在**同一个目录**：`rename` 只在同一个文件系统里才是原子的。
    /// `create_new` 保证不会打开别人正在写的文件，万一重名就换一个序号再试。
    pub fn create_in(dir: &Path, prefix: &str) -> io::Result<TempFile> {
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!("{prefix}{}-{n}.part", std::process::id()));
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    return Ok(TempFile {
                        path,
                        file,
                        committed: false,
                        written: 0,
                        handed_off: 0,
                    })
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// 所有字节都到齐、检查都通过之后，才把临时文件放到最终的名字上。
    ///
    /// 1. `sync_all`：先把内容真正写到磁盘上，否则断电后可能出现“名字在、内容是空的”文件；
    /// 2. 换名字：允许覆盖时用 `rename`（原子地替换旧文件，读者看到的要么是旧的、要么是新的）；
    ///    不允许覆盖时用 `hard_link`（目标已存在就失败，不会有两个上传互相覆盖的竞争），再删掉临时名；
    /// 3. 再 `sync` 一次目录，让“改名”这件事本身也落到磁盘上。
    pub fn commit(mut self, dest: &Path, overwrite: bool) -> io::Result<()> {
        self.file.sync_all()?;
        if overwrite {
            fs::rename(&self.path, dest)?;
        } else {
            fs::hard_link(&self.path, dest)?;
            // 改名已经成功；临时名删不掉也只是多一个隐藏文件，Drop 还会再试一次。
            let _ = fs::remove_file(&self.path);
        }
        self.committed = true;
        sync_dir(dest.parent().unwrap_or(Path::new(".")));
        Ok(())
    }
}

// ANCHOR: remove_stale
/// 删掉 `dir` 里以前的进程留下的临时文件（`<prefix><进程号>-<序号>.part`），返回删掉的名字。
///
/// 进程被 SIGKILL、断电时，`Drop` 来不及运行，临时文件就永远留在目录里，占着磁盘预留。
/// 只删写它的进程已经不在了的那些：同一个目录可能还有另一个服务端在用，它正在写的文件不能动。
/// 进程号和我们自己的相同时也删：我们刚启动，还没建过任何临时文件，那是以前一个同号进程留下的。
pub fn remove_stale(dir: &Path, prefix: &str) -> io::Result<Vec<String>> {
    let mut removed = Vec::new();
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(pid) = temp_file_pid(name, prefix) else {
            continue;
        };
        if pid == std::process::id() || !process_exists(pid) {
            fs::remove_file(dir.join(name))?;
            removed.push(name.to_string());
        }
    }
    removed.sort();
    Ok(removed)
}
// ANCHOR_END: remove_stale

/// `<prefix><进程号>-<序号>.part` 里的进程号；名字不是这个样子时返回 `None`。
fn temp_file_pid(name: &str, prefix: &str) -> Option<u32> {
    let rest = name.strip_prefix(prefix)?.strip_suffix(".part")?;
    let (pid, n) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(pid) || !digits(n) {
        return None;
    }
    pid.parse().ok()
}

/// 这个进程号的进程还在吗？`kill(pid, 0)` 不发信号，只检查：成功或 `EPERM`（在，但不是我们的）都算在。
fn process_exists(pid: u32) -> bool {
    use nix::errno::Errno;
    use nix::sys::signal::kill;
    use nix::unistd::Pid;
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    matches!(kill(Pid::from_raw(pid), None), Ok(()) | Err(Errno::EPERM))
}

/// 写临时文件。在 Linux 上，每写满 [`WRITEBACK_CHUNK`] 就请内核**开始**把这一段写到磁盘
/// （`posix_fadvise` 的 `DONTNEED`：发起写回、不等它写完，已经写好的页从缓存里放掉）。
/// 这样磁盘和网络同时在忙，最后的 `sync_all` 只剩一点尾巴要等；
/// 否则几百 MB 的脏页全堆到最后一起写，要多等零点几秒。
impl Write for TempFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.handed_off >= WRITEBACK_CHUNK {
            start_writeback(&self.file, self.handed_off, self.written - self.handed_off);
            self.handed_off = self.written;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.path);
        }
    }
}
// ANCHOR_END: temp_file

/// 每写这么多字节，就让内核开始把它们写到磁盘上。
pub const WRITEBACK_CHUNK: u64 = 8 * 1024 * 1024;

#[cfg(target_os = "linux")]
fn start_writeback(file: &File, offset: u64, len: u64) {
    use nix::fcntl::{posix_fadvise, PosixFadviseAdvice};
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
        return;
    };
    // 只是一个提示：失败了也无妨（最后的 sync_all 会把一切写完），所以不管结果。
    let _ = posix_fadvise(file, offset, len, PosixFadviseAdvice::POSIX_FADV_DONTNEED);
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &File, _offset: u64, _len: u64) {}

/// 把目录的改动（新名字）写到磁盘上。只有 Unix 能这样做；失败了也不影响文件本身。
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// `dir` 所在的文件系统还有多少字节可以给普通用户用（`statvfs` 的 `f_bavail` 乘以块大小）。
/// 查不到时返回 `None`，调用者就不做这项检查。
pub fn free_space(dir: &Path) -> Option<u64> {
    fs4::available_space(dir).ok()
}

/// 进程到目前为止的峰值内存（常驻内存的最高点，Linux 的 `VmHWM`），单位 KiB。
/// 别的系统上没有这个数，返回 `None`。
pub fn peak_memory_kib() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn copies_exactly_and_hashes() {
        let data = b"hello world, more than asked".to_vec();
        let mut r = Cursor::new(data);
        let mut out = Vec::new();
        let sha = copy_exact(&mut r, &mut out, 11, &mut |_| {}).unwrap();
        assert_eq!(out, b"hello world");
        assert_eq!(
            sha,
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(r.position(), 11, "后面的字节要留在原处");
        let mut r = Cursor::new(b"abc".to_vec());
        let err = copy_exact(&mut r, &mut Vec::new(), 5, &mut |_| {}).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
    }

    #[test]
    fn only_temp_files_of_gone_processes_count_as_stale() {
        assert_eq!(temp_file_pid(".upload-12-3.part", ".upload-"), Some(12));
        for name in [
            ".upload-12.part",
            ".upload--3.part",
            ".upload-a-3.part",
            "x-1-2.part",
        ] {
            assert_eq!(temp_file_pid(name, ".upload-"), None, "{name}");
        }
        assert!(process_exists(std::process::id()));
        assert!(!process_exists(u32::MAX));
    }

    #[test]
    fn temp_file_is_removed_unless_committed() {
        let dir = tempfile::tempdir().unwrap();
        let t = TempFile::create_in(dir.path(), ".t-").unwrap();
        let p = t.path().to_path_buf();
        assert!(p.exists());
        drop(t);
        assert!(!p.exists());
        let mut t = TempFile::create_in(dir.path(), ".t-").unwrap();
        t.write_all(b"x").unwrap();
        let dest = dir.path().join("x");
        t.commit(&dest, false).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"x");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let t = TempFile::create_in(dir.path(), ".t-").unwrap();
        assert_eq!(
            t.commit(&dest, false).unwrap_err().kind(),
            ErrorKind::AlreadyExists
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
