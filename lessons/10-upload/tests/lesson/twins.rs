//! 教程版和它们的 Python 对照：Rust 服务端配 Python 客户端、Python 服务端配 Rust 客户端、
//! 两个 Rust 配在一起，看到的行一字不差；收到的文件和发出的一样。
//!
//! 教程的上传协议天生有一个竞争：请求头和文件内容是两次 `sendall`，服务端的 `recv(1024)`
//! 可能只收到请求头，也可能连文件开头一起收到（粘包，见 breaks.rs）。为了让测试每次都一样，
//! 客户端和服务端中间放一段由测试掌握的“网络”（[`relay`]）：先只转请求头，等服务端在 yuan 里
//! 建好了文件，再转其余的字节。这是网络好的时候最常见的情形：两段分开到达。

use crate::common;

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::thread::{self, JoinHandle};

use common::{random_bytes, saved_output};
use testkit::{assert_matches_saved, normalize, wait_until, Proc, DEADLINE};

pub const TUTORIAL_SERVER: &str = env!("CARGO_BIN_EXE_l10-tutorial-server");
pub const TUTORIAL_CLIENT: &str = env!("CARGO_BIN_EXE_l10-tutorial-client");
pub const PICTURE_SERVER: &str = env!("CARGO_BIN_EXE_l10-picture-server");
pub const PICTURE_CLIENT: &str = env!("CARGO_BIN_EXE_l10-picture-client");

/// 教程版的一个程序：Rust 的可执行文件，或者 `python/` 里的脚本。
#[derive(Clone, Copy)]
pub enum Twin {
    Rust(&'static str),
    Python(&'static str),
}

impl Twin {
    /// 在 `dir` 里运行它的命令行：`env -C <dir> …` 先换当前目录，再 exec 程序（还是同一个进程，
    /// 测试杀掉的就是它）。教程版的文件都在当前目录里（yuan、python.jpg），所以每个测试给它一个临时目录。
    pub fn argv(self, dir: &Path, args: &[&str]) -> Vec<String> {
        let mut argv = vec!["-C".to_string(), dir.display().to_string()];
        match self {
            Twin::Rust(exe) => argv.push(exe.into()),
            Twin::Python(script) => {
                argv.push("python3".into());
                argv.push(format!("{}/python/{script}", env!("CARGO_MANIFEST_DIR")));
            }
        }
        argv.extend(args.iter().map(|a| a.to_string()));
        argv
    }

    pub fn server(self, dir: &Path) -> Proc {
        Proc::server("env", self.argv(dir, &["0"]))
    }

    pub fn spawn(self, dir: &Path, port: u16) -> Proc {
        Proc::spawn("env", self.argv(dir, &[&port.to_string()]))
    }
}

/// 用到 Python 的测试先问一声：没有 python3 时说明原因，返回 false。
pub fn have_python(test: &str) -> bool {
    testkit::python3(test).is_some()
}

/// 端口换成教程的端口，和书里保存的比较。
pub fn save(file: &str, text: &str, port: u16, shown: u16) {
    let text = normalize(
        text,
        &[(&format!("127.0.0.1:{port}"), &format!("127.0.0.1:{shown}"))],
    );
    assert_matches_saved(&saved_output(file), &text);
}

/// 一段由测试掌握的“网络”：接受一个客户端，连上 `server`，先只转前 `header_len` 个字节
/// （请求头），等 `created` 出现（服务端已经读走请求头、建好了文件），再把其余的字节原样转过去，
/// 直到客户端关闭连接。返回它监听的端口。
pub fn relay(server: SocketAddr, header_len: usize, created: PathBuf) -> (u16, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = thread::spawn(move || {
        let (mut from, _) = listener.accept().unwrap();
        from.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut to = TcpStream::connect(server).unwrap();
        let mut header = vec![0u8; header_len];
        from.read_exact(&mut header).unwrap();
        to.write_all(&header).unwrap();
        wait_until("服务端建好文件", || created.exists());
        std::io::copy(&mut from, &mut to).unwrap();
    });
    (port, handle)
}

/// 等 `proc` 的标准输出（到目前为止的全部）满足条件，返回它；期限内等不到就让测试失败。
pub fn wait_stdout(proc: &mut Proc, what: &str, cond: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + DEADLINE;
    loop {
        let out = proc.stdout_so_far();
        if cond(&out) {
            return out + "\n";
        }
        assert!(
            std::time::Instant::now() < deadline,
            "等了 {DEADLINE:?} 还没有等到：{what}\n到目前为止：\n{out}\n{}",
            proc.stderr_so_far()
        );
        // 按期限轮询输出；不是在用睡眠等对方就绪。
        thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// 服务端回到 accept，又打印了一次 waiting connect。
pub fn waiting_again(out: &str) -> bool {
    out.matches("waiting connect").count() >= 2
}

const BODY: &str = "你好，文件上传\n";

/// 上传的教程版配成一对：客户端在 please input: 后输入 `post|a.txt`，然后标准输入结束。
/// 返回（服务端的输出，客户端的输出，服务端的端口）。
fn upload_pair(server: Twin, client: Twin) -> (String, String, u16) {
    let dir = tempfile::tempdir().unwrap();
    let body = BODY.as_bytes();
    fs::write(dir.path().join("a.txt"), body).unwrap();
    let mut srv = server.server(dir.path());
    let header = format!("post|{}|a.txt", body.len());
    let (port, relayed) = relay(srv.addr(), header.len(), dir.path().join("yuan/a.txt"));
    let mut cli = client.spawn(dir.path(), port);
    cli.send_line("post|a.txt");
    let out = cli.finish();
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    relayed.join().unwrap();
    // 客户端走了，服务端回去等下一个连接：第二个 waiting connect。
    let server_out = wait_stdout(&mut srv, "服务端回去等下一个连接", waiting_again);
    assert_eq!(fs::read(dir.path().join("yuan/a.txt")).unwrap(), body);
    assert_eq!(
        fs::read_dir(dir.path().join("yuan")).unwrap().count(),
        1,
        "yuan 里应当只有 a.txt"
    );
    (server_out, out.stdout, srv.addr().port())
}

const SERVER_SAYS: &str = "waiting connect\nending\nwaiting connect\n";
const CLIENT_SAYS: &str = "客户端启动....\nplease input:上传成功\nplease input:\n";

#[test]
fn the_tutorial_twins_upload_a_file() {
    let (server, client, port) =
        upload_pair(Twin::Rust(TUTORIAL_SERVER), Twin::Rust(TUTORIAL_CLIENT));
    assert_eq!(server, format!("127.0.0.1:{port}\n{SERVER_SAYS}"));
    assert_eq!(client, CLIENT_SAYS);
    save("tutorial-server.txt", &server, port, 8898);
    save("tutorial-client.txt", &client, port, 8898);
}

#[test]
fn the_rust_tutorial_server_takes_the_python_client() {
    if !have_python("the_rust_tutorial_server_takes_the_python_client") {
        return;
    }
    let (server, client, port) = upload_pair(
        Twin::Rust(TUTORIAL_SERVER),
        Twin::Python("tutorial_client.py"),
    );
    assert_eq!(server, format!("127.0.0.1:{port}\n{SERVER_SAYS}"));
    assert_eq!(client, CLIENT_SAYS);
}

#[test]
fn the_python_tutorial_server_takes_the_rust_client() {
    if !have_python("the_python_tutorial_server_takes_the_rust_client") {
        return;
    }
    let (server, client, port) = upload_pair(
        Twin::Python("tutorial_server.py"),
        Twin::Rust(TUTORIAL_CLIENT),
    );
    assert_eq!(server, format!("127.0.0.1:{port}\n{SERVER_SAYS}"));
    assert_eq!(client, CLIENT_SAYS);
}

#[test]
fn the_tutorial_client_sends_the_header_and_exactly_the_bytes() {
    // 一个只收不说的服务端：看客户端到底发了什么。请求头里只有文件名部分，没有目录。
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    let data = random_bytes(5000, 3);
    fs::write(dir.path().join("sub/b.bin"), &data).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut cli = Twin::Rust(TUTORIAL_CLIENT).spawn(dir.path(), port);
    cli.send_line("");
    cli.send_line("hello");
    cli.send_line("post|sub/b.bin");
    let (mut conn, _) = listener.accept().unwrap();
    conn.set_read_timeout(Some(DEADLINE)).unwrap();
    let out = cli.finish();
    let mut got = Vec::new();
    conn.read_to_end(&mut got).unwrap();
    let mut want = b"post|5000|b.bin".to_vec();
    want.extend_from_slice(&data);
    assert!(got == want, "客户端发的不是 请求头 + 文件的全部字节");
    // 空行和不以 post 开头的行什么也不做，再问一次。
    assert_eq!(
        out.stdout,
        "客户端启动....\nplease input:please input:please input:上传成功\nplease input:\n"
    );
}

/// 发图片的教程版配成一对：服务端发当前目录下的 python.jpg，客户端存成 python1.jpg。
fn picture_pair(server: Twin, client: Twin) -> (String, String, u16) {
    let dir = tempfile::tempdir().unwrap();
    // 图片里有很多 \n：服务端按“行”发送，一行一行地拼回去必须一字不差。
    let picture = random_bytes(20_000, 7);
    fs::write(dir.path().join("python.jpg"), &picture).unwrap();
    let mut srv = server.server(dir.path());
    let port = srv.addr().port();
    let out = client.spawn(dir.path(), port).finish();
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    assert!(
        fs::read(dir.path().join("python1.jpg")).unwrap() == picture,
        "收到的图片和发出的不一样"
    );
    (srv.stdout_so_far() + "\n", out.stdout, port)
}

#[test]
fn the_picture_twins_send_a_picture() {
    let (server, client, port) =
        picture_pair(Twin::Rust(PICTURE_SERVER), Twin::Rust(PICTURE_CLIENT));
    assert_eq!(server, format!("127.0.0.1:{port}\n"));
    assert_eq!(client, "图片大小： 20000\n传输完毕\n");
    save("picture-server.txt", &server, port, 12345);
    save("picture-client.txt", &client, port, 12345);
}

#[test]
fn the_rust_picture_server_serves_the_python_client() {
    if !have_python("the_rust_picture_server_serves_the_python_client") {
        return;
    }
    let (_, client, _) = picture_pair(
        Twin::Rust(PICTURE_SERVER),
        Twin::Python("picture_client.py"),
    );
    assert_eq!(client, "图片大小： 20000\n传输完毕\n");
}

#[test]
fn the_python_picture_server_serves_the_rust_client() {
    if !have_python("the_python_picture_server_serves_the_rust_client") {
        return;
    }
    let (server, client, port) = picture_pair(
        Twin::Python("picture_server.py"),
        Twin::Rust(PICTURE_CLIENT),
    );
    assert_eq!(server, format!("127.0.0.1:{port}\n"));
    assert_eq!(client, "图片大小： 20000\n传输完毕\n");
}

#[test]
fn the_picture_client_stops_when_the_server_leaves_early() {
    // 服务端说有 100 字节，只发 10 字节就关闭：教程的客户端会一直空转，教程版数到 3 次就停。
    for client in [
        Twin::Rust(PICTURE_CLIENT),
        Twin::Python("picture_client.py"),
    ] {
        if matches!(client, Twin::Python(_)) && !have_python("picture_client_early_close") {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let cli = client.spawn(dir.path(), port);
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(DEADLINE)).unwrap();
        conn.write_all(b"100").unwrap();
        let mut ack = [0u8; 18];
        conn.read_exact(&mut ack).unwrap();
        assert_eq!(&ack, b"Ready to recv file");
        conn.write_all(&[b'x'; 10]).unwrap();
        drop(conn);
        let out = cli.finish();
        assert!(out.status.success(), "{}", out.stderr);
        assert_eq!(
            out.stdout,
            "图片大小： 100\n连续 3 次收到 0 字节：服务端已经断开，只收到 10 字节（教程会在这里一直空转）\n"
        );
    }
}
