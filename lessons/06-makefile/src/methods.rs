//! 教程的“socket 常用方法”表，一行一个能运行的例子。
//!
//! 每个例子都在本机建一对真正的套接字（TCP 或 UDP），做一次那个方法做的事，
//! 返回几行说明实际发生了什么。`l06-methods` 程序打印它们，测试检查它们。

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::net::{Shutdown, TcpListener, TcpStream, UdpSocket};
use std::thread;
use std::time::Duration;

/// 例子里的套接字最多等这么久，任何一步卡住都会变成错误而不是挂住。
const WAIT: Duration = Duration::from_secs(10);

/// 表里的一行：Python 的写法、Rust 的写法、能运行的例子。
pub struct Row {
    /// 命令行上的名字，如 `recv-into`。
    pub name: &'static str,
    pub python: &'static str,
    pub rust: &'static str,
    pub run: fn() -> io::Result<Vec<String>>,
}

/// 表的全部行，顺序与书里的表格一致。
pub const ROWS: [Row; 8] = [
    Row {
        name: "recv",
        python: "conn.recv(1024)",
        rust: "stream.read(&mut buf)",
        run: recv,
    },
    Row {
        name: "recv-into",
        python: "conn.recv_into(buf)",
        rust: "stream.read(&mut buf)",
        run: recv_into,
    },
    Row {
        name: "recvfrom",
        python: "sock.recvfrom(1024)",
        rust: "sock.recv_from(&mut buf)",
        run: recvfrom,
    },
    Row {
        name: "send",
        python: "conn.send(data)",
        rust: "stream.write(&data)",
        run: send,
    },
    Row {
        name: "sendall",
        python: "conn.sendall(data)",
        rust: "stream.write_all(&data)",
        run: sendall,
    },
    Row {
        name: "sendto",
        python: "sock.sendto(data, addr)",
        rust: "sock.send_to(&data, addr)",
        run: sendto,
    },
    Row {
        name: "sendfile",
        python: "conn.sendfile(f)",
        rust: "io::copy(&mut file, &mut stream)",
        run: sendfile,
    },
    Row {
        name: "makefile",
        python: "conn.makefile('rw')",
        rust: "BufReader::new(stream.try_clone()?) + BufWriter::new(stream)",
        run: makefile,
    },
];

/// 按名字找一行。
pub fn row(name: &str) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.name == name)
}

/// 一对连好的 TCP 套接字：(客户端这头, 服务端 accept 得到的那头)。
pub fn tcp_pair() -> io::Result<(TcpStream, TcpStream)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let client = TcpStream::connect(listener.local_addr()?)?;
    let (server, _) = listener.accept()?;
    for s in [&client, &server] {
        s.set_read_timeout(Some(WAIT))?;
        s.set_write_timeout(Some(WAIT))?;
    }
    Ok((client, server))
}

fn udp_socket() -> io::Result<UdpSocket> {
    let sock = UdpSocket::bind("127.0.0.1:0")?;
    sock.set_read_timeout(Some(WAIT))?;
    Ok(sock)
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ANCHOR: recv
/// `conn.recv(1024)`：读一次，最多 1024 字节，有多少给多少；返回 0 表示对方关闭了连接。
fn recv() -> io::Result<Vec<String>> {
    let (mut client, mut conn) = tcp_pair()?;
    client.write_all("你好".as_bytes())?;
    client.shutdown(Shutdown::Write)?;

    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf)?;
    let again = conn.read(&mut buf)?;
    Ok(vec![
        format!("第一次 read：{n} 字节 {:?}", show(&buf[..n])),
        format!("再 read 一次：{again} 字节（0 就是 Python 的 b''：对方关闭了连接）"),
    ])
}
// ANCHOR_END: recv

// ANCHOR: recv_into
/// `conn.recv_into(buf)`：读进调用者准备好的缓冲区，返回字节数。
/// Rust 的 `read` 本来就是这样工作的，一块缓冲区可以反复使用，不必每次分配新的。
fn recv_into() -> io::Result<Vec<String>> {
    let (mut client, mut conn) = tcp_pair()?;
    client.write_all(b"abcdefgh")?;
    client.shutdown(Shutdown::Write)?;

    let mut buf = [0u8; 4];
    let mut lines = Vec::new();
    loop {
        let n = conn.read(&mut buf)?;
        lines.push(format!(
            "read 进 4 字节的缓冲区：{n} 字节 {:?}",
            show(&buf[..n])
        ));
        if n == 0 {
            break;
        }
    }
    Ok(lines)
}
// ANCHOR_END: recv_into

// ANCHOR: recvfrom
/// `sock.recvfrom(1024)`：UDP 收一个数据报，同时得到发送方的地址，好给它回信。
fn recvfrom() -> io::Result<Vec<String>> {
    let (sender, receiver) = (udp_socket()?, udp_socket()?);
    sender.send_to(b"Michael", receiver.local_addr()?)?;

    let mut buf = [0u8; 1024];
    let (n, from) = receiver.recv_from(&mut buf)?;
    let same = from == sender.local_addr()?;
    Ok(vec![format!(
        "recv_from：{n} 字节 {:?}，来源地址就是发送方的地址：{}",
        show(&buf[..n]),
        if same { "是" } else { "否" }
    )])
}
// ANCHOR_END: recvfrom

// ANCHOR: send
/// `conn.send(data)`：一次 write 可能只写出一部分，返回值说明写了多少，剩下的要自己再写。
/// 对方一直不读、发送缓冲区满了时最容易看到：非阻塞模式下，write 写满缓冲区就返回。
fn send() -> io::Result<Vec<String>> {
    let (client, _conn) = tcp_pair()?;
    let data = vec![b'x'; 32 << 20]; // 32 MiB，比本机两端的内核缓冲区加起来还大
    client.set_nonblocking(true)?;
    let n = (&client).write(&data)?;
    // 再写剩下的。内核可能恰好把一些数据挪进了对方的接收缓冲区、腾出一点地方，
    // 所以多试几次：对方一直不读，缓冲区迟早是满的。
    let mut sent = n;
    let mut next = "又写出了一些";
    for _ in 0..100 {
        match (&client).write(&data[sent..]) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                next = "WouldBlock（缓冲区满了，要等对方读走一些）";
                break;
            }
            Err(_) => {
                next = "出错";
                break;
            }
            Ok(more) => sent += more,
        }
    }
    Ok(vec![
        format!(
            "write 32 MiB：只写出了一部分（{}），要看返回值",
            if n < data.len() {
                "少于 32 MiB"
            } else {
                "竟然全部写出"
            }
        ),
        format!("马上再写剩下的：{next}"),
    ])
}
// ANCHOR_END: send

// ANCHOR: sendall
/// `conn.sendall(data)`：循环调用 write 直到全部写出（或出错）。Rust 里叫 `write_all`。
fn sendall() -> io::Result<Vec<String>> {
    let (mut client, conn) = tcp_pair()?;
    // 4 MiB 有规律的字节，收到后能逐字节核对。
    let data: Vec<u8> = (0..4u32 << 20).map(|i| (i % 251) as u8).collect();
    // 对方在另一个线程里一直读，直到 EOF。
    let reader = thread::spawn(move || {
        let mut got = Vec::new();
        BufReader::new(conn).read_to_end(&mut got).map(|_| got)
    });
    client.write_all(&data)?;
    client.shutdown(Shutdown::Write)?;
    let got = reader
        .join()
        .map_err(|_| io::Error::other("读线程意外结束"))??;
    Ok(vec![format!(
        "write_all 4 MiB 返回后，对方读到 {} 字节，内容{}",
        got.len(),
        if got == data {
            "完全一致"
        } else {
            "不一致"
        }
    )])
}
// ANCHOR_END: sendall

// ANCHOR: sendto
/// `sock.sendto(data, addr)`：UDP 不用连接，每个数据报单独指定收件人；数据报的边界会保留。
fn sendto() -> io::Result<Vec<String>> {
    let sender = udp_socket()?;
    let (tracy, sarah) = (udp_socket()?, udp_socket()?);
    sender.send_to(b"Tracy", tracy.local_addr()?)?;
    sender.send_to(b"Sarah", sarah.local_addr()?)?;
    sender.send_to(b"!", sarah.local_addr()?)?;

    let mut buf = [0u8; 1024];
    let n = tracy.recv(&mut buf)?;
    let first = show(&buf[..n]);
    let n = sarah.recv(&mut buf)?;
    let second = show(&buf[..n]);
    let n = sarah.recv(&mut buf)?;
    let third = show(&buf[..n]);
    Ok(vec![
        format!("同一个套接字发给两个地址：一个收到 {first:?}，另一个收到 {second:?}"),
        format!("第二个收件人再收一次：{third:?}（两个数据报没有粘在一起）"),
    ])
}
// ANCHOR_END: sendto

// ANCHOR: sendfile
/// `conn.sendfile(f)`：把文件从头发到尾。可移植的 Rust 写法是 `io::copy(&mut file, &mut stream)`：
/// 它在程序里借一块缓冲区，读一块、写一块。在 Linux 上标准库会为一些组合改用内核里的拷贝
/// （比如文件到文件用 copy_file_range，涉及管道时用 splice），但“文件 → 套接字”这一对它故意不做：
/// 页面还留在发送缓冲区里时，文件之后的改动可能被发出去，这违背 read/write 的语义。
/// 想要 Python 在 Linux 上那样的零拷贝，就自己调用 sendfile(2)，见 [`sendfile_linux`]。
fn sendfile() -> io::Result<Vec<String>> {
    let content: Vec<u8> = (0..1u32 << 20).map(|i| (i % 253) as u8).collect(); // 1 MiB
    let mut file = tempfile::tempfile()?;
    file.write_all(&content)?;

    let mut lines = Vec::new();
    file.seek(SeekFrom::Start(0))?;
    let (sent, got) = send_and_collect(|stream| io::copy(&mut file, stream))?;
    lines.push(format!(
        "io::copy 返回 {sent}，对方收到 {} 字节，与文件内容{}",
        got.len(),
        if got == content {
            "完全一致"
        } else {
            "不一致"
        }
    ));
    #[cfg(target_os = "linux")]
    {
        let (sent, got) = send_and_collect(|stream| sendfile_linux(&file, stream))?;
        lines.push(format!(
            "libc::sendfile 返回 {sent}，对方收到 {} 字节，与文件内容{}",
            got.len(),
            if got == content {
                "完全一致"
            } else {
                "不一致"
            }
        ));
    }
    Ok(lines)
}

/// 用 `send` 往一条新连接里发数据，同时在另一个线程里把对方收到的全部读回来。
fn send_and_collect(
    send: impl FnOnce(&mut TcpStream) -> io::Result<u64>,
) -> io::Result<(u64, Vec<u8>)> {
    let (mut client, conn) = tcp_pair()?;
    let reader = thread::spawn(move || {
        let mut got = Vec::new();
        BufReader::new(conn).read_to_end(&mut got).map(|_| got)
    });
    let sent = send(&mut client)?;
    client.shutdown(Shutdown::Write)?;
    let got = reader
        .join()
        .map_err(|_| io::Error::other("读线程意外结束"))??;
    Ok((sent, got))
}

/// Linux 的 sendfile(2)：内核直接把文件的页送进套接字，数据不经过我们的程序。
/// 发的是整个文件（从偏移 0 开始，不改变 `file` 自己的读写位置）；返回发送的字节数。
#[cfg(target_os = "linux")]
pub fn sendfile_linux(file: &File, stream: &TcpStream) -> io::Result<u64> {
    use std::os::fd::AsRawFd;
    let len = file.metadata()?.len();
    let mut offset: libc::off_t = 0;
    let mut sent = 0u64;
    while sent < len {
        let left = usize::try_from(len - sent).unwrap_or(usize::MAX);
        // SAFETY: 两个文件描述符在调用期间都有效（由借用保证），offset 指向活着的局部变量。
        let n = unsafe { libc::sendfile(stream.as_raw_fd(), file.as_raw_fd(), &mut offset, left) };
        if n < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(err);
        }
        if n == 0 {
            break; // 文件在发送途中变短了
        }
        sent += n as u64;
    }
    Ok(sent)
}
// ANCHOR_END: sendfile

// ANCHOR: makefile
/// `conn.makefile('rw')`：读写各包一层缓冲。写进 BufWriter 的内容在 flush 之前根本没有离开程序。
fn makefile() -> io::Result<Vec<String>> {
    let (client, conn) = tcp_pair()?;
    let mut wfile = BufWriter::new(conn.try_clone()?);
    let _rfile = BufReader::new(conn); // 读的一侧，这个例子里没用上

    writeln!(wfile, "第一行")?;
    writeln!(wfile, "第二行")?;
    // 对方用非阻塞的 read 看一眼：flush 之前，内核里一个字节也没有。
    client.set_nonblocking(true)?;
    let before = match (&client).read(&mut [0u8; 64]) {
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => "什么也没有（WouldBlock）".to_string(),
        Ok(n) => format!("{n} 字节"),
        Err(e) => format!("出错：{e}"),
    };
    client.set_nonblocking(false)?;

    wfile.flush()?;
    let mut peer = BufReader::new(&client);
    let mut lines = Vec::new();
    for _ in 0..2 {
        let mut line = String::new();
        peer.read_line(&mut line)?;
        lines.push(line.trim_end().to_string());
    }
    Ok(vec![
        format!("写了两行但还没 flush，对方读到：{before}"),
        format!("flush 之后，对方按行读到：{lines:?}"),
    ])
}
// ANCHOR_END: makefile
