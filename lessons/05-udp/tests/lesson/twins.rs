//! 教程版：照教程逐行写成的 Rust，和照教程写法写的 Python（`python/`）互相对话，
//! 两个方向都试：Rust 服务端配 Python 客户端，Python 服务端配 Rust 客户端，以及 Rust 配 Rust。
//! 检查的是学习者看得到的每一行；书里展示的输出也由这里保持与实际一致。

use std::time::{Duration, Instant};

use crate::common;

use common::{normalize_ports, recv, saved, udp};
use testkit::{assert_matches_saved, Finished, Proc};

const TUTORIAL_SERVER: &str = env!("CARGO_BIN_EXE_l05-tutorial-server");
const TUTORIAL_CLIENT: &str = env!("CARGO_BIN_EXE_l05-tutorial-client");
const HELLO_SERVER: &str = env!("CARGO_BIN_EXE_l05-hello-udp-server");
const HELLO_CLIENT: &str = env!("CARGO_BIN_EXE_l05-hello-udp-client");

/// 教程版客户端等不到回答时说的话（Rust 和 Python 一字不差）。
pub const GAVE_UP: &str =
    "3 秒内没有收到回答，数据报可能丢了：教程的程序会一直等下去，教程版到此为止\n";

/// 教程版服务端收满 100 个数据报后说的话。
const SERVER_DONE: &str = "教程版收满 100 个数据报就停（教程的服务端会一直收下去）";

/// 教程版客户端对着正常的服务端时打印的全部内容。
const TUTORIAL_CLIENT_OUT: &str = "Hello, Michael!\nHello, Tracy!\nHello, Sarah!\n";

/// 教程版服务端（004 §1.3）回答了一个客户端的三个名字之后的全部输出（端口已换成固定值）。
const TUTORIAL_SERVER_LOG: &str = "127.0.0.1:9999\nBind UDP on 9999...\n\
    Received from 127.0.0.1:50000.\nReceived from 127.0.0.1:50000.\nReceived from 127.0.0.1:50000.\n";

/// 给 hello-udp 客户端的标准输入，和它打印的全部内容（提示不换行，标准输入不回显）。
const HELLO_STDIN: &str = "Michael\n你好\nquit\n";
const HELLO_CLIENT_OUT: &str = "请输入传输内容：客户端接收信息为：hello Michael\n\
    请输入传输内容：客户端接收信息为：hello 你好\n请输入传输内容：\n";
const HELLO_SERVER_LOG: &str = "127.0.0.1:12345\n接收信息： Michael\n接收信息： 你好\n";

/// 一个教程版程序怎样启动：Rust 的可执行文件，或者 `python3 python/<文件>`。
#[derive(Clone)]
pub struct Twin {
    program: String,
    args: Vec<String>,
}

impl Twin {
    pub fn rust(bin: &str) -> Twin {
        Twin {
            program: bin.to_string(),
            args: Vec::new(),
        }
    }

    pub fn python(py: &str, file: &str) -> Twin {
        let path = format!("{}/python/{file}", env!("CARGO_MANIFEST_DIR"));
        Twin {
            program: py.to_string(),
            args: vec![path],
        }
    }

    fn with(&self, extra: &[&str]) -> Vec<String> {
        let mut args = self.args.clone();
        args.extend(extra.iter().map(|a| a.to_string()));
        args
    }

    /// 作为服务端启动（端口 0），读第一行得到地址。
    pub fn serve(&self) -> Proc {
        Proc::server(&self.program, self.with(&["0"]))
    }

    /// 作为客户端启动，端口是唯一的参数。
    pub fn spawn(&self, port: &str) -> Proc {
        Proc::spawn(&self.program, self.with(&[port]))
    }

    /// 作为客户端运行到结束（有期限）。
    pub fn run(&self, port: &str, stdin: &str) -> Finished {
        testkit::run(&self.program, self.with(&[port]), stdin)
    }
}

/// 服务端回答完之后的全部输出，端口换成固定值。回答寄出之前那一行已经打印，所以杀掉再收集不会少行。
fn server_log(srv: &mut Proc, shown: u16) -> String {
    let port = srv.addr().port();
    normalize_ports(&srv.kill_and_collect().stdout, port, shown)
}

fn tutorial_pair(server: &Twin, client: &Twin) -> (String, Finished) {
    let mut srv = server.serve();
    let out = client.run(&srv.port(), "");
    (server_log(&mut srv, 9999), out)
}

fn hello_pair(server: &Twin, client: &Twin) -> (String, Finished) {
    let mut srv = server.serve();
    let out = client.run(&srv.port(), HELLO_STDIN);
    (server_log(&mut srv, 12345), out)
}

fn assert_ok(out: &Finished, stdout: &str) {
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, stdout);
    assert_eq!(out.stderr, "");
}

#[test]
fn tutorial_twins_talk_to_each_other() {
    let server = Twin::rust(TUTORIAL_SERVER);
    let (log, out) = tutorial_pair(&server, &Twin::rust(TUTORIAL_CLIENT));
    assert_ok(&out, TUTORIAL_CLIENT_OUT);
    assert_eq!(log, TUTORIAL_SERVER_LOG);
    assert_matches_saved(&saved("tutorial-client.txt"), &out.stdout);
    assert_matches_saved(&saved("tutorial-server.txt"), &log);
}

#[test]
fn tutorial_twin_server_answers_the_python_client() {
    let Some(py) = testkit::python3("tutorial_twin_server_answers_the_python_client") else {
        return;
    };
    let client = Twin::python(py, "tutorial_client.py");
    let (log, out) = tutorial_pair(&Twin::rust(TUTORIAL_SERVER), &client);
    assert_ok(&out, TUTORIAL_CLIENT_OUT);
    assert_eq!(log, TUTORIAL_SERVER_LOG);
}

#[test]
fn python_tutorial_server_answers_the_twin_client() {
    let Some(py) = testkit::python3("python_tutorial_server_answers_the_twin_client") else {
        return;
    };
    let server = Twin::python(py, "tutorial_server.py");
    let (log, out) = tutorial_pair(&server, &Twin::rust(TUTORIAL_CLIENT));
    assert_ok(&out, TUTORIAL_CLIENT_OUT);
    assert_eq!(
        log, TUTORIAL_SERVER_LOG,
        "Python 服务端打印的和 Rust 的一样"
    );
}

#[test]
fn hello_udp_twins_talk_to_each_other() {
    let (log, out) = hello_pair(&Twin::rust(HELLO_SERVER), &Twin::rust(HELLO_CLIENT));
    assert_ok(&out, HELLO_CLIENT_OUT);
    assert_eq!(log, HELLO_SERVER_LOG);
    assert_matches_saved(&saved("hello-udp-client.txt"), &out.stdout);
    assert_matches_saved(&saved("hello-udp-server.txt"), &log);
}

#[test]
fn hello_udp_twin_server_answers_the_python_client() {
    let Some(py) = testkit::python3("hello_udp_twin_server_answers_the_python_client") else {
        return;
    };
    let client = Twin::python(py, "hello_udp_client.py");
    let (log, out) = hello_pair(&Twin::rust(HELLO_SERVER), &client);
    assert_ok(&out, HELLO_CLIENT_OUT);
    assert_eq!(log, HELLO_SERVER_LOG);
}

#[test]
fn python_hello_udp_server_answers_the_twin_client() {
    let Some(py) = testkit::python3("python_hello_udp_server_answers_the_twin_client") else {
        return;
    };
    let server = Twin::python(py, "hello_udp_server.py");
    let (log, out) = hello_pair(&server, &Twin::rust(HELLO_CLIENT));
    assert_ok(&out, HELLO_CLIENT_OUT);
    assert_eq!(log, HELLO_SERVER_LOG, "Python 服务端打印的和 Rust 的一样");
}

/// 有 python3 时，Rust 版和 Python 版都要检查；没有时只检查 Rust 版（并说明）。
fn both(test: &str, rust: &str, python: &str) -> Vec<Twin> {
    let mut twins = vec![Twin::rust(rust)];
    twins.extend(testkit::python3(test).map(|py| Twin::python(py, python)));
    twins
}

#[test]
fn twin_servers_stop_after_100_datagrams() {
    let test = "twin_servers_stop_after_100_datagrams";
    let tutorial = both(test, TUTORIAL_SERVER, "tutorial_server.py");
    let hello = both(test, HELLO_SERVER, "hello_udp_server.py");
    for (twin, reply) in tutorial
        .iter()
        .map(|t| (t, "Hello, 甲!"))
        .chain(hello.iter().map(|t| (t, "hello 甲")))
    {
        let srv = twin.serve();
        let socket = udp();
        // 一问一答地发，一个也不会因为接收缓冲区满而丢掉。
        for _ in 0..100 {
            socket.send_to("甲".as_bytes(), srv.addr()).unwrap();
            assert_eq!(recv(&socket, "回答").0, reply.as_bytes());
        }
        let out = srv.finish();
        assert!(out.status.success(), "{}", out.stderr);
        // 两种服务端都先等自己的线程做完，再打印这一行，所以它一定是最后一行。
        assert!(
            out.stdout.ends_with(&format!("\n{SERVER_DONE}\n")),
            "最后一行应当说明为什么停下：{}",
            out.stdout
        );
    }
}

#[test]
fn twin_clients_stop_after_3_seconds_without_an_answer() {
    let test = "twin_clients_stop_after_3_seconds_without_an_answer";
    // 一个收下数据报却从不回答的“服务端”，就像回答在路上丢了。
    let silent = udp();
    let port = silent.local_addr().unwrap().port().to_string();
    let start = Instant::now();
    // 几个客户端同时等，整个测试只花 3 秒多一点。
    let mut running: Vec<(Proc, &str)> = Vec::new();
    for twin in both(test, TUTORIAL_CLIENT, "tutorial_client.py") {
        running.push((twin.spawn(&port), ""));
    }
    for twin in both(test, HELLO_CLIENT, "hello_udp_client.py") {
        let mut proc = twin.spawn(&port);
        proc.send_line("Michael");
        running.push((proc, "请输入传输内容：\n"));
    }
    let mut firsts = Vec::new();
    for _ in &running {
        firsts.push(recv(&silent, "客户端的第一个数据报").0);
    }
    for (proc, stdout) in running {
        let out = proc.finish();
        assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
        assert_eq!(out.stdout, stdout);
        assert_eq!(out.stderr, GAVE_UP);
        assert!(
            start.elapsed() >= Duration::from_secs(3),
            "应当整整等满 3 秒"
        );
    }
    // 每个客户端只发了它的第一个名字：等不到回答，后面的就不发了。
    assert!(firsts.iter().all(|d| d == b"Michael"), "{firsts:?}");
    silent.set_nonblocking(true).unwrap();
    assert!(
        silent.recv_from(&mut [0u8; 64]).is_err(),
        "放弃之后不该再发"
    );
}

#[test]
fn hello_udp_clients_end_on_eof_and_on_quit() {
    let test = "hello_udp_clients_end_on_eof_and_on_quit";
    let srv = Twin::rust(HELLO_SERVER).serve();
    let silent = udp();
    let nobody = silent.local_addr().unwrap().port().to_string();
    for twin in both(test, HELLO_CLIENT, "hello_udp_client.py") {
        // 最后一行没有换行符，然后是 EOF：这一行照样发出，EOF 和空行一样结束，不会空转。
        let out = twin.run(&srv.port(), "Tracy");
        assert_ok(
            &out,
            "请输入传输内容：客户端接收信息为：hello Tracy\n请输入传输内容：\n",
        );
        // quit 之后的行不再发送。
        let out = twin.run(&nobody, "quit\nMichael\n");
        assert_ok(&out, "请输入传输内容：\n");
        let out = twin.run(&nobody, "");
        assert_ok(&out, "请输入传输内容：\n");
    }
    silent.set_nonblocking(true).unwrap();
    assert!(
        silent.recv_from(&mut [0u8; 64]).is_err(),
        "不该发出任何东西"
    );
}

#[test]
fn both_hello_udp_servers_die_on_one_bad_byte() {
    // 教程的 data.decode('utf-8') 遇到坏字节抛出异常，Rust 版的 from_utf8 返回错误：两边都退出。
    let test = "both_hello_udp_servers_die_on_one_bad_byte";
    for twin in both(test, HELLO_SERVER, "hello_udp_server.py") {
        let srv = twin.serve();
        udp().send_to(b"caf\xff", srv.addr()).unwrap();
        let out = srv.finish();
        assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
        let last = out.stderr.lines().last().unwrap_or_default().to_string();
        if twin.program.starts_with("python") {
            assert_eq!(
                last,
                "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 3: invalid start byte"
            );
            assert_matches_saved(&saved("python-invalid-utf8.txt"), &format!("{last}\n"));
        } else {
            assert_eq!(
                last,
                "Error: Custom { kind: Other, error: Utf8Error { valid_up_to: 3, error_len: Some(1) } }"
            );
        }
    }
}
