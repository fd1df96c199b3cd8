//! 教程版欢迎服务端（种子 002 “简单的TCP socket示例”）：照 `python/welcome_server.py`
//! 逐行写成的 Rust，只用标准库。每来一个客户端，发一句欢迎语就关闭连接。

use std::io::{self, Write};
use std::net::TcpListener;

/// 教程的 `while True` 永远不停；教程版接待这么多个客户端就停下，并说明原因。
/// 3 个刚好够看出“一个接一个地接待”，演示和测试也各自连 3 次。
const CLIENTS: usize = 3;

// ANCHOR: main
fn main() -> io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("12345".into());
    // 教程绑定的是作者电脑的局域网地址 192.168.247.1；这里用本机的 127.0.0.1。
    // 教程还调用了 listen(10)：标准库的 TcpListener::bind 总是用 128，没有参数可改
    // （这个数是什么意思，见第 03 课“积压队列”一节）。
    let serversocket = TcpListener::bind(format!("127.0.0.1:{port}"))?;
    println!("{}", serversocket.local_addr()?);
    println!("start Socket server");

    for _ in 0..CLIENTS {
        let (mut client_socket, _add) = serversocket.accept()?;
        let msg = "成功连接到服务器 socket message";
        #[allow(clippy::unused_io_amount)]
        client_socket.write(msg.as_bytes())?;
        drop(client_socket); // clientSocket.close()
    }
    println!("已经接待了 {CLIENTS} 个客户端，教程版到此停下（教程里的 while True 会一直等下去）");
    Ok(())
}
// ANCHOR_END: main
