//! 第 05 课教程版：教程（004 §1.3）的 UDP 客户端，照 `python/tutorial_client.py` 逐行写成。
//! 只用标准库。教程没有超时：一个数据报丢了，`recv` 就永远等下去。
//! 教程版只多了 3 秒的读超时，等不到回答就说明原因，以退出码 1 停下。端口可以用第一个参数给。

use std::net::UdpSocket;
use std::time::Duration;

// ANCHOR: twin
fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .map_or(9999, |p| p.parse().expect("端口是 0 到 65535 的整数"));
    // Python 的套接字先不绑定，第一次 sendto 时系统才给它挑端口；std 的 UdpSocket 只能先 bind。
    let s = UdpSocket::bind("0.0.0.0:0")?;
    s.set_read_timeout(Some(Duration::from_secs(3)))?;
    for data in [&b"Michael"[..], b"Tracy", b"Sarah"] {
        s.send_to(data, ("127.0.0.1", port))?;
        let mut buf = [0u8; 1024];
        // recv 收下谁发来的都算；3 秒内什么也没来（Err），教程版就停下。
        let Ok(n) = s.recv(&mut buf) else {
            eprintln!("3 秒内没有收到回答，数据报可能丢了：教程的程序会一直等下去，教程版到此为止");
            std::process::exit(1);
        };
        // .decode('utf-8')：不是合法的 UTF-8 就出错退出，和 Python 抛出异常一样。
        let text = std::str::from_utf8(&buf[..n]).map_err(std::io::Error::other)?;
        println!("{text}");
    }
    Ok(())
}
// ANCHOR_END: twin
