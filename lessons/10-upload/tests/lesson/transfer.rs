//! 真正的上传和下载：内容一字不差、摘要两边一致；连接断在半路、少发、卡住，
//! 都不留下正式名字的文件，也不留下临时文件；几个客户端同时上传互不干扰。

use crate::common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener};
use std::thread;

use common::*;
use testkit::assert_clear_failure;
use testkit::{wait_until, Proc, DEADLINE};

#[test]
fn upload_then_download_gives_back_the_same_bytes() {
    let server = start(&[]);
    let port = server.port();
    let data = random_bytes(3 * 1024 * 1024 + 17, 1);
    let want = sha256(&data);
    let src = server.root.path().join("照片.bin");
    fs::write(&src, &data).unwrap();
    let src = src.display().to_string();

    let out = client(&["--port", &port, "upload", &src]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains(&format!("两边的 SHA-256 一致：{want}")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("iB/s"), "要报告速度：{}", out.stdout);
    assert!(
        out.stdout.contains("上传完成：3.0 MiB，"),
        "大小要写成人看的样子：{}",
        out.stdout
    );
    // 管道上不画进度条：输出里没有回车和终端控制字符。
    for text in [&out.stdout, &out.stderr] {
        assert!(
            !text.contains('\r') && !text.contains('\u{1b}'),
            "接到管道时不应有进度条的控制字符：{text:?}"
        );
    }
    assert_eq!(server.listing(), ["照片.bin"]);
    assert_eq!(fs::read(server.dir.join("照片.bin")).unwrap(), data);

    let back = server.root.path().join("回来.bin");
    let back_arg = back.display().to_string();
    let out = client(&[
        "--port",
        &port,
        "download",
        "照片.bin",
        "--output",
        &back_arg,
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.contains(&want), "{}", out.stdout);
    assert_eq!(fs::read(&back).unwrap(), data, "下载回来的内容不一样");

    // 本地文件已经存在：不加 --force 就不覆盖（在连接之前就停下）。
    fs::write(&back, "本地的").unwrap();
    let out = client(&[
        "--port",
        &port,
        "download",
        "照片.bin",
        "--output",
        &back_arg,
    ]);
    assert_clear_failure(&out, "已经存在");
    assert_eq!(fs::read(&back).unwrap(), "本地的".as_bytes());
    let out = client(&[
        "--port",
        &port,
        "download",
        "照片.bin",
        "--output",
        &back_arg,
        "--force",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(fs::read(&back).unwrap(), data);
    let leftovers: Vec<String> = listing(server.root.path())
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "下载留下了临时文件：{leftovers:?}");
}

#[test]
fn empty_files_and_error_replies() {
    let server = start(&[]);
    let port = server.port();
    let empty = server.root.path().join("空.txt");
    fs::write(&empty, "").unwrap();
    let out = client(&["--port", &port, "upload", &empty.display().to_string()]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.contains(&sha256(b"")), "{}", out.stdout);
    assert_eq!(fs::read(server.dir.join("空.txt")).unwrap(), b"");

    let out = client(&["--port", &port, "download", "没有这个.txt"]);
    assert_clear_failure(&out, "服务端拒绝了下载：没有叫 没有这个.txt 的文件");
    let out = client(&["--port", &port, "upload", "/no/such/file"]);
    assert_clear_failure(&out, "打不开 /no/such/file");
}

#[test]
fn several_uploads_at_once_all_land_intact() {
    let server = start(&[]);
    let port = server.port();
    let files: Vec<(String, Vec<u8>)> = (0..4)
        .map(|i| {
            (
                format!("文件{i}.bin"),
                random_bytes(1_500_000 + i * 1000, i as u64 + 10),
            )
        })
        .collect();
    let mut running = Vec::new();
    for (name, data) in &files {
        let path = server.root.path().join(name);
        fs::write(&path, data).unwrap();
        running.push(Proc::spawn(
            CLIENT,
            ["--port", &port, "upload", &path.display().to_string()],
        ));
    }
    for proc in running {
        let out = proc.finish();
        assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    }
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(
        server.listing(),
        names,
        "应当正好是这 4 个文件，没有临时文件"
    );
    for (name, data) in &files {
        assert_eq!(
            &fs::read(server.dir.join(name)).unwrap(),
            data,
            "{name} 的内容不对"
        );
    }
}

/// 开始一个上传：声明 `size` 字节，先发 `sent` 字节，等临时文件出现在存放目录里。
/// 返回连接；这时正式的名字上一定还没有文件。
fn start_upload(server: &Server, name: &str, size: usize, sent: usize) -> std::net::TcpStream {
    let stream = connect(server.addr());
    (&stream)
        .write_all(format!("post|{size}|{name}\n").as_bytes())
        .unwrap();
    (&stream).write_all(&random_bytes(sent, 3)).unwrap();
    wait_until("临时文件出现在存放目录里", || {
        server.listing().iter().any(|n| n.starts_with(".upload-"))
    });
    assert!(
        !server.dir.join(name).exists(),
        "还没收完，正式的名字上就已经有文件了"
    );
    stream
}

#[test]
fn a_client_that_vanishes_mid_upload_leaves_nothing() {
    let mut server = start(&[]);
    let stream = start_upload(&server, "断了.bin", 1_000_000, 300_000);
    drop(stream); // 整个连接消失，不再说一个字
    server.proc.expect_stdout(
        "[#1] 拒绝：上传中断，临时文件已删除：说好 1000000 字节，只收到 300000 字节",
    );
    assert!(server.listing().is_empty(), "{:?}", server.listing());
}

#[test]
fn fewer_bytes_than_announced_is_refused() {
    let server = start(&[]);
    let stream = start_upload(&server, "少了.bin", 1_000_000, 500_000);
    stream.shutdown(Shutdown::Write).unwrap(); // “发完了”，可是少了一半
    let reply = reply_line(&stream);
    assert!(reply.starts_with("error 上传没有完成"), "{reply}");
    assert!(server.listing().is_empty(), "{:?}", server.listing());
}

#[test]
fn a_stalled_upload_times_out_and_leaves_nothing() {
    let mut server = start(&["--idle-timeout", "1"]);
    let stream = start_upload(&server, "卡住.bin", 1_000_000, 1000);
    // 连接一直开着，但一个字节也不再发：服务端 1 秒后放弃。
    server
        .proc
        .expect_stdout("上传中断，临时文件已删除：1 秒内没有收到数据");
    assert!(server.listing().is_empty(), "{:?}", server.listing());
    drop(stream);
}

#[test]
fn a_temporary_file_is_never_served() {
    let server = start(&[]);
    let _uploading = start_upload(&server, "进行中.bin", 1_000_000, 1000);
    let temp = server
        .listing()
        .into_iter()
        .find(|n| n.starts_with(".upload-"))
        .unwrap();
    let reply = request(server.addr(), format!("get|{temp}\n").as_bytes());
    assert!(reply.starts_with("error "), "临时文件不能被下载：{reply}");
    let reply = request(server.addr(), "get|进行中.bin\n".as_bytes());
    assert!(
        reply.starts_with("error 没有叫 进行中.bin 的文件"),
        "{reply}"
    );
}

#[test]
fn the_server_turns_away_clients_beyond_its_limit() {
    let mut server = start(&["--max-connections", "1"]);
    let _first = start_upload(&server, "一.bin", 1_000_000, 10);
    server.proc.expect_stdout("[#1] 上传 一.bin");
    let second = connect(server.addr());
    assert_eq!(
        reply_line(&second),
        "error 服务端忙：已经在服务 1 个连接，请稍后再试"
    );
    // 真正的客户端把这一行说给用户听，而不是“连接被重置”。
    let path = server.root.path().join("二.txt");
    fs::write(&path, "hello").unwrap();
    let out = client(&[
        "--port",
        &server.port(),
        "upload",
        &path.display().to_string(),
    ]);
    assert_clear_failure(&out, "服务端拒绝了上传：服务端忙：已经在服务 1 个连接");
    server.proc.expect_stdout("服务端忙：已经在服务 1 个连接");
}

#[test]
fn the_client_notices_a_server_that_got_different_bytes() {
    // 一个假服务端：收下全部内容，却报一个不对的摘要。
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let fake = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut reader = BufReader::new(&stream);
        let mut header = String::new();
        reader.read_line(&mut header).unwrap();
        let size: usize = header
            .trim_end()
            .split('|')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let mut body = vec![0u8; size];
        reader.read_exact(&mut body).unwrap();
        let reply = format!("ok {} {}\n", body.len(), sha256(b"something else"));
        (&stream).write_all(reply.as_bytes()).unwrap();
        header
    });
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("a.txt");
    fs::write(&src, "真正的内容").unwrap();
    let out = client(&["--port", &port, "upload", &src.display().to_string()]);
    assert_clear_failure(&out, "服务端收到的和本地文件不一致");
    assert_eq!(
        fake.join().unwrap(),
        format!("post|{}|a.txt\n", "真正的内容".len())
    );
}

#[test]
fn a_download_that_does_not_match_is_thrown_away() {
    // 假服务端：第一次发来的内容和后面的摘要对不上；第二次只发一半就断开；
    // 第三次发完内容就断开，不给摘要。
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let fake = thread::spawn(move || {
        let cases: [(&[u8], usize, &str); 3] = [
            (b"wrong!", 6, "sha256 "),
            (b"half", 8, ""),
            (b"right!", 6, ""),
        ];
        for (body, claimed, trailer) in cases {
            let (stream, _) = listener.accept().unwrap();
            let mut line = String::new();
            BufReader::new(&stream).read_line(&mut line).unwrap();
            let _ = (&stream).write_all(format!("ok {claimed}\n").as_bytes());
            let _ = (&stream).write_all(body);
            if !trailer.is_empty() {
                let _ = (&stream).write_all(format!("{trailer}{}\n", sha256(b"right!")).as_bytes());
            }
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("got.txt");
    let out_arg = out_path.display().to_string();
    let out = client(&["--port", &port, "download", "x.txt", "--output", &out_arg]);
    assert_clear_failure(&out, "SHA-256 不一致，已丢弃");
    let out = client(&["--port", &port, "download", "x.txt", "--output", &out_arg]);
    assert_clear_failure(&out, "下载没有完成");
    let out = client(&["--port", &port, "download", "x.txt", "--output", &out_arg]);
    assert_clear_failure(&out, "没有给出摘要");
    fake.join().unwrap();
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
}

#[test]
fn a_client_without_a_server_says_how_to_start_one() {
    let nobody = testkit::closed_port();
    let port = nobody.port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("a.txt");
    fs::write(&src, "x").unwrap();
    let out = client(&["--port", &port, "upload", &src.display().to_string()]);
    assert_clear_failure(&out, "just lesson 10 server");
    let out = client(&[
        "--port",
        &port,
        "download",
        "a.txt",
        "--output",
        &dir.path().join("b").display().to_string(),
    ]);
    assert_clear_failure(&out, "just lesson 10 server");
}

#[test]
fn a_taken_port_is_reported() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = testkit::run(
        SERVER,
        ["--port", &port, "--dir", &dir.path().display().to_string()],
        "",
    );
    assert_clear_failure(&out, "无法监听");
}

#[test]
fn a_folder_that_cannot_be_used_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("不是目录");
    fs::write(&file, "x").unwrap();
    let out = testkit::run(
        SERVER,
        ["--port", "0", "--dir", &file.display().to_string()],
        "",
    );
    assert_clear_failure(&out, "无法使用存放目录");
}
