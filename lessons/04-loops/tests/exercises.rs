//! 第 04 课练习的评分检查。`workbook grade 04` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。
//! 每个检查都走真实的套接字：学习者写的服务端在测试的线程里运行，测试扮演客户端。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use lesson_04::Handler;
use testkit::exercise;

/// 等学习者的函数返回的期限。
const RETURN_WITHIN: Duration = Duration::from_secs(10);

fn listen() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("绑定空闲端口");
    let addr = listener.local_addr().expect("有地址").to_string();
    (listener, addr)
}

fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap_or_else(|e| {
        panic!("连不上你的服务端（{e}）：函数是不是还没有 accept 就结束或 panic 了？")
    });
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("设置读超时");
    stream
}

/// 等后台线程里的函数交回结果；它 panic 了或超时都让检查失败，并说明可能的原因。
fn wait_result<T>(rx: &mpsc::Receiver<io::Result<T>>, what: &str, hang_hint: &str) -> T {
    match rx.recv_timeout(RETURN_WITHIN) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => panic!("{what} 返回了错误：{e}"),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} 在 {RETURN_WITHIN:?} 内没有返回：{hang_hint}")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic!("{what} panic 了（还是 todo!() 吗？）")
        }
    }
}

fn check_until_eof(echo_until_eof: fn(TcpStream) -> io::Result<u64>) {
    let (listener, addr) = listen();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        let _ = tx.send(echo_until_eof(stream));
    });
    let mut client = connect(&addr);
    // 中文、非法 UTF-8、比 1024 字节长得多的内容，最后一段没有换行符：字节要原样回来。
    let mut payload = "你好，服务端\n".as_bytes().to_vec();
    payload.extend_from_slice(b"\xff\x00\xfe");
    payload.extend((0..5000u32).map(|i| b'a' + (i % 26) as u8));
    payload.extend_from_slice("末尾没有换行".as_bytes());
    client.write_all(&payload).expect("发送");
    let mut back = vec![0; payload.len()];
    client
        .read_exact(&mut back)
        .unwrap_or_else(|e| panic!("没有收到原样发回的 {} 字节（{e}）", payload.len()));
    assert!(back == payload, "发回来的字节和发出去的不一样");
    client.shutdown(Shutdown::Write).expect("关闭发送方向");
    let total = wait_result(
        &rx,
        "echo_until_eof",
        "对方关闭连接后 read 会一直返回 0——读到 0 时要离开循环，否则它会永远空转",
    );
    assert_eq!(total, payload.len() as u64, "返回值应该是回显的总字节数");
    let mut rest = Vec::new();
    let n = client.read_to_end(&mut rest).expect("读到连接关闭");
    assert_eq!(n, 0, "对方关闭后不应该再写任何东西");
}

fn check_per_thread(serve_each_in_thread: fn(TcpListener, usize, Handler) -> io::Result<()>) {
    const CLIENTS: usize = 3;
    let active = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let (a, f) = (Arc::clone(&active), Arc::clone(&finished));
    // 这个处理函数等到所有客户端都同时在被服务时才回复 together；等不到就回复 alone。
    let handler: Handler = Arc::new(move |mut stream: TcpStream| {
        a.fetch_add(1, Ordering::SeqCst);
        let deadline = Instant::now() + Duration::from_secs(5);
        let together = loop {
            if a.load(Ordering::SeqCst) >= CLIENTS {
                break true;
            }
            if Instant::now() > deadline {
                break false;
            }
            // 按期限轮询计数器，每次只让出一小会儿 CPU。
            thread::sleep(Duration::from_millis(2));
        };
        let _ = stream.write_all(if together { b"together\n" } else { b"alone\n" });
        // 回复之后一直陪着客户端，直到它关闭连接：这样测试能看出函数是不是等线程结束才返回。
        let _ = stream.set_read_timeout(Some(RETURN_WITHIN));
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        f.fetch_add(1, Ordering::SeqCst);
    });
    let (listener, addr) = listen();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(serve_each_in_thread(listener, CLIENTS, handler));
    });
    let clients: Vec<TcpStream> = (0..CLIENTS).map(|_| connect(&addr)).collect();
    for (i, client) in clients.iter().enumerate() {
        let mut line = String::new();
        BufReader::new(client)
            .read_line(&mut line)
            .unwrap_or_else(|e| panic!("第 {} 个客户端没有收到回复（{e}）", i + 1));
        assert_eq!(
            line.trim_end(),
            "together",
            "第 {} 个客户端没有和其他客户端同时被服务：是不是一个连接处理完才 accept 下一个？",
            i + 1
        );
    }
    // 客户端都还连着，处理线程都还没结束：这时函数不应该已经返回。
    // 正确的实现在这里一定还在 join，所以多等一会儿也不会误报；只有不 join 的实现会在这段时间里返回。
    if let Ok(result) = rx.recv_timeout(Duration::from_millis(300)) {
        panic!(
            "客户端还连着、处理线程还没结束，函数就返回了（{result:?}）：返回前要 join 每一个线程"
        );
    }
    drop(clients);
    wait_result(
        &rx,
        "serve_each_in_thread",
        "所有客户端都服务完并断开了，函数却没有返回：接受完 clients 个连接后要 join 所有线程再返回",
    );
    assert_eq!(
        finished.load(Ordering::SeqCst),
        CLIENTS,
        "函数在处理线程结束之前就返回了：返回前要 join 每一个线程"
    );
}

/// 用 SO_LINGER = 0 关闭连接：系统发出 RST 而不是正常的 FIN，对方读的时候得到“连接被重置”。
fn reset(stream: TcpStream) {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let linger = libc::linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: 对一个有效的套接字设置选项，参数指向一个活着的 linger 结构。
        let rc = unsafe {
            libc::setsockopt(
                stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                &linger as *const libc::linger as *const libc::c_void,
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            )
        };
        assert_eq!(rc, 0, "设置 SO_LINGER 失败");
    }
    drop(stream);
}

/// 发一行、读一行回复。
fn ask(stream: &TcpStream, reader: &mut impl BufRead, line: &str) -> String {
    let mut writer = stream;
    writer
        .write_all(format!("{line}\n").as_bytes())
        .unwrap_or_else(|e| panic!("发送 {line:?} 失败（{e}）"));
    let mut reply = String::new();
    match reader.read_line(&mut reply) {
        Ok(0) => panic!("发送 {line:?} 后服务端关闭了连接：格式不对的一行也应该回复 fail 并继续"),
        Ok(_) => {}
        Err(e) => {
            panic!(
                "发送 {line:?} 后没有收到回复（{e}）：要回复一行 success 或 fail，以 \\n 结尾；\
                    如果前一个客户端出了错，你的函数是不是跟着返回了？"
            )
        }
    }
    assert!(reply.ends_with('\n'), "回复要以 \\n 结尾：{reply:?}");
    reply.trim_end().to_string()
}

fn run_login(
    serve_login: fn(TcpListener, &Path, usize) -> io::Result<()>,
    accounts: &str,
    sessions: Vec<Vec<(&'static str, &'static str)>>,
    vanish_after: Option<usize>,
) {
    let mut file = tempfile::NamedTempFile::new().expect("临时文件");
    file.write_all(accounts.as_bytes()).expect("写账号文件");
    let path = file.path().to_path_buf();
    let (listener, addr) = listen();
    let clients = sessions.len() + usize::from(vanish_after.is_some());
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(serve_login(listener, &path, clients));
    });
    for (i, session) in sessions.into_iter().enumerate() {
        if vanish_after == Some(i) {
            // 这个客户端发了半行就消失了。
            // 它用“重置”（RST）断开，服务端读它的时候会得到一个错误：
            // 这个错误只能结束它自己的会话，不能让 serve_login 返回。
            let mut rude = connect(&addr);
            let _ = rude.write_all(b"bob|buil");
            reset(rude);
        }
        let stream = connect(&addr);
        let mut reader = BufReader::new(stream.try_clone().expect("复制套接字"));
        for (line, want) in session {
            let got = ask(&stream, &mut reader, line);
            assert_eq!(got, want, "发送 {line:?}，应该回复 {want}");
        }
    }
    wait_result(
        &rx,
        "serve_login",
        "服务完 clients 个客户端后函数应该返回；客户端关闭连接后要去 accept 下一个",
    );
    drop(file);
}

fn check_login(serve_login: fn(TcpListener, &Path, usize) -> io::Result<()>) {
    run_login(
        serve_login,
        "alice|wonderland\nbob|builder\r\n\n张三|密码123\n",
        vec![
            vec![
                ("alice|wonderland", "success"),
                ("alice|builder", "fail"),    // 别人的密码
                ("carol|wonderland", "fail"), // 没有这个用户
                ("alicewonderland", "fail"),  // 没有 |
                ("", "fail"),                 // 空行
                ("张三|密码123", "success"),  // 格式不对之后，同一个连接照样能继续
            ],
            vec![("bob|builder", "success"), ("bob|Builder", "fail")],
        ],
        Some(1),
    );
    // 换一个账号文件：答案必须来自文件，而不是写死在代码里。
    run_login(
        serve_login,
        "dave|123\n",
        vec![vec![("dave|123", "success"), ("alice|wonderland", "fail")]],
        None,
    );
}

exercise!(
    l04_until_eof,
    "exercises/until_eof.rs",
    check_until_eof,
    lesson_04::exercises::until_eof::echo_until_eof,
    lesson_04::solutions::until_eof::echo_until_eof,
);

exercise!(
    l04_per_thread,
    "exercises/per_thread.rs",
    check_per_thread,
    lesson_04::exercises::per_thread::serve_each_in_thread,
    lesson_04::solutions::per_thread::serve_each_in_thread,
);

exercise!(
    l04_login,
    "exercises/login.rs",
    check_login,
    lesson_04::exercises::login::serve_login,
    lesson_04::solutions::login::serve_login,
);
