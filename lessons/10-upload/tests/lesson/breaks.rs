//! 书里“教程版哪里会坏”的几次真实运行。每次运行写成一份记录（`output/breaks-*.txt`）：
//! 程序真实打印的行前面标上是谁打印的，中间夹几行以 `# ` 开头的说明；
//! 说明里讲的每一件事，这里都检查过。

use crate::common;
use crate::twins::{save, wait_stdout, waiting_again, Twin, TUTORIAL_CLIENT, TUTORIAL_SERVER};

use std::fs;
use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::thread;
use std::time::Duration;

use common::{connect, listing, CLIENT};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use testkit::{wait_until, Proc};

const SERVER_NAME: &str = "l10-tutorial-server";
const CLIENT_NAME: &str = "l10-tutorial-client";

/// “证明某件事没有发生”时观察的时长。
const WATCH: Duration = Duration::from_secs(1);

/// 一次运行的记录。
#[derive(Default)]
struct Transcript(String);

impl Transcript {
    fn note(&mut self, line: &str) {
        self.0.push_str(&format!("# {line}\n"));
    }

    fn lines(&mut self, who: &str, text: &str) {
        for line in text.lines() {
            self.0.push_str(&format!("[{who}] {line}\n"));
        }
    }
}

/// `dir` 里的文件（进入一层子目录），每个带上大小：`x（5 字节）`、`yuan/`、`yuan/x（5 字节）`。
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for name in listing(dir) {
        let path = dir.join(&name);
        if path.is_dir() {
            out.push(format!("{name}/"));
            for inner in listing(&path) {
                let len = fs::metadata(path.join(&inner)).unwrap().len();
                out.push(format!("{name}/{inner}（{len} 字节）"));
            }
        } else {
            let len = fs::metadata(&path).unwrap().len();
            out.push(format!("{name}（{len} 字节）"));
        }
    }
    out
}

/// 服务端这一头、已经建立的连接（本地端口是 `port`）的接收队列里，还有多少字节没被程序读走。
/// 读的是 /proc/net/tcp：`local_address` 是 `IP:端口`（十六进制），`st` 是 01（ESTABLISHED），
/// `tx_queue:rx_queue` 也是十六进制。
fn unread_bytes(port: u16) -> Option<usize> {
    let table = fs::read_to_string("/proc/net/tcp").ok()?;
    table.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        let local = u16::from_str_radix(f.get(1)?.split(':').nth(1)?, 16).ok()?;
        if local != port || *f.get(3)? != "01" {
            return None;
        }
        usize::from_str_radix(f.get(4)?.split(':').nth(1)?, 16).ok()
    })
}

fn signal(proc: &Proc, sig: Signal) {
    let pid = Pid::from_raw(i32::try_from(proc.pid()).unwrap());
    kill(pid, sig).expect("给自己启动的服务端发信号");
}

#[test]
fn the_header_swallows_the_start_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "hello").unwrap();
    let mut t = Transcript::default();
    let mut server = Twin::Rust(TUTORIAL_SERVER).server(dir.path());
    let port = server.addr().port();
    let before = wait_stdout(&mut server, "waiting connect", |o| {
        o.contains("waiting connect")
    });
    t.lines(SERVER_NAME, &before);
    // 服务端停在 accept 之前：就像它正忙着，或者被系统晚一点调度。
    signal(&server, Signal::SIGSTOP);
    t.note("服务端暂停（SIGSTOP）。这时客户端上传 a.txt（5 个字节 hello），输入的是 post|a.txt");
    let mut client = Twin::Rust(TUTORIAL_CLIENT).spawn(dir.path(), port);
    client.send_line("post|a.txt");
    client.expect_stdout("上传成功");
    let sent = "post|5|a.txthello".len();
    wait_until(
        "请求头和文件内容都到了服务端的接收队列",
        || unread_bytes(port) == Some(sent),
    );
    let out = client.finish();
    t.lines(CLIENT_NAME, &out.stdout);
    t.note(&format!(
        "两次 sendall 的 {sent} 个字节都在服务端的接收队列里了。客户端已经退出，服务端继续（SIGCONT）"
    ));
    signal(&server, Signal::SIGCONT);
    let all = wait_stdout(&mut server, "服务端回去等下一个连接", waiting_again);
    t.lines(SERVER_NAME, &all[before.len()..]);
    let files = tree(&dir.path().join("yuan"));
    assert_eq!(files, ["a.txthello（0 字节）"]);
    t.note(&format!("yuan 里：{}", files.join("、")));
    save("breaks-sticky.txt", &t.0, port, 8898);
}

/// 一个手写的客户端：发请求头，等服务端把 `created` 建好（它已经读走了请求头），再发内容。
fn post_in_two_steps(port: u16, header: &str, body: &[u8], created: &Path) -> TcpStream {
    let stream = connect(([127, 0, 0, 1], port).into());
    (&stream).write_all(header.as_bytes()).unwrap();
    wait_until("服务端建好文件", || created.exists());
    (&stream).write_all(body).unwrap();
    stream
}

#[test]
fn the_tutorial_server_writes_outside_its_folder() {
    let mut t = Transcript::default();
    let mut port = 0;
    for (twin, who, landed) in [
        (
            Twin::Python("tutorial_server.py"),
            "tutorial_server.py",
            "x",
        ),
        (Twin::Rust(TUTORIAL_SERVER), SERVER_NAME, "yuan/x"),
    ] {
        if matches!(twin, Twin::Python(_)) && !crate::twins::have_python("breaks-traversal") {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let mut server = twin.server(dir.path());
        port = server.addr().port();
        t.note(&format!(
            "在一个临时文件夹里运行 {who}。一个客户端发出 post|5|../x，再发 5 个字节"
        ));
        let stream = post_in_two_steps(port, "post|5|../x", b"hello", &dir.path().join(landed));
        wait_stdout(&mut server, "ending", |o| o.contains("ending"));
        drop(stream);
        let shown = wait_stdout(&mut server, "服务端回去等下一个连接", waiting_again);
        t.lines(who, &shown.replace(&format!(":{port}"), ":8898"));
        let files = tree(dir.path());
        t.note(&format!("临时文件夹里：{}", files.join("、")));
        assert!(files.contains(&format!("{landed}（5 字节）")), "{files:?}");
    }
    assert!(t.0.contains("x（5 字节）、yuan/\n"), "{}", t.0);
    save("breaks-traversal.txt", &t.0, port, 8898);
}

#[test]
fn a_cut_connection_leaves_half_a_file_under_its_real_name() {
    let mut t = Transcript::default();
    let dir = tempfile::tempdir().unwrap();
    let mut server = Twin::Rust(TUTORIAL_SERVER).server(dir.path());
    let port = server.addr().port();
    t.note("一个客户端说好发 1000 字节（post|1000|big.bin），发了 300 字节，连接就断了");
    let stream = post_in_two_steps(
        port,
        "post|1000|big.bin",
        &[b'x'; 300],
        &dir.path().join("yuan/big.bin"),
    );
    drop(stream);
    let shown = wait_stdout(&mut server, "服务端回去等下一个连接", waiting_again);
    t.lines(SERVER_NAME, &shown);
    let files = tree(&dir.path().join("yuan"));
    assert_eq!(files, ["big.bin（300 字节）"]);
    t.note(&format!(
        "yuan 里：{}，用着正式的名字，看不出它是半截的",
        files.join("、")
    ));

    // 同样的事发生在完整版身上。
    let full = common::start(&[]);
    let stream = connect(full.addr());
    (&stream).write_all(b"post|1000|big.bin\n").unwrap();
    (&stream).write_all(&[b'x'; 300]).unwrap();
    wait_until("临时文件出现", || {
        full.listing().iter().any(|n| n.starts_with(".upload-"))
    });
    t.note("同样的 300 字节发给完整版（请求头多一个换行），连接同样断在半路");
    drop(stream);
    let mut full = full;
    full.proc.expect_stdout("[#1] 拒绝");
    let log = full.proc.stdout_so_far();
    let log: Vec<&str> = log.lines().filter(|l| l.starts_with("[#1]")).collect();
    t.lines("l10-server", &log.join("\n"));
    assert!(full.listing().is_empty(), "{:?}", full.listing());
    t.note("uploads 里：什么都没有");
    save("breaks-cut.txt", &t.0, port, 8898);
}

#[test]
fn one_silent_client_holds_up_everyone() {
    let mut t = Transcript::default();
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("b.txt"), "hello").unwrap();
    let mut server = Twin::Rust(TUTORIAL_SERVER).server(dir.path());
    let port = server.addr().port();
    t.note("客户端 A 连上服务端，什么也不发。客户端 B 接着上传 b.txt");
    let silent = connect(server.addr());
    let mut b = Twin::Rust(TUTORIAL_CLIENT).spawn(dir.path(), port);
    b.send_line("post|b.txt");
    let out = b.finish();
    t.lines(CLIENT_NAME, &out.stdout);
    thread::sleep(WATCH); // 观察一段时间，证明什么都没有发生
    assert!(tree(&dir.path().join("yuan")).is_empty());
    assert_eq!(
        server.stdout_so_far(),
        format!("127.0.0.1:{port}\nwaiting connect")
    );
    t.note("1 秒过去了：B 说了上传成功，yuan 里却什么都没有，服务端还在等 A");
    t.lines(SERVER_NAME, &server.stdout_so_far());
    drop(silent);

    // 完整版：每个连接一个线程，A 不说话也不耽误 B；B 的成功是服务端回答的 ok。
    let full = common::start(&[]);
    let silent = connect(full.addr());
    let out = testkit::run(
        CLIENT,
        [
            "--port",
            &full.port(),
            "upload",
            &dir.path().join("b.txt").display().to_string(),
        ],
        "",
    );
    assert!(out.status.success(), "{}", out.stderr);
    t.note("换成完整版：A 照样连着不说话，B 用 l10-client 上传 b.txt");
    let shown: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| !l.starts_with("用时 ") && !l.starts_with("已连接 ") && !l.starts_with("上传 "))
        .collect();
    t.lines("l10-client", &shown.join("\n"));
    assert_eq!(full.listing(), ["b.txt"]);
    drop(silent);
    save("breaks-silent.txt", &t.0, port, 8898);
}
