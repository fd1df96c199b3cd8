//! 第 06 课练习的评分检查。`workbook grade 06` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。
//! 每道题都走真实的套接字：参考程序是真正的进程，每一次等待都有期限。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;

use testkit::{exercise, with_deadline, Proc, DEADLINE};

/// 一对连好的本机 TCP 连接：(发送的一头, 接收的一头)。
fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let sender = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (receiver, _) = listener.accept().unwrap();
    for s in [&sender, &receiver] {
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        s.set_write_timeout(Some(DEADLINE)).unwrap();
    }
    sender.set_nodelay(true).unwrap();
    (sender, receiver)
}

/// 把 `bytes` 切成几块分别 write（几乎每一刀都切在汉字中间），写完关闭发送方向。
fn send_in_pieces(sender: TcpStream, bytes: Vec<u8>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        for piece in bytes.chunks(4) {
            let _ = (&sender).write_all(piece);
        }
        let _ = sender.shutdown(Shutdown::Write);
    })
}

type ReadLine = fn(&mut dyn BufRead, usize) -> io::Result<String>;

fn check_readline(read_line_limited: ReadLine) {
    for capacity in [1, 8192] {
        let (sender, receiver) = pair();
        let text = "你好\n世界和平万岁一二三四五\nabc";
        let writer = send_in_pieces(sender, text.as_bytes().to_vec());
        let got = with_deadline("read_line_limited", move || {
            // 缓冲区只有 1 字节时，每个汉字一定被拆成 3 次 fill_buf。
            let mut reader = BufReader::with_capacity(capacity, receiver);
            let mut got = Vec::new();
            for limit in [10, 5, 100, 100, 100] {
                got.push(read_line_limited(&mut reader, limit).map_err(|e| e.to_string()));
            }
            got
        });
        writer.join().unwrap();
        let want: Vec<Result<String, String>> =
            ["你好\n", "世界和平万", "岁一二三四五\n", "abc", ""]
                .iter()
                .map(|s| Ok(s.to_string()))
                .collect();
        assert_eq!(
            got, want,
            "（缓冲区 {capacity} 字节）依次用 limit 10、5、100、100、100 读 {text:?}：\n\
             遇到换行、读够 limit 个字符、EOF 都要停下；数的是字符不是字节；停下后不能多拿后面的字节"
        );
    }

    for (bytes, what) in [
        (b"ok\xff\n".to_vec(), "非法的 UTF-8 字节 ff"),
        ("好你".as_bytes()[..5].to_vec(), "EOF 时最后一个字符不完整"),
    ] {
        let (sender, receiver) = pair();
        let writer = send_in_pieces(sender, bytes);
        let got = with_deadline("read_line_limited", move || {
            let mut reader = BufReader::with_capacity(1, receiver);
            read_line_limited(&mut reader, 100).map_err(|e| e.kind())
        });
        writer.join().unwrap();
        assert_eq!(
            got,
            Err(io::ErrorKind::InvalidData),
            "{what}：应当返回 InvalidData 错误"
        );
    }
}

fn check_numbered(serve_numbered: fn(TcpStream) -> io::Result<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        serve_numbered(stream).map_err(|e| e.to_string())
    });
    // 参考客户端是真正的进程：它发一行，等到回复，才会发下一行。
    let mut client = Proc::spawn(
        env!("CARGO_BIN_EXE_l06-line-client"),
        ["--port", &port, "--timeout", "5"],
    );
    client.send_line("你好");
    client.expect_stdout("收到：1: 你好");
    client.send_line("makefile");
    client.expect_stdout("收到：2: makefile");
    let done = client.finish();
    assert!(
        done.status.success(),
        "客户端没有正常结束：\n{}{}",
        done.stdout,
        done.stderr
    );
    let served = with_deadline("serve_numbered 在客户端关闭后返回", move || {
        server.join().expect("serve_numbered 不应 panic")
    });
    assert_eq!(served, Ok(2), "对方关闭连接后应当返回 Ok(回复的行数)");

    // 再来一个连接：Windows 风格的 \r\n 行尾要整个去掉，回复里不能带着 \r。
    let (sender, receiver) = pair();
    let server = thread::spawn(move || serve_numbered(receiver).map_err(|e| e.to_string()));
    (&sender).write_all(b"a\r\nb\n").unwrap();
    sender.shutdown(Shutdown::Write).unwrap();
    let mut replies = String::new();
    BufReader::new(&sender)
        .read_to_string(&mut replies)
        .expect("期限内读到全部回复");
    let served = with_deadline("serve_numbered 在对方关闭后返回", move || {
        server.join().expect("serve_numbered 不应 panic")
    });
    assert_eq!(
        replies, "1: a\n2: b\n",
        "收到 \"a\\r\\n\" 和 \"b\\n\" 两行时的回复不对（行尾的 \\r 也要去掉）"
    );
    assert_eq!(served, Ok(2), "对方关闭连接后应当返回 Ok(回复的行数)");
}

type AskLines = fn(SocketAddr, &[&str]) -> io::Result<Vec<String>>;

fn check_pipeline(ask_lines: AskLines) {
    // 正确的行服务端和“忘了 flush”的行服务端都要能用：我们说完了才读回复，两者都会回答。
    for args in [&["--port", "0"][..], &["--port", "0", "--no-flush"][..]] {
        let server = Proc::server(env!("CARGO_BIN_EXE_l06-line-server"), args);
        let addr = server.addr();
        let got = with_deadline(
            "ask_lines（写完之后有没有 shutdown(Write)？）",
            move || ask_lines(addr, &["你好", "makefile", "一二三"]).map_err(|e| e.to_string()),
        );
        let want: Vec<String> = ["你好", "makefile", "一二三"]
            .iter()
            .map(|l| format!("Return your msg:{l}"))
            .collect();
        assert_eq!(
            got,
            Ok(want),
            "服务端 {args:?}：回复不对（出错或回复为空时，想想 flush 和 shutdown 的先后）"
        );

        let many: Vec<String> = (1..=200).map(|i| format!("第 {i} 行")).collect();
        let got = with_deadline("ask_lines 200 行", move || {
            let refs: Vec<&str> = many.iter().map(String::as_str).collect();
            ask_lines(addr, &refs)
                .map(|r| r.len())
                .map_err(|e| e.to_string())
        });
        assert_eq!(got, Ok(200), "发了 200 行，应当收到 200 个回复");
    }
    // 没有服务端时返回错误，而不是 panic。
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let got = with_deadline("ask_lines 连不上", move || {
        ask_lines(port, &["x"]).is_err()
    });
    assert!(got, "连不上服务端时应当返回 Err");
}

exercise!(
    l06_readline,
    "exercises/readline.rs",
    check_readline,
    lesson_06::exercises::readline::read_line_limited,
    lesson_06::solutions::readline::read_line_limited,
);

exercise!(
    l06_numbered,
    "exercises/numbered.rs",
    check_numbered,
    lesson_06::exercises::numbered::serve_numbered,
    lesson_06::solutions::numbered::serve_numbered,
);

exercise!(
    l06_pipeline,
    "exercises/pipeline.rs",
    check_pipeline,
    lesson_06::exercises::pipeline::ask_lines,
    lesson_06::solutions::pipeline::ask_lines,
);
