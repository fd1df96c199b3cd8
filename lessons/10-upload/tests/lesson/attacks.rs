//! 站在攻击者一边试：同一个名字的两个上传同时进行、存放目录里的符号链接、
//! 比磁盘剩余空间还大的文件、一个字节一个字节地拖住连接。

use crate::common;

use std::fs;
use std::io::Write;
use std::net::{Shutdown, TcpStream};
use std::os::unix::fs::symlink;
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use testkit::{wait_until, DEADLINE};

fn post(name: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("post|{}|{name}\n", body.len()).into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// 声明 `body` 的全部长度，却只先发前一半；返回连接。
fn half_upload(server: &Server, name: &str, body: &[u8]) -> TcpStream {
    let stream = connect(server.addr());
    (&stream)
        .write_all(format!("post|{}|{name}\n", body.len()).as_bytes())
        .unwrap();
    (&stream).write_all(&body[..body.len() / 2]).unwrap();
    stream
}

/// 发完后一半，半关闭，读回答。
fn finish_upload(stream: &TcpStream, body: &[u8]) -> String {
    (&*stream).write_all(&body[body.len() / 2..]).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    reply_line(stream)
}

fn temp_files(server: &Server) -> usize {
    server
        .listing()
        .iter()
        .filter(|n| n.starts_with(".upload-"))
        .count()
}

#[test]
fn two_uploads_of_one_name_at_once_cannot_both_win() {
    let first = random_bytes(200_000, 1);
    let second = random_bytes(200_000, 2);

    // 两个上传都已经通过了“这个名字还没有文件”的检查，正在写各自的临时文件。
    let server = start(&[]);
    let a = half_upload(&server, "同名.bin", &first);
    let b = half_upload(&server, "同名.bin", &second);
    wait_until("两个临时文件都出现", || temp_files(&server) == 2);
    assert_eq!(
        finish_upload(&a, &first),
        format!("ok 200000 {}", sha256(&first))
    );
    let lost = finish_upload(&b, &second);
    assert!(
        lost.starts_with("error ") && lost.contains("抢先"),
        "后保存的那个应当被拒绝：{lost}"
    );
    assert_eq!(
        fs::read(server.dir.join("同名.bin")).unwrap(),
        first,
        "留下的必须是完整的第一个文件，不能被第二个改掉"
    );
    assert_eq!(server.listing(), ["同名.bin"], "输的那个不能留下临时文件");

    // 允许覆盖时两个都成功，最后的文件是后保存的那个，完整的，不是两者的混合。
    let server = start(&["--allow-overwrite"]);
    let a = half_upload(&server, "同名.bin", &first);
    let b = half_upload(&server, "同名.bin", &second);
    wait_until("两个临时文件都出现", || temp_files(&server) == 2);
    assert!(finish_upload(&a, &first).starts_with("ok "));
    assert!(finish_upload(&b, &second).starts_with("ok "));
    assert_eq!(fs::read(server.dir.join("同名.bin")).unwrap(), second);
    assert_eq!(server.listing(), ["同名.bin"]);
}

#[test]
fn symlinks_in_the_folder_are_neither_followed_nor_served() {
    let server = start(&[]);
    let secret = server.root.path().join("secret.txt");
    fs::write(&secret, "机密").unwrap();
    let nowhere = server.root.path().join("nowhere.txt");
    symlink(&secret, server.dir.join("link.txt")).unwrap();
    symlink(&nowhere, server.dir.join("dangling.txt")).unwrap();

    let reply = request(server.addr(), b"get|link.txt\n");
    assert_eq!(reply, "error link.txt 不是一个普通文件");
    for name in ["link.txt", "dangling.txt"] {
        let reply = request(server.addr(), &post(name, b"hello"));
        assert!(reply.contains("不覆盖已有文件"), "{name}：{reply}");
    }
    assert_eq!(fs::read_to_string(&secret).unwrap(), "机密");
    assert!(!nowhere.exists(), "不能顺着悬空的链接在目录外面建出文件");

    // 允许覆盖时，被替换的是链接本身；链接指向的文件一个字节都不变。
    let server = start(&["--allow-overwrite"]);
    let secret = server.root.path().join("secret.txt");
    fs::write(&secret, "机密").unwrap();
    symlink(&secret, server.dir.join("link.txt")).unwrap();
    let reply = request(server.addr(), &post("link.txt", b"hello"));
    assert!(reply.starts_with("ok 5 "), "{reply}");
    assert_eq!(fs::read_to_string(&secret).unwrap(), "机密");
    let meta = fs::symlink_metadata(server.dir.join("link.txt")).unwrap();
    assert!(meta.is_file(), "链接应当被换成一个普通文件");
}

#[test]
fn a_file_bigger_than_the_free_disk_space_is_refused_up_front() {
    let server = start(&["--max-size", &u64::MAX.to_string()]);
    // 10^18 字节（1 EB）：没有哪块磁盘放得下，在收任何内容之前就该拒绝。
    let reply = request(server.addr(), b"post|1000000000000000000|huge.bin\nhello");
    assert!(reply.starts_with("error 服务端的磁盘空间不够"), "{reply}");
    assert!(server.listing().is_empty(), "{:?}", server.listing());
}

#[test]
fn the_disk_reserve_is_kept_free() {
    // 预留比任何磁盘都大：哪怕 5 个字节的上传也放不下，内容一个字节都不收。
    let server = start(&["--disk-reserve", "15EiB"]);
    let reply = request(server.addr(), &post("小.txt", b"hello"));
    assert!(reply.starts_with("error 服务端的磁盘空间不够"), "{reply}");
    assert!(reply.contains("还要留出"), "{reply}");
    assert!(server.listing().is_empty(), "{:?}", server.listing());
}

#[test]
fn a_client_dripping_one_byte_at_a_time_is_dropped() {
    // slowloris：每 0.2 秒发 1 个字节，每次读都不超过 1 秒的空闲超时。
    // 只看读超时的服务端会一直陪它耗下去；要求最低速度的服务端在约 1 秒后断开。
    let mut server = start(&["--idle-timeout", "1"]);
    let stream = connect(server.addr());
    let request = post("慢.bin", &[b'x'; 1000]);
    let started = Instant::now();
    let mut dropped = false;
    for byte in &request {
        // 这里的停顿是“攻击”本身，不是在等对方就绪。
        thread::sleep(Duration::from_millis(200));
        if (&stream).write_all(&[*byte]).is_err()
            || server.proc.stdout_so_far().contains("拒绝：读请求头失败")
        {
            dropped = true;
            break;
        }
        assert!(started.elapsed() < DEADLINE, "期限内没有断开慢慢滴的客户端");
    }
    assert!(dropped, "整个请求都滴完了，服务端一直没有断开它");
    // 每次等待都不到 1 秒的空闲超时，断开它的是最低速率。
    server
        .proc
        .expect_stdout("拒绝：读请求头失败：1 秒内没有收到数据，或者平均每秒不到 16 KiB，断开");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "用了 {:?} 才断开",
        started.elapsed()
    );
    assert!(server.listing().is_empty(), "{:?}", server.listing());
}
