//! 上传有多快、占多少内存：`cargo bench -p lesson-10`。
//!
//! 在回环地址上上传同一个文件（默认 512 MiB，环境变量 `L10_BENCH_MB` 可以改小），同一次运行里比较：
//!
//! - 直接用 TCP 把这些字节从文件复制到对面（不算摘要、不写盘）：这台机器的上限；
//! - 单核算一遍 SHA-256 的速度：两端都要算，这是另一条上限；
//! - 真正的 `l10-client` → `l10-server`（两个进程，写盘、fsync、两端核对摘要），release 构建；
//! - 同样的两个程序的开发构建（`target/debug`，`cargo run` 和 `just lesson 10` 用的就是它）：
//!   开始前先 `cargo build -p lesson-10 --bins`，已经是最新的就什么都不做；
//! - 教程写法的 Python（每次 1024 字节）：Python 客户端 → Python 服务端，以及 Python 客户端 → Rust 服务端。
//!
//! 内存：两个程序的 `--report-memory` 报告进程的峰值常驻内存（Linux 的 VmHWM）。
//! 先传一个 16 MiB 的小文件、再传大文件，各用一个新的服务端进程，看峰值是否与文件大小无关。
//! 临时文件放在 target/ 下，结束时（包括出错时）删掉。

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use testkit::Proc;

const SERVER: &str = env!("CARGO_BIN_EXE_l10-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l10-client");
const MIB: u64 = 1024 * 1024;
const ROUNDS: usize = 3;

/// 结束时删掉整个工作目录。
struct Cleanup(PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn main() {
    let mb: u64 = std::env::var("L10_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&v| v > 0)
        .unwrap_or(512);
    let size = mb * MIB;
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("l10-bench");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).expect("建工作目录");
    let _cleanup = Cleanup(work.clone());
    let cpus = thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "文件 {mb} MiB，回环地址，{cpus} 个 CPU；每项取 {ROUNDS} 次中最快的一次（Python 只跑一次）"
    );

    let src = work.join("source.bin");
    write_pseudo_random(&src, size);
    let small = work.join("small.bin");
    write_pseudo_random(&small, 16 * MIB);

    let dev = dev_programs();
    let ceiling = best(|| plain_tcp_copy(&src));
    let hashing = best(|| hash_only(&src));

    // 先用小文件测一次内存（新的服务端进程），再测大文件。
    let release = Programs {
        server: PathBuf::from(SERVER),
        client: PathBuf::from(CLIENT),
    };
    let (_, small_mem) = rust_upload(&work, &small, 1, &release);
    let (rust, big_mem) = rust_upload(&work, &src, ROUNDS, &release);
    let (rust_dev, _) = rust_upload(&work, &src, ROUNDS, &dev);

    let python = python_upload(&work, &src);

    println!();
    println!("{:>10} {:>9}  方式", "MB/s", "用时");
    row(
        size,
        ceiling,
        "TCP 直接复制（io::copy，不算摘要不写盘）：上限",
    );
    row(size, hashing, "单核算 SHA-256（不走网络）：两端各要算一遍");
    row(
        size,
        rust,
        "Rust release：l10-client → l10-server（写盘 + fsync + 两端摘要）",
    );
    row(
        size,
        rust_dev,
        "Rust 开发构建（target/debug，cargo run 用的）：同上",
    );
    if let Some((py_py, py_rust)) = python {
        row(
            size,
            py_py,
            "Python 教程写法：客户端 → 服务端，每次 1024 字节",
        );
        row(size, py_rust, "Python 客户端（1024 字节）→ Rust 服务端");
        println!(
            "Rust release 是 Python 教程写法的 {:.1} 倍，开发构建是它的 {:.1} 倍；release 是 TCP 上限的 {:.0}%",
            py_py.as_secs_f64() / rust.as_secs_f64(),
            py_py.as_secs_f64() / rust_dev.as_secs_f64(),
            100.0 * ceiling.as_secs_f64() / rust.as_secs_f64()
        );
    } else {
        println!("（没有 python3，跳过 Python 的对比）");
    }
    println!(
        "开发构建的速度是 release 的 {:.0}%",
        100.0 * rust.as_secs_f64() / rust_dev.as_secs_f64()
    );
    println!();
    println!("峰值内存（VmHWM）        16 MiB 文件    {mb} MiB 文件");
    println!(
        "l10-server            {:>10}    {:>10}",
        small_mem.server, big_mem.server
    );
    println!(
        "l10-client            {:>10}    {:>10}",
        small_mem.client, big_mem.client
    );
}

fn row(size: u64, took: Duration, what: &str) {
    println!(
        "{:>10.0} {:>8.2}s  {what}",
        size as f64 / 1e6 / took.as_secs_f64(),
        took.as_secs_f64()
    );
}

fn best(mut f: impl FnMut() -> Duration) -> Duration {
    (0..ROUNDS).map(|_| f()).min().expect("至少一轮")
}

/// 写一个伪随机内容的文件（xorshift），一次 1 MiB。
fn write_pseudo_random(path: &Path, size: u64) {
    let mut out = BufWriter::new(File::create(path).expect("建源文件"));
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut chunk = vec![0u8; MIB as usize];
    for _ in 0..size / MIB {
        for word in chunk.chunks_exact_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            word.copy_from_slice(&x.to_le_bytes());
        }
        out.write_all(&chunk).expect("写源文件");
    }
    out.flush().expect("写源文件");
}

/// 上限：一个线程收、扔掉；另一头把文件直接复制进连接。
fn plain_tcp_copy(src: &Path) -> Duration {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let started = Instant::now();
    let sink = thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        io::copy(&mut s, &mut io::sink()).unwrap()
    });
    let mut conn = TcpStream::connect(addr).unwrap();
    let sent = io::copy(&mut File::open(src).unwrap(), &mut conn).unwrap();
    drop(conn);
    assert_eq!(sink.join().unwrap(), sent);
    started.elapsed()
}

fn hash_only(src: &Path) -> Duration {
    let started = Instant::now();
    let mut file = File::open(src).unwrap();
    let mut buf = vec![0u8; 256 * 1024];
    let mut hasher = Sha256::new();
    loop {
        let n = file.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let _ = hasher.finalize();
    started.elapsed()
}

struct Memory {
    server: String,
    client: String,
}

/// 找出一行里 `：` 后面的峰值内存数字（`… MiB`）。
fn memory_in(line: &str) -> String {
    line.rsplit('：').next().unwrap_or("?").trim().to_string()
}

/// 一对要量的程序。
struct Programs {
    server: PathBuf,
    client: PathBuf,
}

/// 开发构建的两个程序：和 release 的放在同一个 target 目录下，`release/` 换成 `debug/`。
/// 先让 cargo 构建一遍（已经是最新的就什么都不做），量到的一定是现在的代码。
fn dev_programs() -> Programs {
    let release_dir = Path::new(SERVER).parent().expect("可执行文件在一个目录里");
    let target = release_dir.parent().expect("release 目录在 target 目录里");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_string());
    println!("构建开发版（cargo build -p lesson-10 --bins）……");
    let status = Command::new(cargo)
        .args(["build", "-q", "-p", "lesson-10", "--bins"])
        .env("CARGO_TARGET_DIR", target)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("运行 cargo build");
    assert!(status.success(), "开发构建失败");
    let debug = target.join("debug");
    Programs {
        server: debug.join("l10-server"),
        client: debug.join("l10-client"),
    }
}

/// 起一个新的服务端进程，上传 `rounds` 次，返回最快的一次和两个进程的峰值内存。
fn rust_upload(work: &Path, src: &Path, rounds: usize, programs: &Programs) -> (Duration, Memory) {
    let dir = work.join("rust-uploads");
    let size = fs::metadata(src).unwrap().len().to_string();
    let mut server = Proc::server(
        programs.server.to_str().unwrap(),
        [
            "--port",
            "0",
            "--dir",
            dir.to_str().unwrap(),
            "--max-size",
            &size,
            "--report-memory",
        ],
    );
    let port = server.port();
    let name = src.file_name().unwrap().to_str().unwrap().to_string();
    let mut fastest = Duration::MAX;
    let mut memory = Memory {
        server: "?".into(),
        client: "?".into(),
    };
    for round in 1..=rounds {
        // 上一轮的文件先删掉（不计时），这一轮照常“不覆盖”。
        let _ = fs::remove_file(dir.join(&name));
        let started = Instant::now();
        let out = Command::new(&programs.client)
            .args(["--port", &port, "--report-memory", "upload"])
            .arg(src)
            .env("NO_COLOR", "1")
            .output()
            .expect("运行 l10-client");
        let took = started.elapsed();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "上传失败：{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        fastest = fastest.min(took);
        if let Some(line) = stdout.lines().find(|l| l.contains("峰值内存")) {
            memory.client = memory_in(line);
        }
        let line = server.expect_stdout(&format!("[#{round}] 服务端进程峰值内存"));
        memory.server = memory_in(&line);
        assert_eq!(
            fs::metadata(dir.join(&name)).unwrap().len(),
            fs::metadata(src).unwrap().len()
        );
    }
    let _ = fs::remove_file(dir.join(&name));
    (fastest, memory)
}

/// Python：教程写法的客户端 → 服务端；再 Python 客户端 → Rust 服务端。没有 python3 时返回 None。
fn python_upload(work: &Path, src: &Path) -> Option<(Duration, Duration)> {
    let py = testkit::python3("Python 的对比")?;
    let script = |name: &str| format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"));
    let run_client = |port: &str| {
        let started = Instant::now();
        let out = Command::new(py)
            .arg(script("upload_client.py"))
            .args(["--port", port])
            .arg(src)
            .output()
            .expect("运行 Python 客户端");
        assert!(
            out.status.success(),
            "Python 上传失败：{}",
            String::from_utf8_lossy(&out.stderr)
        );
        started.elapsed()
    };

    let py_dir = work.join("py-uploads");
    let server = Proc::server(
        py,
        [
            script("upload_server.py"),
            "--port".into(),
            "0".into(),
            "--dir".into(),
            py_dir.display().to_string(),
        ],
    );
    let py_py = run_client(&server.port());
    drop(server);

    let rust_dir = work.join("rust-for-py");
    let size = fs::metadata(src).unwrap().len().to_string();
    let server = Proc::server(
        SERVER,
        [
            "--port",
            "0",
            "--dir",
            rust_dir.to_str().unwrap(),
            "--max-size",
            &size,
        ],
    );
    let py_rust = run_client(&server.port());
    Some((py_py, py_rust))
}
