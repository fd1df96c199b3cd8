//! 这一课几个测试文件共用的小工具。

#![allow(dead_code)]

use std::net::{SocketAddr, UdpSocket};

use testkit::{Proc, DEADLINE};

/// 启动真实的 `l05-server`（系统挑端口），读第一行得到地址。
pub fn server(extra: &[&str]) -> Proc {
    let mut args = vec!["--port", "0"];
    args.extend_from_slice(extra);
    Proc::server(env!("CARGO_BIN_EXE_l05-server"), args)
}

/// 测试这一侧的 UDP 套接字：绑定 127.0.0.1 上的空闲端口，读超时是测试期限，绝不会一直等。
pub fn udp() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("能绑定 127.0.0.1:0");
    socket
        .set_read_timeout(Some(DEADLINE))
        .expect("能设置读超时");
    socket
}

/// 收一个数据报，返回内容和发送方；期限内收不到就让测试失败。
pub fn recv(socket: &UdpSocket, what: &str) -> (Vec<u8>, SocketAddr) {
    let mut buf = vec![0u8; 65536];
    let (n, from) = socket
        .recv_from(&mut buf)
        .unwrap_or_else(|e| panic!("没有收到 {what}：{e}"));
    buf.truncate(n);
    (buf, from)
}

/// 发一个数据报给 `to`，收它的回答（必须来自 `to`），以文字返回。
pub fn ask(socket: &UdpSocket, to: SocketAddr, data: &[u8]) -> String {
    socket.send_to(data, to).expect("能发送数据报");
    let (reply, from) = recv(socket, "服务端的回答");
    assert_eq!(from, to, "回答应当来自服务端");
    String::from_utf8(reply).expect("回答是 UTF-8")
}

/// 一个此刻没有程序在用的 UDP 端口：绑定后立刻放开。
pub fn free_port() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("能绑定 127.0.0.1:0");
    socket.local_addr().unwrap().port()
}

/// 输出里的端口每次都不同：服务端的换成默认的 9999，其他（客户端的）换成 50000，
/// 这样才能和书里保存的输出比较。
pub fn normalize_addrs(text: &str, server_port: u16) -> String {
    normalize_ports(text, server_port, 9999)
}

/// 同上，服务端的端口换成 `shown`（教程版 hello-udp-server 的默认端口是 12345）。
pub fn normalize_ports(text: &str, server_port: u16, shown: u16) -> String {
    const HOST: &str = "127.0.0.1:";
    let shown = shown.to_string();
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(HOST) {
        out.push_str(&rest[..at + HOST.len()]);
        rest = &rest[at + HOST.len()..];
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        let port: u16 = rest[..digits].parse().unwrap_or(0);
        out.push_str(if port == server_port { &shown } else { "50000" });
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// 客户端输出里的回答行（其余是说明：重发、丢掉的回答）。
pub fn answers(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.starts_with("Hello, "))
        .collect()
}

/// 书里保存的输出文件的路径。
pub fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}
