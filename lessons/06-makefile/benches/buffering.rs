//! 缓冲到底值多少：在本机回环的真实 TCP 连接上，比较有缓冲和没缓冲的读写。
//!
//! 运行：`cargo bench -p lesson-06`。每项跑 3 次取最快的一次，打印耗时和每秒行数。

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use lesson_06::read_chars;

const LINES: usize = 100_000;

fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("绑定回环地址");
    let client = TcpStream::connect(listener.local_addr().unwrap()).expect("连接");
    let (server, _) = listener.accept().expect("accept");
    (client, server)
}

fn line(i: usize) -> String {
    format!("第 {i} 行\n")
}

/// 写 LINES 行：`buffered` 为 false 时每行一次 write 系统调用。返回从开始写到对方读完的时间。
fn write_lines(buffered: bool) -> Duration {
    let (client, server) = pair();
    let reader = thread::spawn(move || {
        let mut sink = Vec::new();
        BufReader::new(server).read_to_end(&mut sink).unwrap();
        sink.len()
    });
    let start = Instant::now();
    if buffered {
        let mut w = BufWriter::new(&client);
        for i in 0..LINES {
            w.write_all(line(i).as_bytes()).unwrap();
        }
        w.flush().unwrap();
    } else {
        let mut w = &client;
        for i in 0..LINES {
            w.write_all(line(i).as_bytes()).unwrap();
        }
    }
    client.shutdown(Shutdown::Write).unwrap();
    assert!(reader.join().unwrap() > 0);
    start.elapsed()
}

/// 读 LINES 行：没有缓冲时只能一次读一个字节来找换行符。
fn read_lines(buffered: bool) -> Duration {
    let (client, server) = pair();
    let writer = thread::spawn(move || {
        let mut w = BufWriter::new(&client);
        for i in 0..LINES {
            w.write_all(line(i).as_bytes()).unwrap();
        }
        w.flush().unwrap();
        client.shutdown(Shutdown::Write).unwrap();
    });
    let start = Instant::now();
    let mut count = 0;
    if buffered {
        let mut r = BufReader::new(&server);
        let mut s = String::new();
        while r.read_line(&mut s).unwrap() > 0 {
            count += 1;
            s.clear();
        }
    } else {
        let mut r = &server;
        let mut byte = [0u8; 1];
        let mut current = Vec::new();
        while r.read(&mut byte).unwrap() == 1 {
            current.push(byte[0]);
            if byte[0] == b'\n' {
                count += 1;
                current.clear();
            }
        }
    }
    writer.join().unwrap();
    assert_eq!(count, LINES);
    start.elapsed()
}

/// 用 read_chars 每次读 10 个字符，读完约 1 MiB 的中文；`capacity` 是 BufReader 的缓冲区大小。
fn read_chars_with(capacity: usize) -> Duration {
    let (client, server) = pair();
    let text = "你好世界和平万岁一二".repeat(35_000); // 35 万个字符，约 1 MiB
    let writer = thread::spawn(move || {
        (&client).write_all(text.as_bytes()).unwrap();
        client.shutdown(Shutdown::Write).unwrap();
    });
    let start = Instant::now();
    let mut r = BufReader::with_capacity(capacity, server);
    let mut chars = 0;
    loop {
        let piece = read_chars(&mut r, 10).unwrap();
        if piece.is_empty() {
            break;
        }
        chars += piece.chars().count();
    }
    writer.join().unwrap();
    assert_eq!(chars, 350_000);
    start.elapsed()
}

fn best(f: impl Fn() -> Duration) -> Duration {
    (0..3).map(|_| f()).min().unwrap()
}

/// 数字放在前面，中文说明放在最后：中文字符的显示宽度不一，放前面对不齐。
fn report(what: &str, d: Duration, units: usize, unit: &str) {
    let per_sec = units as f64 / d.as_secs_f64();
    println!(
        "  {:>8.1} ms  {:>12.0} {unit}/秒  {what}",
        d.as_secs_f64() * 1000.0,
        per_sec
    );
}

const FILE_MIB: usize = 64;

/// 把一个 64 MiB 的文件发给对方：io::copy（读一块写一块）或 Linux 的 sendfile(2)。
fn send_file(file: &mut std::fs::File, use_sendfile: bool) -> Duration {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(0)).unwrap();
    let (mut client, server) = pair();
    let reader =
        thread::spawn(move || io::copy(&mut BufReader::new(server), &mut io::sink()).unwrap());
    let start = Instant::now();
    let sent = if use_sendfile {
        sendfile_or_copy(file, &mut client)
    } else {
        io::copy(file, &mut client).unwrap()
    };
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(reader.join().unwrap(), sent);
    assert_eq!(sent, (FILE_MIB << 20) as u64);
    start.elapsed()
}

#[cfg(target_os = "linux")]
fn sendfile_or_copy(file: &mut std::fs::File, client: &mut TcpStream) -> u64 {
    lesson_06::methods::sendfile_linux(file, client).unwrap()
}

#[cfg(not(target_os = "linux"))]
fn sendfile_or_copy(file: &mut std::fs::File, client: &mut TcpStream) -> u64 {
    io::copy(file, client).unwrap()
}

fn main() -> io::Result<()> {
    let cores = thread::available_parallelism().map_or(0, |n| n.get());
    println!("本机回环 TCP，{cores} 个 CPU 核，每项取 3 次中最快的一次");
    println!("写 {LINES} 行：");
    report(
        "每行一次 write（无缓冲）",
        best(|| write_lines(false)),
        LINES,
        "行",
    );
    report(
        "BufWriter + 最后 flush 一次",
        best(|| write_lines(true)),
        LINES,
        "行",
    );
    println!("读 {LINES} 行：");
    report(
        "一次读一个字节（无缓冲）",
        best(|| read_lines(false)),
        LINES,
        "行",
    );
    report(
        "BufReader::read_line",
        best(|| read_lines(true)),
        LINES,
        "行",
    );
    println!("read_chars 每次 10 个字符，共 35 万个字符：");
    report(
        "BufReader 缓冲区 1 字节",
        best(|| read_chars_with(1)),
        350_000,
        "字符",
    );
    report(
        "BufReader 缓冲区 8 KiB",
        best(|| read_chars_with(8192)),
        350_000,
        "字符",
    );
    println!("发送 {FILE_MIB} MiB 的文件（数字是 MiB/秒）：");
    let mut file = tempfile::tempfile()?;
    let block = vec![7u8; 1 << 20];
    for _ in 0..FILE_MIB {
        file.write_all(&block)?;
    }
    let file = std::cell::RefCell::new(file);
    report(
        "io::copy(&mut file, &mut stream)",
        best(|| send_file(&mut file.borrow_mut(), false)),
        FILE_MIB,
        "MiB",
    );
    report(
        "libc::sendfile（仅 Linux）",
        best(|| send_file(&mut file.borrow_mut(), true)),
        FILE_MIB,
        "MiB",
    );
    Ok(())
}
