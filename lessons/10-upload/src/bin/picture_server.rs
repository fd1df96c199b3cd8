//! 第 10 课教程版：教程（002 使用Socket发送图片）的服务端，照 `python/picture_server.py` 逐行写成。
//! 只用标准库。和教程只差这几处：绑定本机的 127.0.0.1（教程绑定局域网地址 192.168.247.1），
//! 端口可以用第一个参数给，第一行打印真正绑定的地址；发满 100 次就停（教程的 `while 1` 永远不停）。
//! 发的文件和教程一样，是当前目录下的 python.jpg。

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpListener;

// ANCHOR: twin
fn main() -> io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .map_or(12345, |p| p.parse().expect("端口是 0 到 65535 的整数"));
    let s_socket = TcpListener::bind(("127.0.0.1", port))?;
    println!("{}", s_socket.local_addr()?);
    let file_name = "python.jpg";
    for _ in 0..100 {
        let (mut c_socket, _addr) = s_socket.accept()?;
        let mut f = BufReader::new(File::open(file_name)?);
        // 文件大小，写成十进制文字发给客户端
        let file_size = fs::metadata(file_name)?.len();
        c_socket.write_all(file_size.to_string().as_bytes())?;
        // 等客户端确认（内容不看）：大小和文件因此不会粘在一起
        let mut data = [0u8; 1024];
        let n = c_socket.read(&mut data)?;
        let _data = std::str::from_utf8(&data[..n]).map_err(io::Error::other)?;
        // for line in f：按 \n 切成一“行”一“行”地发（图片里的“行”长短不一）
        let mut line = Vec::new();
        while f.read_until(b'\n', &mut line)? > 0 {
            c_socket.write_all(&line)?;
            line.clear();
        }
    }
    println!("教程版发满 100 次就停（教程的服务端会一直等下去）");
    Ok(())
}
// ANCHOR_END: twin
