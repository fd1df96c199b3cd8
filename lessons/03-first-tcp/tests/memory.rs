//! 大正文是“流”进文件的，不会整个放进内存。
//!
//! 这个测试单独成一个测试程序：`getrusage(RUSAGE_CHILDREN)` 报告的是本进程
//! 已结束的子进程里最大的常驻内存，这里唯一的子进程就是 l03-http-get。

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;

use testkit::DEADLINE;

const BODY: usize = 64 * 1024 * 1024;

#[test]
fn a_64_mib_body_is_streamed_to_the_file() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let server = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut buf = [0u8; 1024];
        let _ = stream.read(&mut buf);
        write!(stream, "HTTP/1.0 200 OK\r\nContent-Length: {BODY}\r\n\r\n").unwrap();
        // 每 64 KiB 一块，块里的字节是块号，这样顺序错了也能看出来。
        for i in 0..BODY / 65536 {
            stream.write_all(&[i as u8; 65536]).unwrap();
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_l03-http-get"))
        .args(["--port", &port, "--output", "big.bin"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .timeout(DEADLINE)
        .output()
        .unwrap();
    server.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let saved = std::fs::read(dir.path().join("big.bin")).unwrap();
    assert_eq!(saved.len(), BODY);
    for (i, block) in saved.chunks(65536).enumerate() {
        assert!(block.iter().all(|&b| b == i as u8), "第 {i} 块的内容不对");
    }
    #[cfg(target_os = "linux")]
    {
        use nix::sys::resource::{getrusage, UsageWho};
        let usage = getrusage(UsageWho::RUSAGE_CHILDREN).expect("getrusage 失败");
        let peak_mib = usage.max_rss() / 1024; // Linux 上单位是 KiB
        assert!(
            peak_mib < 32,
            "l03-http-get 的内存峰值是 {peak_mib} MiB：64 MiB 的正文应当边收边写，而不是先收进内存"
        );
    }
}
