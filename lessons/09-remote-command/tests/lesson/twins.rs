//! 教程版（l09-tutorial-server、l09-tutorial-client）和照教程写的 Python（python/tutorial_*.py）：
//! 各自配对、交叉配对，学习者看到的每一行都相同。书里“哪里会出问题”的几次运行也在这里产生，
//! 保存在 output/breaks-*.txt，每次测试都重新运行并逐字比较。

use std::fs;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use testkit::{assert_matches_saved, normalize, Finished, Proc, DEADLINE};

const SERVER: &str = env!("CARGO_BIN_EXE_l09-tutorial-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l09-tutorial-client");
const PROMPT: &str = "cdm:>>>";

/// 一段会话：普通命令、被跳过的空行、没有 shell 时的分号、不在名单里的程序、中文。
const SESSION: &str = "echo hi\nuname\n\necho hi; rm -rf x\nls -l\necho 你好\nq\n";

fn script(name: &str) -> String {
    format!("{}/python/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn output_file(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// 把输出里的端口换成教程的端口，好和书里保存的输出比较。
fn saved(name: &str, server: &Proc, text: &str) {
    let addr = server.addr().to_string();
    assert_matches_saved(
        &output_file(name),
        &normalize(text, &[(addr.as_str(), "127.0.0.1:8879")]),
    );
}

/// 终端会把敲进去的字回显在提示符后面，管道不会。照终端的样子，把第 k 行输入补在第 k 个提示符后面
/// （客户端每读一行输入之前打印一次提示符，包括被跳过的空行）。
fn as_typed(stdout: &str, stdin: &str) -> String {
    // 最后一个提示符后面没有换行；收集输出时补上的那个换行不是程序打印的。
    let stdout = stdout
        .strip_suffix('\n')
        .filter(|s| s.ends_with(PROMPT))
        .unwrap_or(stdout);
    let mut typed = stdin.lines();
    let mut parts = stdout.split(PROMPT);
    let mut out = parts.next().unwrap_or("").to_string();
    for part in parts {
        out.push_str(PROMPT);
        if let Some(line) = typed.next() {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(part);
    }
    out
}

/// 服务端的输出去掉第一行（监听地址，每次端口不同）。
fn after_address(stdout: &str) -> &str {
    stdout.split_once('\n').map_or("", |(_, rest)| rest)
}

fn twin_server() -> Proc {
    Proc::server(SERVER, ["0"])
}

fn python_server(py: &str) -> Proc {
    Proc::server(py, [script("tutorial_server.py").as_str(), "0"])
}

fn run_twin_client(server: &Proc, stdin: &str) -> String {
    let done = testkit::run(CLIENT, [server.port()], stdin);
    assert!(done.status.success(), "客户端失败：{}", done.stderr);
    as_typed(&done.stdout, stdin)
}

/// 客户端走后，服务端自己结束：读到 0 字节，把空命令当作一条命令“运行”，回答 no output!；
/// 第二次往已经关闭的连接上写时得到 Broken pipe，整个服务端退出——和教程的程序一样。
fn ends_with_broken_pipe(server: Proc) -> Finished {
    let done = server.finish();
    assert_eq!(
        done.status.code(),
        Some(1),
        "{}{}",
        done.stdout,
        done.stderr
    );
    assert!(
        done.stderr.contains("Broken pipe") || done.stderr.contains("BrokenPipe"),
        "{}",
        done.stderr
    );
    done
}

/// 两个教程版程序的一次会话（书里开头展示的输出）。
#[test]
fn the_twin_client_talks_to_the_twin_server() {
    let srv = twin_server();
    let out = run_twin_client(&srv, SESSION);
    for want in [
        "客户端启动：\ncdm:>>>echo hi\nhi\n\nreceive data size 3\n",
        "cdm:>>>uname\nLinux\n\nreceive data size 6\ncdm:>>>\ncdm:>>>echo hi; rm -rf x\n",
        "hi; rm -rf x\n\nreceive data size 13\n",
        "cdm:>>>ls -l\nno output!\nreceive data size 10\n",
        "cdm:>>>echo 你好\n你好\n\nreceive data size 7\ncdm:>>>q\n",
    ] {
        assert!(out.contains(want), "少了 {want:?}：\n{out}");
    }
    saved("tutorial-client.txt", &srv, &out);
    let addr = srv.addr().to_string();
    let done = ends_with_broken_pipe(srv);
    let mut server_out = done.stdout.clone();
    for want in [
        "服务端启动...\necho hi\nwaiting...\nsend data size 3\n******************\n",
        "echo hi; rm -rf x\nwaiting...\nsend data size 13\n",
        "ls -l\nwaiting...\nsend data size 10\n",
    ] {
        assert!(server_out.contains(want), "少了 {want:?}：\n{server_out}");
    }
    assert!(
        server_out.ends_with("\nwaiting...\nsend data size 10\n******************\n******************\n******************\n\nwaiting...\n"),
        "客户端走后，空命令被“运行”了两次：\n{server_out}"
    );
    server_out.push_str(&done.stderr);
    assert_matches_saved(
        &output_file("tutorial-server.txt"),
        &normalize(&server_out, &[(addr.as_str(), "127.0.0.1:8879")]),
    );
}

#[test]
fn the_python_client_talks_to_the_twin_server() {
    let Some(py) = testkit::python3("the_python_client_talks_to_the_twin_server") else {
        return;
    };
    let srv = twin_server();
    let done = testkit::run(py, [script("tutorial_client.py"), srv.port()], SESSION);
    assert!(done.status.success(), "Python 客户端失败：{}", done.stderr);
    let from_python = as_typed(&done.stdout, SESSION);
    let server_out = ends_with_broken_pipe(srv).stdout;
    // 同一段会话，两个客户端打印出逐字相同的内容，服务端也打印出相同的内容。
    let rust = twin_server();
    assert_eq!(from_python, run_twin_client(&rust, SESSION));
    assert_eq!(
        after_address(&server_out),
        after_address(&ends_with_broken_pipe(rust).stdout)
    );
}

#[test]
fn the_twin_client_talks_to_the_python_server() {
    let Some(py) = testkit::python3("the_twin_client_talks_to_the_python_server") else {
        return;
    };
    let srv = python_server(py);
    let from_python_server = run_twin_client(&srv, SESSION);
    let done = srv.finish();
    assert_eq!(done.status.code(), Some(1), "{}", done.stderr);
    assert!(done.stderr.contains("BrokenPipeError"), "{}", done.stderr);
    let rust = twin_server();
    assert_eq!(from_python_server, run_twin_client(&rust, SESSION));
    assert_eq!(
        after_address(&done.stdout),
        after_address(&ends_with_broken_pipe(rust).stdout)
    );
}

/// 对方半关闭以后还在读：每次 recv 都立刻返回 0 字节，教程的服务端会一直“运行空命令”。
/// 教程版数到 3 次就停下，说明原因，接着服务下一个客户端。
fn stops_spinning_on_a_half_closed_peer(mut srv: Proc) {
    let mut stream = TcpStream::connect(srv.addr()).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.write_all(b"echo hi").unwrap();
    let mut buf = [0u8; 3];
    stream.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"hi\n");
    stream.shutdown(Shutdown::Write).unwrap();
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).unwrap();
    assert_eq!(rest, b"no output!no output!");
    srv.expect_stdout("连续 3 次收到 0 字节");
    let mut next = TcpStream::connect(srv.addr()).unwrap();
    next.set_read_timeout(Some(DEADLINE)).unwrap();
    next.write_all(b"echo next").unwrap();
    let mut buf = [0u8; 5];
    next.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"next\n");
}

#[test]
fn the_twin_server_does_not_spin_on_a_half_closed_peer() {
    stops_spinning_on_a_half_closed_peer(twin_server());
}

#[test]
fn the_python_server_does_not_spin_on_a_half_closed_peer() {
    let Some(py) = testkit::python3("the_python_server_does_not_spin_on_a_half_closed_peer") else {
        return;
    };
    stops_spinning_on_a_half_closed_peer(python_server(py));
}

/// 等到进程的标准输出里 `needle` 出现 `n` 次（轮询，有超时）。
fn wait_for_count(proc: &mut Proc, needle: &str, n: usize) {
    let deadline = Instant::now() + DEADLINE;
    while proc.stdout_so_far().matches(needle).count() < n {
        assert!(
            Instant::now() < deadline,
            "等了 {DEADLINE:?}，{needle:?} 还没有出现 {n} 次：\n{}",
            proc.stdout_so_far()
        );
        thread::sleep(Duration::from_millis(2));
    }
}

/// 一个交互着用的教程版客户端：一行一行地输入，记下输入过什么。
struct Typist {
    proc: Proc,
    typed: String,
}

impl Typist {
    fn connect(server: &Proc) -> Typist {
        let mut proc = Proc::spawn(CLIENT, [server.port()]);
        proc.expect_stdout("客户端启动：");
        Typist {
            proc,
            typed: String::new(),
        }
    }

    fn type_line(&mut self, line: &str) {
        self.proc.send_line(line);
        self.typed.push_str(line);
        self.typed.push('\n');
    }

    /// 输入一条命令，等它的回答打印出来（第 `nth` 个 `receive data size`）。
    fn ask(&mut self, line: &str, nth: usize) {
        self.type_line(line);
        wait_for_count(&mut self.proc, "receive data size", nth);
    }

    /// 结束客户端（`q` 或者直接杀掉），返回终端上看到的样子。
    fn screen(mut self, quit: bool) -> String {
        let done = if quit {
            self.type_line("q");
            self.proc.finish()
        } else {
            self.proc.kill_and_collect()
        };
        as_typed(&done.stdout, &self.typed)
    }
}

/// 一行 64 字节（63 个字符加换行）的 seq 输出，40 行一共 2560 字节。没有空格：教程版按空白切词，
/// 不认引号。
fn long_command() -> String {
    format!("seq -f line-%02g-{} 1 40", ".".repeat(55))
}

#[test]
fn breaks_a_long_answer_leaks_into_the_next_command() {
    let mut srv = twin_server();
    let mut client = Typist::connect(&srv);
    client.ask(&long_command(), 1);
    client.ask("echo hi", 2);
    // 等服务端把 hi 也发出去，再让客户端退出：这时连接里还有没读的字节，客户端的关闭会变成 RST，
    // 服务端的下一次 recv 得到“连接被重置”，接着去接受下一个客户端（不会崩溃）。
    wait_for_count(&mut srv, "send data size", 2);
    let screen = client.screen(true);
    let line = |n: u32| format!("line-{n:02}-{}\n", ".".repeat(55));
    assert!(screen.contains(&format!("1 40\n{}", line(1))), "{screen}");
    assert!(
        screen.contains(&format!(
            "{}\nreceive data size 1024\ncdm:>>>echo hi\n{}",
            line(16),
            line(17)
        )),
        "echo hi 的“回答”从第 17 行开始：\n{screen}"
    );
    assert!(
        screen.contains(&format!("{}\nreceive data size 1024\ncdm:>>>q\n", line(32))),
        "{screen}"
    );
    assert!(!screen.contains("\nhi\n"), "{screen}");
    let server = srv.kill_and_collect().stdout;
    assert!(server.contains("send data size 2560\n"), "{server}");
    assert!(
        server.contains("echo hi\nwaiting...\nsend data size 3\n"),
        "{server}"
    );
    let text = format!(
        "# 客户端\n{screen}# 服务端\n{server}\
         # 服务端发了 2560 字节，客户端只收下前 1024 字节；echo hi 收到的是上一条命令的第 17～32 行，\
         hi 还排在后面\n"
    );
    saved("breaks-leak.txt", &srv, &text);
}

/// 服务端进程的子进程（/proc 里父进程号是它的进程）。
fn children_of(parent: u32) -> Vec<u32> {
    fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                stat.rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                    == Some(parent)
            })
        })
        .collect()
}

#[test]
fn breaks_a_command_that_never_ends_blocks_everyone() {
    let mut srv = twin_server();
    let mut a = Typist::connect(&srv);
    a.type_line("sleep infinity");
    srv.expect_stdout("sleep infinity");
    srv.expect_stdout("waiting...");
    // 服务端还在等 sleep；B 照样连得上（连接在积压队列里等着被 accept），命令也发得出去。
    let mut b = Typist::connect(&srv);
    b.type_line("echo hi");
    // 一小段观察：证明 B 等不到回答。不是在等谁准备好。
    thread::sleep(Duration::from_secs(1));
    assert!(!b.proc.stdout_so_far().contains("receive data size"));
    assert!(!a.proc.stdout_so_far().contains("receive data size"));
    let server = format!("{}\n", srv.stdout_so_far());
    assert!(
        !server.contains("echo hi"),
        "服务端不应读到 B 的命令：{server}"
    );
    // 收拾：先关客户端，再杀掉 sleep（它是服务端的子进程，服务端被杀后它还会一直睡下去，
    // 还握着服务端的标准错误），最后是服务端。
    let (a, b) = (a.screen(false), b.screen(false));
    let sleepers = children_of(srv.pid());
    assert_eq!(sleepers.len(), 1, "服务端应当正好有一个子进程 sleep");
    for pid in sleepers {
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status();
    }
    srv.kill_and_collect();
    let text = format!(
        "# 客户端 A\n{a}# 客户端 B（A 的命令还在运行时连上来）\n{b}\
         # 客户端 B：1 秒过去了，还没有收到任何回复\n# 服务端\n{server}\
         # 服务端还在等 sleep infinity 结束，B 的 echo hi 它连读都没有读\n"
    );
    saved("breaks-hang.txt", &srv, &text);
}

/// 进程的内存峰值（/proc/<pid>/status 里的 VmHWM），单位字节。
fn peak_memory(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("status 里有 VmHWM");
    kb * 1024
}

#[test]
fn breaks_a_huge_output_is_held_in_memory_whole() {
    let mut srv = twin_server();
    let size: u64 = (1..=5_000_000u64)
        .map(|n| n.to_string().len() as u64 + 1)
        .sum();
    assert_eq!(size, 38_888_896);
    let before = peak_memory(srv.pid());
    assert!(before < 16 << 20, "开始时服务端不到 16 MiB：{before}");
    let mut client = Typist::connect(&srv);
    client.ask("seq 1 5000000", 1);
    let peak = peak_memory(srv.pid());
    assert!(
        peak >= size,
        "服务端的内存峰值 {peak} 应当不少于输出的 {size} 字节"
    );
    // 一小段观察：证明服务端写不完。客户端只读了 1024 字节，剩下的三千多万字节塞不进两边的缓冲区。
    thread::sleep(Duration::from_millis(500));
    let server = srv.stdout_so_far();
    assert!(!server.contains("send data size"), "{server}");
    let screen = client.screen(false);
    assert!(screen.contains("\nreceive data size 1024\n"), "{screen}");
    let server = srv.kill_and_collect().stdout;
    let text = format!(
        "# 服务端\n{server}\
         # 服务端的内存峰值（/proc 里的 VmHWM）不少于输出的 {size} 字节：它先把输出全部读进内存，才开始发送\n\
         # 客户端只收下前 1024 字节（receive data size 1024），服务端的 sendall 卡住了，send data size 一直没有打印\n"
    );
    saved("breaks-huge.txt", &srv, &text);
}

/// 教程的服务端：把 python/tutorial_server.py 里运行命令的两处改回教程的写法
/// （`shell=True`，不查名单），放进一个临时目录。
fn tutorial_style_python(dir: &Path) {
    let ours = fs::read_to_string(script("tutorial_server.py")).unwrap();
    let check = "if words and words[0] in ALLOWED:";
    let popen =
        "subprocess.Popen(words, stdout=subprocess.PIPE, env={\"PATH\": \"/usr/bin:/bin\"})";
    assert_eq!(ours.matches(check).count(), 1);
    assert_eq!(ours.matches(popen).count(), 1);
    let theirs = ours.replace(check, "if True:").replace(
        popen,
        "subprocess.Popen(cmd, shell=True, stdout=subprocess.PIPE)",
    );
    fs::write(dir.join("tutorial_server.py"), theirs).unwrap();
}

/// 在目录 `dir` 里启动一个服务端。
fn server_in(dir: &Path, program: &str, args: &[&str]) -> Proc {
    let mut argv = vec![
        "-c",
        "cd \"$0\" && exec \"$@\"",
        dir.to_str().unwrap(),
        program,
    ];
    argv.extend_from_slice(args);
    Proc::server("/bin/sh", argv)
}

#[test]
fn breaks_the_tutorials_shell_runs_whatever_the_peer_sends() {
    let Some(py) = testkit::python3("breaks_the_tutorials_shell_runs_whatever_the_peer_sends")
    else {
        return;
    };
    let session = "echo hi; touch pwned\nls\nq\n";
    let theirs = tempfile::tempdir().unwrap();
    tutorial_style_python(theirs.path());
    let srv = server_in(theirs.path(), py, &["tutorial_server.py", "0"]);
    let shell = run_twin_client(&srv, session);
    assert!(
        shell.contains("cdm:>>>echo hi; touch pwned\nhi\n\n"),
        "{shell}"
    );
    assert!(
        shell.contains("cdm:>>>ls\npwned\ntutorial_server.py\n"),
        "{shell}"
    );
    assert!(theirs.path().join("pwned").exists(), "shell 执行了 touch");

    let ours = tempfile::tempdir().unwrap();
    let twin = server_in(ours.path(), SERVER, &["0"]);
    let twin_out = run_twin_client(&twin, session);
    assert!(
        twin_out.contains("cdm:>>>echo hi; touch pwned\nhi; touch pwned\n\n"),
        "{twin_out}"
    );
    assert!(twin_out.contains("cdm:>>>ls\nno output!\n"), "{twin_out}");
    assert!(!ours.path().join("pwned").exists(), "教程版不应执行 touch");
    assert_eq!(fs::read_dir(ours.path()).unwrap().count(), 0);

    let addr = srv.addr().to_string();
    let twin_addr = twin.addr().to_string();
    let text = format!(
        "# 教程的服务端（shell=True），在一个临时目录里运行\n{shell}\
         # 临时目录里真的多了一个文件 pwned：分号后面的 touch 也被 shell 执行了\n\
         # 同样的输入发给教程版（不经过 shell，只运行名单里的程序）\n{twin_out}\
         # 教程版的临时目录还是空的\n"
    );
    assert_matches_saved(
        &output_file("breaks-shell.txt"),
        &normalize(
            &text,
            &[
                (addr.as_str(), "127.0.0.1:8879"),
                (twin_addr.as_str(), "127.0.0.1:8879"),
            ],
        ),
    );
}
