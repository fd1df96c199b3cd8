//! 第 05 课教程版：教程（002 UDP程序设计）的 UDP 客户端，照 `python/hello_udp_client.py` 逐行写成。
//! 只用标准库。教程发往局域网地址 192.168.247.1，这里换成本机的 127.0.0.1；端口可以用第一个参数给。
//! 教程的 `recvfrom` 没有超时，教程版只等 3 秒；标准输入结束（EOF）和空行一样结束。

use std::io::{self, Write};
use std::net::UdpSocket;
use std::time::Duration;

// ANCHOR: twin
fn main() -> io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .map_or(12345, |p| p.parse().expect("端口是 0 到 65535 的整数"));
    let host_port = ("127.0.0.1", port);
    // Python 的套接字先不绑定，第一次 sendto 时系统才给它挑端口；std 的 UdpSocket 只能先 bind。
    let udp_cli_sock = UdpSocket::bind("0.0.0.0:0")?;
    udp_cli_sock.set_read_timeout(Some(Duration::from_secs(3)))?;
    loop {
        // input('请输入传输内容：')：提示不换行，先刷新，再读一行；EOF 时读到的是空串。
        print!("请输入传输内容：");
        io::stdout().flush()?;
        let mut line = String::new();
        io::stdin().read_line(&mut line)?;
        let data = line.trim_end_matches(['\r', '\n']);
        if data.is_empty() || data == "quit" {
            break;
        }
        udp_cli_sock.send_to(data.as_bytes(), host_port)?;
        let mut buf = [0u8; 1024];
        let Ok((n, _addr)) = udp_cli_sock.recv_from(&mut buf) else {
            eprintln!("3 秒内没有收到回答，数据报可能丢了：教程的程序会一直等下去，教程版到此为止");
            std::process::exit(1);
        };
        let msg = std::str::from_utf8(&buf[..n]).map_err(io::Error::other)?;
        println!("客户端接收信息为：{msg}");
    }
    Ok(())
}
// ANCHOR_END: twin
