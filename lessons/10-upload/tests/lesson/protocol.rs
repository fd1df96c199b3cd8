//! 一个连接上的协议：回答不等对方半关闭；请求一个接一个；不是请求头的字节得到 `error`，
//! 连接随之关闭，之前回答过 `ok` 的文件照样留着；下载的摘要跟在内容后面；
//! 上次被杀掉的服务端留下的临时文件，重新启动时被清掉。

use crate::common;

use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::{Shutdown, TcpStream};

use common::*;
use testkit::{wait_until, Proc};

/// 读一行回答（不含换行）；期限内读不到就让测试失败。
fn line(reader: &mut BufReader<&TcpStream>) -> String {
    let mut line = String::new();
    reader.read_line(&mut line).expect("期限内读到一行回答");
    assert!(line.ends_with('\n'), "回答应当以换行结束：{line:?}");
    line.trim_end_matches('\n').to_string()
}

fn ok(body: &[u8]) -> String {
    format!("ok {} {}", body.len(), sha256(body))
}

/// 服务端关闭了连接：再读只读到 EOF。
fn assert_closed(reader: &mut BufReader<&TcpStream>) {
    let mut rest = Vec::new();
    reader.read_to_end(&mut rest).expect("服务端关闭连接");
    assert!(rest.is_empty(), "关闭前还多发了：{rest:?}");
}

#[test]
fn the_answer_comes_as_soon_as_the_bytes_are_stored() {
    let server = start(&[]);
    let stream = connect(server.addr());
    // 发完请求头和内容，不半关闭，直接等回答。
    (&stream).write_all(b"post|3|t1\nabc").unwrap();
    let mut reader = BufReader::new(&stream);
    assert_eq!(line(&mut reader), ok(b"abc"));
    assert_eq!(fs::read(server.dir.join("t1")).unwrap(), b"abc");
}

#[test]
fn requests_follow_one_another_on_one_connection() {
    let server = start(&[]);
    let stream = connect(server.addr());
    // 像教程的客户端循环那样，两个上传紧挨着发出，中间不等回答。
    (&stream)
        .write_all(b"post|3|t1\nabcpost|3|t2\nxyz")
        .unwrap();
    let mut reader = BufReader::new(&stream);
    assert_eq!(line(&mut reader), ok(b"abc"));
    assert_eq!(line(&mut reader), ok(b"xyz"));
    // 同一个连接上再下载一个。
    (&stream).write_all(b"get|t1\n").unwrap();
    assert_eq!(line(&mut reader), "ok 3");
    let mut body = [0u8; 3];
    reader.read_exact(&mut body).unwrap();
    assert_eq!(&body, b"abc");
    assert_eq!(line(&mut reader), format!("sha256 {}", sha256(b"abc")));
    // 办完了，半关闭：服务端读到 EOF，也关闭。
    stream.shutdown(Shutdown::Write).unwrap();
    assert_closed(&mut reader);
    assert_eq!(server.listing(), ["t1", "t2"]);
}

#[test]
fn bytes_that_are_no_header_end_the_connection_and_keep_what_was_saved() {
    let server = start(&[]);
    let stream = connect(server.addr());
    // 声明 3 字节却多发了：多出来的字节只能当作下一个请求头，而它不是。
    (&stream).write_all(b"post|3|t1\nabc and more\n").unwrap();
    let mut reader = BufReader::new(&stream);
    assert_eq!(line(&mut reader), ok(b"abc"));
    let refused = line(&mut reader);
    assert!(
        refused.starts_with("error 请求头格式不对"),
        "不是请求头的字节要得到 error：{refused}"
    );
    assert_closed(&mut reader);
    assert_eq!(server.listing(), ["t1"], "回答过 ok 的文件不能丢");
    assert_eq!(fs::read(server.dir.join("t1")).unwrap(), b"abc");
}

#[test]
fn a_refused_request_after_a_good_one_keeps_the_good_one() {
    let server = start(&[]);
    let stream = connect(server.addr());
    (&stream)
        .write_all(b"post|3|t1\nabcpost|3|../x\nxyz")
        .unwrap();
    let mut reader = BufReader::new(&stream);
    assert_eq!(line(&mut reader), ok(b"abc"));
    let refused = line(&mut reader);
    assert!(refused.contains("不能带路径"), "{refused}");
    assert_closed(&mut reader);
    assert_eq!(server.listing(), ["t1"]);
}

#[test]
fn a_download_starts_at_once_and_its_digest_follows_the_bytes() {
    let server = start(&[]);
    // 16 MiB 的文件，比两端的套接字缓冲区加起来大得多。
    let size: u64 = 16 * 1024 * 1024;
    let path = server.dir.join("big.bin");
    fs::File::create(&path).unwrap().set_len(size).unwrap();
    let stream = connect(server.addr());
    (&stream).write_all(b"get|big.bin\n").unwrap();
    let mut reader = BufReader::new(&stream);
    assert_eq!(line(&mut reader), format!("ok {size}"));
    let mut first = [0u8; 1];
    reader.read_exact(&mut first).unwrap();
    // 第一个字节已经到了。现在改掉文件的最后一个字节：服务端最多领先几个缓冲区，还没读到那里。
    // 它的摘要要是在发之前就算好了，就对不上我们收到的内容。
    let mut file = OpenOptions::new().write(true).open(&path).unwrap();
    file.seek(SeekFrom::Start(size - 1)).unwrap();
    file.write_all(&[1]).unwrap();
    drop(file);
    let mut got = first.to_vec();
    got.resize(size as usize, 0);
    reader.read_exact(&mut got[1..]).unwrap();
    assert_eq!(got[got.len() - 1], 1, "收到的最后一个字节应当是改过的");
    assert_eq!(line(&mut reader), format!("sha256 {}", sha256(&got)));
}

#[test]
fn the_client_downloads_with_the_digest_after_the_bytes() {
    let server = start(&[]);
    let data = random_bytes(700_000, 5);
    fs::write(server.dir.join("d.bin"), &data).unwrap();
    let out_path = server.root.path().join("got.bin");
    let out = client(&[
        "--port",
        &server.port(),
        "download",
        "d.bin",
        "--output",
        &out_path.display().to_string(),
    ]);
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(&sha256(&data)), "{}", out.stdout);
    assert_eq!(fs::read(&out_path).unwrap(), data);
}

#[test]
fn stale_temp_files_of_a_killed_server_are_removed_at_start() {
    let mut server = start(&[]);
    let stream = connect(server.addr());
    (&stream).write_all(b"post|1000000|half.bin\n").unwrap();
    (&stream).write_all(&random_bytes(300_000, 9)).unwrap();
    wait_until("临时文件出现", || {
        server.listing().iter().any(|n| n.starts_with(".upload-"))
    });
    let temp = server.listing().remove(0);
    // SIGKILL：服务端来不及收拾，临时文件留在目录里。
    server.proc.kill_and_collect();
    drop(stream);
    assert_eq!(server.listing(), std::slice::from_ref(&temp));
    // 别人的隐藏文件不是服务端的临时文件，不能动；还活着的进程（这里是测试自己）的临时文件也不能动：
    // 可能是另一个服务端正在用同一个目录。
    fs::write(server.dir.join(".keep"), "x").unwrap();
    let alive = format!(".upload-{}-0.part", std::process::id());
    fs::write(server.dir.join(&alive), "x").unwrap();

    let dir = server.dir.display().to_string();
    let mut again = Proc::server(
        SERVER,
        ["--port", "0", "--dir", &dir, "--disk-reserve", "0"],
    );
    again.expect_stdout(&format!("删除了上次留下的临时文件 {temp}"));
    assert_eq!(server.listing(), [".keep".to_string(), alive]);
}

#[test]
fn an_idle_connection_between_requests_is_closed_after_the_timeout() {
    let mut server = start(&["--idle-timeout", "1"]);
    let stream = connect(server.addr());
    (&stream).write_all(b"post|3|t1\nabc").unwrap();
    let mut reader = BufReader::new(&stream);
    assert_eq!(line(&mut reader), ok(b"abc"));
    // 然后什么也不发：1 秒后服务端说明原因，关闭连接；已经保存的文件还在。
    assert_eq!(
        line(&mut reader),
        "error 读请求头失败：1 秒内没有收到数据，或者平均每秒不到 16 KiB，断开"
    );
    assert_closed(&mut reader);
    server.proc.expect_stdout("[#1] 拒绝：读请求头失败");
    assert_eq!(server.listing(), ["t1"]);
}
