//! 这一课几个测试文件共用的小工具（放在 tests/ 里，作为模块引入）。

#![allow(dead_code)]

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};

use tempfile::TempDir;
use testkit::{Finished, Proc, DEADLINE};

pub const SERVER: &str = env!("CARGO_BIN_EXE_l10-server");
pub const CLIENT: &str = env!("CARGO_BIN_EXE_l10-client");

/// 一个正在运行的服务端和它的存放目录（测试结束时连同临时目录一起清掉）。
pub struct Server {
    pub proc: Proc,
    /// 存放目录：`<临时目录>/uploads`，启动前并不存在，由服务端新建。
    pub dir: PathBuf,
    /// 临时目录本身，存放目录之外的地方（检查有没有文件被写到外面去）。
    pub root: TempDir,
}

impl Server {
    pub fn port(&self) -> String {
        self.proc.port()
    }

    pub fn addr(&self) -> SocketAddr {
        self.proc.addr()
    }

    /// 存放目录里的全部文件名（包括以点开头的临时文件），排好序。
    pub fn listing(&self) -> Vec<String> {
        listing(&self.dir)
    }
}

/// 启动服务端：`--port 0 --dir <新的临时目录>/uploads --disk-reserve 0`，再加上 `extra`
/// （`extra` 自己给出 `--disk-reserve` 时用它的）。
///
/// 预留设为 0：测试不该因为运行它的机器磁盘快满了而失败；预留本身由专门的测试检查。
pub fn start(extra: &[&str]) -> Server {
    let root = tempfile::tempdir().expect("能建临时目录");
    let dir = root.path().join("uploads");
    let mut args = vec![
        "--port".to_string(),
        "0".into(),
        "--dir".into(),
        dir.display().to_string(),
    ];
    if !extra.contains(&"--disk-reserve") {
        args.extend(["--disk-reserve".to_string(), "0".into()]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let proc = Proc::server(SERVER, args);
    Server { proc, dir, root }
}

pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("读不了目录 {}：{e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// 连上服务端，读写都有期限。
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("连得上服务端");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// 读服务端的一行回答（不含换行）。期限内读不到就让测试失败。
pub fn reply_line(stream: &TcpStream) -> String {
    let mut line = String::new();
    BufReader::new(stream)
        .read_line(&mut line)
        .expect("期限内读到服务端的回答");
    line.trim_end_matches('\n').to_string()
}

/// 手工发一个请求：写出 `bytes`，半关闭（告诉服务端后面没有了），读回答的一行。
pub fn request(addr: SocketAddr, bytes: &[u8]) -> String {
    let stream = connect(addr);
    (&stream).write_all(bytes).expect("写得出去");
    stream.shutdown(Shutdown::Write).unwrap();
    reply_line(&stream)
}

/// 运行客户端直到结束（有期限）。
pub fn client(args: &[&str]) -> Finished {
    testkit::run(CLIENT, args, "")
}

/// 可重复的伪随机字节（xorshift），测试文件不会是全零这种“碰巧对上”的内容。
pub fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// 独立算一遍 SHA-256（十六进制），用来和两个程序说的比较。
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}

/// 书里展示的输出文件 `output/<name>` 的路径。
pub fn saved_output(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}
