//! 第 02 课练习的评分检查。`workbook grade 02` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::io::{self, Read, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use encoding_rs::UTF_8;
use testkit::exercise;
use testkit::grading::{cut, expect_eq, show_bytes};

// ---------------------------------------------------------------- 共用的小工具

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// 在另一个线程里运行 `f`，最多等 5 秒；超时就说明可能的原因。`f` 里的 panic 原样传回来。
fn within<T: Send + 'static>(
    what: &str,
    likely: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    const SECS: u64 = 5;
    let (tx, rx) = mpsc::channel();
    let handle = thread::spawn(move || {
        let out = f();
        let _ = tx.send(());
        out
    });
    match rx.recv_timeout(Duration::from_secs(SECS)) {
        Ok(()) | Err(RecvTimeoutError::Disconnected) => match handle.join() {
            Ok(v) => v,
            Err(p) => std::panic::resume_unwind(p),
        },
        Err(RecvTimeoutError::Timeout) => panic!("{what} 等了 {SECS} 秒还没有返回{likely}"),
    }
}

/// 一个简单的伪随机数发生器，让“随便什么字节”的检查每次都一样、失败时能重现。
fn pseudo_random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    // 挑一些容易出问题的字节：ASCII、反斜杠、续字节、各种长度的首字节、永远不合法的字节。
    let palette = [
        b'a', b'\\', 0x80, 0xb8, 0xbf, 0xc3, 0xe6, 0xed, 0xf0, 0x9f, 0xff, 0xc0,
    ];
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            palette[(state >> 33) as usize % palette.len()]
        })
        .collect()
}

const SAMPLE: &str = "I love 游泳😀!";

// ---------------------------------------------------------------- 练习 1：shorten

/// 期望的结果，按题目的规则一个字符一个字符地数出来。
fn shortened(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    if max < 3 {
        return String::new();
    }
    let mut kept = String::new();
    for ch in s.chars() {
        if kept.len() + ch.len_utf8() + 3 > max {
            break;
        }
        kept.push(ch);
    }
    kept + "…"
}

fn check_prefix(shorten: fn(&str, usize) -> String) {
    for text in [SAMPLE, "", "abc", "游泳", "a…b", "😀😀"] {
        let owned = text.to_string();
        let got = within(
            "shorten",
            "（往回找字符边界的循环有没有在往前走？）",
            move || {
                (0..owned.len() + 3)
                    .map(|max| shorten(&owned, max))
                    .collect::<Vec<_>>()
            },
        );
        for (max, got) in got.iter().enumerate() {
            let want = shortened(text, max);
            expect_eq(&format!("shorten({text:?}, {max})"), got, &want);
        }
    }
}

// ---------------------------------------------------------------- 练习 2：guess_decode

/// 一条检查：输入、期望的结果、不对时说明为什么。
type Case<'a, In, Out> = (In, Out, &'a str);
/// 猜出的文字和编码名。
type Guess<'a> = Option<(&'a str, &'a str)>;

fn check_guess(guess_decode: fn(&[u8]) -> Option<(String, &'static str)>) {
    // “驱动器 C 中的卷没有标签。”的 GBK 字节，也就是中文 Windows 上 dir 命令输出的一部分。
    let console: &[u8] = b"\xc7\xfd\xb6\xaf\xc6\xf7 C \xd6\xd0\xb5\xc4\xbe\xed\xc3\xbb\xd3\xd0\xb1\xea\xc7\xa9\xa1\xa3";
    // BOM 后面跟着“游泳”的 GBK 字节（前面垫了一个 0xa1）：整段碰巧也是合法的 GBK（“锘俊游泳”）。
    let bom_then_gbk: &[u8] = b"\xef\xbb\xbf\xa1\xd3\xce\xd3\xbe";
    let cases: Vec<Case<&[u8], Guess>> = vec![
        (
            "I love 游泳".as_bytes(),
            Some(("I love 游泳", "utf-8")),
            "合法的 UTF-8",
        ),
        (b"", Some(("", "utf-8")), "空的输入也是合法的 UTF-8"),
        (
            "\u{feff}I love 游泳".as_bytes(),
            Some(("I love 游泳", "utf-8-sig")),
            "开头有 BOM 的 UTF-8：BOM 要去掉",
        ),
        (
            "\u{feff}".as_bytes(),
            Some(("", "utf-8-sig")),
            "只有一个 BOM",
        ),
        (
            "\u{feff}\u{feff}x".as_bytes(),
            Some(("\u{feff}x", "utf-8-sig")),
            "两个 BOM：只去掉开头的那一个",
        ),
        (
            "a\u{feff}b".as_bytes(),
            Some(("a\u{feff}b", "utf-8")),
            "U+FEFF 不在开头就不是 BOM，原样留着",
        ),
        (
            bom_then_gbk,
            None,
            "BOM 后面不是合法的 UTF-8：有 BOM 就只可能是 UTF-8，不再试 GBK（整段碰巧也能按 GBK 解码成“锘俊游泳”）",
        ),
        (
            console,
            Some(("驱动器 C 中的卷没有标签。", "gbk")),
            "中文 Windows 的 GBK 输出",
        ),
        (
            b"\xd3\xce\xd3\xbe",
            Some(("游泳", "gbk")),
            "“游泳”的 GBK 字节",
        ),
        (
            b"\xef\xbb\xd3\xce",
            Some(("锘游", "gbk")),
            "EF BB 后面不是 BF：不是 BOM，这是合法的 GBK",
        ),
        (b"ok\xd3", None, "末尾只有半个 GBK 汉字：两种都不是"),
        (
            b"\xff\xfe",
            None,
            "0xff 在两种编码里都不合法（这是 UTF-16 的 BOM）",
        ),
    ];
    for (bytes, want, why) in cases {
        let input = bytes.to_vec();
        let got = within("guess_decode", "", move || guess_decode(&input));
        let want = want.map(|(t, e)| (t.to_string(), e));
        expect_eq(
            &format!("guess_decode({})：{why}", show_bytes(bytes)),
            &got,
            &want,
        );
    }
}

// ---------------------------------------------------------------- 练习 3：backslash_replace

/// 期望的结果：坏字节的位置由 encoding_rs 找出（第 02 课库里的 decode_report），
/// 和学习者用的标准库是两套独立的实现。
fn backslashed(bytes: &[u8]) -> String {
    let report = lesson_02::decode_report(bytes, UTF_8);
    let mut out = String::new();
    let mut at = 0;
    for bad in &report.bad {
        out.push_str(
            std::str::from_utf8(&bytes[at..bad.offset]).expect("坏字节之间是合法的 UTF-8"),
        );
        for b in &bytes[bad.offset..bad.offset + bad.len] {
            out.push_str(&format!("\\x{b:02x}"));
        }
        at = bad.offset + bad.len;
    }
    out.push_str(std::str::from_utf8(&bytes[at..]).expect("最后一处坏字节之后是合法的 UTF-8"));
    out
}

/// 结果里的反斜杠就是要考的东西：原样显示在「」里（用 {:?} 的话每个反斜杠都会变成两个），
/// 只有控制字符写成转义。
fn plain(text: &str) -> String {
    let shown: String = text
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    format!("「{}」", cut(&shown))
}

fn expect_text(what: &str, yours: &str, expected: &str) {
    if yours != expected {
        panic!(
            "{what}\n  你的结果：{}\n  期望：    {}",
            plain(yours),
            plain(expected)
        );
    }
}

fn check_backslash(backslash_replace: fn(&[u8]) -> String) {
    // 期望值都是 Python 的 bytes.decode("utf-8", errors="backslashreplace") 的真实结果。
    let cases: Vec<Case<&[u8], &str>> = vec![
        (b"", "", "空的输入"),
        (
            "I love 游泳😀".as_bytes(),
            "I love 游泳😀",
            "合法的 UTF-8 原样保留",
        ),
        (
            b"I love \xff\xb8\xb8\xe6\xb3\xb3",
            r"I love \xff\xb8\xb8泳",
            "0xff 和两个落单的续字节各写成一个 \\xNN",
        ),
        (
            b"ok\xe6\xb8",
            r"ok\xe6\xb8",
            "末尾一个没写完的字符：剩下的字节都是坏字节",
        ),
        (
            b"a\xe6\xb8x",
            r"a\xe6\xb8x",
            "被 'x' 打断的字符：它的两个字节都是坏字节，'x' 照样保留",
        ),
        (b"\\\xff\\", r"\\xff\", "反斜杠本身不转义"),
        (
            b"\xed\xa0\x80z",
            r"\xed\xa0\x80z",
            "代理码点（U+D800）在 UTF-8 里不合法",
        ),
        (
            b"\xf0\x9f\x98\x80\xf0\x9f\x98",
            r"😀\xf0\x9f\x98",
            "一个完整的 emoji，再加一个没写完的",
        ),
        (
            b"\xc0\xaf\xc2",
            r"\xc0\xaf\xc2",
            "过长编码（0xc0 0xaf）不合法",
        ),
        (
            b"\xe6\xb8\xb8\xe6\xb3\xb3\xff\xe6\xb8\xb8\xe6\xb3\xb3\xff",
            r"游泳\xff游泳\xff",
            "第二处坏字节在后面：位置要相对整个输入",
        ),
        (
            b"\x00\x7f\x80",
            "\u{0}\u{7f}\\x80",
            "控制字符是合法的 UTF-8，只有 0x80 是坏字节",
        ),
        (
            b"\xef\xbf\xbd\xff",
            "\u{FFFD}\\xff",
            "输入里本来就有一个合法的 U+FFFD：它原样保留，只有 0xff 是坏字节",
        ),
    ];
    for (bytes, want, why) in cases {
        let input = bytes.to_vec();
        let got = within(
            "backslash_replace",
            "（循环有没有在往前走？error_len() 是 None 时也要跳过剩下的字节）",
            move || backslash_replace(&input),
        );
        expect_text(
            &format!("backslash_replace({})：{why}", show_bytes(bytes)),
            &got,
            want,
        );
    }
    // 随便什么字节：和 encoding_rs 找出的坏字节对照。
    for seed in 0..60 {
        let bytes = pseudo_random_bytes(seed, 40);
        let input = bytes.clone();
        let got = within(
            "backslash_replace",
            "（循环有没有在往前走？）",
            move || backslash_replace(&input),
        );
        expect_text(
            &format!("backslash_replace({})", show_bytes(&bytes)),
            &got,
            &backslashed(&bytes),
        );
    }
}

// ---------------------------------------------------------------- 练习 4：relay

/// 一段字节里，到现在为止已经完整的字符（坏字节或没写完的字符之前的部分）。
fn complete_prefix(bytes: &[u8]) -> &[u8] {
    match std::str::from_utf8(bytes) {
        Ok(_) => bytes,
        Err(e) => &bytes[..e.valid_up_to()],
    }
}

/// 学习者写出去的字节，用 `b'…'` 和文字两种样子给人看。
fn show_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => cut(&format!("{text:?}")),
        Err(_) => format!("{}（不是合法的 UTF-8）", show_bytes(bytes)),
    }
}

/// 按剧本一段一段给出字节的“套接字”。每次被 read 时（第一次除外），先检查到这时为止写出去的内容：
/// 应当正好是已经读到的字节里完整的那些字符。
struct Script {
    pieces: Vec<Vec<u8>>,
    piece: usize,
    within: usize,
    delivered: Vec<u8>,
    reads: usize,
    eof_reads: usize,
    /// 剧本演完后不是 EOF，而是这个错误（对方重置了连接）。
    fail_with: Option<io::ErrorKind>,
    output: Arc<Mutex<Vec<u8>>>,
    problem: Arc<Mutex<Option<String>>>,
}

impl Script {
    fn audit(&self) {
        let want = complete_prefix(&self.delivered);
        let out = lock(&self.output);
        if out.as_slice() == want {
            return;
        }
        let mut problem = lock(&self.problem);
        if problem.is_some() {
            return;
        }
        let read = self.delivered.len();
        *problem = Some(if want.starts_with(&out) {
            format!(
                "读到前 {read} 个字节时，完整的字符是 {}，可是再一次 read 之前只写出了 {}。\
                 每次 read 之后要马上把完整的字符写出去，不能等读完（write 一次不一定写得完，用 write_all；\
                 用了 BufWriter 的话要 flush）",
                show_text(want),
                show_text(&out)
            )
        } else {
            format!(
                "读到前 {read} 个字节时，写出去的是 {}，可是读到的字节里完整的字符只有 {}。\
                 半个字符不能写出去，要留到它的后半截到了再说；坏字节也不能换成别的东西写出去",
                show_text(&out),
                show_text(want)
            )
        });
    }
}

impl Read for Script {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.reads > 0 {
            self.audit();
        }
        self.reads += 1;
        if self.piece == self.pieces.len() {
            if let Some(kind) = self.fail_with {
                return Err(io::Error::new(kind, "对方重置了连接"));
            }
            self.eof_reads += 1;
            assert!(
                self.eof_reads <= 3,
                "read 已经返回了 0（对方关闭了连接），你的代码还在一遍遍地读：读到 0 就该结束"
            );
            return Ok(0);
        }
        let piece = &self.pieces[self.piece];
        let n = buf.len().min(piece.len() - self.within);
        buf[..n].copy_from_slice(&piece[self.within..self.within + n]);
        self.delivered
            .extend_from_slice(&piece[self.within..self.within + n]);
        self.within += n;
        if self.within == piece.len() {
            self.piece += 1;
            self.within = 0;
        }
        Ok(n)
    }
}

/// 学习者写进去的地方。每次 write 最多收下 7 个字节（真实的套接字也常常只收下一部分）。
struct Sink {
    output: Arc<Mutex<Vec<u8>>>,
    broken: bool,
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.broken {
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "显示端已经关闭"));
        }
        let n = buf.len().min(7);
        lock(&self.output).extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// relay 的结果，换成比较得了的样子：错误只看种类和文字。
type Outcome = Result<(), (io::ErrorKind, String)>;

/// 按题目的规则，这些字节应当得到的结果和写出去的内容。
fn expected(all: &[u8]) -> (Vec<u8>, Outcome) {
    match std::str::from_utf8(all) {
        Ok(_) => (all.to_vec(), Ok(())),
        Err(e) => {
            let at = e.valid_up_to();
            let outcome = match e.error_len() {
                Some(_) => Err((
                    io::ErrorKind::InvalidData,
                    format!("偏移 {at} 处不是合法的 UTF-8"),
                )),
                None => Err((
                    io::ErrorKind::UnexpectedEof,
                    format!("偏移 {at} 处的字符没写完"),
                )),
            };
            (all[..at].to_vec(), outcome)
        }
    }
}

type Relay = fn(&mut dyn Read, &mut dyn Write) -> io::Result<()>;

/// 让学习者的 relay 按剧本读一遍，检查写出去的内容和结果。
fn run_relay(
    relay: Relay,
    pieces: &[&[u8]],
    fail_with: Option<io::ErrorKind>,
    broken: bool,
    want: (Vec<u8>, Outcome),
) {
    let shown: Vec<String> = pieces.iter().map(|p| show_bytes(p)).collect();
    let what = cut(&format!(
        "对方分 {} 次发来 {}",
        pieces.len(),
        shown.join(" ")
    ));
    let output = Arc::new(Mutex::new(Vec::new()));
    let problem = Arc::new(Mutex::new(None));
    let mut input = Script {
        pieces: pieces.iter().map(|p| p.to_vec()).collect(),
        piece: 0,
        within: 0,
        delivered: Vec::new(),
        reads: 0,
        eof_reads: 0,
        fail_with,
        output: Arc::clone(&output),
        problem: Arc::clone(&problem),
    };
    let mut sink = Sink {
        output: Arc::clone(&output),
        broken,
    };
    let got = within("relay", "（它在等什么？）", move || {
        relay(&mut input, &mut sink)
    });
    if let Some(problem) = lock(&problem).take() {
        panic!("{what}：{problem}");
    }
    let got: Outcome = got.map_err(|e| (e.kind(), e.to_string()));
    let (want_out, want_outcome) = want;
    expect_eq(&format!("{what}：relay 的返回值"), &got, &want_outcome);
    let out = lock(&output).clone();
    if out != want_out {
        panic!(
            "{what}：写出去的内容不对\n  你的结果：{}\n  期望：    {}",
            show_text(&out),
            show_text(&want_out)
        );
    }
}

fn check_relay(relay: Relay) {
    // 题目里的例子，然后把 SAMPLE 在每一对位置上切成三段。
    let plan: Vec<Vec<&[u8]>> = vec![vec![b"ab\xe6", b"\xb8\xb8!"]];
    for pieces in plan {
        let all = pieces.concat();
        run_relay(relay, &pieces, None, false, expected(&all));
    }
    let bytes = SAMPLE.as_bytes();
    for i in 1..bytes.len() {
        for j in i..bytes.len() {
            let pieces: Vec<&[u8]> = [&bytes[..i], &bytes[i..j], &bytes[j..]]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect();
            run_relay(relay, &pieces, None, false, expected(bytes));
        }
    }
    // 坏字节、没写完的字符、什么也没有。
    let ni_hao = "你好".as_bytes();
    let shi_jie = "世界".as_bytes();
    let you = "游".as_bytes();
    let bad: Vec<Vec<&[u8]>> = vec![
        vec![b"ab\xe6", b"\xb8x"],
        vec![b"ok", b"\xff", b"more"],
        vec![ni_hao, shi_jie, b"\xe4\xb8", b"\xff"],
        vec![you, b"\xe6\xb3"],
        vec![b"\xe6"],
        vec![],
    ];
    for pieces in bad {
        let all = pieces.concat();
        run_relay(relay, &pieces, None, false, expected(&all));
    }
    // 一大段中文，每 1000 个字节一段（1000 不是 3 的倍数，很多字被切开）。
    let long = "网络编程".repeat(1000);
    let pieces: Vec<&[u8]> = long.as_bytes().chunks(1000).collect();
    run_relay(relay, &pieces, None, false, expected(long.as_bytes()));
    // 读出错：对方重置了连接。之前完整的字符照样写出去，错误原样返回。
    run_relay(
        relay,
        &[ni_hao, b"\xe4"],
        Some(io::ErrorKind::ConnectionReset),
        false,
        (
            ni_hao.to_vec(),
            Err((io::ErrorKind::ConnectionReset, "对方重置了连接".into())),
        ),
    );
    // 写出错：显示端关闭了。
    run_relay(
        relay,
        &[b"hi"],
        None,
        true,
        (
            Vec::new(),
            Err((io::ErrorKind::BrokenPipe, "显示端已经关闭".into())),
        ),
    );
    // 随便什么字节、随便怎么切。
    for seed in 0..40 {
        let bytes = pseudo_random_bytes(seed, 30);
        let size = (seed as usize * 7) % 9 + 1;
        let pieces: Vec<&[u8]> = bytes.chunks(size).collect();
        run_relay(relay, &pieces, None, false, expected(&bytes));
    }
}

// ---------------------------------------------------------------- 练习

exercise!(
    l02_prefix,
    "exercises/prefix.rs",
    check_prefix,
    lesson_02::exercises::prefix::shorten,
    lesson_02::solutions::prefix::shorten,
);

exercise!(
    l02_guess,
    "exercises/guess.rs",
    check_guess,
    lesson_02::exercises::guess::guess_decode,
    lesson_02::solutions::guess::guess_decode,
);

exercise!(
    l02_backslash,
    "exercises/backslash.rs",
    check_backslash,
    lesson_02::exercises::backslash::backslash_replace,
    lesson_02::solutions::backslash::backslash_replace,
);

exercise!(
    l02_relay,
    "exercises/relay.rs",
    check_relay,
    lesson_02::exercises::relay::relay,
    lesson_02::solutions::relay::relay,
);
