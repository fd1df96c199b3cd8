//! 第 08 课练习的评分检查。`workbook grade 08` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。
//!
//! 这个测试程序换了一个会记账的内存分配器（[`Counting`]）：它照常把每次申请交给系统，
//! 只是先记下申请了多大。`vec![0; len]` 这样的零初始化分配是“懒”的——系统要等真的写进去
//! 才给物理内存，所以只看内存用量，先按对方说的长度申请、再检查上限的写法看上去没事；
//! 记下“申请了多大”，就看得出来。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{self, BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use lesson_08::chunked::ChunkedReader;
use lesson_08::frame::{read_frame, write_frame};
use testkit::grading::{describe_io, expect_bytes, show_bytes, waited};
use testkit::peers;
use testkit::{exercise, with_deadline, DEADLINE};

const MIB: usize = 1 << 20;

// ---------------------------------------------------------------------------------------------
// 会记账的分配器

/// 记账的分配器：每次申请照常交给系统（`System`），先记下大小。
struct Counting;

thread_local! {
    /// 这个线程里（从上次清零起）申请过的最大一块。
    static LARGEST_HERE: Cell<usize> = const { Cell::new(0) };
}

/// 整个进程里申请过的最大一块（只记 [`WATCHED`] 以上的，别的线程也算：学习者的服务端在它自己的线程里分配）。
static LARGEST_ANYWHERE: AtomicUsize = AtomicUsize::new(0);

/// 多大的一块算“大”，要全进程记下来。
const WATCHED: usize = 32 * MIB;

fn note(size: usize) {
    // const 初始化、没有析构的线程局部变量：访问它不会再去分配内存。
    let _ = LARGEST_HERE.try_with(|l| {
        if size > l.get() {
            l.set(size)
        }
    });
    if size >= WATCHED {
        LARGEST_ANYWHERE.fetch_max(size, Ordering::Relaxed);
    }
}

// SAFETY: 每个方法都原样转给系统分配器，参数不变，返回它的结果；
// 只是先调用 note 记下大小，note 不分配内存、不会 panic。
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        System.alloc_zeroed(layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        System.realloc(ptr, layout, new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// 在这个线程里运行 `f`，返回它的结果，和这期间申请过的最大一块内存有多大。
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST_HERE.with(|l| l.set(0));
    let out = f();
    (out, LARGEST_HERE.with(|l| l.get()))
}

/// 好读的大小（评分信息里用）。
fn size(bytes: usize) -> String {
    lesson_08::size::show(bytes as u64)
}

/// 运行学习者的函数；它 panic 时换成一句说明（`why`：为什么这里不该 panic）。
fn no_panic<T>(why: &str, f: impl FnOnce() -> T) -> T {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("{why}：你的函数 panic 了（{msg}）。出了错要返回 Err，不要 panic")
        }
    }
}

/// 一次结果说给学习者听：`Ok(Some(b'…'))`、`Ok(None)`、`Err(种类：说明)`。
fn show_result(r: &io::Result<Option<Vec<u8>>>) -> String {
    match r {
        Ok(Some(m)) => format!("Ok(Some({}))", show_bytes(m)),
        Ok(None) => "Ok(None)".to_string(),
        Err(e) => format!("Err({:?}：{e})", e.kind()),
    }
}

/// 期望一个某种类的错误。
#[track_caller]
fn expect_error(what: &str, got: &io::Result<Option<Vec<u8>>>, kind: ErrorKind) {
    match got {
        Err(e) if e.kind() == kind => {}
        Err(e) => panic!(
            "{what}：错误的种类应当是 {kind:?}，你的是 {:?}（{e}）",
            e.kind()
        ),
        other => panic!(
            "{what}：应当返回 {kind:?} 的错误\n  你的结果：{}",
            show_result(other)
        ),
    }
}

/// 回环地址上的一对连接：(写的一头, 读的一头)。读的一头设了读超时，学习者的函数不会一直等下去。
fn socket_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("能绑定空闲端口");
    let writer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (reader, _) = listener.accept().unwrap();
    reader.set_read_timeout(Some(peers::WAIT)).unwrap();
    writer.set_write_timeout(Some(peers::WAIT)).unwrap();
    (writer, reader)
}

// ---------------------------------------------------------------------------------------------
// 练习 1：2 字节小端长度

type Encode = fn(&[u8]) -> io::Result<Vec<u8>>;

/// 参考读取方：读一帧“2 字节小端长度 + 内容”。
fn read_short_frame(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut header = [0u8; 2];
    match r.read(&mut header[..1])? {
        0 => return Ok(None),
        _ => r.read_exact(&mut header[1..])?,
    }
    let mut payload = vec![0u8; u16::from_le_bytes(header) as usize];
    r.read_exact(&mut payload)?;
    Ok(Some(payload))
}

fn short_frame(payload: &[u8]) -> Vec<u8> {
    let mut frame = (payload.len() as u16).to_le_bytes().to_vec();
    frame.extend_from_slice(payload);
    frame
}

/// 一帧编得不对时，猜一猜是哪一种常见的错。
fn why_encoding_differs(yours: &[u8], payload: &[u8]) -> &'static str {
    let n = payload.len();
    let be = (n as u16).to_be_bytes();
    if yours.len() == n + 4 && yours[..4] == (n as u32).to_be_bytes() {
        "这是书里 4 字节大端的帧；这道题的长度只占 2 个字节，而且是小端"
    } else if yours.len() == n + 2 && yours[..2] == be && be[0] != be[1] {
        "长度的两个字节顺序反了：这是大端（高位在前），小端是低位在前"
    } else if std::str::from_utf8(payload).is_ok_and(|t| t.chars().count() != n)
        && yours.len() >= 2
        && u16::from_le_bytes([yours[0], yours[1]]) as usize
            == std::str::from_utf8(payload).unwrap().chars().count()
    {
        "长度是字节数，不是字符数：一个汉字在 UTF-8 里占 3 个字节"
    } else if yours.len() == 2 {
        "长度后面应当紧跟消息本身的字节"
    } else {
        "帧 = 2 字节小端长度 + 消息的全部字节"
    }
}

fn check_encode(encode: Encode) {
    let run = move |payload: Vec<u8>| -> io::Result<Vec<u8>> {
        with_deadline("encode_short_frame", move || {
            no_panic(
                &format!("编码一条 {} 字节的消息", payload.len()),
                || encode(&payload),
            )
        })
    };
    let cases: [(&str, Vec<u8>); 4] = [
        ("“我爱Python”（12 字节）", "我爱Python".as_bytes().to_vec()),
        ("空消息", Vec::new()),
        ("300 字节的消息（300 = 0x012C）", vec![b'x'; 300]),
        (
            "65535 字节的消息（0xFFFF：2 个字节正好放得下）",
            vec![b'y'; 65535],
        ),
    ];
    for (what, payload) in cases {
        match run(payload.clone()) {
            Ok(yours) => expect_bytes(
                &format!(
                    "{what}编码得不对：{}",
                    why_encoding_differs(&yours, &payload)
                ),
                &yours,
                &short_frame(&payload),
            ),
            Err(e) => panic!("{what}放得进 2 字节的长度，应当编码成功；你的函数返回了错误：{e}"),
        }
    }
    for n in [65536usize, 70000] {
        match run(vec![b'z'; n]) {
            Err(e) if e.kind() == ErrorKind::InvalidInput => {}
            Err(e) => panic!(
                "{n} 字节的消息放不进 2 字节的长度：错误的种类应当是 InvalidInput，你的是 {:?}（{e}）",
                e.kind()
            ),
            Ok(frame) => panic!(
                "{n} 字节的消息放不进 2 字节的长度（最多 65535），应当返回 InvalidInput 的错误；\
                 你的函数却返回了一帧，长度写成了 {}，也就是 {} 字节（`as u16` 会悄悄截掉高位）。\
                 对方会按这个长度读，把剩下的字节当成下一帧",
                show_bytes(&frame[..frame.len().min(2)]),
                frame
                    .get(..2)
                    .map(|h| u16::from_le_bytes([h[0], h[1]]))
                    .unwrap_or(0)
            ),
        }
    }

    // 几帧背靠背地写进真实的连接：对面按 2 字节小端长度一帧帧地拆开。
    let messages: Vec<Vec<u8>> = vec![
        "我爱Python".as_bytes().to_vec(),
        Vec::new(),
        "我爱阿芬".as_bytes().to_vec(),
        vec![0xff, 0xfe],
        vec![b'w'; 65535],
    ];
    let mut wire = Vec::new();
    for m in &messages {
        wire.extend(run(m.clone()).expect("上面已经检查过，这些消息都能编码"));
    }
    let (writer, reader) = socket_pair();
    let sending = thread::spawn(move || {
        let _ = (&writer).write_all(&wire);
        let _ = writer.shutdown(Shutdown::Write);
    });
    let got = with_deadline("参考读取方", move || {
        let mut r = BufReader::new(&reader);
        let mut got = Vec::new();
        loop {
            match read_short_frame(&mut r) {
                Ok(Some(m)) if got.len() < 10 => got.push(m),
                Ok(None) => return Ok(got),
                Ok(Some(_)) => return Err("拆出来的帧比发出去的多".to_string()),
                Err(e) => return Err(describe_io(&e)),
            }
        }
    });
    let _ = sending.join();
    match got {
        Ok(got) => assert!(
            got == messages,
            "对面从连接里拆出了 {} 帧，应当是发出去的那 {} 条消息",
            got.len(),
            messages.len()
        ),
        Err(e) => panic!("对面按 2 字节小端长度拆你写进连接的帧时出错：{e}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 练习 2：varint 长度

type ReadVarint = fn(&mut dyn Read, usize) -> io::Result<Option<Vec<u8>>>;

/// 参考写法：无符号 LEB128。
fn varint(mut n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

fn varint_frame(payload: &[u8]) -> Vec<u8> {
    let mut wire = varint(payload.len() as u64);
    wire.extend_from_slice(payload);
    wire
}

fn sample(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 251) as u8).collect()
}

/// 先交出 `data`，然后报一次 `error`，之后是 EOF。
struct FailsOnce {
    data: Vec<u8>,
    error: Option<ErrorKind>,
}

impl Read for FailsOnce {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.data.is_empty() {
            let n = buf.len().min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data.drain(..n);
            return Ok(n);
        }
        match self.error.take() {
            Some(kind) => Err(io::Error::new(kind, "模拟的错误")),
            None => Ok(0),
        }
    }
}

fn check_varint(read: ReadVarint) {
    with_deadline("read_varint_frame（内存里的字节）", move || {
        // 先一帧一帧地单独读：每次 read 只给 1、2、3 个字节。
        let lengths = [0usize, 1, 5, 127, 128, 300, 16_384];
        for &n in &lengths {
            let mut r = ChunkedReader::new(varint_frame(&sample(n)), vec![1, 2, 3]);
            let got = no_panic(&format!("读一帧 {n} 字节的消息"), || {
                read(&mut r, MIB)
            });
            if !matches!(&got, Ok(Some(m)) if *m == sample(n)) {
                let hint = if n >= 128 {
                    "长度占了不止一个字节：第一个字节装最低的 7 位，第二个字节装再往上的 7 位（要左移 7 位），以此类推"
                } else {
                    "一个字节的长度就是它自己；长度后面紧跟这么多字节的内容，read 一次可能只给一两个字节"
                };
                panic!(
                    "一帧 {n} 字节的消息（长度前缀是 {}）没有读对（{hint}）\n  你的结果：{}",
                    show_bytes(&varint(n as u64)),
                    testkit::grading::cut(&show_result(&got))
                );
            }
        }
        // read 返回 Interrupted：重试。
        let mut r = ChunkedReader::new(varint_frame(&sample(300)), vec![1, 0, 2, 0]);
        let got = read(&mut r, MIB);
        if let Err(e) = &got {
            assert!(
                e.kind() != ErrorKind::Interrupted,
                "read 返回 Interrupted 时要重试：它只是说这次系统调用被信号打断了，不是真正的错误"
            );
        }
        assert!(
            matches!(&got, Ok(Some(m)) if m.len() == 300),
            "中间有几次 read 被信号打断（Interrupted），300 字节的一帧没有读对\n  你的结果：{}",
            testkit::grading::cut(&show_result(&got))
        );
        // 再把它们背靠背地连在一起读：只读自己这一帧的字节，下一帧才不会坏。
        let mut wire = Vec::new();
        for &n in &lengths {
            wire.extend(varint_frame(&sample(n)));
        }
        let mut r = ChunkedReader::new(wire, vec![1, 2, 0, 3]);
        for (i, &n) in lengths.iter().enumerate() {
            let got = read(&mut r, MIB);
            if !matches!(&got, Ok(Some(m)) if *m == sample(n)) {
                panic!(
                    "单独的每一帧都读对了，背靠背连在一起，第 {} 帧（{n} 字节）却错了：是不是多读了字节？\
                     在函数里包一层 BufReader 会多读，多读的字节随它一起丢掉\n  你的结果：{}",
                    i + 1,
                    testkit::grading::cut(&show_result(&got))
                );
            }
        }
        let end = read(&mut r, MIB);
        assert!(
            matches!(end, Ok(None)),
            "帧与帧之间的 EOF 是正常结束，应当返回 Ok(None)\n  你的结果：{}",
            show_result(&end)
        );

        // 5 个字节的长度是允许的（这里是一种不最短的写法，值是 1）。
        let mut r = ChunkedReader::new(vec![0x81, 0x80, 0x80, 0x80, 0x00, b'Z'], vec![1]);
        let got = read(&mut r, 16);
        assert!(
            matches!(&got, Ok(Some(m)) if m == b"Z"),
            "长度前缀最多 5 个字节，b'\\x81\\x80\\x80\\x80\\x00' 是 5 个字节的 1，后面是 1 字节的内容\n  你的结果：{}",
            show_result(&got)
        );
        // 第 5 个字节还说“后面还有”：报错，最多读 5 个字节，不 panic（再往左移位会溢出）。
        for wire in [vec![0x80, 0x80, 0x80, 0x80, 0x80, 0x01], vec![0xff; 16]] {
            let mut r = ChunkedReader::new(wire.clone(), vec![1]);
            let got = no_panic(
                &format!(
                    "长度前缀 {}（第 5 个字节的最高位还是 1）",
                    show_bytes(&wire)
                ),
                || read(&mut r, MIB),
            );
            expect_error(
                &format!("长度前缀 {} 超过了 5 个字节", show_bytes(&wire)),
                &got,
                ErrorKind::InvalidData,
            );
            assert!(
                r.consumed() <= 5,
                "长度前缀超过 5 个字节时就该报错，你的函数却读了 {} 个字节",
                r.consumed()
            );
        }

        // 正好 max 是允许的；多 1 个字节就拒绝，而且只读了长度，内容一个字节都不读。
        let mut r = ChunkedReader::new(varint_frame(&sample(300)), vec![2]);
        let got = read(&mut r, 300);
        assert!(
            matches!(&got, Ok(Some(m)) if m.len() == 300),
            "正好 max（300）字节的帧是允许的\n  你的结果：{}",
            testkit::grading::cut(&show_result(&got))
        );
        let mut r = ChunkedReader::new(varint_frame(&sample(300)), vec![2]);
        let got = read(&mut r, 299);
        expect_error("300 字节的帧超过了上限 299", &got, ErrorKind::InvalidData);
        assert_eq!(
            r.consumed(),
            2,
            "超过上限时只应读 2 个字节的长度，内容一个字节都不该读（你读了 {} 个字节）",
            r.consumed()
        );

        // 对方声称后面有 64 MiB，上限是 1 KiB：拒绝之前不能先去申请那么多内存。
        let claimed = 64 * MIB;
        let mut wire = varint(claimed as u64);
        wire.extend_from_slice(&[b'x'; 64]);
        let header = wire.len() - 64;
        let mut r = ChunkedReader::new(wire, vec![64]);
        let (got, largest) = largest_allocation(|| read(&mut r, 1024));
        assert!(
            largest < MIB,
            "对方声称这一帧有 {}（上限是 1 KiB），你的函数在拒绝之前申请了 {} 的内存。\
             vec![0; len] 这样的零初始化内存要等写进去才真正占用，所以看上去没事，\
             可长度是对方说的：先和 max 比，超了就返回，再谈分配",
            size(claimed),
            size(largest)
        );
        expect_error("帧长超过上限", &got, ErrorKind::InvalidData);
        assert_eq!(
            r.consumed(),
            header,
            "超过上限时只应读 {header} 个字节的长度，内容一个字节都不该读（你读了 {} 个字节）",
            r.consumed()
        );

        // 没超过上限的长度也不照单全收：说有 8 MiB，只发了 100 个字节就断开。
        let claimed = 8 * MIB;
        let mut wire = varint(claimed as u64);
        wire.extend_from_slice(&[b'x'; 100]);
        let mut r = ChunkedReader::new(wire, vec![7]);
        let (got, largest) = largest_allocation(|| read(&mut r, 16 * MIB));
        expect_error(
            "对方说有 8 MiB，只发了 100 个字节就断开",
            &got,
            ErrorKind::UnexpectedEof,
        );
        assert!(
            largest < MIB,
            "对方说这一帧有 {}，只发了 100 个字节就断开，你的函数却申请了 {} 的内存。\
             长度是对方说的，不一定是真的：收到多少再占多少（比如 take(len) 加 read_to_end）",
            size(claimed),
            size(largest)
        );

        // read 报了别的错（连接被重置）：原样返回，不要当成 Interrupted 重试，也不要换成别的错误。
        let mut r = FailsOnce {
            data: vec![0x80],
            error: Some(ErrorKind::ConnectionReset),
        };
        let got = read(&mut r, MIB);
        expect_error(
            "长度前缀读到一半，read 报了“连接被重置”：这个错误应当原样返回（只有 Interrupted 才重试）",
            &got,
            ErrorKind::ConnectionReset,
        );

        // 读到一半的 EOF：长度里面、内容里面。
        for (wire, what) in [
            (vec![0x80], "长度前缀只有一个带“后面还有”的字节"),
            (vec![0xac], "300 的长度前缀只到了第一个字节"),
            (vec![0x05, b'a', b'b'], "长度是 5，内容只有 2 个字节"),
        ] {
            let mut r = ChunkedReader::new(wire, vec![1, 0]);
            let got = read(&mut r, MIB);
            expect_error(&format!("{what}就断开了"), &got, ErrorKind::UnexpectedEof);
        }
    });

    // 真实的连接：一帧一个字节一个字节地慢慢来，一帧 200 KB（要分好几次 read），一帧是空的。
    let (mut writer, reader) = socket_pair();
    let big = sample(200_000);
    let (slow, expected) = ("我爱Python".as_bytes(), big.clone());
    let sending = thread::spawn(move || {
        let _ = peers::trickle(
            &mut writer,
            &varint_frame(slow),
            1,
            Duration::from_millis(2),
        );
        let _ = (&writer).write_all(&varint_frame(&big));
        let _ = (&writer).write_all(&varint_frame(b""));
        let _ = writer.shutdown(Shutdown::Write);
    });
    let got = with_deadline("read_varint_frame（真实连接）", move || {
        let mut s = &reader;
        (0..4).map(|_| read(&mut s, MIB)).collect::<Vec<_>>()
    });
    let _ = sending.join();
    let want: [Option<&[u8]>; 4] = [Some(slow), Some(&expected), Some(b""), None];
    for (i, (got, want)) in got.iter().zip(want).enumerate() {
        let ok = match (got, want) {
            (Ok(Some(m)), Some(w)) => m == w,
            (Ok(None), None) => true,
            _ => false,
        };
        let what = [
            "一个字节一个字节慢慢发来的“我爱Python”",
            "200 KB 的一帧（在连接上要分好几次 read 才到齐）",
            "一帧空消息",
            "对方发完、半关闭以后的 EOF",
        ][i];
        assert!(
            ok,
            "从真实的连接上读{what}，没有读对\n  你的结果：{}",
            testkit::grading::cut(&show_result(got))
        );
    }

    // 说到一半就消失：发了长度和 10 个字节，然后连接被重置。
    let (writer, reader) = socket_pair();
    peers::vanish(writer, &varint_frame(&sample(1000)), 12).expect("参考对方发出了前 12 个字节");
    let got = with_deadline("read_varint_frame（对方消失）", move || {
        read(&mut &reader, MIB)
    });
    match got {
        Err(_) => {}
        Ok(Some(m)) => panic!(
            "对方说到一半就消失了（1000 字节的帧只发了 10 个字节），你的函数却交出了一帧（{} 字节）",
            m.len()
        ),
        Ok(None) => panic!(
            "对方是说到一半消失的（连接被重置），不是在帧与帧之间正常关闭：应当返回错误，而不是 Ok(None)"
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// 练习 3：分隔符加转义

type ReadEscaped = fn(&mut dyn BufRead, usize) -> io::Result<Option<Vec<u8>>>;

/// 参考写法：转义，再加上结尾的换行。
fn escaped(message: &[u8]) -> Vec<u8> {
    let mut wire = Vec::new();
    for &b in message {
        match b {
            b'\n' => wire.extend_from_slice(b"\\n"),
            b'\\' => wire.extend_from_slice(b"\\\\"),
            other => wire.push(other),
        }
    }
    wire.push(b'\n');
    wire
}

fn check_escape(read: ReadEscaped) {
    with_deadline("read_escaped（内存里的字节）", move || {
        let messages: [&[u8]; 8] = [
            "我爱Python".as_bytes(),
            b"",
            b"a\nb",
            b"c\\d",
            b"\\n",
            b"\xff\xfe\x00",
            b"end\\",
            b"\n\n",
        ];
        let mut wire = Vec::new();
        for m in messages {
            wire.extend(escaped(m));
        }
        // 缓冲区只有 3 个字节、每次 read 只给 1 或 2 个：反斜杠和它后面的字节常常分在两次里。
        let mut r = BufReader::with_capacity(3, ChunkedReader::new(wire, vec![1, 2, 0]));
        for m in messages {
            let got = no_panic(
                &format!("读线路上的 {}", show_bytes(&escaped(m))),
                || read(&mut r, 100),
            );
            match &got {
                Ok(Some(g)) if g == m => {}
                Ok(Some(g)) if m == b"\\n" && g.contains(&b'\n') => panic!(
                    "线路上的 b'\\\\\\\\n' 是一个转义的反斜杠加一个字母 n，你却还原成了一个换行：\
                     转义要从左往右一个一个地认，先整体替换 \\n 再替换 \\\\ 会认错"
                ),
                other => panic!(
                    "线路上的 {} 应当还原成 {}\n  你的结果：{}",
                    show_bytes(&escaped(m)),
                    show_bytes(m),
                    show_result(other)
                ),
            }
        }
        let end = read(&mut r, 100);
        assert!(
            matches!(end, Ok(None)),
            "消息之间的 EOF 应当返回 Ok(None)\n  你的结果：{}",
            show_result(&end)
        );

        let cases: [(&[u8], usize, &str, ErrorKind); 5] = [
            (
                b"a\\tb\n",
                100,
                "反斜杠后面是 t（只认 \\n 和 \\\\）",
                ErrorKind::InvalidData,
            ),
            (
                b"a\\\nb\n",
                100,
                "反斜杠后面是真正的换行",
                ErrorKind::InvalidData,
            ),
            (
                b"ab\\",
                100,
                "刚读到一个反斜杠，连接就结束了",
                ErrorKind::UnexpectedEof,
            ),
            (
                b"abc",
                100,
                "最后一条消息没有换行就结束了",
                ErrorKind::UnexpectedEof,
            ),
            (
                b"abcde\n",
                4,
                "还原后 5 个字节，超过了上限 4",
                ErrorKind::InvalidData,
            ),
        ];
        for (wire, max, what, kind) in cases {
            let mut r = BufReader::new(wire);
            let got = read(&mut r, max);
            expect_error(
                &format!("线路上的 {}：{what}", show_bytes(wire)),
                &got,
                kind,
            );
        }
        // 上限量的是还原后的字节。
        for (wire, want) in [
            (&b"\\\\\\\\\\\\\\\\\n"[..], &b"\\\\\\\\"[..]),
            (&b"abc\\n\n"[..], &b"abc\n"[..]),
            (&b"abcd\n"[..], &b"abcd"[..]),
        ] {
            let got = read(&mut BufReader::new(wire), 4);
            assert!(
                matches!(&got, Ok(Some(m)) if m == want),
                "线路上的 {}（{} 个字节）还原成 {}，正好是上限 4 个字节，是允许的：\
                 上限量的是还原后的字节，不是线路上的\n  你的结果：{}",
                show_bytes(wire),
                wire.len(),
                show_bytes(want),
                show_result(&got)
            );
        }
        // 永远不带换行的“消息”：读到上限就该停下，不能全读进内存。
        for (unit, what) in [(&b"x"[..], "x"), (&b"\\\\"[..], "转义的反斜杠")] {
            let endless = unit.repeat(MIB / unit.len());
            let mut r = BufReader::with_capacity(16, ChunkedReader::new(endless, vec![16]));
            let got = no_panic("读一条没有换行的超长消息", || read(&mut r, 32));
            assert!(
                r.get_ref().consumed() <= 1024,
                "1 MiB 的{what}、没有换行：超过上限后就该停下，只允许 32 字节的一条消息，你的函数却读了 {} 字节\
                 （先整行读进来再量长度，对方永远不发换行，内存就被它吃光了）",
                r.get_ref().consumed()
            );
            expect_error(
                &format!("1 MiB 的{what}、没有换行（上限 32 字节）"),
                &got,
                ErrorKind::InvalidData,
            );
        }
    });

    // 真实的连接：转义过的消息一个字节一个字节地发。
    let messages: [&[u8]; 3] = [b"a\nb", "我爱Python".as_bytes(), b"\\"];
    let (mut writer, reader) = socket_pair();
    let wire: Vec<u8> = messages.iter().flat_map(|m| escaped(m)).collect();
    let sending = thread::spawn(move || {
        let _ = peers::trickle(&mut writer, &wire, 1, Duration::from_millis(2));
        let _ = writer.shutdown(Shutdown::Write);
    });
    let got = with_deadline("read_escaped（真实连接）", move || {
        let mut r = BufReader::new(&reader);
        (0..4).map(|_| read(&mut r, 100)).collect::<Vec<_>>()
    });
    let _ = sending.join();
    for (i, got) in got.iter().enumerate() {
        let want = messages.get(i).copied();
        let ok = match (got, want) {
            (Ok(Some(m)), Some(w)) => m == w,
            (Ok(None), None) => true,
            _ => false,
        };
        assert!(
            ok,
            "参考发送方一个字节一个字节地发来 {}，读出来的第 {} 条不对（应当是 {}）\n  你的结果：{}",
            show_bytes(&messages.iter().flat_map(|m| escaped(m)).collect::<Vec<_>>()),
            i + 1,
            want.map(show_bytes).unwrap_or_else(|| "Ok(None)".into()),
            show_result(got)
        );
    }

    // 说到一半就消失。
    let (writer, reader) = socket_pair();
    peers::vanish(writer, b"abc\\ndef\n", 5).expect("参考对方发出了前 5 个字节");
    let got = with_deadline("read_escaped（对方消失）", move || {
        read(&mut BufReader::new(&reader), 100)
    });
    assert!(
        got.is_err(),
        "对方发了 b'abc\\\\n' 就消失了（连接被重置）：应当返回错误\n  你的结果：{}",
        show_result(&got)
    );
}

// ---------------------------------------------------------------------------------------------
// 练习 4：完整的服务端

type Serve = fn(TcpListener, usize, Duration) -> io::Result<()>;

/// 评分时给学习者的服务端的空闲超时。
const IDLE: Duration = Duration::from_millis(800);

/// 学习者的服务端在后台线程里运行；它提前结束时，说清楚发生了什么。
struct Running {
    addr: SocketAddr,
    ended: Arc<AtomicBool>,
}

impl Running {
    fn start(serve: Serve) -> Running {
        let listener = TcpListener::bind("127.0.0.1:0").expect("能绑定空闲端口");
        let addr = listener.local_addr().unwrap();
        let ended = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ended);
        thread::spawn(move || {
            struct Mark(Arc<AtomicBool>);
            impl Drop for Mark {
                fn drop(&mut self) {
                    self.0.store(true, Ordering::SeqCst);
                }
            }
            let _mark = Mark(flag);
            let _ = serve(listener, 1024, IDLE);
        });
        Running { addr, ended }
    }

    /// 连上去（失败时先看看 serve 是不是已经结束了）。
    fn connect(&self) -> TcpStream {
        match peers::connect(self.addr) {
            Ok(s) => s,
            Err(e) if self.ended.load(Ordering::SeqCst) => panic!(
                "连不上你的服务端（{}）：serve 已经返回了，它应当一直接受新的连接",
                describe_io(&e)
            ),
            Err(e) => panic!("连不上你的服务端：{}", describe_io(&e)),
        }
    }

    fn gone(&self) -> &'static str {
        if self.ended.load(Ordering::SeqCst) {
            "（serve 已经返回了：它应当一直服务下去）"
        } else {
            ""
        }
    }
}

/// 发一帧，等回复的一帧；什么都不半关闭（教程式的客户端）。
fn ask(server: &Running, stream: &TcpStream, payload: &[u8], what: &str) -> Vec<u8> {
    write_frame(&mut &*stream, payload)
        .unwrap_or_else(|e| panic!("{what}：发不出去：{}{}", describe_io(&e), server.gone()));
    reply(server, stream, what)
}

fn reply(server: &Running, stream: &TcpStream, what: &str) -> Vec<u8> {
    match read_frame(&mut &*stream, 64 * 1024) {
        Ok(Some(r)) => r,
        Ok(None) => panic!(
            "{what}：服务端没有回复就关闭了连接{}（一帧到齐就该回复，不要等对方关闭连接：\
             教程式的客户端发完一帧就等着，不会半关闭，等下去只会等到超时）",
            server.gone()
        ),
        Err(e) => panic!(
            "{what}：{}{}",
            waited(
                "回复的一帧",
                &e,
                peers::WAIT,
                "服务端是不是在等对方关闭连接才回复？教程式的客户端发完一帧就等着，不会半关闭"
            ),
            server.gone()
        ),
    }
}

fn with_reply(payload: &[u8]) -> Vec<u8> {
    let mut want = payload.to_vec();
    want.extend_from_slice(" 是的呢".as_bytes());
    want
}

/// 等服务端关闭这个连接，最多 `limit`；返回关闭前它还发来了什么。
fn closed_within(stream: &TcpStream, limit: Duration) -> Result<Vec<u8>, String> {
    let start = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = limit.saturating_sub(start.elapsed());
        if left.is_zero() {
            return Err(format!("{:.1} 秒了还没有关闭", limit.as_secs_f64()));
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match (&*stream).read(&mut buf) {
            Ok(0) => return Ok(got),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return Ok(got),
            Err(e) if support::is_timeout(&e) => {}
            Err(e) => return Err(describe_io(&e)),
        }
    }
}

fn check_server(serve: Serve) {
    let server = Running::start(serve);

    // 1. 教程式的客户端：发一帧就等回复；同一个连接上再发；两帧一次写出（粘在一起）；空帧；正好 max。
    let client = server.connect();
    let asked = Instant::now();
    let got = ask(&server, &client, "我爱Python".as_bytes(), "发“我爱Python”");
    let took = asked.elapsed();
    let whole =
        "回复应当是收到的整帧内容加上“ 是的呢”（一帧可能要分几次 read 才到齐：长度先到、内容后到）";
    expect_bytes(whole, &got, &with_reply("我爱Python".as_bytes()));
    if took >= IDLE * 3 / 4 {
        panic!(
            "发“我爱Python”：回复对了，可它过了 {:.1} 秒才到（空闲超时是 {:.1} 秒）：是不是空闲超时断开连接时才发出去？\
             回复写进 BufWriter 以后要 flush（BufWriter 把字节攒着，flush 或者被丢弃时才真正发出）；一帧到齐就回复{}",
            took.as_secs_f64(),
            IDLE.as_secs_f64(),
            server.gone()
        );
    }
    let got = ask(
        &server,
        &client,
        "我爱阿芬".as_bytes(),
        "同一个连接上再发一帧",
    );
    expect_bytes(
        &format!("同一个连接上的第二帧：{whole}"),
        &got,
        &with_reply("我爱阿芬".as_bytes()),
    );
    let mut two = Vec::new();
    write_frame(&mut two, b"one").unwrap();
    write_frame(&mut two, &[0xff, 0x00]).unwrap();
    (&client).write_all(&two).unwrap();
    let what = "两帧在一次 write 里一起发出（它们会在一次 recv 里一起到达）";
    expect_bytes(what, &reply(&server, &client, what), &with_reply(b"one"));
    expect_bytes(
        what,
        &reply(&server, &client, what),
        &with_reply(&[0xff, 0x00]),
    );
    let got = ask(&server, &client, b"", "发一帧空消息");
    expect_bytes("空消息的回复", &got, &with_reply(b""));
    let full = vec![b'm'; 1024];
    let got = ask(&server, &client, &full, "发正好 max（1024）字节的一帧");
    expect_bytes("正好 max 字节的帧是允许的", &got, &with_reply(&full));

    // 2. A 一个字节一个字节地慢慢发（每 40 毫秒一个），一直没发完；这时 B 来了，B 要马上得到回复。
    //    B 得到回复以后，A 再慢慢发 1 秒（比空闲超时长，但每次停顿都很短），最后把剩下的一口气发完。
    drop(client);
    let slow = server.connect();
    let slow_payload = vec![b's'; 200];
    let mut slow_frame = Vec::new();
    write_frame(&mut slow_frame, &slow_payload).unwrap();
    let b_done = Arc::new(AtomicBool::new(false));
    let (started_tx, started_rx) = mpsc::channel();
    let mut a = slow.try_clone().unwrap();
    let done = Arc::clone(&b_done);
    let trickling = thread::spawn(move || -> io::Result<()> {
        let gap = Duration::from_millis(40);
        let mut at = 0;
        let mut after_b = 0;
        while at < slow_frame.len() - 1 && after_b < 25 {
            peers::trickle(&mut a, &slow_frame[at..at + 1], 1, gap)?;
            at += 1;
            if at == 6 {
                let _ = started_tx.send(());
            }
            if done.load(Ordering::SeqCst) {
                after_b += 1;
            }
        }
        a.write_all(&slow_frame[at..])
    });
    started_rx
        .recv_timeout(DEADLINE)
        .expect("慢慢发的客户端发出了前 6 个字节");
    let b = server.connect();
    b.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    write_frame(&mut &b, "我先".as_bytes()).unwrap();
    match read_frame(&mut &b, 4096) {
        Ok(Some(r)) => expect_bytes("客户端 B 的回复", &r, &with_reply("我先".as_bytes())),
        other => panic!(
            "客户端 A 一个字节一个字节地慢慢发着一帧，还没发完；客户端 B 发来一帧，\
             等了 2 秒没有得到回复：你的服务端同时只服务一个连接？每个连接交给一个线程{}\n  B 的结果：{}",
            server.gone(),
            show_result(&other)
        ),
    }
    b_done.store(true, Ordering::SeqCst);
    let sent = trickling.join().unwrap();
    let what = "客户端 A 每 40 毫秒发 1 个字节，一帧 200 字节（这比空闲超时 0.8 秒长，可每次停顿都只有 40 毫秒）";
    if let Err(e) = sent {
        panic!(
            "{what}：还没发完，连接就被你的服务端断开了（{}）。这道题只要求每次停顿不超过 idle 就等下去{}",
            describe_io(&e),
            server.gone()
        );
    }
    match read_frame(&mut &slow, 4096) {
        Ok(Some(r)) => expect_bytes(
            &format!("{what}：要凑齐整帧再回复"),
            &r,
            &with_reply(&slow_payload),
        ),
        other => panic!(
            "{what}：应当得到回复。你的服务端是不是按最低速率或者整帧的期限断开了它？\
             这道题只要求每次停顿不超过 idle 就等下去\n  A 的结果：{}",
            testkit::grading::cut(&show_result(&other))
        ),
    }

    // 3. 说到一半就消失：长度只到一半、内容只到一半。之后服务端照常服务。
    let mut big = Vec::new();
    write_frame(&mut big, &[b'v'; 1000]).unwrap();
    for keep in [2, 50] {
        peers::vanish(server.connect(), &big, keep).expect("参考对方发出了开头几个字节");
    }
    let after = server.connect();
    let got = ask(
        &server,
        &after,
        "还在吗".as_bytes(),
        "两个对方说到一半就消失（连接被重置）以后，新的客户端发来一帧",
    );
    expect_bytes(
        "对方消失以后，服务端应当照常服务别人",
        &got,
        &with_reply("还在吗".as_bytes()),
    );

    // 4. 声称 256 MiB 的一帧（上限 1024 字节）：回一帧“错误：……”，关闭连接，不为它申请内存。
    LARGEST_ANYWHERE.store(0, Ordering::SeqCst);
    let huge = server.connect();
    (&huge).write_all(&(256u32 << 20).to_be_bytes()).unwrap();
    let said = closed_within(&huge, peers::WAIT);
    let largest = LARGEST_ANYWHERE.load(Ordering::SeqCst);
    assert!(
        largest < WATCHED,
        "对方声称一帧有 256 MiB（上限 1024 字节），你的服务端在拒绝之前申请了 {} 的内存。\
         vec![0; len] 这样的零初始化内存要等写进去才真正占用，所以看上去没事；可长度是对方说的，\
         先和上限比（crate::frame::read_frame 就是这样做的）",
        size(largest)
    );
    match said {
        Ok(bytes) => {
            let text = read_frame(&mut &bytes[..], 4096)
                .ok()
                .flatten()
                .map(|f| String::from_utf8_lossy(&f).into_owned());
            assert!(
                text.as_deref().is_some_and(|t| t.starts_with("错误：")),
                "对方声称一帧有 256 MiB（上限 1024 字节）：应当回一帧以“错误：”开头的说明，再关闭连接\n  你回的：{}",
                show_bytes(&bytes)
            );
        }
        Err(why) => panic!(
            "对方声称一帧有 256 MiB（上限 1024 字节），你的服务端应当回一帧以“错误：”开头的说明，然后关闭连接；\
             可是{why}（它是不是在等那 256 MiB 的内容？）{}",
            server.gone()
        ),
    }

    // 5. 连上来一句话都不说的；长度只发了 2 个字节就不动的：都在空闲超时之后被断开。
    let silent = server.connect();
    let stalled = server.connect();
    (&stalled).write_all(&[0, 0]).unwrap();
    let limit = IDLE + Duration::from_secs(3);
    for (stream, what) in [
        (&silent, "连上来一句话都不说的客户端"),
        (&stalled, "长度只发了 2 个字节就不动的客户端"),
    ] {
        if let Err(why) = closed_within(stream, limit) {
            panic!(
                "{what}：{why}（空闲超时是 {:.1} 秒）。给连接设读超时了吗？",
                IDLE.as_secs_f64()
            );
        }
    }
}

exercise!(
    l08_encode,
    "exercises/encode.rs",
    check_encode,
    lesson_08::exercises::encode::encode_short_frame,
    lesson_08::solutions::encode::encode_short_frame,
);

exercise!(
    l08_varint,
    "exercises/varint.rs",
    check_varint,
    lesson_08::exercises::varint::read_varint_frame,
    lesson_08::solutions::varint::read_varint_frame,
);

exercise!(
    l08_escape,
    "exercises/escape.rs",
    check_escape,
    lesson_08::exercises::escape::read_escaped,
    lesson_08::solutions::escape::read_escaped,
);

exercise!(
    l08_server,
    "exercises/server.rs",
    check_server,
    lesson_08::exercises::server::serve,
    lesson_08::solutions::server::serve,
);
