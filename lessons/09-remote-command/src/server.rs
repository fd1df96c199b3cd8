//! 服务端：收一帧命令，回一帧结果。还有模仿教程、不分帧的版本，用来演示它的问题。

use std::io::{self, BufWriter, ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;

use lesson_08::frame::{read_frame, write_frame};
use support::serve::{self, Conn, Guarded, Refusal};

use crate::command::{check_command, explain, split_command_line, Allowed};
use crate::human_size;
use crate::run::{run_with_limit, Limits, RunOutcome};

/// 命令输出为空时的回答，和教程一样。
pub const NO_OUTPUT: &str = "no output!";

/// 一条命令最长多少字节。命令行不需要更长；对方声称更长时，在分配内存之前就拒绝。
pub const MAX_COMMAND: usize = 64 * 1024;

/// 教程里 `recv(1024)` 的 1024：不分帧的版本一次最多读这么多。
pub const UNFRAMED_READ: usize = 1024;

/// 服务端怎样运行命令。
#[derive(Debug, Clone)]
pub struct Policy {
    /// 允许运行的程序（审过的程序，带着启动时找好的绝对路径）。
    pub allowed: Vec<Allowed>,
    /// 危险模式：整行交给 `sh -c`，和教程的 `shell=True` 一样。此时允许列表不起作用。
    pub dangerous_shell: Option<Shell>,
    pub limits: Limits,
}

/// 危险模式用到的两个程序，都在启动时找好。
#[derive(Debug, Clone)]
pub struct Shell {
    /// `sh` 的绝对路径（在固定的 PATH 里找到的）。
    pub sh: std::path::PathBuf,
    /// 看守进程：服务端自己的可执行文件（见 [`crate::reap`]）。
    pub helper: std::path::PathBuf,
}

/// 对一条命令的回答。
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// 命令的输出（标准输出后接标准错误）。
    Output(Vec<u8>),
    /// 命令成功结束但什么也没打印。
    NoOutput,
    /// 拒绝运行或运行失败，附带原因。
    Error(String),
}

impl Reply {
    /// 放进回答帧里的字节。
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Reply::Output(bytes) => bytes,
            Reply::NoOutput => NO_OUTPUT.as_bytes().to_vec(),
            Reply::Error(why) => format!("error: {why}").into_bytes(),
        }
    }
}

// ANCHOR: answer
/// 对收到的一条命令（原始字节）给出回答。用户或对方能造成的任何情况都变成一个 `Reply`，
/// 不会 panic，也不会让服务端退出。
pub fn answer(command: &[u8], policy: &Policy) -> Reply {
    let Ok(line) = std::str::from_utf8(command) else {
        return Reply::Error("命令不是合法的 UTF-8 文本".into());
    };
    let line = line.trim();
    if line.is_empty() {
        return Reply::Error("命令是空的".into());
    }
    let outcome = if let Some(shell) = &policy.dangerous_shell {
        // 教程的做法：整行交给 shell 解释。`;`、`|`、`$(…)` 都会生效——这正是危险所在。
        let argv = [shell.sh.display().to_string(), "-c".into(), line.into()];
        run_in_shell(shell, &argv, &policy.limits)
    } else {
        let words = match split_command_line(line) {
            Ok(words) => words,
            Err(why) => return Reply::Error(why),
        };
        let program = words.first().map(String::as_str).unwrap_or("");
        let allowed = match check_command(&words, &policy.allowed) {
            Ok(allowed) => allowed,
            Err(refusal) => return Reply::Error(explain(&refusal, program, &policy.allowed)),
        };
        // 运行启动时找好的那个文件，而不是再按名字找一遍。
        let mut argv = vec![allowed.path.display().to_string()];
        argv.extend_from_slice(&words[1..]);
        run_with_limit(&argv, &policy.limits)
    };
    let name = line.split_whitespace().next().unwrap_or(line);
    match outcome {
        Ok(outcome) => describe(outcome, &policy.limits),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            Reply::Error(format!("找不到程序 {name}：启动服务端之后它被删掉了？"))
        }
        // 文件描述符用完了（EMFILE）：开不了管道，这条命令没能运行。
        Err(e) if e.raw_os_error() == Some(nix::errno::Errno::EMFILE as i32) => Reply::Error(
            format!("服务端的文件描述符暂时用完了，{name} 没能运行，请稍后再试"),
        ),
        // 系统的进程数或线程数用完了（EAGAIN）：这条命令没能运行，连接和服务端都照常。
        Err(e) if e.kind() == ErrorKind::WouldBlock => Reply::Error(format!(
            "服务端暂时开不了新的进程或线程，{name} 没能运行，请稍后再试"
        )),
        Err(e) => Reply::Error(format!("无法运行 {name}：{e}")),
    }
}

/// 把运行结果变成回答：有输出就给输出（被截断时说明），没输出看退出状态。
fn describe(outcome: RunOutcome, limits: &Limits) -> Reply {
    match outcome {
        RunOutcome::TimedOut => Reply::Error(format!(
            "命令超过了时间限制 {} 毫秒，已连同它启动的子进程一起终止",
            limits.time_limit.as_millis()
        )),
        RunOutcome::Exited { output, cut, .. } if !output.is_empty() => {
            let mut output = output;
            if cut {
                let note = format!(
                    "\n[输出超过上限 {}，后面的部分已截掉]\n",
                    human_size(limits.max_output)
                );
                output.extend_from_slice(note.as_bytes());
            }
            Reply::Output(output)
        }
        RunOutcome::Exited { status, .. } if status.success() => Reply::NoOutput,
        RunOutcome::Exited { status, .. } => match status.code() {
            Some(code) => Reply::Error(format!("命令以退出码 {code} 结束，没有输出")),
            None => Reply::Error("命令被信号终止，没有输出".into()),
        },
    }
}
// ANCHOR_END: answer

/// 危险模式的命令交给看守进程运行（只有 Linux 上有；别的系统上服务端在启动时就拒绝这个模式）。
#[cfg(target_os = "linux")]
fn run_in_shell(shell: &Shell, argv: &[String], limits: &Limits) -> io::Result<RunOutcome> {
    crate::run::run_guarded(&shell.helper, argv, limits)
}

#[cfg(not(target_os = "linux"))]
fn run_in_shell(_: &Shell, _: &[String], _: &Limits) -> io::Result<RunOutcome> {
    Err(io::Error::new(
        ErrorKind::Unsupported,
        "--dangerous-shell 只在 Linux 上可用",
    ))
}

// ANCHOR: serve_framed
/// 为一个客户端服务（分帧协议）：读一帧命令，回一帧结果，直到对方关闭连接。
///
/// 对方关闭（帧与帧之间的 EOF）返回 `Ok(())`；帧过大、帧读到一半断开、空闲超时、
/// 慢得不像话、迟迟不读走回答，都返回错误，由调用者记一行日志、关掉这个连接，服务端继续服务别人。
pub fn serve_framed(stream: &mut Guarded, policy: &Policy, log: impl Fn(String)) -> io::Result<()> {
    loop {
        // 每条命令都要在空闲超时之内开始，并且不慢于最低速率地到齐（见第 04 课的 Guarded）。
        stream.restart();
        let command = match read_frame(&mut *stream, MAX_COMMAND) {
            Ok(Some(command)) => command,
            Ok(None) => return Ok(()),
            Err(e) if e.kind() == ErrorKind::InvalidData => {
                // 帧太大：长度前缀之后的字节已经没法对齐到下一帧，只能说明原因后断开。
                let why = Reply::Error(format!(
                    "命令超过了 {}，连接将关闭",
                    human_size(MAX_COMMAND)
                ));
                let _ = write_frame(&mut *stream, &why.into_bytes());
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        // 用 {:?} 打印：命令里的换行、控制字符会被转义，不能伪造服务端的日志行。
        log(format!("命令：{:?}", String::from_utf8_lossy(&command)));
        let reply = answer(&command, policy).into_bytes();
        // 回答的超时重新算起：一整次写（不只是其中的每一次系统调用）都要按时完成。
        // 长度前缀和内容是两次 write：不经缓冲的话它们是两个小包，Nagle 算法加上对方的延迟确认
        // 会让每次回答多等几十毫秒。BufWriter 把它们合成一次发送（write_frame 最后会 flush）。
        stream.restart();
        write_frame(&mut BufWriter::new(&mut *stream), &reply).map_err(not_reading)?;
        log(format!("send data size {}", reply.len()));
    }
}
// ANCHOR_END: serve_framed

/// 写回答时超时：对方不读（或者读得太慢），回答塞满了两边的缓冲区。
fn not_reading(e: io::Error) -> io::Error {
    if support::is_timeout(&e) {
        io::Error::new(
            ErrorKind::TimedOut,
            "客户端不读回答（或者读得太慢），写不完，已断开",
        )
    } else {
        e
    }
}

// ANCHOR: serve_unframed
/// 教程的版本（只用于演示问题）：一次 `read` 当作一条命令，结果不带长度直接写回去。
///
/// 命令仍然按安全的规则运行；问题出在**传输**上：结果比对方一次读的 1024 字节长时，
/// 剩下的部分留在连接里，会被当成下一条命令的回答。
pub fn serve_unframed(
    stream: &mut Guarded,
    policy: &Policy,
    log: impl Fn(String),
) -> io::Result<()> {
    let mut buf = [0u8; UNFRAMED_READ];
    loop {
        stream.restart();
        let n = match stream.read(&mut buf) {
            // 教程的服务端在这里没有判断 0：对方走后它会不停地“执行空命令”。我们就此结束。
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        log(format!("命令：{:?}", String::from_utf8_lossy(&buf[..n])));
        let reply = answer(&buf[..n], policy).into_bytes();
        stream.restart();
        stream.write_all(&reply).map_err(not_reading)?;
        log(format!("send data size {}", reply.len()));
    }
}
// ANCHOR_END: serve_unframed

/// 连接出错时给日志用的中文说明。
pub fn describe_error(err: &io::Error) -> String {
    match err.kind() {
        ErrorKind::UnexpectedEof => format!("客户端在一条消息中途断开了：{err}"),
        ErrorKind::InvalidData => format!("客户端发来的帧太大，已拒绝：{err}"),
        // 带着说明的 TimedOut 来自 Guarded（对方在说话，只是慢得不像话）或者 not_reading。
        ErrorKind::TimedOut if err.get_ref().is_some() => err.to_string(),
        // 不带说明的超时：读一直等到了点。可能是一直不说话，也可能是说得太慢（到点的时刻按最低速率往后推）。
        ErrorKind::WouldBlock | ErrorKind::TimedOut => {
            "客户端太久没有说话、或者说得太慢（空闲超时、最低速率），已断开".into()
        }
        ErrorKind::ConnectionReset | ErrorKind::BrokenPipe => "客户端突然断开了".into(),
        _ => format!("连接出错：{err}"),
    }
}

// ANCHOR: loopback
/// 监听地址是否只有本机能连上。`0.0.0.0`、`::` 和网卡地址都不是。
pub fn is_loopback_only(addrs: &[SocketAddr]) -> bool {
    addrs.iter().all(|a| match a.ip() {
        IpAddr::V4(ip) => ip.is_loopback(),
        IpAddr::V6(ip) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    })
}
// ANCHOR_END: loopback

// ANCHOR: serve_forever
/// 接受连接，每个客户端一个线程，用各课共用的 [`support::serve::serve`]（第 04 课讲过它）：
/// 连接上限和每个地址的份额、空闲超时和最低速率、accept 出错后退避、开不了线程只拒绝这一个连接。
/// 这里只需要说清楚两件这一课自己的事：拒绝时回一帧 `error: …`，以及怎样服务一个连接。
///
/// 每个客户端都能让这台机器启动进程，所以上限在这里尤其要紧：不设上限的话，
/// 一个人开几百个连接就能把机器拖垮。
pub fn serve_forever(
    listener: &TcpListener,
    policy: Policy,
    limits: &serve::Policy,
    unframed: bool,
) {
    let policy = Arc::new(policy);
    serve::serve(
        listener,
        limits,
        || false,
        |line: &str| support::say(line),
        refuse,
        move |conn| serve_one(conn, &policy, unframed),
    );
}

/// 拒绝一个连接：按这一课的协议回一帧 `error: 原因`（服务端忙、你的地址占了太多连接、开不了线程）。
fn refuse(stream: &mut TcpStream, why: Refusal) {
    let _ = write_frame(stream, &Reply::Error(why.message()).into_bytes());
}
// ANCHOR_END: serve_forever

// ANCHOR: serve_one
/// 服务一个客户端；出了什么问题都只记一行日志，不影响别的客户端。
/// `conn` 里带着它的名额，这个函数返回（哪怕是 panic）时名额随之归还。
fn serve_one(mut conn: Conn, policy: &Policy, unframed: bool) {
    let peer = conn.peer;
    support::say(format!("{peer} 连上了"));
    let log = |line: String| support::say(format!("{peer} {line}"));
    let result = if unframed {
        serve_unframed(&mut conn.stream, policy, log)
    } else {
        serve_framed(&mut conn.stream, policy, log)
    };
    match result {
        Ok(()) => support::say(format!("{peer} 离开了")),
        Err(e) => support::say(format!("{peer} {}", describe_error(&e))),
    }
}
// ANCHOR_END: serve_one
