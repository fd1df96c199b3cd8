//! 教程版服务端（种子 000 §1.2）：照 `python/tutorial_server.py` 逐行写成的 Rust，只用标准库。
//! 只接待一个客户端：收一次（最多 1024 个字节），打印对方地址、字节和文字，回复“我是Server”。

use std::io::{self, Read, Write};
use std::net::TcpListener;

// ANCHOR: main
fn main() -> io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("8888".into());

    // 1–3. socket + bind + listen：TcpListener::bind 一次做完
    let socket_server = TcpListener::bind(format!("127.0.0.1:{port}"))?;
    println!("{}", socket_server.local_addr()?);

    // 4. accept：等一个客户端连上来，得到新连接和对方的地址
    let (mut sock, addr) = socket_server.accept()?;
    println!("('{}', {})", addr.ip(), addr.port());
    // 5. recv(1024)：读一次，最多 1024 个字节
    let mut buf = [0u8; 1024];
    let n = sock.read(&mut buf)?;
    let data = &buf[..n];
    // Python 打印 bytes 的样子：b'...'，非 ASCII 的字节写成 \xNN
    println!("b'{}'", data.escape_ascii());
    // str(data, encoding="utf-8")：不是合法的 UTF-8 时，和 Python 一样出错退出
    let text =
        std::str::from_utf8(data).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    println!("{text}");
    // 6. send：和教程一样只调用一次，不看写出了多少（clippy 会提醒这一点）
    #[allow(clippy::unused_io_amount)]
    sock.write("我是Server".as_bytes())?;
    Ok(())
    // 7. close：sock 和 socket_server 在这里离开作用域，连接和监听套接字随之关闭
}
// ANCHOR_END: main
