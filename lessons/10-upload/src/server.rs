//! 服务端：一个连接一个线程；一个连接上可以一个接一个地上传、下载，每个请求都有一行回答。
//! 连接上限、空闲超时和最低速率、accept 出错后的退避，用的是所有服务端共用的 `support::serve`。

use std::fs::{self, File};
use std::io::{self, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use lesson_08::frame::read_delimited;
use nix::errno::Errno;
use nix::fcntl::OFlag;
use support::serve::{Guarded, Policy, Refusal};

use crate::size::human;
use crate::transfer::{copy_exact, free_space, peak_memory_kib, TempFile};
use crate::upload::{parse_header, Request, MAX_HEADER_BYTES, TEMP_PREFIX};

/// 服务端的设置，来自命令行。
#[derive(Debug, Clone)]
pub struct Config {
    /// 存放文件的目录（已经建好、已经转成绝对路径）。
    pub dir: PathBuf,
    /// 一个文件最多多少字节。
    pub max_size: u64,
    /// 同名文件已经存在时，是否用新上传的替换它。
    pub allow_overwrite: bool,
    /// 每个连接结束时打印进程的峰值内存（基准测试用）。
    pub report_memory: bool,
    /// 收下一个上传之后磁盘上至少要剩的字节数。
    pub disk_reserve: u64,
}

/// 拒绝一个请求后，最多再替对方读掉（扔掉）多少字节。
/// 读掉对方还在发的文件内容，对方才能顺利收到我们的 `error` 回答（见 [`refuse`]）。
const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;

/// 默认的磁盘预留：收下一个上传之后，磁盘上至少还要剩这么多空间（`--disk-reserve` 可以改）。
/// 磁盘写满时，日志、数据库、别的程序都会跟着出错，所以不能让上传把最后一点空间用光。
pub const DEFAULT_DISK_RESERVE: &str = "64MiB";

/// 办完了：`reply` 是还要回给对方的一行（下载的回答已经和内容一起发出去了，是 `None`），
/// `log` 是服务端自己记的。`go_on` 为假时连接到此结束（下载发到一半出了错：
/// 已经说了 `ok`，没法再回答 `error`，只能断开，让对方发现字节不够）。
struct Done {
    reply: Option<String>,
    log: String,
    go_on: bool,
}

/// 一次上传或下载出了问题：`reply` 是回给对方的原因，`log` 是服务端自己记的。
struct Failure {
    reply: String,
    log: String,
}

impl Failure {
    fn both(text: impl Into<String>) -> Failure {
        let text = text.into();
        Failure {
            reply: text.clone(),
            log: text,
        }
    }
}

// ANCHOR: serve
/// 接受连接，每个连接交给一个新线程（`support::serve::serve`：连接上限、空闲超时和最低速率、
/// accept 出错后退避、开不了线程只拒绝这一个连接）。单个连接出的任何错都只影响它自己。
pub fn serve(listener: &TcpListener, config: Config, policy: &Policy, log: fn(&str)) {
    let config = Arc::new(config);
    let pace = Pace::of(policy);
    let next = AtomicU64::new(1);
    support::serve::serve(
        listener,
        policy,
        || false,
        log,
        turn_away,
        move |conn| {
            let n = next.fetch_add(1, Ordering::Relaxed);
            handle_connection(conn.stream, n, &config, pace, log);
            // conn.slot 在这里被丢弃：名额还回去。
        },
    );
}

/// 名额满了、开不了线程：按这个协议的样子回答一行 `error`。已经到了的字节读掉（不等后面的），
/// 免得关闭时内核发 RST 把这一行冲掉；这是在接受连接的线程里做的，所以一刻也不等。
fn turn_away(stream: &mut TcpStream, why: Refusal) {
    let _ = stream.write_all(format!("error {}\n", why.message()).as_bytes());
    let _ = stream.shutdown(Shutdown::Write);
    if stream.set_nonblocking(true).is_ok() {
        let mut buf = [0u8; 16 * 1024];
        for _ in 0..64 {
            if !matches!(stream.read(&mut buf), Ok(n) if n > 0) {
                break;
            }
        }
    }
}
// ANCHOR_END: serve

// ANCHOR: handle
/// 服务一个连接：读一行请求头，按 post / get 办事，回答；再读下一行，直到对方关闭连接。
/// 出了错就回答 `error` 并结束这个连接：对方可能正在发一个我们不收的文件，
/// 后面的字节已经分不清哪里是下一个请求头。
pub fn handle_connection(stream: Guarded, n: u64, config: &Config, pace: Pace, log: fn(&str)) {
    let say = |text: String| log(&format!("[#{n}] {text}"));
    // Guarded 给每次收发都加了期限：对方不说话、卡在半路、一个字节一个字节地拖，
    // 期限一到这个线程就结束，临时文件随之删除。
    let mut reader = BufReader::new(stream);
    let mut served = 0;
    loop {
        // 每个请求重新计时：上一个请求办完后，对方可以想一会儿再发下一个（但不超过空闲超时）。
        reader.get_mut().restart();
        // 请求头是一行，最多 MAX_HEADER_BYTES 字节。read_delimited（第 08 课）只取到换行为止，
        // 和请求头一起到达的文件开头留在 reader 的缓冲区里，后面接着读——这就是粘包的正确处理。
        let line = match read_delimited(&mut reader, b'\n', MAX_HEADER_BYTES) {
            Ok(Some(line)) => line,
            Ok(None) => {
                say(match served {
                    0 => "连上后什么也没发就断开了".to_string(),
                    _ => format!("办完 {served} 个请求，对方关闭了连接"),
                });
                break;
            }
            Err(e) => {
                let why = describe_io(&e, Way::Receiving, pace);
                say(format!("拒绝：读请求头失败：{why}"));
                refuse(&mut reader, &format!("读请求头失败：{why}"));
                break;
            }
        };
        let outcome = match parse_header(&line, config.max_size) {
            Err(reason) => Err(Failure::both(reason)),
            Ok(Request::Post { size, name }) => {
                say(format!("上传 {name}（{}）", human(size)));
                receive_upload(&mut reader, &name, size, config, pace)
            }
            Ok(Request::Get { name }) => {
                say(format!("下载 {name}"));
                send_download(reader.get_mut(), &name, config, pace)
            }
        };
        match outcome {
            Ok(done) => {
                let mut go_on = done.go_on;
                if let Some(reply) = done.reply {
                    if let Err(e) = reader.get_mut().write_all(reply.as_bytes()) {
                        say(format!(
                            "回答对方时出错：{}",
                            describe_io(&e, Way::Sending, pace)
                        ));
                        go_on = false;
                    }
                }
                say(done.log);
                served += 1;
                if !go_on {
                    break;
                }
            }
            Err(failure) => {
                say(format!("拒绝：{}", failure.log));
                refuse(&mut reader, &failure.reply);
                break;
            }
        }
    }
    if config.report_memory {
        if let Some(kib) = peak_memory_kib() {
            say(format!(
                "服务端进程峰值内存（VmHWM）：{}",
                human(kib * 1024)
            ));
        }
    }
}
// ANCHOR_END: handle

// ANCHOR: receive_upload
/// 收一个上传：先写进临时文件，说好的字节全部到齐，才换成最终的名字。
fn receive_upload(
    reader: &mut BufReader<Guarded>,
    name: &str,
    size: u64,
    config: &Config,
    pace: Pace,
) -> Result<Done, Failure> {
    let dest = config.dir.join(name);
    // 先检查一次，不用收完整个文件才告诉对方“已经有了”。真正的把关在 commit 里（见下面）。
    if !config.allow_overwrite && fs::symlink_metadata(&dest).is_ok() {
        return Err(Failure::both(format!(
            "已经有一个叫 {name} 的文件了，服务端不覆盖已有文件（启动服务端时加 --allow-overwrite 才允许）"
        )));
    }
    // 大小上限管的是一个文件，管不了磁盘：放得下才收。几个上传同时进行时这里可能都说“放得下”，
    // 那时真正写满磁盘的那个会在写的时候出错，它的临时文件照样被删掉。
    if let Some(free) = free_space(&config.dir) {
        let reserve = config.disk_reserve;
        if size > free.saturating_sub(reserve) {
            return Err(Failure::both(format!(
                "服务端的磁盘空间不够：文件有 {}，磁盘只剩 {}（还要留出 {}）",
                human(size),
                human(free),
                human(reserve)
            )));
        }
    }
    let mut temp = TempFile::create_in(&config.dir, TEMP_PREFIX).map_err(|e| Failure {
        reply: "服务端无法创建临时文件".into(),
        log: format!("无法在 {} 里创建临时文件：{e}", config.dir.display()),
    })?;
    let sha = copy_exact(reader, &mut temp, size, &mut |_| {}).map_err(|e| {
        let why = describe_io(&e, Way::Receiving, pace);
        Failure {
            reply: format!("上传没有完成，已丢弃：{why}"),
            log: format!("上传中断，临时文件已删除：{why}"),
        }
    })?;
    // 说好的字节都到了。后面的字节（如果有）是下一个请求，留在 reader 里，由 handle_connection 去读。
    temp.commit(&dest, config.allow_overwrite)
        .map_err(|e| match e.kind() {
            ErrorKind::AlreadyExists => Failure::both(format!(
                "已经有一个叫 {name} 的文件了（刚刚被别的上传抢先保存），服务端不覆盖已有文件"
            )),
            _ => Failure {
                reply: "服务端保存文件失败".into(),
                log: format!("保存 {name} 失败：{e}"),
            },
        })?;
    // 先保存好，再回答 ok：客户端看到 ok 时，文件一定已经在最终的名字上、在磁盘上了，
    // 之后这个连接上再发生什么（坏的请求头、断开），都动不了它。
    Ok(Done {
        reply: Some(format!("ok {size} {sha}\n")),
        log: format!("收完 {}，已保存为 {name}（SHA-256 {sha}）", human(size)),
        go_on: true,
    })
}
// ANCHOR_END: receive_upload

// ANCHOR: send_download
/// 发送一个下载：`ok <大小>`，然后是内容，边发边算 SHA-256，最后一行 `sha256 <摘要>`。
/// 摘要跟在内容后面，第一个字节马上就能出发，不用先把整个文件读一遍。
fn send_download(
    conn: &mut Guarded,
    name: &str,
    config: &Config,
    pace: Pace,
) -> Result<Done, Failure> {
    let path = config.dir.join(name);
    let not_plain = || Failure::both(format!("{name} 不是一个普通文件"));
    let cannot_read = |e: io::Error| Failure {
        reply: format!("服务端读不了 {name}"),
        log: format!("读 {} 失败：{e}", path.display()),
    };
    // 目录里就算有一个指向 /etc/passwd 的符号链接，也不能把它发出去。先查（symlink_metadata）
    // 再打开，中间有一段空隙，链接可能恰好在这时被换上；所以打开时就不跟随链接，
    // 再看“打开的这一个”是不是普通文件。
    let mut file = match open_no_follow(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(Failure::both(format!("没有叫 {name} 的文件")))
        }
        Err(e) if e.raw_os_error() == Some(Errno::ELOOP as i32) => return Err(not_plain()),
        Err(e) => return Err(cannot_read(e)),
    };
    let meta = file.metadata().map_err(cannot_read)?;
    if !meta.is_file() {
        return Err(not_plain());
    }
    let size = meta.len();
    // 上传总是“写新文件再改名”，从不原地修改，所以哪怕这期间有人上传了同名文件替换它，
    // 我们手里这个打开的文件也还是原来那一个。
    // 对方慢慢地读，和慢慢地发一样能占住连接：conn 是 Guarded，整次发送也有期限。
    let sent = conn
        .write_all(format!("ok {size}\n").as_bytes())
        .and_then(|()| copy_exact(&mut file, conn, size, &mut |_| {}))
        .and_then(|sha| {
            conn.write_all(format!("sha256 {sha}\n").as_bytes())?;
            Ok(sha)
        });
    // 已经回答了 ok，再出错就没法回 error 了：断开连接，对方发现字节不够或者摘要不对，自己丢掉。
    Ok(match sent {
        Ok(sha) => Done {
            reply: None,
            log: format!("发完 {name}：{}（SHA-256 {sha}）", human(size)),
            go_on: true,
        },
        Err(e) => Done {
            reply: None,
            log: format!("发送 {name} 中断：{}", describe_io(&e, Way::Sending, pace)),
            go_on: false,
        },
    })
}
// ANCHOR_END: send_download

// ANCHOR: refuse
/// 回答 `error <原因>`，然后体面地结束连接。
///
/// 对方可能还在发文件内容。要是我们直接关闭连接，内核发现还有没读的数据，会发 RST
/// 而不是正常的 FIN，对方可能连我们的 `error` 那一行都收不到，只看到“连接被重置”。
/// 所以先半关闭（关掉我们发送的方向），再替对方把剩下的内容读掉扔掉：有上限，
/// 也有 Guarded 的期限，一个拖着不发的对方占不住这个线程。
fn refuse(reader: &mut BufReader<Guarded>, reason: &str) {
    let line = format!("error {}\n", reason.replace(['\n', '\r'], " "));
    // 这一行直接写给连接，不经过 Guarded：期限可能刚好用完（对方不说话、太慢），原因还是要告诉它。
    // 一行字放得进空的发送缓冲区，不会等；万一对方一直不读，最多等 1 秒。
    let conn = reader.get_ref().inner();
    let _ = conn.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = (&mut &*conn).write_all(line.as_bytes());
    let _ = conn.shutdown(Shutdown::Write);
    let _ = io::copy(&mut reader.take(DRAIN_LIMIT), &mut io::sink());
}
// ANCHOR_END: refuse

/// 出错时是在收还是在发。
#[derive(Debug, Clone, Copy)]
pub enum Way {
    Receiving,
    Sending,
}

/// 空闲超时和最低速率：只用来把“为什么断开”说清楚。
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    pub idle_secs: u64,
    pub min_rate: u64,
}

impl Pace {
    pub fn of(policy: &Policy) -> Pace {
        Pace {
            idle_secs: policy.idle.as_secs(),
            min_rate: policy.min_rate,
        }
    }
}

/// 把 I/O 错误说成人话；超时单独说明，因为它是服务端主动断开的。
pub fn describe_io(e: &io::Error, way: Way, pace: Pace) -> String {
    // 超时有两种：一次读写等满了期限（系统给的），或者期限在读写之前就过了（Guarded 给的）。
    // 期限由空闲超时和最低速率一起决定，所以两种都是“不说话，或者太慢”。
    if support::is_timeout(e) {
        let (idle, rate) = (pace.idle_secs, human(pace.min_rate));
        return match way {
            Way::Receiving => {
                format!("{idle} 秒内没有收到数据，或者平均每秒不到 {rate}，断开")
            }
            Way::Sending => {
                format!("对方 {idle} 秒内没有读走数据，或者平均每秒读不到 {rate}，断开")
            }
        };
    }
    match e.kind() {
        ErrorKind::ConnectionReset => "连接被对方重置".into(),
        ErrorKind::BrokenPipe => "对方已经关闭了连接".into(),
        _ => e.to_string(),
    }
}

/// 只读打开一个文件，不跟随符号链接（是链接就失败，`ELOOP`），
/// 也不在命名管道上一直等写入的一方出现（`O_NONBLOCK`；对普通文件不起作用）。
fn open_no_follow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags((OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK).bits())
        .open(path)
}

/// 准备存放目录：不存在就建好，并转成绝对路径，日志里看得清楚文件到底在哪里。
pub fn prepare_dir(dir: &Path) -> io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    dir.canonicalize()
}
