//! 第 10 课练习的评分检查。`workbook grade 10` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::fs;
use std::io::{self, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::thread;

use lesson_08::frame::read_delimited;
use lesson_10::upload::{parse_header as reference_parse, Request};
use testkit::{exercise, with_deadline, Proc, DEADLINE};

const CLIENT: &str = env!("CARGO_BIN_EXE_l10-client");

// ---------- 练习 1 ----------

fn check_name(sanitize: fn(&str) -> Result<&str, String>) {
    let long_ok = "a".repeat(255);
    for name in [
        "a.txt",
        "照片 1.jpg",
        "x|y",
        "a..b",
        "a.tar.gz",
        "末尾有点.",
        "README",
        long_ok.as_str(),
        "长".repeat(85).leak(), // 255 字节
    ] {
        assert_eq!(
            sanitize(name),
            Ok(name),
            "{name:?} 是一个普通的文件名，应当原样接受"
        );
    }
    let long_bad = "a".repeat(256);
    let long_cn = "长".repeat(86); // 258 字节，却只有 86 个字
    for name in [
        "",
        ".",
        "..",
        "../x",
        "../../.bashrc",
        "/etc/passwd",
        "a/b",
        "a\\b",
        "C:\\x",
        "..\\x",
        "a\nb",
        "a\tb",
        "a\0b",
        "a\u{7f}",
        ".bashrc",
        ".upload-1-0.part",
        long_bad.as_str(),
        long_cn.as_str(),
    ] {
        match sanitize(name) {
            Ok(_) => panic!("{name:?} 应当被拒绝"),
            Err(why) => assert!(!why.trim().is_empty(), "拒绝 {name:?} 时要说明原因"),
        }
    }
}

exercise!(
    l10_name,
    "exercises/name.rs",
    check_name,
    lesson_10::exercises::name::sanitize_file_name,
    lesson_10::solutions::name::sanitize_file_name,
);

// ---------- 练习 2 ----------

fn check_header(parse: fn(&[u8], u64) -> Result<Request, String>) {
    let post = |size: u64, name: &str| {
        Ok(Request::Post {
            size,
            name: name.to_string(),
        })
    };
    let get = |name: &str| {
        Ok(Request::Get {
            name: name.to_string(),
        })
    };
    let good: Vec<(&[u8], Result<Request, String>)> = vec![
        (b"post|12|a.txt", post(12, "a.txt")),
        (b"post|0|empty", post(0, "empty")),
        (b"post|1000|max.bin", post(1000, "max.bin")),
        (b"post|007|lead.txt", post(7, "lead.txt")),
        (
            "post|5|照片|第二张.jpg".as_bytes(),
            post(5, "照片|第二张.jpg"),
        ),
        (b"get|a.txt", get("a.txt")),
        ("get|你好.txt".as_bytes(), get("你好.txt")),
    ];
    for (line, want) in good {
        assert_eq!(
            parse(line, 1000),
            want,
            "请求头 {:?} 解析得不对",
            String::from_utf8_lossy(line)
        );
    }
    let bad: Vec<&[u8]> = vec![
        b"post|1001|a.txt",
        b"post|abc|a.txt",
        b"post|-1|a.txt",
        b"post|+1|a.txt",
        b"post| 1|a.txt",
        b"post|1.0|a.txt",
        b"post||a.txt",
        b"post|99999999999999999999999|a.txt",
        b"post|5",
        b"post|5|",
        b"post|5|../x",
        b"post|5|/etc/passwd",
        b"post|5|.hidden",
        b"post|5|a\xffb",
        b"get|",
        b"get|../x",
        b"put|5|a.txt",
        b"POST|5|a.txt",
        b"hello",
        b"",
    ];
    for line in bad {
        assert!(
            parse(line, 1000).is_err(),
            "请求头 {:?} 应当被拒绝",
            String::from_utf8_lossy(line)
        );
    }
    // 上限来自参数，而不是写死的。
    assert_eq!(parse(b"post|5000|a", 5000), post(5000, "a"));
    assert!(parse(b"post|6|a", 5).is_err(), "大小超过 max_size 要拒绝");
}

exercise!(
    l10_header,
    "exercises/header.rs",
    check_header,
    lesson_10::exercises::header::parse_header,
    lesson_10::solutions::header::parse_header,
);

// ---------- 练习 3 ----------

type Receive = fn(&mut dyn Read, &Path, &str, u64) -> io::Result<String>;

/// 包在连接外面的“观察员”：每次被读时看一眼存放目录，记下正式名字是否已经出现、
/// 目录里有没有临时文件。
struct Spy<R> {
    inner: R,
    dir: PathBuf,
    name: String,
    final_seen_early: bool,
    temp_names: Vec<String>,
}

impl<R: Read> Read for Spy<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.dir.join(&self.name).exists() {
            self.final_seen_early = true;
        }
        for entry in fs::read_dir(&self.dir)?.flatten() {
            let n = entry.file_name().to_string_lossy().into_owned();
            if n != self.name && !self.temp_names.contains(&n) {
                self.temp_names.push(n);
            }
        }
        self.inner.read(buf)
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}

fn accept(listener: TcpListener) -> TcpStream {
    let (stream, _) = with_deadline("等客户端连上来", move || listener.accept().unwrap());
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

fn check_receive(receive_file: Receive) {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("uploads");
    fs::create_dir(&dir).unwrap();

    // 1. 真正的 l10-client 上传一个 700 KB 的文件（比一次读的缓冲区大，要读好几次）。
    let data: Vec<u8> = (0..700_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let src = root.path().join("源文件.bin");
    fs::write(&src, &data).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let client = Proc::spawn(
        CLIENT,
        [
            "--port",
            &port,
            "upload",
            &src.display().to_string(),
            "--as",
            "收到.bin",
        ],
    );
    let stream = accept(listener);
    let mut reader = BufReader::new(&stream);
    let line = read_delimited(&mut reader, b'\n', 1024)
        .unwrap()
        .expect("客户端发来了请求头");
    let Ok(Request::Post { size, name }) = reference_parse(&line, u64::MAX) else {
        panic!("客户端的请求头不对：{line:?}");
    };
    let mut spy = Spy {
        inner: reader,
        dir: dir.clone(),
        name: name.clone(),
        final_seen_early: false,
        temp_names: Vec::new(),
    };
    let sha = receive_file(&mut spy, &dir, &name, size).expect("正常的上传应当成功");
    assert!(
        !spy.final_seen_early,
        "还没收完，{name} 就已经出现在正式的名字上了：要先写临时文件，收齐再改名"
    );
    assert!(
        !spy.temp_names.is_empty(),
        "收的过程中存放目录里没有临时文件：临时文件要放在同一个目录里（这样 rename 才是原子的），\
         而且要边收边写，不要先把整个文件读进内存"
    );
    for t in &spy.temp_names {
        assert!(
            t.starts_with('.'),
            "临时文件 {t:?} 要以 . 开头，免得和真正的文件重名"
        );
    }
    assert_eq!(sha, sha256(&data), "返回的 SHA-256 不对");
    assert_eq!(names_in(&dir), ["收到.bin"], "收完后目录里应当只有这个文件");
    assert!(
        fs::read(dir.join("收到.bin")).unwrap() == data,
        "保存的内容不对"
    );
    // 把摘要告诉真正的客户端，它会和自己算的比较。
    (&stream)
        .write_all(format!("ok {size} {sha}\n").as_bytes())
        .unwrap();
    let out = client.finish();
    assert!(
        out.status.success() && out.stdout.contains("SHA-256 一致"),
        "l10-client 核对摘要失败：\n{}\n{}",
        out.stdout,
        out.stderr
    );

    // 2. 对方发了一半就消失了：返回 UnexpectedEof，目录里什么都不留。
    let dir2 = root.path().join("broken");
    fs::create_dir(&dir2).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let sender = thread::spawn(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(&vec![1u8; 100_000]).unwrap();
        // s 在这里被丢弃：连接关闭，另外 200_000 字节永远不会来了。
    });
    let mut stream = accept(listener);
    let err = receive_file(&mut stream, &dir2, "半截.bin", 300_000)
        .expect_err("只收到 100000 / 300000 字节时应当返回错误");
    sender.join().unwrap();
    assert_eq!(
        err.kind(),
        ErrorKind::UnexpectedEof,
        "错误的种类应当是 UnexpectedEof"
    );
    assert!(
        names_in(&dir2).is_empty(),
        "中途断开后目录里不能留下任何东西（正式文件和临时文件都不行）：{:?}",
        names_in(&dir2)
    );

    // 3. 后面还有别的字节：只读说好的那么多。
    let dir3 = root.path().join("exact");
    fs::create_dir(&dir3).unwrap();
    let mut input = io::Cursor::new(b"0123456789NEXT".to_vec());
    let sha = receive_file(&mut input, &dir3, "ten.txt", 10).expect("应当成功");
    assert_eq!(sha, sha256(b"0123456789"));
    assert_eq!(fs::read(dir3.join("ten.txt")).unwrap(), b"0123456789");
    assert_eq!(
        input.position(),
        10,
        "读过了头：第 10 个字节之后的不属于这个文件"
    );

    // 4. 空文件也是文件。
    let sha = receive_file(&mut io::empty(), &dir3, "empty.txt", 0).expect("空文件应当成功");
    assert_eq!(sha, sha256(b""));
    assert_eq!(names_in(&dir3), ["empty.txt", "ten.txt"]);
}

exercise!(
    l10_receive,
    "exercises/receive.rs",
    check_receive,
    lesson_10::exercises::receive::receive_file,
    lesson_10::solutions::receive::receive_file,
);

// ---------- 练习 3 的参考答案：临时文件用 create_new 打开，名字不和别人的撞 ----------

/// 先给出 `data` 的前 `pause_at` 个字节；再被读时，先报告“停在半路了”，等放行，再给出其余的。
struct Gated {
    data: Vec<u8>,
    pos: usize,
    pause_at: usize,
    paused: Option<std::sync::mpsc::Sender<()>>,
    resume: Option<std::sync::mpsc::Receiver<()>>,
}

impl Read for Gated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.pause_at {
            if let Some(tx) = self.paused.take() {
                let _ = tx.send(());
            }
            if let Some(rx) = self.resume.take() {
                rx.recv_timeout(DEADLINE).expect("期限内被放行");
            }
        }
        let end = if self.pos < self.pause_at {
            self.pause_at
        } else {
            self.data.len()
        };
        let n = (end - self.pos).min(buf.len());
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(feature = "solutions")]
#[test]
fn the_reference_receive_neither_follows_symlinks_nor_collides() {
    use std::os::unix::fs::symlink;
    use std::sync::mpsc::channel;

    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("uploads");
    fs::create_dir(&dir).unwrap();
    let receive = lesson_10::solutions::receive::receive_file;

    // 1. 存放目录里有人放了几个符号链接，名字像是临时文件：一个都不能顺着写到目录外面去。
    let victim = root.path().join("victim.txt");
    fs::write(&victim, "原来的内容").unwrap();
    let pid = std::process::id();
    let mut planted = vec![format!(".upload-{pid}.part")];
    planted.extend((0..4).map(|n| format!(".upload-{pid}-{n}.part")));
    for name in &planted {
        symlink(&victim, dir.join(name)).unwrap();
    }
    let sha = receive(&mut io::Cursor::new(b"hello".to_vec()), &dir, "a.txt", 5)
        .expect("有符号链接挡路时换一个名字，照样收下");
    assert_eq!(sha, sha256(b"hello"));
    assert_eq!(fs::read_to_string(&victim).unwrap(), "原来的内容");
    assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"hello");
    assert!(fs::symlink_metadata(dir.join("a.txt")).unwrap().is_file());
    for name in &planted {
        fs::remove_file(dir.join(name)).unwrap();
    }

    // 2. 两个上传同时收到一半：各自的临时文件互不干扰，两个都完整地保存下来。
    let first: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
    let second: Vec<u8> = (0..1000u32).map(|i| (i % 13) as u8 + 100).collect();
    let (a_paused, a_paused_rx) = channel();
    let (a_go, a_go_rx) = channel();
    let (b_paused, b_paused_rx) = channel();
    let (b_go, b_go_rx) = channel();
    let gated = |data: &Vec<u8>, paused, resume| Gated {
        data: data.clone(),
        pos: 0,
        pause_at: 500,
        paused: Some(paused),
        resume: Some(resume),
    };
    let mut a = gated(&first, a_paused, a_go_rx);
    let mut b = gated(&second, b_paused, b_go_rx);
    let (dir_a, dir_b) = (dir.clone(), dir.clone());
    let ta = thread::spawn(move || receive(&mut a, &dir_a, "a.bin", 1000));
    a_paused_rx.recv_timeout(DEADLINE).unwrap();
    let tb = thread::spawn(move || receive(&mut b, &dir_b, "b.bin", 1000));
    b_paused_rx.recv_timeout(DEADLINE).unwrap();
    a_go.send(()).unwrap();
    let ra = ta.join().unwrap();
    b_go.send(()).unwrap();
    let rb = tb.join().unwrap();
    assert_eq!(ra.expect("第一个上传应当成功"), sha256(&first));
    assert_eq!(rb.expect("第二个上传应当成功"), sha256(&second));
    assert_eq!(fs::read(dir.join("a.bin")).unwrap(), first);
    assert_eq!(fs::read(dir.join("b.bin")).unwrap(), second);
    assert_eq!(names_in(&dir), ["a.bin", "a.txt", "b.bin"]);
}
