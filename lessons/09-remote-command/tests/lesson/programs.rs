//! 第 09 课的程序：真实的服务端进程、真实的客户端进程、真实的回环连接。
//! 书里展示的输出由这里保持与实际一致。

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use assert_cmd::Command;
use lesson_08::frame::{read_frame, write_frame, DEFAULT_MAX_FRAME};
use predicates::prelude::*;
#[cfg(target_os = "linux")]
use testkit::wait_until;
use testkit::{assert_matches_saved, normalize, Finished, Proc, DEADLINE};

pub(crate) const SERVER: &str = env!("CARGO_BIN_EXE_l09-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_l09-client");

/// 书里那条长输出的命令（和教程版那次运行的一样）：40 行，每行正好 64 字节，一共 2560 字节。
const LONG: &str = "seq -f line-%02g-....................................................... 1 40";

fn server(extra: &[&str]) -> Proc {
    let mut args = vec!["--port", "0"];
    args.extend_from_slice(extra);
    Proc::server(SERVER, args)
}

fn client(server: &Proc, extra: &[&str], stdin: &str) -> Finished {
    let port = server.port();
    let mut args = vec!["--port", port.as_str()];
    args.extend_from_slice(extra);
    let done = testkit::run(CLIENT, args, stdin);
    assert!(done.status.success(), "客户端失败：{}", done.stderr);
    assert!(!done.stderr.contains("panicked"), "{}", done.stderr);
    done
}

/// 把输出里的端口换成默认端口，好和书里保存的输出比较。
fn saved(name: &str, server: &Proc, text: &str) {
    let path = format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"));
    let addr = server.addr().to_string();
    assert_matches_saved(
        &path,
        &normalize(text, &[(addr.as_str(), "127.0.0.1:8879")]),
    );
}

pub(crate) fn connect(server: &Proc) -> TcpStream {
    let stream = TcpStream::connect(server.addr()).expect("连上服务端");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream
}

pub(crate) fn ask(stream: &mut TcpStream, command: &str) -> String {
    let reply = lesson_09::ask(stream, command.as_bytes()).expect("收到回答");
    String::from_utf8(reply).expect("回答是 UTF-8")
}

/// 读一次；被信号打断（EINTR）就再读。进程被暂停又继续（SIGSTOP、SIGCONT）时，
/// 设了读超时的 read 即使没有信号处理函数也会返回 EINTR。
pub(crate) fn read_retrying(stream: &mut TcpStream, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match stream.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// 进程已经不在了（或者只剩一个等着被回收的僵尸）。
#[cfg(target_os = "linux")]
pub(crate) fn is_gone(pid: &str) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

#[test]
fn the_default_server_runs_no_shell() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("x")).unwrap();
    fs::write(dir.path().join("x/keep.txt"), "别删我").unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let mut srv = server(&["--dir", dir_arg]);
    let stdin = "echo 你好\n\necho hi; rm -rf x\necho $(id) `id` | cat > out.txt\n\
                 echo \"a  b\" 'c d'\ncat /etc/passwd\n/bin/echo hi\necho \"oops\nq\n";
    let out = client(&srv, &[], stdin).stdout;
    assert!(
        out.contains("cmd:>>>echo 你好\n你好\nreceive data size 7\n"),
        "{out}"
    );
    // shell 会把它们当成两条命令、命令替换、管道和重定向；没有 shell 时它们只是 echo 的参数。
    assert!(
        out.contains("\nhi; rm -rf x\nreceive data size 13\n"),
        "{out}"
    );
    assert!(out.contains("\n$(id) `id` | cat > out.txt\n"), "{out}");
    assert!(dir.path().join("x/keep.txt").exists(), "rm 不应该被执行");
    assert!(!dir.path().join("out.txt").exists(), "重定向不应该生效");
    assert!(
        out.contains("\na  b c d\n"),
        "引号里的空白要原样保留：{out}"
    );
    assert!(out.contains("error: 不允许运行 cat"), "{out}");
    assert!(
        out.contains("cat 不在审过的程序表里"),
        "拒绝时要说明为什么：{out}"
    );
    assert!(
        out.contains("error: 不接受带路径的程序名 \"/bin/echo\""),
        "{out}"
    );
    assert!(out.contains("error: 引号 \" 没有闭合"), "{out}");
    assert!(out.ends_with("cmd:>>>q\n"), "{out}");
    srv.expect_stdout("命令：\"echo hi; rm -rf x\"");
    saved("session.txt", &srv, &out);
}

#[test]
fn pwd_runs_in_the_chosen_directory() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&["--dir", dir.path().to_str().unwrap()]);
    let mut stream = connect(&srv);
    let reply = ask(&mut stream, "pwd");
    let want = dir.path().canonicalize().unwrap();
    assert_eq!(Path::new(reply.trim_end()).canonicalize().unwrap(), want);
}

#[test]
fn unframed_answers_leak_into_the_next_command() {
    let srv = server(&["--unframed", "--allow", "seq"]);
    let out = client(&srv, &["--unframed"], &format!("{LONG}\necho hi\nq\n")).stdout;
    assert!(out.contains(" 1 40\nline-01-"), "{out}");
    assert!(
        out.contains("\nline-16-") && !out.contains("\nline-33-"),
        "{out}"
    );
    assert_eq!(out.matches("receive data size 1024").count(), 2, "{out}");
    // echo hi 的“回答”其实是上一条命令剩下的第 17～32 行。
    assert!(out.contains("cmd:>>>echo hi\nline-17-"), "{out}");
    assert!(!out.contains("\nhi\n"), "{out}");
    saved("unframed.txt", &srv, &out);
}

#[test]
fn framed_answers_keep_their_boundaries() {
    let srv = server(&["--allow", "seq"]);
    let out = client(&srv, &[], &format!("{LONG}\necho hi\nq\n")).stdout;
    assert!(out.contains("line-40-"), "{out}");
    assert!(out.contains("receive data size 2560\n"), "{out}");
    assert!(
        out.contains("cmd:>>>echo hi\nhi\nreceive data size 3\n"),
        "{out}"
    );
    saved("framed.txt", &srv, &out);
}

#[test]
fn a_large_output_arrives_intact_and_framed() {
    let srv = server(&["--allow", "seq", "--max-output", "2000000"]);
    let want: String = (1..=200_000).map(|n| format!("{n}\n")).collect();
    assert!(want.len() >= 1024 * 1024);
    let mut stream = connect(&srv);
    assert_eq!(ask(&mut stream, "seq 1 200000"), want);
    assert_eq!(
        ask(&mut stream, "echo 完"),
        "完\n",
        "下一条命令的回答不应混进上一条的输出"
    );
    let out = client(&srv, &[], "seq 1 200000\nq\n").stdout;
    assert!(out.contains(&format!("\n200000\nreceive data size {}\n", want.len())));
}

#[test]
fn output_past_the_cap_is_cut_and_says_so() {
    let srv = server(&["--allow", "seq", "--max-output", "1000"]);
    let mut stream = connect(&srv);
    let reply = ask(&mut stream, "seq 1 100000");
    let full: String = (1..=100_000).map(|n| format!("{n}\n")).collect();
    assert_eq!(&reply[..1000], &full[..1000]);
    assert!(reply[1000..].contains("输出超过上限 1000 字节"), "{reply}");
    assert_eq!(ask(&mut stream, "echo 还在"), "还在\n");
}

#[test]
fn nothing_printed_means_no_output_and_failures_say_error() {
    let srv = server(&["--allow", "false", "--allow", "seq"]);
    let mut stream = connect(&srv);
    assert_eq!(ask(&mut stream, "echo -n"), "no output!");
    assert_eq!(
        ask(&mut stream, "false"),
        "error: 命令以退出码 1 结束，没有输出"
    );
    // 标准错误也会传回来；程序看到的自己的名字是裸名字，不是绝对路径。
    let reply = ask(&mut stream, "seq x");
    assert!(reply.starts_with("seq: "), "{reply}");
}

#[test]
fn a_runaway_command_is_killed_at_the_time_limit() {
    let srv = server(&["--allow", "sleep", "--time-limit-ms", "300"]);
    let mut stream = connect(&srv);
    let reply = ask(&mut stream, "sleep 60");
    assert!(
        reply.starts_with("error: 命令超过了时间限制 300 毫秒"),
        "{reply}"
    );
    assert_eq!(ask(&mut stream, "echo 下一条"), "下一条\n");
}

#[test]
#[cfg(target_os = "linux")] // --dangerous-shell 只在 Linux 上有
fn the_time_limit_kills_the_children_too() {
    let dir = tempfile::tempdir().unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let srv = server(&[
        "--dangerous-shell",
        "--time-limit-ms",
        "300",
        "--dir",
        dir_arg,
    ]);
    let mut stream = connect(&srv);
    let reply = ask(&mut stream, "sleep 60 & echo $! > child.pid; wait");
    assert!(reply.starts_with("error: 命令超过了时间限制"), "{reply}");
    let pid = fs::read_to_string(dir.path().join("child.pid")).unwrap();
    let pid = pid.trim().to_string();
    wait_until(
        &format!("sh 启动的 sleep（{pid}）也被杀掉"),
        || is_gone(&pid),
    );
}

#[test]
#[cfg(target_os = "linux")] // --dangerous-shell 只在 Linux 上有
fn a_background_child_does_not_keep_the_answer_waiting() {
    let srv = server(&["--dangerous-shell"]);
    let mut stream = connect(&srv);
    // sh 马上结束，但后台的 sleep 还握着输出管道；服务端清理进程组后立刻回答。
    let reply = ask(&mut stream, "sleep 60 & echo $!");
    let pid = reply.trim().to_string();
    assert!(pid.parse::<u32>().is_ok(), "{reply}");
    wait_until("后台的 sleep 被清理掉", || is_gone(&pid));
}

#[test]
#[cfg(target_os = "linux")] // --dangerous-shell 只在 Linux 上有
fn a_flood_on_stderr_cannot_deadlock() {
    let srv = server(&["--dangerous-shell", "--max-output", "2000000"]);
    let mut stream = connect(&srv);
    // 标准错误写出 58 万字节，远超管道的 64 KiB；只读标准输出的服务端会和它互相等死。
    let reply = ask(&mut stream, "seq 1 100000 >&2; echo 标准输出");
    assert!(
        reply.starts_with("标准输出\n1\n2\n"),
        "标准输出在前：{}",
        &reply[..40]
    );
    assert!(reply.ends_with("\n100000\n"));
}

#[test]
#[cfg(target_os = "linux")] // --dangerous-shell 只在 Linux 上有
fn dangerous_shell_works_like_the_tutorial_and_warns() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("x")).unwrap();
    let mut srv = server(&["--dangerous-shell", "--dir", dir.path().to_str().unwrap()]);
    let warning = srv.expect_stdout("警告：--dangerous-shell");
    let path = format!("{}/output/dangerous-shell.txt", env!("CARGO_MANIFEST_DIR"));
    assert_matches_saved(&path, &format!("{warning}\n"));
    let mut stream = connect(&srv);
    assert_eq!(ask(&mut stream, "echo $((1 + 2)) | tr 3 x"), "x\n");
    // 教程的服务端就是这样：分号后面的命令也被执行了。
    assert_eq!(ask(&mut stream, "echo hi; rm -rf x"), "hi\n");
    assert!(!dir.path().join("x").exists(), "shell 模式下 rm 确实执行了");
}

#[test]
fn gbk_output_is_decoded_with_the_encoding_flag() {
    let srv = server(&["--allow", "printf"]);
    // printf 自己解释 \316 这样的八进制转义：“我爱”的 GBK 编码是 CE D2 B0 AE。
    let stdin = "printf '\\316\\322\\260\\256Python\\n'\nq\n";
    let out = client(&srv, &["--encoding", "gbk"], stdin).stdout;
    assert!(
        out.contains("\n我爱Python\nreceive data size 11\n"),
        "{out}"
    );
    saved("gbk.txt", &srv, &out);
    let out = client(&srv, &[], stdin).stdout;
    assert!(
        !out.contains("我爱"),
        "用 UTF-8 解 GBK 字节不应得到正确的字：{out}"
    );
    assert!(out.contains('\u{FFFD}'), "{out}");
}

#[test]
fn bad_frames_get_an_answer_and_the_connection_survives() {
    let srv = server(&[]);
    let mut stream = connect(&srv);
    write_frame(&mut stream, &[0xff, 0xfe, b'l', b's']).unwrap();
    let reply = read_frame(&mut stream, DEFAULT_MAX_FRAME).unwrap().unwrap();
    assert_eq!(reply, "error: 命令不是合法的 UTF-8 文本".as_bytes());
    write_frame(&mut stream, b"").unwrap();
    let reply = read_frame(&mut stream, DEFAULT_MAX_FRAME).unwrap().unwrap();
    assert_eq!(reply, "error: 命令是空的".as_bytes());
    assert_eq!(ask(&mut stream, "echo 还活着"), "还活着\n");
}

#[test]
fn an_oversized_frame_is_refused_without_waiting_for_it() {
    let mut srv = server(&[]);
    let mut stream = connect(&srv);
    // 声称 4 GiB 却一个字节也不发：服务端若先分配、再等内容，就会一直等下去。
    stream.write_all(&u32::MAX.to_be_bytes()).unwrap();
    let reply = read_frame(&mut stream, DEFAULT_MAX_FRAME).unwrap().unwrap();
    let reply = String::from_utf8(reply).unwrap();
    assert!(reply.starts_with("error: 命令超过了 64 KiB"), "{reply}");
    assert!(
        read_frame(&mut stream, DEFAULT_MAX_FRAME)
            .unwrap()
            .is_none(),
        "之后连接关闭"
    );
    srv.expect_stdout("帧太大");
    let mut other = connect(&srv);
    assert_eq!(ask(&mut other, "echo 下一位"), "下一位\n");
}

#[test]
fn a_client_vanishing_mid_frame_does_not_hurt_others() {
    let mut srv = server(&[]);
    let mut stream = connect(&srv);
    stream.write_all(&100u32.to_be_bytes()).unwrap();
    stream.write_all(b"echo only").unwrap();
    drop(stream);
    srv.expect_stdout("中途断开");
    let mut other = connect(&srv);
    assert_eq!(ask(&mut other, "echo 你好"), "你好\n");
    let rest = srv.kill_and_collect();
    assert!(!rest.stderr.contains("panicked"), "{}", rest.stderr);
}

#[test]
fn idle_clients_are_dropped_and_extra_clients_told_to_wait() {
    let mut srv = server(&["--idle-timeout", "1", "--max-connections", "1"]);
    let mut first = connect(&srv);
    assert_eq!(ask(&mut first, "echo 一号"), "一号\n");
    let mut second = connect(&srv);
    let reply = read_frame(&mut second, DEFAULT_MAX_FRAME).unwrap().unwrap();
    let reply = String::from_utf8(reply).unwrap();
    assert!(
        reply.starts_with("error: 服务端忙：已经在服务 1 个连接"),
        "{reply}"
    );
    // 第一个客户端不再说话：空闲超时后服务端断开它。
    assert_eq!(read_retrying(&mut first, &mut [0u8; 1]).unwrap(), 0);
    srv.expect_stdout("太久没有说话");
}

#[test]
fn a_client_dripping_one_byte_at_a_time_is_dropped() {
    // slowloris：每 0.2 秒发 1 个字节，每次读都不会超过 1 秒的空闲超时，
    // 只看读超时的服务端会陪它耗下去。要求最低速度的服务端在约 1 秒后断开它。
    let mut srv = server(&["--idle-timeout", "1"]);
    let mut stream = connect(&srv);
    let mut frame = 100u32.to_be_bytes().to_vec();
    frame.extend_from_slice(format!("echo {}", "x".repeat(95)).as_bytes());
    let started = std::time::Instant::now();
    let mut dropped = false;
    for byte in &frame {
        // 这里的停顿是“攻击”本身，不是在等对方就绪。
        std::thread::sleep(std::time::Duration::from_millis(200));
        if stream.write_all(&[*byte]).is_err() || srv.stdout_so_far().contains("太慢") {
            dropped = true;
            break;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "过了 20 秒还没有断开慢慢滴的客户端"
        );
    }
    assert!(dropped, "100 字节的命令滴完了，服务端一直没有断开它");
    srv.expect_stdout("太慢");
    let mut buf = [0u8; 16];
    assert!(
        matches!(stream.read(&mut buf), Ok(0) | Err(_)),
        "断开之后不应再收到回答"
    );
    let mut other = connect(&srv);
    assert_eq!(ask(&mut other, "echo 下一位"), "下一位\n");
}

#[test]
fn a_client_with_no_server_gets_a_clear_error() {
    let nobody = testkit::closed_port();
    Command::new(CLIENT)
        .args(["--port", &nobody.port().to_string()])
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .write_stdin("echo hi\n")
        .timeout(DEADLINE)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("just lesson 09 server"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn a_taken_port_gets_a_clear_error() {
    let srv = server(&[]);
    Command::new(SERVER)
        .args(["--port", &srv.port()])
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .timeout(DEADLINE)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("被占用"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn listening_beyond_loopback_needs_a_flag_and_warns() {
    Command::new(SERVER)
        .args(["--host", "0.0.0.0", "--port", "0"])
        .env("NO_COLOR", "1")
        .env("WORKBOOK_JUST", "1")
        .timeout(DEADLINE)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("拒绝监听 0.0.0.0"))
        .stderr(predicate::str::contains("--allow-remote"));
    let mut srv = server(&["--host", "0.0.0.0", "--allow-remote"]);
    srv.expect_stdout("警告：--allow-remote");
}

#[test]
fn allow_takes_only_bare_harmless_names() {
    for (name, needle) in [("/bin/cat", "不是裸程序名"), ("sh", "--dangerous-shell")] {
        Command::new(SERVER)
            .args(["--port", "0", "--allow", name])
            .env("NO_COLOR", "1")
            .env("WORKBOOK_JUST", "1")
            .timeout(DEADLINE)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(needle));
    }
}
