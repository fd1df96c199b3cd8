//! 第 05 课：UDP。
//!
//! UDP 没有“连接”：服务端绑定一个端口后，谁都可以往这个端口发**数据报**（datagram），
//! 服务端用 `recv_from` 一次收一个，同时知道是谁发来的，再用 `send_to` 把回答寄回去。
//! 数据报有边界（发几次就收几次），但可能丢、可能重复、可能乱序，送没送到发送方并不知道。
//! 这里放服务端和客户端共用、书里讲解的代码：回答的格式、收一个数据报、模拟丢包、
//! 带超时和重发的提问。

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

// 学习者的练习只在评分时编译（cargo 特性 `exercises`）：写到一半的练习不会拖累这一课的程序和别的课。
#[path = "../exercises/mod.rs"]
#[cfg(feature = "exercises")]
#[allow(unused_variables, unused_imports, unused_mut, dead_code)]
pub mod exercises;

// 参考答案（cargo 特性 `solutions`）：评分时不编译，学习者的文件够不着它。
#[path = "../solutions/mod.rs"]
#[cfg(feature = "solutions")]
#[doc(hidden)]
pub mod solutions;

/// 教程里 UDP 服务端用的端口。
pub const DEFAULT_PORT: u16 = 9999;

/// 服务端默认的接收缓冲区大小，和教程里的 `recvfrom(1024)` 一样。
pub const DEFAULT_BUFFER: usize = 1024;

/// 一个 UDP 数据报最多能装多少字节的数据（IPv4：65535 减去 IP 头 20 字节和 UDP 头 8 字节）。
pub const MAX_PAYLOAD: usize = 65_507;

// ANCHOR: greet
/// 服务端对一个数据报的回答。
pub struct Greeting {
    /// 要寄回去的字节。
    pub reply: Vec<u8>,
    /// 收到的数据按 UTF-8 解出的文字（坏字节换成 U+FFFD，只用来打印日志）。
    pub text: String,
    /// 数据不是合法的 UTF-8：回答的是 [`NOT_UTF8_REPLY`]，不是 `Hello, …!`。
    pub lossy: bool,
}

/// 收到的不是合法 UTF-8 时的回答：短短一句，和请求有多长无关。
pub const NOT_UTF8_REPLY: &str = "错误：不是合法的 UTF-8";

/// 根据收到的字节拼出回答。
///
/// 教程的 Python 服务端写的是 `b'Hello, %s!' % data`，把收到的字节原样塞进回答；
/// 另一篇教程先 `data.decode('utf-8')`，一个坏字节就让整个服务端退出。这里先按 UTF-8 解码：
/// - 解得开，回答 `Hello, <文字>!`，只比请求多 8 字节；空数据报也是合法的数据报，回答 `Hello, !`；
/// - 解不开，既不退出，也不把坏字节换成 `�` 塞进回答：一个坏字节是 1 字节，`�` 却是 3 字节，
///   1024 个坏字节会换来 3080 字节的回答。UDP 的源地址可以伪造，回答比请求大得多的服务端
///   会被人拿来放大流量、砸向别人，所以这里只回答一句固定的 [`NOT_UTF8_REPLY`]。
pub fn greet(data: &[u8]) -> Greeting {
    match std::str::from_utf8(data) {
        Ok(text) => Greeting {
            reply: reply_text(text).into_bytes(),
            text: text.to_string(),
            lossy: false,
        },
        Err(_) => Greeting {
            reply: NOT_UTF8_REPLY.as_bytes().to_vec(),
            text: String::from_utf8_lossy(data).into_owned(),
            lossy: true,
        },
    }
}

/// 对 `name` 的正确回答是什么：客户端用它来核对收到的回答。
pub fn reply_text(name: &str) -> String {
    format!("Hello, {name}!")
}
// ANCHOR_END: greet

// ANCHOR: receive
/// 收到的一个数据报。
pub struct Datagram {
    pub data: Vec<u8>,
    pub from: SocketAddr,
    /// 数据报比缓冲区大：超出的部分已经被系统丢掉了。
    pub truncated: bool,
}

/// 用 `buffer` 字节的缓冲区收一个数据报（会一直等，直到收到为止或出错）。
///
/// 数据报比缓冲区大时，放不下的部分被系统丢掉，不会留到下一次读。系统其实报告了这件事：
/// `recvmsg` 在 `msg_flags` 里置上 `MSG_TRUNC`（Linux 上给 `recv` 传 `MSG_TRUNC` 标志，
/// 返回的是数据报原本的长度），Windows 则让这次接收返回错误 WSAEMSGSIZE。但 std 的
/// `recv_from` 调用的是标志为 0 的 `recvfrom`，只返回拷进缓冲区的字节数，在 Linux 和 macOS 上
/// 这个报告到不了我们手里。所以这里用一个只靠 std、在哪里都成立的办法：多要一个字节。
/// 如果连这多出来的一个字节也被填满，说明数据报至少有 `buffer + 1` 字节，
/// 我们只留下前 `buffer` 个，并记下它被截断了。
pub fn receive(socket: &UdpSocket, buffer: usize) -> io::Result<Datagram> {
    let mut buf = vec![0u8; buffer + 1];
    let (n, from) = socket.recv_from(&mut buf)?;
    let truncated = n > buffer;
    buf.truncate(n.min(buffer));
    Ok(Datagram {
        data: buf,
        from,
        truncated,
    })
}

/// Windows 上数据报比缓冲区大时 `recv_from` 报的错（WSAEMSGSIZE）。
pub fn is_message_too_long(err: &io::Error) -> bool {
    cfg!(windows) && err.raw_os_error() == Some(10040)
}
// ANCHOR_END: receive

// ANCHOR: dropper
/// 按给定比例“丢掉”数据报，用来在本机上模拟一个会丢包的网络。
///
/// 随机数来自一个很小的伪随机数生成器（SplitMix64）：同一个种子永远给出同一串数，
/// 所以“丢掉哪几个”是确定的，测试和书里的输出每次都一样。
pub struct Dropper {
    share: f64,
    state: u64,
}

impl Dropper {
    /// `share` 是丢掉的比例：0.0 一个不丢，1.0 全部丢掉。
    pub fn new(share: f64, seed: u64) -> Dropper {
        Dropper { share, state: seed }
    }

    /// 下一个 0 到 1 之间（不含 1）的伪随机数。
    pub fn next_f64(&mut self) -> f64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // 取高 53 位，正好是 f64 能精确表示的整数范围。
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    /// 这一个数据报要不要丢掉。
    pub fn should_drop(&mut self) -> bool {
        self.share > 0.0 && self.next_f64() < self.share
    }
}
// ANCHOR_END: dropper

/// 服务端的设置（对应命令行参数）。
pub struct ServerOptions {
    /// 接收缓冲区的大小（字节）。
    pub buffer: usize,
    /// 故意丢掉的数据报的比例。
    pub drop: f64,
    /// 丢包用的伪随机数种子。
    pub seed: u64,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            buffer: DEFAULT_BUFFER,
            drop: 0.0,
            seed: 1,
        }
    }
}

/// 连续这么多次收不到数据（出错）就放弃：多半是套接字本身坏了，再循环也只是空转。
const MAX_ERRORS_IN_A_ROW: u32 = 100;

// ANCHOR: serve
/// 服务端的主循环：收一个数据报，回答一个，永不停止（除非套接字一直出错）。
///
/// 没有 `listen`，也没有 `accept`：一个套接字服务所有客户端，每个数据报都带着发送方的地址，
/// 回答就寄到那个地址。因为不存在“连接”，也就不需要为每个客户端开一个线程
/// （教程的服务端为每个数据报开了一个线程，只多了开销）。`log` 收到要打印的每一行。
pub fn serve(
    socket: &UdpSocket,
    opts: &ServerOptions,
    log: &mut dyn FnMut(&str),
) -> io::Result<()> {
    let mut dropper = Dropper::new(opts.drop, opts.seed);
    let mut errors_in_a_row = 0;
    loop {
        let datagram = match receive(socket, opts.buffer) {
            Ok(d) => d,
            Err(err) => {
                // 一个坏数据报或一个已经走掉的客户端，不该让服务端退出：记下来，接着收。
                errors_in_a_row += 1;
                if is_message_too_long(&err) {
                    log(&format!(
                        "收到一个比缓冲区（{} 字节）还大的数据报，系统报错并丢掉了它",
                        opts.buffer
                    ));
                } else {
                    log(&format!("接收出错（{err}），继续等下一个数据报"));
                }
                if errors_in_a_row >= MAX_ERRORS_IN_A_ROW {
                    return Err(err);
                }
                continue;
            }
        };
        errors_in_a_row = 0;
        let greeting = greet(&datagram.data);
        let from = datagram.from;
        let size = datagram.data.len();
        if dropper.should_drop() {
            log(&format!(
                "丢掉 {from} 的 {size} 字节（模拟丢包）：{}",
                greeting.text
            ));
            continue;
        }
        log(&describe(&datagram, &greeting, opts.buffer));
        if let Err(err) = socket.send_to(&greeting.reply, from) {
            log(&format!("回答 {from} 失败（{err}），继续等下一个数据报"));
        }
    }
}

/// 服务端为收到的一个数据报打印的那一行。
fn describe(datagram: &Datagram, greeting: &Greeting, buffer: usize) -> String {
    let from = datagram.from;
    let size = datagram.data.len();
    let mut line = format!(
        "收到 {from} 的 {size} 字节：{}",
        preview(greeting.text.as_bytes())
    );
    if size == 0 {
        line.push_str("（空数据报，照样回答）");
    }
    if greeting.lossy {
        line.push_str("（不是合法的 UTF-8，只回答一句简短的错误）");
    }
    if datagram.truncated {
        line.push_str(&format!(
            "（数据报比缓冲区大，只留下前 {buffer} 字节，其余的被系统丢掉了）"
        ));
    }
    line
}
// ANCHOR_END: serve

// ANCHOR: client_socket
/// 客户端的套接字：绑定本机任意地址上的一个空闲端口，再 `connect` 到服务端。
///
/// UDP 的 `connect` 不发送任何东西，它只是让系统记住“对方是谁”。之后：
/// - 可以用 `send` / `recv`，不必每次写对方地址；
/// - 系统只把**从服务端地址**来的数据报交给我们，陌生人发来的直接丢掉；
/// - 对方端口上没有程序时，系统收到的 ICMP “端口不可达”会在下一次 `recv` 时
///   变成 `ConnectionRefused` 报给我们（Linux 上如此；没有 `connect` 时它什么也不说）。
pub fn client_socket(server: SocketAddr) -> io::Result<UdpSocket> {
    let local: SocketAddr = if server.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local)?;
    socket.connect(server)?;
    Ok(socket)
}
// ANCHOR_END: client_socket

/// 最多重发几次（命令行 `--retries` 的上限）。
pub const MAX_RETRIES: u32 = 100;

/// 每次最多等多久（命令行 `--timeout-ms` 的上限）。
pub const MAX_TIMEOUT: Duration = Duration::from_secs(60);

// ANCHOR: share_arg
/// 给 clap 用的取值检查：`--drop` 要是 0 到 1 之间的小数。
///
/// 整数参数（`--retries`、`--timeout-ms`、`--buffer`）用各课共用的 `support::cli::ranged` 检查范围；
/// 小数没有共用的检查，就在这里写一个。`NaN` 和 `inf` 也能被解析成 f64，所以要检查的是
/// “在不在 0 到 1 之间”，而不是“是不是一个数”。检查放在解析参数的时候，错的值根本进不了程序。
pub fn share_arg(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(share) if (0.0..=1.0).contains(&share) => Ok(share),
        _ => Err(format!(
            "应当在 0 到 1 之间（0.3 表示丢掉 30%），而不是 {text}"
        )),
    }
}
// ANCHOR_END: share_arg

/// 提问的耐心：每次等多久、最多重发几次。
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub timeout: Duration,
    pub retries: u32,
}

/// 问不到答案的原因。
#[derive(Debug)]
pub enum AskError {
    /// 消息太长，一个数据报装不下。
    TooLong { len: usize },
    /// 每一次都没有等到对得上的回答。
    NoAnswer {
        server: SocketAddr,
        question: String,
        attempts: u32,
        timeout: Duration,
        /// 有几次系统报告对方端口上没有程序（ICMP 端口不可达）。
        refused: u32,
        /// 收到了几个来自服务端、但内容对不上的回答。
        mismatched: u32,
    },
    /// 其他网络错误。
    Io(io::Error),
}

impl fmt::Display for AskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AskError::TooLong { len } => write!(
                f,
                "消息有 {len} 字节，一个 UDP 数据报装不下（最多 {MAX_PAYLOAD} 字节）；请把它分成几段发送"
            ),
            AskError::NoAnswer {
                server,
                question,
                attempts,
                timeout,
                refused,
                mismatched,
            } => {
                if *mismatched > 0 {
                    write!(
                        f,
                        "问了 {attempts} 次“{question}”，收到 {mismatched} 个回答，但都不是“{}”。\
                         服务端的缓冲区可能太小，把数据报截断了（看看服务端的输出和它的 --buffer）",
                        reply_text(question)
                    )
                } else if refused == attempts {
                    write!(
                        f,
                        "服务端 {server} 不在：试了 {attempts} 次，系统都报告那个端口上没有程序（连接被拒绝）。\
                         先在另一个终端里启动它：{}",
                        support::command_line("lesson 05 server")
                    )
                } else {
                    write!(
                        f,
                        "服务端 {server} 没有回答：试了 {attempts} 次，每次等 {} 毫秒。服务端在运行吗？\
                         先在另一个终端里启动它：{}；网络在丢包的话，可以加大 --retries 或 --timeout-ms",
                        timeout.as_millis(),
                        support::command_line("lesson 05 server")
                    )
                }
            }
            AskError::Io(err) => write!(f, "UDP 收发出错：{err}"),
        }
    }
}

impl std::error::Error for AskError {}

impl From<io::Error> for AskError {
    fn from(err: io::Error) -> Self {
        AskError::Io(err)
    }
}

/// 对方端口上没有程序时系统报的错：Linux 是 `ConnectionRefused`，Windows 是 `ConnectionReset`。
fn is_refused(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset
    )
}

/// 把收到的字节变成一行可以打印的文字（太长的只显示开头）。
fn preview(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() {
        format!("{head}……")
    } else {
        head
    }
}

// ANCHOR: ask
/// 把 `question` 发给服务端，等它的回答 `Hello, <question>!`；等不到就重发，最多重发 `retry.retries` 次。
///
/// 数据报会丢，所以每次只等 `retry.timeout`。回答和问题要对得上：
/// - 不是服务端地址发来的数据报，不算回答（陌生人也能往我们的端口发东西）；
/// - 内容不是 `Hello, <question>!` 的，也不算：那多半是**上一个问题**的迟到回答——
///   我们等得不耐烦重发过，服务端可能两次都回答了，第二份回答会在我们问下一个问题时才到。
///
/// 线路上没有加编号，所以同一个问题的两份回答我们分不出来，也不需要分：内容一样，收下哪份都对。
/// `note` 收到要告诉用户的每一件事（重发、丢掉的回答）。
pub fn ask(
    socket: &UdpSocket,
    server: SocketAddr,
    question: &str,
    retry: Retry,
    note: &mut dyn FnMut(String),
) -> Result<String, AskError> {
    if question.len() > MAX_PAYLOAD {
        return Err(AskError::TooLong {
            len: question.len(),
        });
    }
    // 连接过的套接字用 send（有些系统不许对它用 send_to），没连接的用 send_to。
    let connected = socket.peer_addr().is_ok();
    let expected = reply_text(question);
    // 回答可能比问题长，缓冲区按最大的数据报准备，免得把回答截断。
    let mut buf = vec![0u8; MAX_PAYLOAD + 1];
    let (mut refused, mut mismatched) = (0, 0);
    // 第一次加上重发的次数；retries 就算是 u32::MAX 也不会溢出。
    let attempts = retry.retries.saturating_add(1);
    // 超过 MAX_TIMEOUT 的按 MAX_TIMEOUT 算：`Instant::now() + timeout` 因此永远不会溢出。
    let retry = Retry {
        timeout: retry.timeout.min(MAX_TIMEOUT),
        ..retry
    };
    for attempt in 1..=attempts {
        let sent = if connected {
            socket.send(question.as_bytes())
        } else {
            socket.send_to(question.as_bytes(), server)
        };
        let outcome = match sent {
            Ok(_) => wait_for_answer(socket, server, &expected, retry.timeout, &mut buf, note),
            Err(err) => Err(err),
        };
        let why = match outcome {
            Ok(Wait::Answer) => return Ok(expected),
            Ok(Wait::TimedOut { mismatched: n }) => {
                mismatched += n;
                let ms = retry.timeout.as_millis();
                if n == 0 {
                    format!("等了 {ms} 毫秒没有回答")
                } else {
                    format!("等了 {ms} 毫秒，只收到对不上的回答")
                }
            }
            Err(err) if is_refused(&err) => {
                refused += 1;
                "系统报告服务端的端口上没有程序".to_string()
            }
            Err(err) => return Err(AskError::Io(err)),
        };
        if attempt < attempts {
            note(format!("（{question}：{why}，第 {attempt} 次重发）"));
        }
    }
    Err(AskError::NoAnswer {
        server,
        question: question.to_string(),
        attempts,
        timeout: retry.timeout,
        refused,
        mismatched,
    })
}

/// 一次等待的结果。
enum Wait {
    /// 等到了对得上的回答。
    Answer,
    /// 到时间了；期间丢掉了 `mismatched` 个对不上的回答。
    TimedOut { mismatched: u32 },
}

/// 在 `timeout` 之内等一个对得上的回答。丢掉的数据报不会延长等待：超时从发送时算起。
fn wait_for_answer(
    socket: &UdpSocket,
    server: SocketAddr,
    expected: &str,
    timeout: Duration,
    buf: &mut [u8],
    note: &mut dyn FnMut(String),
) -> io::Result<Wait> {
    let deadline = Instant::now() + timeout;
    let mut mismatched = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(Wait::TimedOut { mismatched });
        }
        socket.set_read_timeout(Some(left))?;
        match socket.recv_from(buf) {
            Ok((_, from)) if from != server => {
                note(format!("（忽略 {from} 发来的数据报：它不是服务端）"));
            }
            Ok((n, _)) if &buf[..n] == expected.as_bytes() => return Ok(Wait::Answer),
            Ok((n, _)) => {
                mismatched += 1;
                note(format!("（丢掉一个对不上的回答：{}）", preview(&buf[..n])));
            }
            Err(err) if support::is_timeout(&err) => return Ok(Wait::TimedOut { mismatched }),
            Err(err) => return Err(err),
        }
    }
}
// ANCHOR_END: ask
