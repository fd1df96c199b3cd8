//! 第 05 课教程版：教程（002 UDP程序设计）的 UDP 服务端，照 `python/hello_udp_server.py` 逐行写成。
//! 只用标准库。教程绑定的是局域网地址 192.168.247.1，这里换成本机的 127.0.0.1；
//! 端口可以用第一个参数给，第一行打印真正绑定的地址；教程的 `while 1` 永远不停，教程版收满 100 个数据报就停。

use std::net::UdpSocket;

// ANCHOR: twin
fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .map_or(12345, |p| p.parse().expect("端口是 0 到 65535 的整数"));
    let host_port = ("127.0.0.1", port);
    let udp_ser_sock = UdpSocket::bind(host_port)?;
    println!("{}", udp_ser_sock.local_addr()?);
    for _ in 0..100 {
        let mut data = [0u8; 1024];
        let (n, addr) = udp_ser_sock.recv_from(&mut data)?;
        // data.decode('utf-8')：一个坏字节就让整个服务端出错退出，和 Python 一样。
        let text = std::str::from_utf8(&data[..n]).map_err(std::io::Error::other)?;
        // Python 的 print('接收信息：', x) 在两项之间加一个空格。
        println!("接收信息： {text}");
        let send_msg = format!("hello {text}");
        udp_ser_sock.send_to(send_msg.as_bytes(), addr)?;
    }
    println!("教程版收满 100 个数据报就停（教程的服务端会一直收下去）");
    Ok(())
}
// ANCHOR_END: twin
