//! 书里“教程版哪里会坏”的真实运行：每个测试制造一种情况，先跑教程版，再跑完整版，
//! 把两边真实的输出和几行旁白（以 # 开头，命令以 $ 开头）记进 output/breaks-*.txt。
//! 旁白说的每一件事，测试都检查过。

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use testkit::{assert_matches_saved, Proc, DEADLINE};

use super::twins::{http_twin_in, peer_port, saved, shown, Side};

const TUTORIAL_SERVER: &str = env!("CARGO_BIN_EXE_l03-tutorial-server");
const TUTORIAL_CLIENT: &str = env!("CARGO_BIN_EXE_l03-tutorial-client");
const TUTORIAL_HTTP_GET: &str = env!("CARGO_BIN_EXE_l03-tutorial-http-get");
const SERVER: &str = env!("CARGO_BIN_EXE_l03-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l03-client");
const HTTP_GET: &str = env!("CARGO_BIN_EXE_l03-http-get");

/// 用来显示“没有发生”的观察时间：足够让一个正常的程序做完该做的事。
const WINDOW: Duration = Duration::from_secs(1);

/// 一次真实运行的记录：程序的输出行、旁白行、命令行，按发生的先后。
#[derive(Default)]
pub(crate) struct Transcript(Vec<String>);

impl Transcript {
    pub(crate) fn say(&mut self, line: &str) {
        self.0.push(format!("# {line}"));
    }
    pub(crate) fn command(&mut self, line: &str) {
        self.0.push(format!("$ {line}"));
    }
    pub(crate) fn output(&mut self, text: &str) {
        self.0.extend(text.lines().map(str::to_string));
    }
    pub(crate) fn text(&self) -> String {
        let mut s = self.0.join("\n");
        s.push('\n');
        s
    }
}

/// 测试当服务端：接受一个连接，读一次请求，然后交给 `reply`。
fn fake_server(reply: impl FnOnce(TcpStream) + Send + 'static) -> (String, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let handle = thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("客户端连上来");
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut buf = [0u8; 1024];
        let _ = stream.read(&mut buf);
        reply(stream);
    });
    (port, handle)
}

#[test]
fn an_idle_client_holds_the_tutorial_server() {
    let mut t = Transcript::default();
    t.command("l03-tutorial-server");
    let mut srv = Proc::server(TUTORIAL_SERVER, ["0"]);
    let port = srv.port();
    let idle = TcpStream::connect(srv.addr()).unwrap();
    let peer = idle.local_addr().unwrap().port().to_string();
    srv.expect_stdout("('127.0.0.1', ");
    thread::sleep(WINDOW);
    let so_far = shown(&srv.stdout_so_far(), &port, "8888", Some(&peer));
    let lines: Vec<&str> = so_far.lines().collect();
    assert_eq!(lines.len(), 2, "服务端不应当再打印什么：\n{so_far}");
    assert!(srv.is_running(), "服务端应当还停在 recv 里");
    t.output(lines[0]);
    t.say("一个客户端连上来，一个字节也不发");
    t.output(lines[1]);
    t.say("1 秒过去了：服务端没有再打印任何东西，还停在 recv 里，一直等下去（测试到此把它结束）");
    drop(srv);
    drop(idle);

    t.say("同样的客户端，换成完整版，空闲超时设为 1 秒：");
    t.command("l03-server --idle-timeout 1");
    let full = Proc::server(SERVER, ["--port", "0", "--idle-timeout", "1"]);
    let port = full.port();
    let idle = TcpStream::connect(full.addr()).unwrap();
    let peer = idle.local_addr().unwrap().to_string();
    let out = full.finish();
    drop(idle);
    testkit::assert_clear_failure(&out, "1 秒内什么也没有发送");
    t.output(&normalize_full(&out.stdout, &port, &peer));
    t.output(&out.stderr);
    assert_matches_saved(&saved("breaks-idle-client.txt"), &t.text());
}

/// 完整版服务端的输出里，端口换成默认值 8888，客户端地址换成 127.0.0.1:54321。
fn normalize_full(text: &str, port: &str, peer: &str) -> String {
    text.replace(peer, "127.0.0.1:54321")
        .replace(&format!(":{port}"), ":8888")
}

#[test]
fn a_reply_in_two_pieces_is_cut_by_one_read() {
    let mut t = Transcript::default();
    t.say("服务端（测试里的一小段代码）先发出“我是”（6 个字节），等客户端退出以后才发“Server”");
    let (done, wait_done) = mpsc::channel::<()>();
    let (port, server) = fake_server(move |mut s| {
        s.write_all("我是".as_bytes()).unwrap();
        wait_done
            .recv_timeout(DEADLINE)
            .expect("客户端在期限内退出");
        let _ = s.write_all(b"Server");
    });
    t.command("l03-tutorial-client");
    let out = testkit::run(TUTORIAL_CLIENT, [&port], "");
    done.send(()).unwrap();
    server.join().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, "我是\n");
    t.output(&out.stdout);
    t.say("退出码 0，没有任何提示：读一次拿到的“我是”被当成了整个回复，“Server”没有人读");

    t.say("同样分两次发送（中间隔 200 毫秒），换成完整版客户端：");
    let (port, server) = fake_server(|mut s| {
        s.write_all("我是".as_bytes()).unwrap();
        // 这段停顿只是让两段更像分开到达；不管停多久，完整版都应当读到两段。
        thread::sleep(Duration::from_millis(200));
        s.write_all(b"Server").unwrap();
    });
    t.command("l03-client");
    let out = testkit::run(CLIENT, ["--port", &port], "");
    server.join().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stdout.contains("按 UTF-8 解码：我是Server"),
        "{}",
        out.stdout
    );
    t.output(&out.stdout.replace(&format!(":{port}"), ":8888"));
    assert_matches_saved(&saved("breaks-two-pieces.txt"), &t.text());
}

#[test]
fn a_reply_over_1024_bytes_is_cut_and_can_split_a_character() {
    let long = "你好".repeat(250);
    assert_eq!(long.len(), 1500);
    let mut t = Transcript::default();
    t.say("服务端（测试里的一小段代码）一次发来 1500 个字节：“你好”重复 250 遍，每个字 3 个字节");
    let (got, reset_seen) = mpsc::channel();
    let reply = long.clone();
    let (port, server) = fake_server(move |mut s| {
        s.write_all(reply.as_bytes()).unwrap();
        // 客户端读了 1024 个字节就退出，还有 476 个字节没读：它那边的系统发来的应当是 RST。
        let mut rest = Vec::new();
        got.send(s.read_to_end(&mut rest).map_err(|e| e.kind()))
            .unwrap();
    });
    t.command("l03-tutorial-client");
    let out = testkit::run(TUTORIAL_CLIENT, [&port], "");
    server.join().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(out.stdout, "", "解码失败，什么也没打印出来");
    assert!(
        out.stderr.contains("valid_up_to: 1023, error_len: None"),
        "{}",
        out.stderr
    );
    t.output(&out.stderr);
    t.say("1024 = 3 × 341 + 1：最后一个“你”只读到了 1 个字节，解码失败，教程版出错退出");
    assert_eq!(
        reset_seen.recv_timeout(DEADLINE).unwrap(),
        Err(std::io::ErrorKind::ConnectionReset)
    );
    t.say("客户端退出时还有 476 个字节没读：服务端那边的 read 得到 ConnectionReset（RST，见“连接是怎么结束的”）");

    t.say("同样的 1500 个字节，换成完整版客户端：");
    let reply = long.clone();
    let (port, server) = fake_server(move |mut s| {
        s.write_all(reply.as_bytes()).unwrap();
    });
    t.command("l03-client");
    let out = testkit::run(CLIENT, ["--port", &port], "");
    server.join().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stdout.contains("收到回复 1500 个字节"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("共 500 个字符"), "{}", out.stdout);
    t.output(&out.stdout.replace(&format!(":{port}"), ":8888"));
    assert_matches_saved(&saved("breaks-over-1024.txt"), &t.text());
}

#[test]
fn the_http_twin_overwrites_a_file_with_a_cut_short_body() {
    const NOTES: &str = "我的笔记：不要弄丢";
    const RESPONSE: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nonly ten!!";
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index.html");
    std::fs::write(&index, NOTES).unwrap();
    let mut t = Transcript::default();
    t.say(&format!(
        "当前文件夹里原本有一个 index.html，里面是“{NOTES}”"
    ));
    t.say("服务端（测试里的一小段代码）说正文有 100 个字节，只发了 10 个就关闭了连接");
    let (port, server) = fake_server(|mut s| s.write_all(RESPONSE).unwrap());
    t.command("l03-tutorial-http-get 8000");
    let out = http_twin_in(dir.path(), Side::Rust(TUTORIAL_HTTP_GET), "python3", &port);
    server.join().unwrap();
    assert!(out.status.success(), "{out:?}");
    t.output(&out.stdout);
    assert_eq!(std::fs::read(&index).unwrap(), b"only ten!!");
    t.say("退出码 0，没有任何提示；index.html 现在是收到的 10 个字节“only ten!!”，原来的笔记没了");

    std::fs::write(&index, NOTES).unwrap();
    t.say("把笔记放回去，换成完整版：");
    t.command("l03-http-get --port 8000");
    let out = run_http_get(dir.path(), &["--port", &port]);
    testkit::assert_clear_failure(&out, "index.html 已经存在");
    t.output(&out.stderr);
    t.command("l03-http-get --port 8000 --force");
    let (port, server) = fake_server(|mut s| s.write_all(RESPONSE).unwrap());
    let out = run_http_get(dir.path(), &["--port", &port, "--force"]);
    server.join().unwrap();
    testkit::assert_clear_failure(&out, "原来的 index.html 没有改动");
    t.output(&out.stdout.replace(&format!(":{port}"), ":8000"));
    t.output(&out.stderr);
    assert_eq!(std::fs::read_to_string(&index).unwrap(), NOTES);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "不留下临时文件");
    t.say("index.html 还是原来的笔记，文件夹里也没有留下临时文件");
    assert_matches_saved(&saved("breaks-http-cut-body.txt"), &t.text());
}

fn run_http_get(dir: &std::path::Path, args: &[&str]) -> testkit::Finished {
    let out = assert_cmd::Command::new(HTTP_GET)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .env_remove("RUST_BACKTRACE")
        .timeout(DEADLINE)
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    testkit::Finished {
        status: out.status,
        stdout: text(out.stdout),
        stderr: text(out.stderr),
    }
}

#[test]
fn peer_port_reads_the_python_style_address() {
    assert_eq!(
        peer_port("127.0.0.1:1\n('127.0.0.1', 40312)\n").as_deref(),
        Some("40312")
    );
}
