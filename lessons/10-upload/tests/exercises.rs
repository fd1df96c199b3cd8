//! 第 10 课练习的评分检查。`workbook grade 10` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::fs;
use std::io::{self, BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use lesson_10::upload::Announced;
use testkit::grading::{cut, describe_io, expect_eq, waited};
use testkit::peers::{self, WAIT};
use testkit::{exercise, with_deadline, DEADLINE};

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// 在另一个线程里调用学习者的函数，有期限：卡住时说清楚是哪一次调用。
fn call<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    with_deadline(&format!("你的 {what}"), f)
}

// ---------------------------------------------------------------------------
// 练习 1 ★☆☆：Linux 和 Windows 上都能用的文件名
// ---------------------------------------------------------------------------

fn check_name(portable: fn(&str) -> Result<&str, String>) {
    let long_ok = "a".repeat(255);
    let long_cn_ok = "长".repeat(85); // 255 字节
    for name in [
        "a.txt",
        "照片 1.jpg",
        "a..b",
        "a.tar.gz",
        "README",
        "console.txt",
        "com10",
        "LPT10.log",
        "nul_",
        "auxiliary.txt",
        "con-1.txt",
        "中间 有 空格.txt",
        long_ok.as_str(),
        long_cn_ok.as_str(),
    ] {
        expect_eq(
            &format!("{:?} 在两边都是普通的文件名，应当原样接受", cut(name)),
            &portable(name),
            &Ok(name),
        );
    }
    let long_bad = "a".repeat(256);
    let long_cn = "长".repeat(86);
    let cases: Vec<(&str, &str)> = vec![
        ("", "空的名字"),
        (".", "指的是当前目录"),
        ("..", "指的是上一层目录"),
        ("../x", "带着路径"),
        ("/etc/passwd", "绝对路径"),
        ("a/b", "带着子目录"),
        ("a\\b", "反斜杠是 Windows 的路径分隔符"),
        ("C:\\x", "Windows 的绝对路径"),
        ("a\nb", "换行是控制字符"),
        ("a\tb", "制表符是控制字符"),
        ("a\0b", "NUL 是控制字符"),
        ("a\u{7f}", "DEL 是控制字符"),
        (
            "a\u{85}b",
            "U+0085 是 C1 控制字符：char::is_control 算它，is_ascii_control 不算",
        ),
        (
            "a\u{9b}b",
            "U+009B 是 C1 控制字符：char::is_control 算它，is_ascii_control 不算",
        ),
        (
            "invoice\u{202E}gpj.exe",
            "U+202E 让名字倒过来显示（这一课的服务端拒绝它）",
        ),
        (".bashrc", "以 . 开头"),
        (".upload-1-0.part", "以 . 开头（服务端的临时文件就长这样）"),
        (long_bad.as_str(), "256 字节，超过 255 字节"),
        (long_cn.as_str(), "86 个汉字是 258 字节，超过 255 字节"),
        ("a<b", "< 在 Windows 上不能用"),
        ("a>b", "> 在 Windows 上不能用"),
        ("a:b", ": 在 Windows 上不能用"),
        ("a\"b", "\" 在 Windows 上不能用"),
        ("x|y", "| 在 Windows 上不能用"),
        ("a?b", "? 在 Windows 上不能用"),
        ("a*b", "* 在 Windows 上不能用"),
        ("末尾有点.", "以点结尾"),
        ("a.txt.", "以点结尾"),
        ("a ", "以空格结尾"),
        ("a.txt ", "以空格结尾"),
        ("CON", "设备名"),
        ("con", "设备名不分大小写"),
        ("Con.txt", "设备名后面跟着点和扩展名也不行"),
        ("PRN", "设备名"),
        ("prn.log", "设备名后面跟着点和扩展名也不行"),
        ("AUX", "设备名"),
        (
            "aux.tar.gz",
            "设备名看的是第一个点之前的部分，不是最后一个点之前",
        ),
        ("NUL", "设备名"),
        ("nul.txt", "设备名后面跟着点和扩展名也不行"),
        ("COM1", "COM 后面跟一个数字是设备名"),
        ("com9.txt", "COM 后面跟一个数字是设备名"),
        ("COM0", "COM 后面跟一个数字是设备名"),
        ("LPT1", "LPT 后面跟一个数字是设备名"),
        ("lpt9", "LPT 后面跟一个数字是设备名"),
        ("Lpt0.x", "LPT 后面跟一个数字是设备名"),
    ];
    for (name, why) in cases {
        match portable(name) {
            Ok(_) => panic!("{:?} 应当被拒绝（{why}），你的函数却接受了", cut(name)),
            Err(reason) => assert!(
                !reason.trim().is_empty(),
                "拒绝 {:?} 时要说明原因，你给的原因是空的",
                cut(name)
            ),
        }
    }
}

exercise!(
    l10_name,
    "exercises/name.rs",
    check_name,
    lesson_10::exercises::name::portable_file_name,
    lesson_10::solutions::name::portable_file_name,
);

// ---------------------------------------------------------------------------
// 练习 2 ★★☆：请求头 post|大小|摘要|文件名
// ---------------------------------------------------------------------------

fn check_header(parse: fn(&[u8], u64) -> Result<Announced, String>) {
    let sha = sha256(b"hello");
    let announced = |size: u64, name: &str| {
        Ok(Announced {
            size,
            sha256: sha.clone(),
            name: name.to_string(),
        })
    };
    let good: Vec<(String, Result<Announced, String>, &str)> = vec![
        (format!("post|12|{sha}|a.txt"), announced(12, "a.txt"), ""),
        (
            format!("post|0|{sha}|empty"),
            announced(0, "empty"),
            "大小可以是 0",
        ),
        (
            format!("post|1000|{sha}|max.bin"),
            announced(1000, "max.bin"),
            "正好等于上限是可以的",
        ),
        (
            format!("post|007|{sha}|lead.txt"),
            announced(7, "lead.txt"),
            "前导的 0 不碍事",
        ),
        (
            format!("post|5|{}|a.txt", sha.to_ascii_uppercase()),
            announced(5, "a.txt"),
            "大写的摘要也接受，返回时换成小写",
        ),
        (
            format!("post|5|{sha}|照片|第二张.jpg"),
            announced(5, "照片|第二张.jpg"),
            "文件名是第三个 | 之后的全部，里面可以再有 |",
        ),
    ];
    for (line, want, why) in good {
        let why = if why.is_empty() {
            String::new()
        } else {
            format!("（{why}）")
        };
        expect_eq(
            &format!("请求头 {:?} 解析得不对{why}", cut(&line)),
            &parse(line.as_bytes(), 1000),
            &want,
        );
    }
    let short = &sha[..63];
    let long = format!("{sha}0");
    let not_hex = format!("{}g", &sha[..63]);
    let spaced = format!("{} ", &sha[..63]);
    let bad: Vec<(Vec<u8>, &str)> = vec![
        (b"post|5|a.txt".to_vec(), "这一课原来的请求头，没有摘要"),
        (b"post|5||a.txt".to_vec(), "摘要是空的"),
        (
            format!("post|5|{short}|a").into_bytes(),
            "摘要只有 63 个字符",
        ),
        (format!("post|5|{long}|a").into_bytes(), "摘要有 65 个字符"),
        (
            format!("post|5|{not_hex}|a").into_bytes(),
            "g 不是十六进制数字",
        ),
        (format!("post|5|{spaced}|a").into_bytes(), "摘要里有空格"),
        (format!("post|abc|{sha}|a").into_bytes(), "大小不是数字"),
        (format!("post|-1|{sha}|a").into_bytes(), "大小是负数"),
        (
            format!("post|+1|{sha}|a").into_bytes(),
            "\"+1\".parse::<u64>() 能成功，可它不是纯数字",
        ),
        (format!("post| 1|{sha}|a").into_bytes(), "大小前面有空格"),
        (format!("post|1.0|{sha}|a").into_bytes(), "大小带小数点"),
        (format!("post||{sha}|a").into_bytes(), "大小是空的"),
        (
            format!("post|99999999999999999999|{sha}|a").into_bytes(),
            "大小放不进 u64",
        ),
        (
            format!("post|1001|{sha}|a").into_bytes(),
            "大小超过了 max_size",
        ),
        (format!("post|5|{sha}|").into_bytes(), "文件名是空的"),
        (format!("post|5|{sha}|../x").into_bytes(), "文件名带着路径"),
        (format!("post|5|{sha}|/etc/passwd").into_bytes(), "绝对路径"),
        (
            format!("post|5|{sha}|.hidden").into_bytes(),
            "以 . 开头的名字",
        ),
        (
            format!("post|5|{sha}|a\u{85}b").into_bytes(),
            "U+0085 是控制字符",
        ),
        (
            format!("post|{sha}|5|a.txt").into_bytes(),
            "摘要和大小的位置反了",
        ),
        (format!("get|{sha}").into_bytes(), "这个协议只有 post"),
        (format!("POST|5|{sha}|a").into_bytes(), "post 要小写"),
        (b"hello".to_vec(), "不是请求头"),
        (b"".to_vec(), "空行"),
        (
            [format!("post|5|{sha}|a").as_bytes(), b"\xff"].concat(),
            "不是合法的 UTF-8",
        ),
    ];
    for (line, why) in bad {
        if let Ok(got) = parse(&line, 1000) {
            panic!(
                "请求头 {:?} 应当被拒绝（{why}），你的函数却返回了 {got:?}",
                cut(&String::from_utf8_lossy(&line))
            );
        }
    }
    // 上限来自参数，而不是写死的。
    let at = |size: u64, max: u64| parse(format!("post|{size}|{sha}|a").as_bytes(), max);
    expect_eq(
        "max_size 是 5000 时，5000 字节的文件应当接受",
        &at(5000, 5000).map(|a| a.size),
        &Ok(5000),
    );
    assert!(
        at(6, 5).is_err(),
        "max_size 是 5 时，6 字节的文件应当被拒绝：上限要用参数给的，不要写死"
    );
}

exercise!(
    l10_header,
    "exercises/header.rs",
    check_header,
    lesson_10::exercises::header::parse_announced,
    lesson_10::solutions::header::parse_announced,
);

// ---------------------------------------------------------------------------
// 练习 3 ★★☆：收一个说好了摘要的文件
// ---------------------------------------------------------------------------

type Receive = fn(&mut dyn Read, &Path, &str, u64, &str) -> io::Result<()>;

/// 包在连接外面的“观察员”：每次被读之前看一眼存放目录，记下正式名字是否已经出现、
/// 出现过哪些临时文件、临时文件最大有多大；`race_at` 次读的时候，抢先在正式的名字上放一个文件。
struct Spy<R> {
    inner: R,
    dir: PathBuf,
    name: String,
    reads: usize,
    final_seen_early: bool,
    temp_names: Vec<String>,
    biggest_temp: u64,
    race_at: Option<usize>,
}

impl<R: Read> Spy<R> {
    fn new(inner: R, dir: &Path, name: &str) -> Spy<R> {
        Spy {
            inner,
            dir: dir.to_path_buf(),
            name: name.to_string(),
            reads: 0,
            final_seen_early: false,
            temp_names: Vec::new(),
            biggest_temp: 0,
            race_at: None,
        }
    }
}

impl<R: Read> Read for Spy<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reads += 1;
        if self.race_at == Some(self.reads) {
            fs::write(self.dir.join(&self.name), "抢先")?;
        } else if self.dir.join(&self.name).exists() && self.race_at.is_none() {
            self.final_seen_early = true;
        }
        for entry in fs::read_dir(&self.dir)?.flatten() {
            let n = entry.file_name().to_string_lossy().into_owned();
            if n == self.name {
                continue;
            }
            if let Ok(meta) = fs::symlink_metadata(entry.path()) {
                if meta.is_file() {
                    self.biggest_temp = self.biggest_temp.max(meta.len());
                }
            }
            if !self.temp_names.contains(&n) {
                self.temp_names.push(n);
            }
        }
        self.inner.read(buf)
    }
}

/// 先给出 `data` 的前 `pause_at` 个字节；再被读时，先报告“停在半路了”，等放行，再给出其余的。
struct Gated {
    data: Vec<u8>,
    pos: usize,
    pause_at: usize,
    paused: Option<Sender<()>>,
    resume: Option<Receiver<()>>,
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

fn data(len: usize, seed: u32) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_mul(7).wrapping_add(seed) % 251) as u8)
        .collect()
}

fn fresh(root: &Path, name: &str) -> PathBuf {
    let dir = root.join(name);
    fs::create_dir(&dir).unwrap();
    dir
}

fn expect_kind(what: &str, result: io::Result<()>, kind: ErrorKind) {
    match result {
        Ok(()) => panic!("{what}：应当返回 {kind:?} 的错误，你的函数却返回了 Ok(())"),
        Err(e) => expect_eq(&format!("{what}：错误的种类不对（{e}）"), &e.kind(), &kind),
    }
}

fn expect_empty(what: &str, dir: &Path) {
    let left = names_in(dir);
    assert!(
        left.is_empty(),
        "{what}：存放目录里不能留下任何东西，却有 {left:?}（临时文件要删掉）"
    );
}

fn check_receive(receive: Receive) {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();

    // 1. 真正的连接上来了 700 KB（比一次读的缓冲区大，要读好几次）。
    let dir = fresh(root, "uploads");
    let body = data(700_000, 1);
    let sha = sha256(&body);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = body.clone();
    let sender = thread::spawn(move || {
        let mut s = peers::connect(addr).unwrap();
        s.write_all(&sent).unwrap();
        // 不半关闭：像真的客户端那样等回答。
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
    });
    let (stream, _) = listener.accept().unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let (d, sha2) = (dir.clone(), sha.clone());
    let spy = call("receive_checked（正常的上传）", move || {
        let mut spy = Spy::new(&stream, &d, "收到.bin");
        let result = receive(&mut spy, &d, "收到.bin", 700_000, &sha2);
        (
            result,
            spy.final_seen_early,
            spy.temp_names,
            spy.biggest_temp,
        )
    });
    sender.join().unwrap();
    let (result, early, temps, biggest) = spy;
    if let Err(e) = result {
        panic!(
            "正常的上传应当成功，你的函数却返回了错误：{}",
            describe_io(&e)
        );
    }
    assert!(
        !early,
        "还没收完，收到.bin 就已经出现在正式的名字上了：要先写临时文件，收齐、对上摘要再放上去"
    );
    assert!(
        !temps.is_empty(),
        "收的过程中存放目录里一直没有临时文件：临时文件要放在同一个目录里，而且要边收边写"
    );
    for t in &temps {
        assert!(
            t.starts_with('.'),
            "临时文件 {t:?} 要以 . 开头，免得和真正的文件重名"
        );
    }
    assert!(
        biggest > 0,
        "收的过程中临时文件一直是空的：要边收边写，不要先把整个文件读进内存"
    );
    expect_eq(
        "收完后存放目录里应当只有这个文件",
        &names_in(&dir),
        &vec!["收到.bin".to_string()],
    );
    assert!(
        fs::read(dir.join("收到.bin")).unwrap() == body,
        "保存的内容不对"
    );

    // 2. 后面还有别的字节：只读说好的那么多。
    let dir = fresh(root, "exact");
    let sha = sha256(b"0123456789");
    let mut input = io::Cursor::new(b"0123456789NEXT".to_vec());
    let d = dir.clone();
    let (result, pos) = call("receive_checked（后面还有字节）", move || {
        let r = receive(&mut input, &d, "ten.txt", 10, &sha);
        (r, input.position())
    });
    if let Err(e) = result {
        panic!(
            "说好 10 字节、来了 14 字节：前 10 个就是文件，应当成功：{}",
            describe_io(&e)
        );
    }
    expect_eq("读过了头：第 10 个字节之后的不属于这个文件", &pos, &10);
    expect_eq(
        "保存的内容",
        &fs::read(dir.join("ten.txt")).unwrap(),
        &b"0123456789".to_vec(),
    );

    // 3. 空文件也是文件。
    let d = dir.clone();
    let result = call("receive_checked（空文件）", move || {
        receive(&mut io::empty(), &d, "empty.txt", 0, &sha256(b""))
    });
    if let Err(e) = result {
        panic!("0 字节的文件应当成功：{}", describe_io(&e));
    }
    expect_eq(
        "空文件也要保存",
        &names_in(&dir),
        &vec!["empty.txt".to_string(), "ten.txt".to_string()],
    );

    // 4. 摘要对不上。
    let dir = fresh(root, "mismatch");
    let d = dir.clone();
    let result = call("receive_checked（摘要不对）", move || {
        receive(
            &mut io::Cursor::new(b"hello".to_vec()),
            &d,
            "a.txt",
            5,
            &sha256(b"HELLO"),
        )
    });
    expect_kind("内容和说好的摘要对不上", result, ErrorKind::InvalidData);
    expect_empty("摘要对不上之后", &dir);

    // 5. 说好 300 字节，100 字节之后对方就关了连接。
    let dir = fresh(root, "short");
    let d = dir.clone();
    let result = call("receive_checked（少了字节）", move || {
        receive(
            &mut io::Cursor::new(vec![1u8; 100]),
            &d,
            "半截.bin",
            300,
            &sha256(&[1u8; 300]),
        )
    });
    expect_kind(
        "只收到 100 / 300 字节对方就关了连接",
        result,
        ErrorKind::UnexpectedEof,
    );
    expect_empty("少了字节之后", &dir);

    // 6. 说到一半就消失（RST）：返回错误，什么都不留下，也不能卡住。
    let dir = fresh(root, "vanished");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let gone = thread::spawn(move || {
        let s = peers::connect(addr).unwrap();
        peers::vanish(s, &[2u8; 300_000], 100_000).unwrap();
    });
    let (stream, _) = listener.accept().unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    gone.join().unwrap();
    let d = dir.clone();
    let result = call("receive_checked（对方消失）", move || {
        receive(
            &mut &stream,
            &d,
            "消失.bin",
            300_000,
            &sha256(&[2u8; 300_000]),
        )
    });
    assert!(
        result.is_err(),
        "对方发到一半就消失了（连接被重置），应当返回错误"
    );
    expect_empty("对方消失之后", &dir);

    // 7. 正式的名字上已经有文件了：不覆盖。
    let dir = fresh(root, "exists");
    fs::write(dir.join("a.txt"), "原来的").unwrap();
    let d = dir.clone();
    let result = call("receive_checked（文件已经存在）", move || {
        receive(
            &mut io::Cursor::new(b"hello".to_vec()),
            &d,
            "a.txt",
            5,
            &sha256(b"hello"),
        )
    });
    expect_kind("a.txt 已经存在", result, ErrorKind::AlreadyExists);
    expect_eq(
        "已有的文件不能被改",
        &fs::read_to_string(dir.join("a.txt")).unwrap(),
        &"原来的".to_string(),
    );
    expect_eq(
        "只能剩下原来的 a.txt",
        &names_in(&dir),
        &vec!["a.txt".to_string()],
    );

    // 8. 收到一半时，别人抢先在正式的名字上存了一个文件：先查再改名的写法会把它覆盖掉。
    let dir = fresh(root, "race");
    let body = data(300_000, 3);
    let sha = sha256(&body);
    let d = dir.clone();
    let result = call(
        "receive_checked（收的过程中文件出现了）",
        move || {
            let mut spy = Spy::new(io::Cursor::new(body), &d, "a.bin");
            spy.race_at = Some(1);
            receive(&mut spy, &d, "a.bin", 300_000, &sha)
        },
    );
    expect_kind(
        "收到一半时 a.bin 出现了（先查“在不在”、最后再 rename 的写法会把它覆盖掉；要在放上去的那一刻检查）",
        result,
        ErrorKind::AlreadyExists,
    );
    expect_eq(
        "抢先存下的 a.bin 不能被改",
        &fs::read_to_string(dir.join("a.bin")).unwrap(),
        &"抢先".to_string(),
    );
    expect_eq(
        "只能剩下抢先的 a.bin",
        &names_in(&dir),
        &vec!["a.bin".to_string()],
    );

    // 9. 有人在存放目录里放了符号链接，名字正是你会用的临时文件名，指向目录外面的文件。
    let dir = fresh(root, "links");
    let victim = root.join("victim.txt");
    fs::write(&victim, "原来的内容").unwrap();
    let planted = likely_temp_names(&temps);
    for name in &planted {
        std::os::unix::fs::symlink(&victim, dir.join(name)).unwrap();
    }
    let d = dir.clone();
    let result = call("receive_checked（目录里有符号链接）", move || {
        receive(
            &mut io::Cursor::new(b"hello".to_vec()),
            &d,
            "收到.bin",
            5,
            &sha256(b"hello"),
        )
    });
    expect_eq(
        "符号链接指向的目录外面的文件被改了：新建临时文件时不能打开已有的名字（create_new）",
        &fs::read_to_string(&victim).unwrap(),
        &"原来的内容".to_string(),
    );
    if let Err(e) = result {
        panic!(
            "一个符号链接正好占着你的临时文件名，你的函数就失败了（{}）：名字已经存在时换一个再试",
            describe_io(&e)
        );
    }
    let meta = fs::symlink_metadata(dir.join("收到.bin")).unwrap();
    assert!(meta.is_file(), "收到.bin 应当是一个普通文件");
    expect_eq(
        "保存的内容",
        &fs::read(dir.join("收到.bin")).unwrap(),
        &b"hello".to_vec(),
    );

    // 10. 两个上传同时收到一半：各自的临时文件互不干扰。
    let dir = fresh(root, "together");
    let first = data(1000, 4);
    let second = data(1000, 5);
    let (a_paused, a_paused_rx) = channel();
    let (a_go, a_go_rx) = channel();
    let (b_paused, b_paused_rx) = channel();
    let (b_go, b_go_rx) = channel();
    let gated = |bytes: &Vec<u8>, paused, resume| Gated {
        data: bytes.clone(),
        pos: 0,
        pause_at: 500,
        paused: Some(paused),
        resume: Some(resume),
    };
    let mut a = gated(&first, a_paused, a_go_rx);
    let mut b = gated(&second, b_paused, b_go_rx);
    let (da, db) = (dir.clone(), dir.clone());
    let (sa, sb) = (sha256(&first), sha256(&second));
    let ta = thread::spawn(move || receive(&mut a, &da, "a.bin", 1000, &sa));
    let waiting = |rx: Receiver<()>, which: &str| {
        if rx.recv_timeout(DEADLINE).is_err() {
            panic!("{which}上传没有读到一半：你的函数在读之前就卡住了，或者出错返回了");
        }
    };
    waiting(a_paused_rx, "第一个");
    let tb = thread::spawn(move || receive(&mut b, &db, "b.bin", 1000, &sb));
    waiting(b_paused_rx, "第二个");
    a_go.send(()).unwrap();
    let ra = ta.join().unwrap();
    b_go.send(()).unwrap();
    let rb = tb.join().unwrap();
    for (which, r) in [("第一个", ra), ("第二个", rb)] {
        if let Err(e) = r {
            panic!(
                "两个上传同时进行时，{which}失败了（{}）：临时文件的名字要各不相同，比如带上进程号和一个序号",
                describe_io(&e)
            );
        }
    }
    assert!(
        fs::read(dir.join("a.bin")).unwrap() == first,
        "同时收的两个文件，a.bin 的内容不对"
    );
    assert!(
        fs::read(dir.join("b.bin")).unwrap() == second,
        "同时收的两个文件，b.bin 的内容不对"
    );
    expect_eq(
        "两个都收完后目录里只有这两个文件",
        &names_in(&dir),
        &vec!["a.bin".to_string(), "b.bin".to_string()],
    );

    // 11. 第一次读被信号打断（Interrupted）：再读一次就好，不是错误。
    let dir = fresh(root, "interrupted");
    let d = dir.clone();
    let result = call("receive_checked（读被打断）", move || {
        let mut r = Interrupts {
            first: true,
            inner: io::Cursor::new(b"hello".to_vec()),
        };
        receive(&mut r, &d, "a.txt", 5, &sha256(b"hello"))
    });
    if let Err(e) = result {
        panic!(
            "第一次 read 返回了 Interrupted（被信号打断），你的函数就放弃了（{}）：这时要再读一次",
            describe_io(&e)
        );
    }
    expect_eq(
        "保存的内容",
        &fs::read(dir.join("a.txt")).unwrap(),
        &b"hello".to_vec(),
    );

    // 12. 对方发了一部分就不说话了（连接还开着）：读超时的错误要交出去，不能一直重试。
    let dir = fresh(root, "silent");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (done, wait_done) = channel::<()>();
    let quiet = thread::spawn(move || {
        let mut s = peers::connect(addr).unwrap();
        s.write_all(&[3u8; 100]).unwrap();
        let _ = wait_done.recv_timeout(DEADLINE); // 连接开着，一个字节也不再发
    });
    let (stream, _) = listener.accept().unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let d = dir.clone();
    let result = call(
        "receive_checked（对方不说话，读超时）",
        move || receive(&mut &stream, &d, "慢.bin", 300, &sha256(&[3u8; 300])),
    );
    let _ = done.send(());
    quiet.join().unwrap();
    assert!(result.is_err(), "对方不说话、读超时了，应当返回那个错误");
    expect_empty("读超时之后", &dir);

    // 13. 存放目录不存在：返回错误，而不是一直重试。
    let missing = root.join("没有这个目录");
    let result = call("receive_checked（存放目录不存在）", move || {
        receive(
            &mut io::Cursor::new(b"hello".to_vec()),
            &missing,
            "a.txt",
            5,
            &sha256(b"hello"),
        )
    });
    assert!(result.is_err(), "存放目录不存在时应当返回错误");
}

/// 第一次被读时返回 `Interrupted`，之后照常。
struct Interrupts {
    first: bool,
    inner: io::Cursor<Vec<u8>>,
}

impl Read for Interrupts {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if std::mem::take(&mut self.first) {
            return Err(ErrorKind::Interrupted.into());
        }
        self.inner.read(buf)
    }
}

/// 第 1 步里看到的临时文件名，以及把其中最后一串数字加 1 到 32 得到的名字：
/// 用序号起名的写法，下一次多半就用这些名字。
fn likely_temp_names(seen: &[String]) -> Vec<String> {
    let mut names = Vec::new();
    for name in seen {
        names.push(name.clone());
        let bytes = name.as_bytes();
        let Some(end) = bytes.iter().rposition(u8::is_ascii_digit) else {
            continue;
        };
        let start = bytes[..end]
            .iter()
            .rposition(|b| !b.is_ascii_digit())
            .map_or(0, |i| i + 1);
        let Ok(n) = name[start..=end].parse::<u64>() else {
            continue;
        };
        for k in 1..=32 {
            names.push(format!("{}{}{}", &name[..start], n + k, &name[end + 1..]));
        }
    }
    names.sort();
    names.dedup();
    names
}

exercise!(
    l10_receive,
    "exercises/receive.rs",
    check_receive,
    lesson_10::exercises::receive::receive_checked,
    lesson_10::solutions::receive::receive_checked,
);

// ---------------------------------------------------------------------------
// 练习 4 ★★★：整个服务端
// ---------------------------------------------------------------------------

type Serve = fn(TcpListener, PathBuf, u64, Duration) -> io::Result<()>;

/// 在后台运行着的、学习者的服务端。
struct Yours {
    handle: Option<JoinHandle<io::Result<()>>>,
}

impl Yours {
    /// 它还在运行吗？已经结束了就说明为什么。
    fn still_running(&mut self, when: &str) {
        let finished = self.handle.as_ref().is_some_and(|h| h.is_finished());
        if !finished {
            return;
        }
        match self.handle.take().unwrap().join() {
            Ok(Ok(())) => {
                panic!("{when}：你的 serve_checked 返回了 Ok(())，可服务端应当一直服务下去")
            }
            Ok(Err(e)) => panic!("{when}：你的 serve_checked 返回了错误：{}", describe_io(&e)),
            Err(p) => {
                let text = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panic!("{when}：你的 serve_checked panic 了：{text}")
            }
        }
    }
}

fn request(name: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("post|{}|{}|{name}\n", body.len(), sha256(body)).into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// 一个连到学习者服务端的客户端：发完就等回答，从不半关闭。
struct Client {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(addr: SocketAddr, yours: &mut Yours, what: &str) -> Client {
        yours.still_running(what);
        let stream = peers::connect(addr).unwrap_or_else(|e| {
            yours.still_running(what);
            panic!("{what}：连不上你的服务端：{}", describe_io(&e))
        });
        let reader = BufReader::new(stream.try_clone().unwrap());
        Client { stream, reader }
    }

    fn send(&mut self, yours: &mut Yours, what: &str, bytes: &[u8]) {
        if let Err(e) = self.stream.write_all(bytes) {
            yours.still_running(what);
            panic!(
                "{what}：还没发完，你的服务端就关闭了连接（{}）",
                describe_io(&e)
            );
        }
    }

    /// 读一行回答（不含换行）。
    fn answer(&mut self, yours: &mut Yours, what: &str, likely: &str) -> String {
        let mut line = Vec::new();
        let result = self.reader.read_until(b'\n', &mut line);
        if !line.ends_with(b"\n") {
            yours.still_running(what);
        }
        match result {
            Ok(_) if line.ends_with(b"\n") => {
                line.pop();
                String::from_utf8_lossy(&line).into_owned()
            }
            Ok(_) if line.is_empty() => {
                panic!(
                    "{what}：你的服务端没有回答就关闭了连接（{likely}）。\
                     处理连接的线程 panic 了，连接也会这样关掉：比如它调用了还没写完的\
                     parse_announced、receive_checked（练习 2、3，not yet implemented）。\
                     评分时加 --verbose 能看到那个线程的 panic"
                )
            }
            Ok(_) => panic!(
                "{what}：回答要以换行结束，你的服务端发了 {:?} 就关闭了连接",
                String::from_utf8_lossy(&line)
            ),
            Err(e) => panic!("{what}：{}", waited("回答", &e, WAIT, likely)),
        }
    }

    fn expect_ok(&mut self, yours: &mut Yours, what: &str) {
        let got = self.answer(
            yours,
            what,
            "是不是在等对方半关闭或者关闭连接？收够说好的字节数、存好文件，就该回答 ok",
        );
        expect_eq(&format!("{what}：回答不对"), &got, &"ok".to_string());
    }

    /// 回答 error 之后，服务端应当关闭这个连接：再读只读到 EOF。
    fn expect_closed(&mut self, what: &str) {
        match until_closed(&mut self.reader, WAIT) {
            Closing::Closed => {}
            Closing::Failed(e) => panic!(
                "{what}：回答 error 之后要关闭这个连接，{}",
                waited("连接关闭", &e, WAIT, "后面的字节已经分不清是不是请求头了")
            ),
            Closing::StillSending(rest) => panic!(
                "{what}：回答 error 之后要关闭这个连接，可过了 {} 秒它还开着，你的服务端还在发：{:?}\n  \
                 后面的字节已经分不清是不是请求头了：回答 error 之后就关闭连接，不要接着读下一个请求头",
                WAIT.as_secs(),
                cut(&String::from_utf8_lossy(&rest))
            ),
        }
    }

    fn expect_error(&mut self, yours: &mut Yours, what: &str) {
        let got = self.answer(yours, what, "坏的请求也要回答 error <原因>");
        assert!(
            got.starts_with("error ") && got.len() > "error ".len(),
            "{what}：应当回答 error <原因>，你的服务端回答的是 {:?}",
            cut(&got)
        );
    }
}

/// 一直读到对方关闭连接时，是怎么结束的。
enum Closing {
    /// 读到 EOF，或者连接被重置：关掉了。
    Closed,
    /// 读出了错（比如等了一次读超时还没有数据）。
    Failed(io::Error),
    /// 到了期限还没关，对方一直在发：收到的字节。
    StillSending(Vec<u8>),
}

/// 一直读到对方关闭连接，最多 `limit`：一个每隔一会儿就发点什么的服务端也挡不住评分结束。
fn until_closed(r: &mut impl Read, limit: Duration) -> Closing {
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match r.read(&mut buf) {
            Ok(0) => return Closing::Closed,
            Ok(n) => {
                got.extend_from_slice(&buf[..n]);
                if started.elapsed() >= limit {
                    return Closing::StillSending(got);
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return Closing::Closed,
            Err(e) => return Closing::Failed(e),
        }
    }
}

/// 存放目录里应当正好是到目前为止存下的文件（`saved` 再加上 `new`），没有临时文件。
fn expect_files(yours: &mut Yours, dir: &Path, saved: &mut Vec<String>, what: &str, new: &[&str]) {
    saved.extend(new.iter().map(|s| s.to_string()));
    saved.sort();
    yours.still_running(what);
    expect_eq(
        &format!("{what}：存放目录里应当正好是这些文件"),
        &names_in(dir),
        saved,
    );
}

fn check_serve(serve: Serve) {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("uploads");
    fs::create_dir(&dir).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let idle = Duration::from_secs(1);
    let for_server = dir.clone();
    let handle = thread::Builder::new()
        .name("你的服务端".into())
        .spawn(move || serve(listener, for_server, 1000, idle))
        .unwrap();
    let mut yours = Yours {
        handle: Some(handle),
    };
    let mut saved = Vec::new();

    // 1. 教程式的客户端：发完请求头和内容就等回答，不半关闭。
    let what = "一个发完就等回答的客户端上传 第一个.txt";
    let mut c = Client::connect(addr, &mut yours, what);
    c.send(&mut yours, what, &request("第一个.txt", b"hello"));
    c.expect_ok(&mut yours, what);
    expect_files(&mut yours, &dir, &mut saved, what, &["第一个.txt"]);
    assert!(
        fs::read(dir.join("第一个.txt")).unwrap() == b"hello",
        "第一个.txt 的内容不对"
    );

    // 2. 两个请求一起到达，然后同一个连接上再来一个。
    let what = "同一个连接上，两个上传一次发出（a.txt 和 b.txt）";
    let mut c = Client::connect(addr, &mut yours, what);
    c.send(
        &mut yours,
        what,
        &[request("a.txt", b"aaa"), request("b.txt", b"bbbb")].concat(),
    );
    c.expect_ok(&mut yours, what);
    c.expect_ok(
        &mut yours,
        &format!("{what}，第二个：和第一个一起到达的字节属于它，BufReader 里多读到的不能扔"),
    );
    let what = "同一个连接上，回答之后接着上传 c.txt";
    c.send(&mut yours, what, &request("c.txt", b"c"));
    c.expect_ok(&mut yours, what);
    expect_files(
        &mut yours,
        &dir,
        &mut saved,
        what,
        &["a.txt", "b.txt", "c.txt"],
    );

    // 3. 慢慢发：每 30 毫秒 7 个字节，每次都比空闲超时短得多。
    let what = "一个客户端每 30 毫秒只发 7 个字节（慢.txt）";
    let mut c = Client::connect(addr, &mut yours, what);
    let body = data(60, 6);
    if let Err(e) = peers::trickle(
        &mut c.stream,
        &request("慢.txt", &body),
        7,
        Duration::from_millis(30),
    ) {
        yours.still_running(what);
        panic!(
            "{what}：还没发完，你的服务端就关闭了连接（{}）：一次 read 只拿到一小段，要一直读到说好的字节数",
            describe_io(&e)
        );
    }
    c.expect_ok(
        &mut yours,
        &format!("{what}：一次 read 只拿到一小段，要读够说好的字节数"),
    );
    expect_files(&mut yours, &dir, &mut saved, what, &["慢.txt"]);
    assert!(
        fs::read(dir.join("慢.txt")).unwrap() == body,
        "慢.txt 的内容不对"
    );

    // 4. 各种要拒绝的请求：回答 error，什么都不存。
    let mut wrong = request("错.txt", b"hello");
    let at = wrong.len() - 1;
    wrong[at] = b'H'; // 内容和请求头里的摘要对不上
    let refused: Vec<(&str, Vec<u8>)> = vec![
        ("内容和请求头里的摘要对不上", wrong),
        ("文件名是 ../逃出去.txt", request("../逃出去.txt", b"hello")),
        ("第一个.txt 已经存在", request("第一个.txt", b"again")),
        (
            "大小 5000 超过了 max_size（请求头后面没有内容：不要等它）",
            format!("post|5000|{}|big.bin\n", sha256(b"x")).into_bytes(),
        ),
        ("请求头不是 post|大小|摘要|文件名", b"hello\n".to_vec()),
    ];
    for (why, bytes) in refused {
        let what = format!("一个坏请求（{why}）");
        let mut c = Client::connect(addr, &mut yours, &what);
        c.send(&mut yours, &what, &bytes);
        c.expect_error(&mut yours, &what);
        c.expect_closed(&what);
        expect_files(&mut yours, &dir, &mut saved, &what, &[]);
    }
    expect_eq(
        "第一个.txt 不能被覆盖",
        &fs::read(dir.join("第一个.txt")).unwrap(),
        &b"hello".to_vec(),
    );
    let outside = names_in(root.path());
    expect_eq(
        "存放目录外面不能多出东西",
        &outside,
        &vec!["uploads".to_string()],
    );

    // 5. 说到一半就消失（RST）：不留下半截的文件，也不留下临时文件。
    let what = "一个客户端发了 300 / 1000 字节就消失了";
    yours.still_running(what);
    let s = peers::connect(addr).unwrap();
    let bytes = request("半截.bin", &data(1000, 7));
    peers::vanish(s, &bytes, bytes.len() - 700).unwrap();
    let started = Instant::now();
    while names_in(&dir) != saved {
        assert!(
            started.elapsed() < WAIT,
            "{what}：{} 秒后存放目录里还有 {:?}：出错时要删掉临时文件",
            WAIT.as_secs(),
            names_in(&dir)
        );
        thread::sleep(Duration::from_millis(10)); // 轮询，有期限
    }

    // 6. 一个不说话的连接占着，另一个客户端照样得到回答；不说话的那个在空闲超时后被关掉。
    let what = "一个连接连上后什么也不发，这时另一个客户端上传 不说话时.txt";
    let mut silent = Client::connect(addr, &mut yours, what);
    let mut c = Client::connect(addr, &mut yours, what);
    let asked = Instant::now();
    c.send(&mut yours, what, &request("不说话时.txt", b"hi"));
    c.expect_ok(
        &mut yours,
        &format!("{what}：一个连接一直不说话，别的客户端也不该等它：每个连接要有自己的线程"),
    );
    let took = asked.elapsed();
    // 不说话的连接这时应当还开着、你的服务端也还没对它说什么：它要等满空闲超时。
    silent.stream.set_nonblocking(true).unwrap();
    let mut probe = [0u8; 1];
    let probed = silent.stream.read(&mut probe);
    assert!(
        matches!(&probed, Err(e) if e.kind() == ErrorKind::WouldBlock),
        "{what}：另一个客户端过了 {:.1} 秒才得到回答，这时不说话的连接已经{}（空闲超时是 {} 秒）：\
         你的服务端是不是等到不说话的连接超时，才去服务下一个？每个连接要有自己的线程",
        took.as_secs_f64(),
        match &probed {
            Ok(0) => "被关掉了".to_string(),
            Ok(_) => "收到了你的服务端的回答".to_string(),
            Err(e) => format!("出了错（{}）", describe_io(e)),
        },
        idle.as_secs()
    );
    silent.stream.set_nonblocking(false).unwrap();
    expect_files(&mut yours, &dir, &mut saved, what, &["不说话时.txt"]);
    let started = Instant::now();
    silent
        .stream
        .set_read_timeout(Some(idle * 4 + WAIT))
        .unwrap();
    // 关掉之前说一句 error（说明为什么）也可以。
    match until_closed(&mut silent.stream, idle * 4 + WAIT) {
        Closing::Closed => {}
        Closing::Failed(e) => panic!(
            "一个连接 {} 秒不说话，你的服务端应当关掉它：{}",
            idle.as_secs(),
            waited("它被关掉", &e, idle * 4 + WAIT, "给每个连接设读超时 idle")
        ),
        Closing::StillSending(said) => panic!(
            "一个连接 {} 秒不说话，你的服务端应当关掉它，可它过了 {} 秒还开着，你的服务端一直在发：{:?}\n  \
             空闲超时以后说一句 error 可以，然后就关闭连接，不要接着等下一个请求头",
            idle.as_secs(),
            (idle * 4 + WAIT).as_secs(),
            cut(&String::from_utf8_lossy(&said))
        ),
    }
    assert!(
        started.elapsed() < idle * 4,
        "不说话的连接过了 {:?} 才被关掉，空闲超时是 {idle:?}",
        started.elapsed()
    );

    // 7. 这么多事之后，服务端照常工作。
    let what = "最后再上传一个 最后.txt";
    let mut c = Client::connect(addr, &mut yours, what);
    c.send(&mut yours, what, &request("最后.txt", b"bye"));
    c.expect_ok(&mut yours, what);
    expect_files(&mut yours, &dir, &mut saved, what, &["最后.txt"]);
}

exercise!(
    l10_serve,
    "exercises/serve.rs",
    check_serve,
    lesson_10::exercises::serve::serve_checked,
    lesson_10::solutions::serve::serve_checked,
);
