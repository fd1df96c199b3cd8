//! 这一课几个测试文件共用的小工具。
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::time::Duration;

use lesson_04::ctime::looks_like_ctime;

/// 书里展示的时间：真实输出里的时间每次都不同，比较之前换成这个固定值。
pub const SHOWN_TIME: &str = "Mon Dec  9 18:15:50 2019";

/// 可执行文件的路径。
pub fn bin(name: &str) -> String {
    assert_cmd::cargo::cargo_bin(name)
        .to_str()
        .expect("路径是 UTF-8")
        .to_string()
}

/// 把输出里会变的部分换成固定值：ctime 样子的时间换成 [`SHOWN_TIME`]，
/// 服务端的端口换成默认端口，客户端的临时端口按出现的先后换成 50001、50002……
pub fn mask(text: &str, server_port: &str, default_port: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let mut line = line.to_string();
        let mut i = 0;
        while i < line.len() {
            if line.is_char_boundary(i)
                && line.is_char_boundary((i + 24).min(line.len()))
                && looks_like_ctime(&line[i..(i + 24).min(line.len())])
            {
                line.replace_range(i..i + 24, SHOWN_TIME);
                i += 24;
            } else {
                i += 1;
            }
        }
        out.push_str(&line);
    }
    let out = out.replace(
        &format!("127.0.0.1:{server_port}"),
        &format!("127.0.0.1:{default_port}"),
    );
    // 剩下的 127.0.0.1:端口 都是客户端的临时端口；教程版照 Python 打印的元组 ('127.0.0.1', 端口) 也一样。
    let mut peers: Vec<String> = Vec::new();
    let mut result = String::new();
    let mut rest = out.as_str();
    let next = |s: &str| {
        ["127.0.0.1:", "'127.0.0.1', "]
            .iter()
            .filter_map(|n| s.find(n).map(|p| p + n.len()))
            .min()
    };
    while let Some(end) = next(rest) {
        let (head, tail) = rest.split_at(end);
        result.push_str(head);
        let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() || digits == default_port {
            rest = tail;
            continue;
        }
        let n = match peers.iter().position(|p| *p == digits) {
            Some(n) => n,
            None => {
                peers.push(digits.clone());
                peers.len() - 1
            }
        };
        result.push_str(&(50001 + n).to_string());
        rest = &tail[digits.len()..];
    }
    result.push_str(rest);
    result
}

/// 直接用套接字连服务端（测试扮演一个“不守规矩”的客户端），读操作有期限。
pub fn raw_connect(port: &str) -> (TcpStream, BufReader<TcpStream>) {
    let stream = TcpStream::connect(format!("127.0.0.1:{port}")).expect("连上服务端");
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .expect("设置读超时");
    let reader = BufReader::new(stream.try_clone().expect("复制套接字"));
    (stream, reader)
}

/// 直接用套接字连服务端，读操作有期限：测试像教程的客户端那样一次 send、一次 recv。
pub fn raw_stream(port: &str) -> TcpStream {
    let stream = TcpStream::connect(format!("127.0.0.1:{port}")).expect("连上服务端");
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .expect("设置读超时");
    stream
}

/// 像教程的 `recv(2048)` 那样读一次，返回读到的字节；超时或连接关闭时让测试失败并说明在等什么。
pub fn recv_once(mut stream: &TcpStream, what: &str) -> Vec<u8> {
    let mut buf = [0u8; 2048];
    match stream.read(&mut buf) {
        Ok(0) => panic!("等 {what} 时连接被关闭了"),
        Ok(n) => buf[..n].to_vec(),
        Err(e) => panic!("等 {what} 时出错（服务端是不是在等一个换行符？）：{e}"),
    }
}

/// 读一行（去掉换行符）；超时或连接关闭时让测试失败并说明在等什么。
pub fn read_line(reader: &mut impl BufRead, what: &str) -> String {
    let mut line = String::new();
    match reader.read_line(&mut line) {
        Ok(0) => panic!("等 {what} 时连接被关闭了"),
        Ok(_) => line.trim_end_matches(['\n', '\r']).to_string(),
        Err(e) => panic!("等 {what} 时出错：{e}"),
    }
}

/// 服务端日志里第一个客户端的那一段：从开头到它离开后回到外层循环的“等待连接……”为止。
/// 调用者要先让第二个客户端连上来，这样那一行一定已经打印出来了。
pub fn first_session(log: &str) -> String {
    let mut out = String::new();
    let mut waits = 0;
    for line in log.split_inclusive('\n') {
        out.push_str(line);
        if line.trim_end() == "等待连接……" {
            waits += 1;
            if waits == 2 {
                break;
            }
        }
    }
    out
}
