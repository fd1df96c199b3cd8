//! 第 08 课练习的评分检查。`workbook grade 08` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::io::{self, BufReader, BufWriter, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};

use lesson_08::chunked::ChunkedReader;
use lesson_08::frame::{read_frame, write_frame};
use testkit::{exercise, with_deadline, Proc, DEADLINE};

const FRAMED_SERVER: &str = env!("CARGO_BIN_EXE_l08-framed-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l08-client");

fn connect(server: &Proc) -> TcpStream {
    let stream = TcpStream::connect(server.addr()).expect("连得上刚启动的服务端");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

fn check_encode(encode_frame: fn(&[u8]) -> Vec<u8>) {
    let frame = with_deadline("encode_frame", move || {
        encode_frame("我爱Python".as_bytes())
    });
    let mut want = vec![0, 0, 0, 12];
    want.extend_from_slice("我爱Python".as_bytes());
    assert_eq!(
        frame, want,
        "“我爱Python”是 12 个字节，帧应当是 [0, 0, 0, 12] 加上这 12 个字节"
    );
    let frame = with_deadline("encode_frame", move || encode_frame(b""));
    assert_eq!(frame, vec![0, 0, 0, 0], "空消息的帧只有 4 个 0");
    let frame = with_deadline("encode_frame", move || encode_frame(&[7u8; 300]));
    assert_eq!(
        &frame[..4],
        &[0, 0, 1, 44],
        "300 = 0x0000012C，大端就是高位在前：[0, 0, 1, 44]（不是小端的 [44, 1, 0, 0]）"
    );
    assert_eq!(frame.len(), 304, "长度前缀后面应当紧跟全部 300 字节的内容");

    // 几帧背靠背地写给真正的服务端：它要能一帧帧地认出来，并按帧回显。
    let messages: [&[u8]; 4] = [
        "我爱Python".as_bytes(),
        b"",
        "我爱阿芬".as_bytes(),
        &[0xff, 0xfe],
    ];
    let mut server = Proc::server(FRAMED_SERVER, ["--port", "0"]);
    let stream = connect(&server);
    let mut wire = Vec::new();
    for m in messages {
        wire.extend(encode_frame(m));
    }
    (&stream).write_all(&wire).expect("写给服务端");
    let mut reader = BufReader::new(&stream);
    for m in messages {
        match read_frame(&mut reader, 1 << 20) {
            Ok(Some(echo)) => assert_eq!(echo, m, "服务端回显的帧和发出去的消息不一样"),
            other => {
                let log = server.stdout_so_far();
                panic!("服务端没有把你的帧当成一帧（{other:?}）。服务端的输出：\n{log}")
            }
        }
    }
}

/// 学习者实现的“读一帧”。
type ReadMessage = fn(&mut dyn Read, usize) -> io::Result<Option<Vec<u8>>>;

fn check_decode(read_message: ReadMessage) {
    with_deadline("read_message（内存里的字节）", move || {
        let mut wire = Vec::new();
        write_frame(&mut wire, "我爱Python".as_bytes()).unwrap();
        write_frame(&mut wire, b"").unwrap();
        write_frame(&mut wire, "我爱阿芬".as_bytes()).unwrap();
        // 每次最多给 1、2、3 个字节，中间还夹着一次“被信号打断”。
        let mut r = ChunkedReader::new(wire, vec![1, 2, 0, 3]);
        for want in ["我爱Python", "", "我爱阿芬"] {
            match read_message(&mut r, 100) {
                Ok(Some(got)) => assert_eq!(
                    got,
                    want.as_bytes(),
                    "一次 read 只给几个字节时，要接着读，直到凑齐一整帧"
                ),
                other => panic!("应当读出 {want:?}，得到的是 {other:?}（Interrupted 要重试）"),
            }
        }
        assert!(
            matches!(read_message(&mut r, 100), Ok(None)),
            "帧与帧之间的 EOF 是正常结束，应当返回 Ok(None)"
        );

        let mut r = ChunkedReader::new(vec![0, 0], vec![1]);
        let err = read_message(&mut r, 100).expect_err("长度前缀只有 2 个字节时应当报错");
        assert_eq!(
            err.kind(),
            ErrorKind::UnexpectedEof,
            "长度读到一半的 EOF 是 UnexpectedEof"
        );
        let mut r = ChunkedReader::new(vec![0, 0, 0, 5, b'a', b'b'], vec![2]);
        let err = read_message(&mut r, 100).expect_err("内容不足 5 个字节时应当报错");
        assert_eq!(
            err.kind(),
            ErrorKind::UnexpectedEof,
            "内容读到一半的 EOF 是 UnexpectedEof"
        );

        // 上限本身是允许的：正好 max 字节的帧要照常读出来。
        let mut wire = Vec::new();
        write_frame(&mut wire, b"12345").unwrap();
        let mut r = ChunkedReader::new(wire, vec![3]);
        match read_message(&mut r, 5) {
            Ok(Some(got)) => assert_eq!(got, b"12345", "正好 max 字节的帧内容不对"),
            other => panic!("正好 max（5）字节的帧是允许的，得到的却是 {other:?}"),
        }

        // 对方声称后面有将近 4 GB：在读内容（和分配内存）之前就拒绝。
        let mut huge = vec![0xff, 0xff, 0xff, 0xf0];
        huge.extend_from_slice(&[b'x'; 64]);
        let mut r = ChunkedReader::new(huge, vec![64]);
        let err = read_message(&mut r, 1024).expect_err("帧长超过 max 时应当报错");
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidData,
            "帧长超过上限是 InvalidData"
        );
        assert_eq!(
            r.consumed(),
            4,
            "超过上限时只应读 4 字节的长度，内容一个字节都不该读"
        );
    });

    // 真实的连接：一个 200 KB 的帧在回环网卡上也要分好几次 read 才能读完。
    let mut server = Proc::server(FRAMED_SERVER, ["--port", "0"]);
    let stream = connect(&server);
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let expected = vec!["你好".as_bytes().to_vec(), big.clone(), Vec::new()];
    let writer_stream = stream.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        let mut w = BufWriter::new(&writer_stream);
        for m in [&b"\xe4\xbd\xa0\xe5\xa5\xbd"[..], &big, b""] {
            write_frame(&mut w, m).unwrap();
        }
    });
    let got = with_deadline("read_message（真实连接）", move || {
        let mut s = &stream;
        (0..3)
            .map(|_| read_message(&mut s, 1 << 20))
            .collect::<Vec<_>>()
    });
    writer.join().expect("写线程没有出错");
    for (i, (got, want)) in got.into_iter().zip(expected).enumerate() {
        match got {
            Ok(Some(m)) => assert!(
                m == want,
                "从 l08-framed-server 读回的第 {} 帧不对：应有 {} 字节，读到 {} 字节",
                i + 1,
                want.len(),
                m.len()
            ),
            other => panic!(
                "从 l08-framed-server 读第 {} 帧失败：{other:?}\n服务端输出：\n{}",
                i + 1,
                server.stdout_so_far()
            ),
        }
    }
}

fn check_line(read_line_max: fn(&mut dyn io::BufRead, usize) -> io::Result<Option<String>>) {
    with_deadline("read_line_max（内存里的字节）", move || {
        let mut r = BufReader::with_capacity(
            4,
            ChunkedReader::new(
                "我爱Python\n\n我爱阿芬\n".as_bytes().to_vec(),
                vec![3, 0, 1],
            ),
        );
        for want in ["我爱Python", "", "我爱阿芬"] {
            match read_line_max(&mut r, 100) {
                Ok(Some(got)) => assert_eq!(got, want, "行的内容不对（不要带上 \\n）"),
                other => panic!("应当读出 {want:?}，得到的是 {other:?}"),
            }
        }
        assert!(
            matches!(read_line_max(&mut r, 100), Ok(None)),
            "行与行之间的 EOF 应当返回 Ok(None)"
        );

        let mut r = BufReader::new(&b"abc\n"[..]);
        assert_eq!(
            read_line_max(&mut r, 3).ok().flatten().as_deref(),
            Some("abc"),
            "正好 max 字节的行是允许的"
        );
        let mut r = BufReader::new(&b"abcd\n"[..]);
        let err = read_line_max(&mut r, 3).expect_err("超过 max 字节的行应当报错");
        assert_eq!(err.kind(), ErrorKind::InvalidData, "行太长是 InvalidData");

        // 一条永远没有换行的“消息”：不能把它全读进内存。
        let mut endless =
            BufReader::with_capacity(16, ChunkedReader::new(vec![b'x'; 1 << 20], vec![16]));
        let err = read_line_max(&mut endless, 32).expect_err("没有换行的超长输入应当报错");
        assert_eq!(err.kind(), ErrorKind::InvalidData, "行太长是 InvalidData");
        assert!(
            endless.get_ref().consumed() <= 1024,
            "超过上限后就该停下：只允许 32 字节的一行，却读了 {} 字节",
            endless.get_ref().consumed()
        );

        let mut r = BufReader::new(&b"half"[..]);
        let err = read_line_max(&mut r, 100).expect_err("最后一行没有换行符时应当报错");
        assert_eq!(
            err.kind(),
            ErrorKind::UnexpectedEof,
            "读到一半的 EOF 是 UnexpectedEof"
        );
        let mut r = BufReader::new(&b"\xff\xfe\n"[..]);
        let err = read_line_max(&mut r, 100).expect_err("不是 UTF-8 的行应当报错");
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidData,
            "不是 UTF-8 是 InvalidData"
        );
    });

    // 真实的客户端进程连上来，按 line 模式发三条消息；你的函数在服务端这一侧读。
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let client = Proc::spawn(
        CLIENT,
        [
            "--port",
            &port,
            "--mode",
            "line",
            "我爱Python",
            "",
            "我爱阿芬",
        ],
    );
    let got = with_deadline("read_line_max（真实连接）", move || {
        let (stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut reader = BufReader::new(&stream);
        let mut lines = Vec::new();
        let end = loop {
            match read_line_max(&mut reader, 1024) {
                Ok(Some(line)) if lines.len() < 10 => lines.push(line),
                other => break other,
            }
        };
        let _ = (&stream).write_all(format!("收到 {} 条消息\n", lines.len()).as_bytes());
        (lines, end.map_err(|e| e.to_string()))
    });
    let out = client.finish();
    assert_eq!(
        got.0,
        ["我爱Python", "", "我爱阿芬"],
        "从 l08-client 的连接里读出的行不对（客户端输出：{}）",
        out.stdout
    );
    assert!(
        matches!(got.1, Ok(None)),
        "客户端说完后应当返回 Ok(None)，得到 {:?}",
        got.1
    );
    assert!(
        out.stdout.contains("服务端：收到 3 条消息"),
        "{}",
        out.stdout
    );
}

exercise!(
    l08_encode,
    "exercises/encode.rs",
    check_encode,
    lesson_08::exercises::encode::encode_frame,
    lesson_08::solutions::encode::encode_frame,
);

exercise!(
    l08_decode,
    "exercises/decode.rs",
    check_decode,
    lesson_08::exercises::decode::read_message,
    lesson_08::solutions::decode::read_message,
);

exercise!(
    l08_line,
    "exercises/line.rs",
    check_line,
    lesson_08::exercises::line::read_line_max,
    lesson_08::solutions::line::read_line_max,
);
