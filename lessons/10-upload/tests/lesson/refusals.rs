//! 服务端拒绝的每一种请求：回答以 `error` 开头，**而且**存放目录里（和目录外面）什么新东西都没有。

use crate::common;

use std::fs;

use common::*;
use testkit::assert_clear_failure;

/// 一条应当被拒绝的请求：说明、原样发出的字节（请求头 + 内容）、回答里应有的一段话。
struct Case {
    what: &'static str,
    bytes: Vec<u8>,
    says: &'static str,
}

fn post(name: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("post|{}|{name}\n", body.len()).into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn case(what: &'static str, bytes: Vec<u8>, says: &'static str) -> Case {
    Case { what, bytes, says }
}

#[test]
fn every_bad_request_is_refused_and_nothing_is_written() {
    let server = start(&["--max-size", "100"]);
    // 存放目录里先放一个文件：覆盖它的请求要被拒绝，内容不能变。
    fs::write(server.dir.join("exists.txt"), "原来的内容").unwrap();
    let outside = server.root.path();
    let absolute = outside.join("victim.txt").display().to_string();
    let long_name = "长".repeat(86); // 258 字节
    let mut bad_utf8 = b"post|5|a\xff.txt\n".to_vec();
    bad_utf8.extend_from_slice(b"hello");

    let cases = vec![
        case(
            "相对路径 ../x",
            post("../victim.txt", b"hello"),
            "不能带路径",
        ),
        case(
            "更深的 ../../",
            post("../../victim.txt", b"hello"),
            "不能带路径",
        ),
        case("绝对路径", post(&absolute, b"hello"), "不能带路径"),
        case("/etc/passwd", post("/etc/passwd", b"hello"), "不能带路径"),
        case("子目录 a/b", post("a/b", b"hello"), "不能带路径"),
        case("反斜杠 a\\b", post("a\\b", b"hello"), "不能带路径"),
        case(
            "Windows 路径",
            post("..\\victim.txt", b"hello"),
            "不能带路径",
        ),
        case("空的名字", post("", b"hello"), "文件名是空的"),
        case("名字是 .", post(".", b"hello"), "指的是目录"),
        case("名字是 ..", post("..", b"hello"), "指的是目录"),
        case("隐藏文件", post(".bashrc", b"hello"), "不能以 . 开头"),
        case("控制字符", post("a\u{1}b", b"hello"), "控制字符"),
        case("制表符", post("a\tb", b"hello"), "控制字符"),
        case("回车", post("a.txt\r", b"hello"), "控制字符"),
        case(
            "从右到左覆盖",
            post("invoice\u{202E}gpj.exe", b"hello"),
            "格式字符",
        ),
        case("零宽空格", post("a\u{200B}.txt", b"hello"), "格式字符"),
        case(
            "太长的名字",
            post(&long_name, b"hello"),
            "超过了上限 255 字节",
        ),
        case(
            "大小不是数字",
            b"post|abc|a.txt\nhello".to_vec(),
            "非负整数",
        ),
        case("负数大小", b"post|-5|a.txt\nhello".to_vec(), "非负整数"),
        case("带加号的大小", b"post|+5|a.txt\nhello".to_vec(), "非负整数"),
        case("空的大小", b"post||a.txt\nhello".to_vec(), "非负整数"),
        case(
            "超出 u64 的大小",
            b"post|99999999999999999999|a.txt\nhello".to_vec(),
            "太大了",
        ),
        case(
            "超过上限",
            post("big.txt", &[b'x'; 101]),
            "超过了上限 100 字节",
        ),
        case("已有的文件", post("exists.txt", b"hello"), "不覆盖已有文件"),
        case(
            "不认识的请求",
            b"put|5|a.txt\nhello".to_vec(),
            "只支持 post 和 get",
        ),
        case("没有分隔符", b"hello\n".to_vec(), "格式不对"),
        case("空的请求头", b"\n".to_vec(), "格式不对"),
        case("非法 UTF-8", bad_utf8, "不是合法的 UTF-8"),
        case("请求头没有换行", b"post|5|a.txt".to_vec(), "读请求头失败"),
        case("请求头太长", vec![b'a'; 5000], "超过了上限"),
        case("下载 ../", b"get|../victim.txt\n".to_vec(), "不能带路径"),
        case(
            "下载临时文件名",
            b"get|.upload-1-0.part\n".to_vec(),
            "不能以 . 开头",
        ),
        case(
            "下载不存在的文件",
            b"get|nope.txt\n".to_vec(),
            "没有叫 nope.txt 的文件",
        ),
    ];

    let before = server.listing();
    assert_eq!(before, ["exists.txt"]);
    let outside_before = listing(outside);
    for case in &cases {
        let reply = request(server.addr(), &case.bytes);
        assert!(
            reply.starts_with("error "),
            "{}：应当回答 error，实际是 {reply:?}",
            case.what
        );
        assert!(
            reply.contains(case.says),
            "{}：回答里应当说明原因（{:?}），实际是 {reply:?}",
            case.what,
            case.says
        );
        assert_eq!(
            server.listing(),
            before,
            "{}：被拒绝的请求不能在存放目录里留下任何东西",
            case.what
        );
        assert_eq!(
            listing(outside),
            outside_before,
            "{}：存放目录外面多了东西",
            case.what
        );
    }
    assert_eq!(
        fs::read_to_string(server.dir.join("exists.txt")).unwrap(),
        "原来的内容",
        "已有的文件被改了"
    );
    // 拒绝了这么多请求之后，服务端照常工作。
    let reply = request(server.addr(), &post("好的.txt", b"hello"));
    assert_eq!(reply, format!("ok 5 {}", sha256(b"hello")));
    assert_eq!(server.listing(), ["exists.txt", "好的.txt"]);
}

#[test]
fn overwriting_is_refused_by_default_and_allowed_with_the_flag() {
    let server = start(&[]);
    assert!(request(server.addr(), &post("f.txt", b"first")).starts_with("ok "));
    let reply = request(server.addr(), &post("f.txt", b"second"));
    assert!(reply.starts_with("error "), "{reply}");
    assert_eq!(fs::read(server.dir.join("f.txt")).unwrap(), b"first");

    let server = start(&["--allow-overwrite"]);
    assert!(request(server.addr(), &post("f.txt", b"first")).starts_with("ok "));
    let reply = request(server.addr(), &post("f.txt", b"second!"));
    assert_eq!(reply, format!("ok 7 {}", sha256(b"second!")));
    assert_eq!(fs::read(server.dir.join("f.txt")).unwrap(), b"second!");
    assert_eq!(server.listing(), ["f.txt"], "覆盖之后不应留下临时文件");
}

#[test]
fn a_refused_large_upload_still_gets_its_answer() {
    // 名字不行，但客户端照样把 3 MB 的内容发过来：服务端先回答，再把剩下的读掉，
    // 真正的客户端因此看得到原因，而不是“连接被重置”。
    let server = start(&[]);
    let path = server.root.path().join("big.bin");
    fs::write(&path, random_bytes(3_000_000, 7)).unwrap();
    let path = path.display().to_string();
    let port = server.port();
    let out = client(&["--port", &port, "upload", &path, "--as", "../big.bin"]);
    assert_clear_failure(&out, "服务端拒绝了上传");
    assert!(out.stderr.contains("不能带路径"), "{}", out.stderr);
    assert!(server.listing().is_empty(), "{:?}", server.listing());
}
