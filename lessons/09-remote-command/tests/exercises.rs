//! 第 09 课练习的评分检查。`workbook grade 09` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。
//!
//! 进程的练习用真实的进程和进程组（`sh` 启动的子进程，不理 SIGTERM 的 `sleep`）；
//! 网络的练习走真实的套接字，对面是像真程序一样的对方：真正的 `l09-server` 进程，
//! 回答分两段、中间停一会儿的服务端，一个字节一个字节慢慢说的、一言不发的、说到一半就消失的对方，
//! 一上来就不说话的客户端。失败的信息是写给学习者看的：你的结果、期望，以及最可能的原因。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::any::Any;
use std::fs;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitStatus;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use lesson_08::frame::{read_frame, write_frame, DEFAULT_MAX_FRAME};
use lesson_09::server::Reply;
use testkit::grading::{cut, describe_io, expect_eq, show_bytes};
use testkit::peers::{self, WAIT};
use testkit::{exercise, Proc, DEADLINE};

const SERVER: &str = env!("CARGO_BIN_EXE_l09-server");

// ---------------------------------------------------------------------------
// 公用的小工具
// ---------------------------------------------------------------------------

/// 学习者的函数 panic 时附带的文字。
fn panic_text(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "（panic 没有附带文字）".to_string());
    if text.starts_with("not yet implemented") {
        return "还没有写（todo!()）".to_string();
    }
    cut(&text.replace(
        "Resource temporarily unavailable (os error 11)",
        "读超时（os error 11）",
    ))
}

fn panicked(situation: &str, payload: &(dyn Any + Send)) -> ! {
    let text = panic_text(payload);
    if text.starts_with("还没有写") {
        panic!("{situation}：你的函数{text}");
    }
    panic!("{situation}：你的函数 panic 了：{text}\n  出错时把错误交回去，不要 unwrap / expect。")
}

/// 在另一个线程里调用学习者的函数，最多等 `limit`。它 panic 时说清楚是在什么情形下。
fn call<T: Send + 'static>(
    situation: &str,
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(limit) {
        Ok(Ok(value)) => value,
        Ok(Err(payload)) => panicked(situation, payload.as_ref()),
        Err(_) => panic!(
            "{situation}：你的函数过了 {} 秒还没有返回",
            limit.as_secs_f64()
        ),
    }
}

/// 读一次；被信号打断（EINTR）就再读。
fn read_retrying(stream: &mut TcpStream, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match stream.read(buf) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

fn secs(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64())
}

fn describe_result<T: std::fmt::Debug>(result: &io::Result<T>) -> String {
    match result {
        Ok(v) => cut(&format!("Ok({v:?})")),
        Err(e) => format!("Err（{}，kind = {:?}）", describe_io(e), e.kind()),
    }
}

/// 一个回答，写成学习者看得懂的样子（字节写成 b'…'）。
fn show_reply(reply: &Reply) -> String {
    match reply {
        Reply::Output(bytes) => format!("Reply::Output({})", show_bytes(bytes)),
        Reply::NoOutput => "Reply::NoOutput".to_string(),
        Reply::Error(why) => format!("Reply::Error({:?})", cut(why)),
    }
}

fn show_reply_result(result: &io::Result<Reply>) -> String {
    match result {
        Ok(reply) => format!("Ok({})", show_reply(reply)),
        Err(e) => format!("Err（{}，kind = {:?}）", describe_io(e), e.kind()),
    }
}

/// 进程已经不在了（或者只剩一个等着被回收的僵尸）。
fn is_gone(pid: &str) -> bool {
    #[cfg(target_os = "linux")]
    {
        match fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => true,
            Ok(stat) => stat
                .rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        use nix::sys::signal::kill;
        use nix::unistd::Pid;
        let Ok(pid) = pid.parse::<i32>() else {
            return true;
        };
        kill(Pid::from_raw(pid), None).is_err()
    }
}

/// 进程已经被回收了：连僵尸都不剩（`kill(pid, 0)` 找不到它）。
fn reaped(pid: &str) -> bool {
    use nix::sys::signal::kill;
    use nix::unistd::Pid;
    let Ok(pid) = pid.parse::<i32>() else {
        return true;
    };
    kill(Pid::from_raw(pid), None).is_err()
}

/// 最多等 `limit`，看条件是否成立。
fn soon(limit: Duration, cond: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(5));
    }
}

// ---------------------------------------------------------------------------
// 练习 1 ★☆☆：替 seq 审参数
// ---------------------------------------------------------------------------

type CheckSeq = fn(&[&str], u64) -> Result<u64, String>;

/// 每个情形都应当被拒绝，而且说明里要写出 `needle`。
fn expect_refused(check: CheckSeq, refused: &[(&'static [&'static str], u64, &str, &str)]) {
    for &(args, max, needle, why) in refused {
        let got = call(
            &format!("check_seq({args:?}, {max})"),
            DEADLINE,
            move || check(args, max),
        );
        match got {
            Err(text) if text.contains(needle) => {}
            Err(text) => panic!(
                "seq {}（上限 {max} 行）应当被拒绝（{why}），说明里要写出 {needle:?}\n  你的说明：{:?}",
                args.join(" "),
                cut(&text)
            ),
            Ok(lines) => panic!(
                "seq {}（上限 {max} 行）应当被拒绝：{why}\n  你的结果：Ok({lines})",
                args.join(" ")
            ),
        }
    }
}

fn check_seq(check: CheckSeq) {
    let max = 100;
    // 先看参数的写法：拒绝，而且说明里要写出 `needle`（是哪个参数）。
    let refused: &[(&[&str], u64, &str, &str)] = &[
        (&[], max, "", "没有参数"),
        (&["1", "2", "3", "4"], max, "", "参数多于 3 个"),
        (&["-f", "%g", "3"], max, "-f", "-f 是选项（格式），不是整数"),
        (&["-w", "5"], max, "-w", "-w 是选项，不是整数"),
        (&["--help"], max, "--help", "--help 是选项"),
        (&["1.5"], max, "1.5", "小数不行"),
        (
            &["1e3"],
            max,
            "1e3",
            "1e3 是小数的写法，seq 会把它当成 1000",
        ),
        (&["3", "abc"], max, "abc", "abc 不是数"),
        (&[""], max, "", "空的参数"),
        (&["１"], max, "１", "全角的数字不是 ASCII 数字"),
        (
            &["9223372036854775808"],
            u64::MAX,
            "9223372036854775808",
            "放不进 i64",
        ),
    ];
    expect_refused(check, refused);

    let fine: &[(&[&str], u64, u64, &str)] = &[
        (&["5"], max, 5, "只给最后一个：从 1 数到 5"),
        (&["3", "7"], max, 5, "3 到 7"),
        (&["1", "2", "10"], max, 5, "1、3、5、7、9"),
        (&["1", "3", "6"], max, 2, "1、4（下一个 7 越过了 6）"),
        (
            &["10", "-3", "1"],
            max,
            4,
            "10、7、4、1：步长是负的，往下数",
        ),
        (&["-1", "-4", "-10"], max, 3, "-1、-5、-9"),
        (&["-3", "3"], max, 7, "负数也是数：-3 到 3"),
        (&["5", "5"], max, 1, "第一个就是最后一个：一行"),
        (
            &["5", "-2", "5"],
            max,
            1,
            "第一个就是最后一个，步长是负的：也是一行",
        ),
        (&["5", "1"], max, 0, "步长是 1，5 却比 1 大：一行也不打印"),
        (
            &["1", "-1", "5"],
            max,
            0,
            "步长是负的，1 却比 5 小：一行也不打印",
        ),
        (&["0"], max, 0, "从 1 数到 0：一行也不打印"),
        (
            &["5", "3", "4"],
            max,
            0,
            "步长是 3，5 却比 4 大：一行也不打印",
        ),
        (&["100"], max, 100, "正好 100 行，上限是 100：可以"),
        (
            &["9223372036854775807"],
            u64::MAX,
            9_223_372_036_854_775_807,
            "i64 最大的数",
        ),
        (
            &["9223372036854775807", "-9223372036854775808"],
            max,
            0,
            "方向不对，一行也不打印（两数之差放不进 i64）",
        ),
        (
            &["-9223372036854775808", "-1", "9223372036854775807"],
            max,
            0,
            "方向不对，一行也不打印（两数之差放不进 i64）",
        ),
        (
            &[
                "-9223372036854775808",
                "9223372036854775807",
                "9223372036854775807",
            ],
            max,
            3,
            "i64 最小的数、-1、9223372036854775806（两数之差放不进 i64）",
        ),
    ];
    for &(args, max, lines, why) in fine {
        let got = call(
            &format!("check_seq({args:?}, {max})"),
            DEADLINE,
            move || check(args, max),
        );
        expect_eq(
            &format!("seq {}（上限 {max} 行）：{why}", args.join(" ")),
            &got,
            &Ok(lines),
        );
    }

    // 参数都是整数，但步长是 0、或者行数太多。
    let refused: &[(&[&str], u64, &str, &str)] = &[
        (&["1", "0", "5"], max, "", "步长是 0：seq 会一直打印下去"),
        (
            &["0", "0", "0"],
            max,
            "",
            "步长是 0，哪怕第一个就是最后一个",
        ),
        (&["101"], max, "101", "101 行，超过了上限 100"),
        (
            &["1", "1000001"],
            1_000_000,
            "1000001",
            "1000001 行，超过了上限",
        ),
        (
            &["-9223372036854775808", "9223372036854775807"],
            u64::MAX,
            "18446744073709551616",
            "2 的 64 次方行：比 u64 能表示的还多一行",
        ),
    ];
    expect_refused(check, refused);
}

// ---------------------------------------------------------------------------
// 练习 2 ★★☆：带反斜杠转义的切词
// ---------------------------------------------------------------------------

fn check_split(split: fn(&str) -> Result<Vec<String>, String>) {
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "  echo   hi  ",
            &["echo", "hi"],
            "空白分隔，连续的空白算一处",
        ),
        (
            r#"echo a\ b "c\"d" 'e\f'"#,
            &["echo", "a b", "c\"d", r"e\f"],
            "引号外的 \\ 让空格成为词的一部分；双引号里 \\\" 是一个 \"；单引号里 \\ 是普通字符",
        ),
        (
            r#"echo "x\\y" "x\ny""#,
            &["echo", r"x\y", r"x\ny"],
            "双引号里 \\\\ 是一个 \\，别的 \\n 保持两个字符",
        ),
        (
            r"echo \'one\' \\",
            &["echo", "'one'", r"\"],
            "引号外 \\' 是一个普通的 '，\\\\ 是一个 \\",
        ),
        (
            "a'b c'd \"\" ''",
            &["ab cd", "", ""],
            "引号和旁边的文字连成一个词；'' 和 \"\" 是空词",
        ),
        (
            "echo hi; rm -rf x",
            &["echo", "hi;", "rm", "-rf", "x"],
            "分号只是普通字符",
        ),
        ("", &[], "空行没有词"),
    ];
    for &(line, want, why) in cases {
        let owned = line.to_string();
        let got = call(&format!("切 {line:?}"), DEADLINE, move || split(&owned));
        let want: Vec<String> = want.iter().map(|w| w.to_string()).collect();
        expect_eq(&format!("切 {line:?}（{why}）"), &got, &Ok(want));
    }
    for (bad, why) in [
        ("echo 'oops", "单引号没有闭合"),
        ("echo \"oops", "双引号没有闭合"),
        (
            "echo \"oops\\\"",
            "双引号里最后的 \\\" 是一个 \"，引号仍然没有闭合",
        ),
        ("echo oops\\", "行尾落单的反斜杠"),
    ] {
        let line = bad.to_string();
        let got = call(&format!("切 {bad:?}"), DEADLINE, move || split(&line));
        assert!(
            got.is_err(),
            "{bad:?} 应当返回 Err（{why}）\n  你的结果：{}",
            cut(&format!("{got:?}"))
        );
    }
}

// ---------------------------------------------------------------------------
// 练习 3 ★★☆：超时先礼后兵
// ---------------------------------------------------------------------------

type RunWithGrace = fn(&[&str], Duration, Duration) -> io::Result<Option<ExitStatus>>;

/// 运行学习者的函数：`argv` 是 `sh -c 脚本`，返回结果和用了多久。
fn timed_run(
    run: RunWithGrace,
    situation: &str,
    argv: Vec<String>,
    limit: Duration,
    grace: Duration,
) -> (io::Result<Option<ExitStatus>>, Duration) {
    // 给足时间：比时间限制加宽限期多 10 秒。还没返回，多半是信号没有送到。
    let wait = limit + grace + Duration::from_secs(10);
    let situation = format!(
        "{situation}（最可能的原因：宽限期过了没有发 SIGKILL；或者启动时忘了 process_group(0)，\
         程序不在它自己的进程组里，killpg 找不到这个组，信号一个也没送到）"
    );
    call(&situation, wait, move || {
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let start = Instant::now();
        let result = run(&argv, limit, grace);
        (result, start.elapsed())
    })
}

fn sh(script: String) -> Vec<String> {
    vec!["sh".into(), "-c".into(), script]
}

fn read_pid(path: &std::path::Path, what: &str) -> String {
    fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("脚本没来得及写下{what}的进程号（机器太忙？）"))
        .trim()
        .to_string()
}

fn check_timeout(run: RunWithGrace) {
    let roomy = Duration::from_secs(10);
    let (got, took) = timed_run(run, "运行 true", sh("true".into()), roomy, roomy);
    match &got {
        Ok(Some(status)) if status.success() => {}
        other => panic!(
            "true 马上成功结束，应当返回 Ok(Some(成功的退出状态))\n  你的结果：{}",
            describe_result(other)
        ),
    }
    assert!(
        took < Duration::from_secs(5),
        "true 马上就结束了，你的函数却过了 {} 秒才返回：程序结束就该返回，不要等满时间限制",
        secs(took)
    );
    let (got, _) = timed_run(run, "运行 false", vec!["false".into()], roomy, roomy);
    match &got {
        Ok(Some(status)) if !status.success() => {}
        other => panic!(
            "false 以退出码 1 结束，应当返回 Ok(Some(失败的退出状态))\n  你的结果：{}",
            describe_result(other)
        ),
    }
    let argv = vec!["sleep".to_string(), "0.3".to_string()];
    let (got, took) = timed_run(run, "运行 sleep 0.3", argv, Duration::from_secs(5), roomy);
    match &got {
        Ok(Some(status)) if status.success() && took >= Duration::from_millis(250) => {}
        other => panic!(
            "sleep 0.3 在时间限制 5 秒之内结束，应当等它结束、返回 Ok(Some(成功的退出状态))\n  你的结果：{}（用了 {} 秒）",
            describe_result(other),
            secs(took)
        ),
    }

    // 讲理的程序：组长和组里的一个子进程收到 SIGTERM 都会写下一个文件再走；组长等子进程写完
    // （最多 2 秒）才走，免得评分在子进程写完之前就看到组长走了。
    // 组里还有一个不理 SIGTERM 的 sleep，只有 SIGKILL 杀得掉它。
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let script = format!(
        "trap 'i=0; while [ ! -e {d}/child ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i+1)); done; \
         echo term > {d}/leader; exit 0' TERM; echo $$ > {d}/leader.pid; \
         sh -c 'trap \"echo term > {d}/child; exit 0\" TERM; sleep 60 & wait' & \
         (trap '' TERM; exec sleep 60) & echo $! > {d}/stubborn.pid; wait"
    );
    let (limit, grace) = (Duration::from_millis(500), Duration::from_secs(5));
    let (got, took) = timed_run(
        run,
        "超时的 sh（收到 SIGTERM 就走）",
        sh(script),
        limit,
        grace,
    );
    assert!(
        matches!(got, Ok(None)),
        "sh 过了时间限制 0.5 秒还没结束，应当被停下并返回 Ok(None)\n  你的结果：{}",
        describe_result(&got)
    );
    assert!(
        took >= Duration::from_millis(450),
        "时间限制是 0.5 秒，你的函数却在 {} 秒就返回了：不要提前停下程序",
        secs(took)
    );
    assert!(
        dir.path().join("leader").exists(),
        "过了时间限制要先发 SIGTERM：sh 没有收到（它收到时会写下一个文件）。一上来就 SIGKILL，程序来不及收拾"
    );
    assert!(
        dir.path().join("child").exists(),
        "SIGTERM 要发给整个进程组（killpg），而不只是 sh：sh 启动的子进程没有收到"
    );
    assert!(
        took < limit + Duration::from_secs(3),
        "sh 收到 SIGTERM 马上就走了，你的函数却过了 {} 秒才返回（时间限制 0.5 秒，宽限期 5 秒）：\
         程序一结束就不要再等宽限期了",
        secs(took)
    );
    let stubborn = read_pid(&dir.path().join("stubborn.pid"), "不理 SIGTERM 的 sleep ");
    assert!(
        soon(Duration::from_secs(3), || is_gone(&stubborn)),
        "不理 SIGTERM 的 sleep（进程 {stubborn}）还活着：宽限期之后，不论组长走没走，\
         都要给整个进程组发 SIGKILL"
    );

    // 不讲理的程序：整个组都不理 SIGTERM。要等满宽限期，再 SIGKILL。
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let script =
        format!("trap '' TERM; echo $$ > {d}/leader.pid; sleep 60 & echo $! > {d}/sleep.pid; wait");
    let (limit, grace) = (Duration::from_millis(200), Duration::from_millis(600));
    let (got, took) = timed_run(run, "超时的 sh（不理 SIGTERM）", sh(script), limit, grace);
    assert!(
        matches!(got, Ok(None)),
        "不理 SIGTERM 的 sh 应当在宽限期后被杀掉，并返回 Ok(None)\n  你的结果：{}",
        describe_result(&got)
    );
    assert!(
        took >= limit + grace - Duration::from_millis(50),
        "时间限制 0.2 秒、宽限期 0.6 秒，你的函数却在 {} 秒就返回了：发了 SIGTERM 以后要给程序宽限期",
        secs(took)
    );
    assert!(
        took < limit + grace + Duration::from_secs(4),
        "时间限制 0.2 秒、宽限期 0.6 秒，你的函数过了 {} 秒才返回",
        secs(took)
    );
    for (file, what) in [("leader.pid", "sh"), ("sleep.pid", "sh 启动的 sleep")] {
        let pid = read_pid(&dir.path().join(file), what);
        assert!(
            soon(Duration::from_secs(3), || is_gone(&pid)),
            "{what}（进程 {pid}）还活着：宽限期过了要给整个进程组发 SIGKILL"
        );
    }
    let leader = read_pid(&dir.path().join("leader.pid"), " sh ");
    assert!(
        soon(Duration::from_secs(1), || reaped(&leader)),
        "sh（进程 {leader}）被杀掉了，却没有被回收，成了僵尸：返回之前要 wait 它"
    );

    let (got, _) = timed_run(
        run,
        "运行不存在的程序",
        vec!["no-such-program-l09".into()],
        roomy,
        roomy,
    );
    assert!(
        matches!(&got, Err(e) if e.kind() == ErrorKind::NotFound),
        "程序不存在时应当返回 NotFound 错误（spawn 的错误原样交回）\n  你的结果：{}",
        describe_result(&got)
    );
    let (got, _) = timed_run(run, "argv 是空的", Vec::new(), roomy, roomy);
    assert!(
        matches!(&got, Err(e) if e.kind() == ErrorKind::InvalidInput),
        "argv 是空的：应当返回 InvalidInput 错误，而不是 panic\n  你的结果：{}",
        describe_result(&got)
    );
}

// ---------------------------------------------------------------------------
// 练习 4 ★★☆：整件事有超时的客户端
// ---------------------------------------------------------------------------

type Ask = fn(SocketAddr, &str, Duration) -> io::Result<Reply>;

/// 一帧：4 字节大端长度，再是内容。
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = (payload.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(payload);
    out
}

/// 测试里的小服务端：接受一个连接，先读满一帧命令（检查它确实是一帧），再交给 `answer`。
/// 收到的命令（或者“没收到一帧”的说明）从返回的通道里拿。
fn peer(
    answer: impl FnOnce(TcpStream) -> io::Result<()> + Send + 'static,
) -> (SocketAddr, mpsc::Receiver<Result<Vec<u8>, String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("能绑定空闲端口");
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let _ = stream.set_read_timeout(Some(WAIT));
        let _ = stream.set_write_timeout(Some(WAIT));
        let _ = stream.set_nodelay(true);
        let mut header = [0u8; 4];
        let got = stream
            .read_exact(&mut header)
            .map_err(|e| format!("没收到 4 字节的长度前缀：{}", describe_io(&e)))
            .and_then(|()| {
                let len = u32::from_be_bytes(header) as usize;
                if len > 64 * 1024 {
                    return Err(format!(
                        "长度前缀是 {}（{len}），不像一条命令：要先发 4 字节大端长度",
                        show_bytes(&header)
                    ));
                }
                let mut body = vec![0u8; len];
                stream.read_exact(&mut body).map_err(|e| {
                    format!("长度前缀说有 {len} 字节，内容却没收全：{}", describe_io(&e))
                })?;
                Ok(body)
            });
        let ok = got.is_ok();
        let _ = tx.send(got);
        if ok {
            let _ = answer(stream);
        }
    });
    (addr, rx)
}

/// 调用学习者的 `ask`，返回结果和用了多久；再看测试的服务端收到的是不是那条命令的一帧。
fn timed_ask(
    ask: Ask,
    situation: &str,
    addr: SocketAddr,
    command: &'static str,
    limit: Duration,
    received: Option<mpsc::Receiver<Result<Vec<u8>, String>>>,
) -> (io::Result<Reply>, Duration) {
    let (result, took) = call(situation, limit + DEADLINE, move || {
        let start = Instant::now();
        let result = ask(addr, command, limit);
        (result, start.elapsed())
    });
    if let Some(received) = received {
        match received.recv_timeout(WAIT) {
            Ok(Ok(got)) => expect_eq(
                &format!("{situation}：服务端收到的命令"),
                &String::from_utf8_lossy(&got).into_owned(),
                &command.to_string(),
            ),
            Ok(Err(why)) => panic!("{situation}：服务端没收到一整帧命令：{why}"),
            Err(_) => panic!("{situation}：服务端等了 {} 秒也没收到命令", WAIT.as_secs()),
        }
    }
    (result, took)
}

fn expect_reply(situation: &str, got: &io::Result<Reply>, want: &Reply) {
    if !matches!(got, Ok(reply) if reply == want) {
        panic!(
            "{situation}\n  你的结果：{}\n  期望：    Ok({})",
            show_reply_result(got),
            show_reply(want)
        );
    }
}

fn expect_kind(situation: &str, got: &io::Result<Reply>, kinds: &[ErrorKind], why: &str) {
    match got {
        Err(e) if kinds.contains(&e.kind()) => {}
        other => panic!(
            "{situation}：应当返回 {} 错误（{why}）\n  你的结果：{}",
            kinds
                .iter()
                .map(|k| format!("{k:?}"))
                .collect::<Vec<_>>()
                .join(" 或 "),
            show_reply_result(other)
        ),
    }
}

fn check_ask(ask: Ask) {
    let roomy = Duration::from_secs(5);

    // 1. 真正的服务端。
    let srv = Proc::server(
        SERVER,
        [
            "--port",
            "0",
            "--allow",
            "seq",
            "--allow",
            "false",
            "--max-output",
            "2MiB",
        ],
    );
    let addr = srv.addr();
    for (command, want) in [
        ("echo 你好", Reply::Output("你好\n".as_bytes().to_vec())),
        ("echo -n", Reply::NoOutput),
        (
            "false",
            Reply::Error("命令以退出码 1 结束，没有输出".to_string()),
        ),
    ] {
        let mut situation = format!("问真正的 l09-server：{command}");
        let (got, _) = timed_ask(ask, &situation, addr, command, roomy, None);
        if matches!(&got, Err(e) if support::is_timeout(e) || e.kind() == ErrorKind::TimedOut) {
            situation.push_str(
                "（l09-server 回答完一帧不会关闭连接，还等着下一条命令：\
                 读满帧头说的长度就够了，不要等它关闭；命令要作为一帧发出去）",
            );
        }
        expect_reply(&situation, &got, &want);
    }
    let situation = "问真正的 l09-server：cat /etc/passwd（不允许的程序）";
    let (got, _) = timed_ask(ask, situation, addr, "cat /etc/passwd", roomy, None);
    assert!(
        matches!(&got, Ok(Reply::Error(why)) if why.starts_with("不允许运行 cat")),
        "{situation}：回答以 error: 开头，应当是 Reply::Error（去掉 \"error: \" 之后的文字）\n  你的结果：{}",
        show_reply_result(&got)
    );
    let situation = "问真正的 l09-server：seq 1 200000（一百多万字节的回答）";
    let (got, _) = timed_ask(ask, situation, addr, "seq 1 200000", roomy, None);
    let want: String = (1..=200_000).map(|n| format!("{n}\n")).collect();
    match &got {
        Ok(Reply::Output(bytes)) if bytes == want.as_bytes() => {}
        Ok(Reply::Output(bytes)) => panic!(
            "{situation}：回答应当是完整的 {} 字节，你只收到了 {} 字节：要读满帧头说的长度，一次 read 读不完",
            want.len(),
            bytes.len()
        ),
        other => panic!(
            "{situation}：应当是 Reply::Output\n  你的结果：{}",
            show_reply_result(other)
        ),
    }
    drop(srv);

    // 2. 回答分两段，中间停 300 毫秒；切开的地方在一个汉字的中间。
    let pause = Duration::from_millis(300);
    let answer = frame("error: 不允许运行 ls".as_bytes());
    let (addr, received) = peer(move |mut s| {
        s.write_all(&answer[..12])?;
        thread::sleep(pause);
        s.write_all(&answer[12..])
    });
    let situation = "回答分两段到达，中间停 300 毫秒（切在一个汉字的中间）";
    let (got, _) = timed_ask(ask, situation, addr, "ls", roomy, Some(received));
    expect_reply(situation, &got, &Reply::Error("不允许运行 ls".to_string()));

    // 3. 连 4 字节的帧头都是分两段来的。
    let answer = frame(b"no output!");
    let (addr, received) = peer(move |mut s| {
        s.write_all(&answer[..2])?;
        thread::sleep(pause);
        s.write_all(&answer[2..])
    });
    let situation = "帧头的 4 个字节分两段到达（先 2 个，停 300 毫秒，再 2 个）";
    let (got, _) = timed_ask(ask, situation, addr, "true", roomy, Some(received));
    expect_reply(situation, &got, &Reply::NoOutput);

    // 4. 长得像 no output! 和 error: 却不是的回答，原样是输出。
    for (text, situation) in [
        ("no output!!\n", "回答是 no output!!（不正好是 no output!）"),
        ("error:没有空格\n", "回答以 error: 开头却没有空格"),
    ] {
        let answer = frame(text.as_bytes());
        let (addr, received) = peer(move |mut s| s.write_all(&answer));
        let (got, _) = timed_ask(ask, situation, addr, "echo", roomy, Some(received));
        expect_reply(situation, &got, &Reply::Output(text.as_bytes().to_vec()));
    }

    // 5. 正好是上限那么长的回答：可以。
    let answer = frame(&vec![b'x'; DEFAULT_MAX_FRAME]);
    let (addr, received) = peer(move |mut s| s.write_all(&answer));
    let situation = "回答正好 16 MiB（DEFAULT_MAX_FRAME），不超过上限";
    let (got, _) = timed_ask(ask, situation, addr, "yes x", roomy, Some(received));
    match &got {
        Ok(Reply::Output(bytes)) if bytes.len() == DEFAULT_MAX_FRAME => {}
        other => panic!(
            "{situation}：应当收下整整 {DEFAULT_MAX_FRAME} 字节\n  你的结果：{}",
            show_reply_result(other)
        ),
    }

    // 6. 声称比上限还长：马上拒绝，不等那些字节。
    let (addr, received) = peer(move |mut s| {
        s.write_all(&((DEFAULT_MAX_FRAME + 1) as u32).to_be_bytes())?;
        // 只说不发，等客户端自己走。
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
        Ok(())
    });
    let situation = "回答的帧头声称有 16 MiB + 1 字节（超过上限），之后一个字节也不发";
    let (got, took) = timed_ask(ask, situation, addr, "yes", roomy, Some(received));
    expect_kind(
        situation,
        &got,
        &[ErrorKind::InvalidData],
        "长度超过上限，看完帧头就该拒绝",
    );
    assert!(
        took < Duration::from_secs(2),
        "{situation}：看完帧头就该拒绝，你的函数却等了 {} 秒",
        secs(took)
    );

    // 7. 说到一半就关闭（FIN）。
    let answer = frame(&[b'y'; 100]);
    let (addr, received) = peer(move |mut s| {
        s.write_all(&answer[..14])?;
        s.shutdown(Shutdown::Write)?;
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
        Ok(())
    });
    let situation = "服务端说了 100 字节里的 10 个就关闭了连接";
    let (got, _) = timed_ask(ask, situation, addr, "yes y", roomy, Some(received));
    expect_kind(
        situation,
        &got,
        &[ErrorKind::UnexpectedEof],
        "没说完就关了，不能把半截回答当成回答",
    );

    // 8. 一个字也不回就关闭。
    let (addr, received) = peer(|s| {
        drop(s);
        Ok(())
    });
    let situation = "服务端收下命令，一个字节也不回就关闭了连接";
    let (got, _) = timed_ask(ask, situation, addr, "echo 有人吗", roomy, Some(received));
    expect_kind(situation, &got, &[ErrorKind::UnexpectedEof], "没有回答");

    // 9. 说到一半就消失（RST）：对方的程序崩溃了。
    let answer = frame(&[b'z'; 100]);
    let (addr, received) = peer(move |s| peers::vanish(s, &answer, 14));
    let situation = "服务端说了 100 字节里的 10 个就消失了（连接被重置）";
    let (got, _) = timed_ask(ask, situation, addr, "yes z", roomy, Some(received));
    expect_kind(
        situation,
        &got,
        &[ErrorKind::ConnectionReset, ErrorKind::UnexpectedEof],
        "把连接的错误交回来，不能把半截回答当成回答",
    );

    // 10. 一个字节一个字节慢慢说：每次 read 都不超时，整个回答却远远超过了超时。
    let answer = frame("我说得很慢很慢很慢很慢".as_bytes());
    let (addr, received) = peer(move |mut s| {
        for byte in answer {
            s.write_all(&[byte])?;
            thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    });
    let limit = Duration::from_secs(1);
    let situation = "服务端每 0.1 秒才说 1 个字节（整个回答要 3.7 秒），超时是 1 秒";
    let (got, took) = timed_ask(ask, situation, addr, "echo 慢", limit, Some(received));
    expect_kind(
        situation,
        &got,
        &[ErrorKind::TimedOut],
        "超时管的是从开始到收完的整件事，不是每一次 read",
    );
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(3500),
        "{situation}：应当在 1 秒左右放弃，你的函数用了 {} 秒",
        secs(took)
    );

    // 11. 一言不发。
    let (addr, received) = peer(|mut s| {
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
        Ok(())
    });
    let situation = "服务端收下命令后一言不发，超时是 1 秒";
    let (got, took) = timed_ask(ask, situation, addr, "sleep 60", limit, Some(received));
    expect_kind(situation, &got, &[ErrorKind::TimedOut], "到点了");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(3500),
        "{situation}：应当在 1 秒左右放弃，你的函数用了 {} 秒",
        secs(took)
    );
}

// ---------------------------------------------------------------------------
// 练习 5 ★★★：点菜式的服务端
// ---------------------------------------------------------------------------

type Menu = &'static [(&'static str, &'static [&'static str])];
type ServeMenu = fn(TcpListener, Menu, usize, Duration) -> io::Result<()>;

static MENU: Menu = &[
    ("问好", &["echo", "你好"]),
    ("系统", &["uname", "-s"]),
    ("安静", &["true"]),
    ("失败", &["false"]),
    ("数数", &["seq", "1", "100000"]),
];

/// 客户端：连上学习者的服务端，读超时 `wait`。
fn menu_client(addr: SocketAddr, wait: Duration) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, WAIT).expect("连上你的服务端");
    stream.set_read_timeout(Some(wait)).unwrap();
    stream.set_write_timeout(Some(WAIT)).unwrap();
    stream
}

/// 点一道菜（发一帧），读回一帧；没读到时说明可能的原因。
fn order(stream: &mut TcpStream, who: &str, dish: &[u8], wait: Duration, likely: &str) -> Vec<u8> {
    let what = format!("{who}点“{}”", String::from_utf8_lossy(dish));
    if let Err(e) = write_frame(stream, dish) {
        panic!("{what}：发不出去：{}", describe_io(&e));
    }
    match read_frame(stream, DEFAULT_MAX_FRAME) {
        Ok(Some(reply)) => reply,
        Ok(None) => panic!("{what}：你的服务端没有回答就关闭了连接"),
        Err(e) => panic!(
            "{what}：{}",
            testkit::grading::waited("回答", &e, wait, likely)
        ),
    }
}

type Finished = mpsc::Receiver<thread::Result<io::Result<()>>>;

const MENU_SITUATION: &str = "serve_menu（5 个客户端，空闲超时 3 秒）";

/// 学习者的 serve_menu 已经返回或者 panic 了：说清楚是在什么时候。
fn report_finished(result: thread::Result<io::Result<()>>, when: &str) -> ! {
    let situation = MENU_SITUATION;
    match result {
        Ok(Ok(())) => panic!("{situation}：{when}，你的函数就返回了：要等所有客户端都结束"),
        Ok(Err(e)) => panic!(
            "{situation}：{when}，你的函数返回了错误：{}\n  一个客户端出的问题只该结束它自己的连接，不该结束整个服务端",
            describe_io(&e)
        ),
        Err(payload) => panicked(situation, payload.as_ref()),
    }
}

fn check_menu(serve: ServeMenu) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("能绑定空闲端口");
    let addr = listener.local_addr().unwrap();
    let idle = Duration::from_secs(3);
    let (tx, done) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(|| {
            serve(listener, MENU, 5, idle)
        })));
    });
    let clients = panic::catch_unwind(AssertUnwindSafe(|| menu_clients(addr, idle, &done)));
    if let Err(payload) = clients {
        // 客户端这边出了问题：要是学习者的函数自己出了事（还没写、panic 了、返回了错误），先说那个。
        // 它正常返回不算：客户端出问题时连接都关掉了，它本来就该返回。
        if let Ok(result @ (Err(_) | Ok(Err(_)))) = done.recv_timeout(Duration::from_millis(200)) {
            report_finished(result, "客户端还没有说完");
        }
        panic::resume_unwind(payload);
    }
    // B 走了：5 个客户端都结束了，serve_menu 应当返回 Ok(())。
    match done.recv_timeout(Duration::from_secs(3)) {
        Ok(Ok(Ok(()))) => {}
        Ok(result) => report_finished(result, "5 个客户端都走了"),
        Err(_) => panic!(
            "{MENU_SITUATION}：5 个客户端都走了，你的函数过了 3 秒还没有返回：接受够 5 个就不要再接受了，\
             等已经接受的客户端（的线程）都结束就返回"
        ),
    }
}

/// 5 个客户端：A 一言不发；B 点了一串菜；C 把一帧分两段发；D 说到一半就消失；E 声称菜名有 4 GiB。
fn menu_clients(addr: SocketAddr, idle: Duration, done: &Finished) {
    let returned_early = |when: &str| {
        if let Ok(result) = done.try_recv() {
            report_finished(result, when);
        }
    };

    // A：连上了却一言不发。
    let started = Instant::now();
    let mut a = menu_client(addr, Duration::from_secs(6));
    // B：A 不说话，B 照样要马上得到回答。
    let quick = Duration::from_secs(2);
    let mut b = menu_client(addr, quick);
    let reply = order(
        &mut b,
        "客户端 B ",
        "问好".as_bytes(),
        quick,
        "先连上的客户端 A 一直不说话：你的服务端是不是一次只服务一个客户端？每个客户端要一个线程",
    );
    expect_eq(
        "客户端 B 点“问好”（运行 echo 你好）",
        &reply,
        &"你好\n".as_bytes().to_vec(),
    );
    let uname = std::process::Command::new("uname")
        .arg("-s")
        .output()
        .unwrap()
        .stdout;
    let likely = "同一个连接上可以一帧接一帧地点：回答完一帧，接着读下一帧";
    let reply = order(&mut b, "客户端 B 接着", "系统".as_bytes(), quick, likely);
    expect_eq("客户端 B 接着点“系统”（运行 uname -s）", &reply, &uname);
    for (dish, want, why) in [
        ("安静", "no output!", "true 什么也不打印，成功结束"),
        ("失败", "error: ", "false 什么也不打印，失败了"),
        ("宫保鸡丁", "error: ", "菜单上没有"),
    ] {
        let reply = order(&mut b, "客户端 B 接着", dish.as_bytes(), quick, likely);
        let ok = if want == "no output!" {
            reply == want.as_bytes()
        } else {
            reply.starts_with(want.as_bytes())
        };
        assert!(
            ok,
            "客户端 B 点“{dish}”（{why}）：回答应当是 {want:?}{}\n  你的结果：{}",
            if want == "error: " {
                " 开头的一句说明"
            } else {
                ""
            },
            show_bytes(&reply)
        );
    }
    let reply = order(&mut b, "客户端 B 接着", &[0xff, 0xfe], quick, likely);
    assert!(
        reply.starts_with(b"error: "),
        "客户端 B 点了一个不是合法 UTF-8 的菜名 b'\\xff\\xfe'：回答应当是 error: 开头的一句说明\n  你的结果：{}",
        show_bytes(&reply)
    );
    b.set_read_timeout(Some(WAIT)).unwrap();
    let reply = order(&mut b, "客户端 B 接着", "数数".as_bytes(), WAIT, likely);
    let want: String = (1..=100_000).map(|n| format!("{n}\n")).collect();
    assert!(
        reply == want.as_bytes(),
        "客户端 B 点“数数”（seq 1 100000）：回答应当是完整的 {} 字节，却收到 {} 字节",
        want.len(),
        reply.len()
    );

    // C：教程式的客户端，帧头和菜名分两段发，中间停 300 毫秒。
    let mut c = menu_client(addr, Duration::from_secs(2));
    let dish = frame("问好".as_bytes());
    c.set_nodelay(true).unwrap();
    c.write_all(&dish[..4]).unwrap();
    thread::sleep(Duration::from_millis(300));
    c.write_all(&dish[4..]).unwrap();
    let reply = match read_frame(&mut c, DEFAULT_MAX_FRAME) {
        Ok(Some(reply)) => reply,
        Ok(None) => panic!("客户端 C 把帧头和菜名分两段发：你的服务端没有回答就关闭了连接"),
        Err(e) => panic!(
            "客户端 C 把帧头和菜名分两段发（中间停 300 毫秒）：{}",
            testkit::grading::waited(
                "回答",
                &e,
                Duration::from_secs(2),
                "一次 read 不一定拿到整帧：要读满帧头说的长度"
            )
        ),
    };
    expect_eq(
        "客户端 C 把帧头和菜名分两段发，点“问好”",
        &reply,
        &"你好\n".as_bytes().to_vec(),
    );
    drop(c);

    // D：说到一半就消失。
    let d = menu_client(addr, WAIT);
    peers::vanish(d, &frame("问好".as_bytes()), 5).unwrap();

    // E：声称菜名有 4 GiB。
    let mut e = menu_client(addr, Duration::from_secs(2));
    e.write_all(&u32::MAX.to_be_bytes()).unwrap();
    let reply = match read_frame(&mut e, DEFAULT_MAX_FRAME) {
        Ok(Some(reply)) => reply,
        Ok(None) => panic!(
            "客户端 E 的帧头声称菜名有 4 GiB：你的服务端应当先回一帧 error: 说明，再关闭连接"
        ),
        Err(err) => panic!(
            "客户端 E（第 5 个客户端）的帧头声称菜名有 4 GiB：{}",
            testkit::grading::waited(
                "回答",
                &err,
                Duration::from_secs(2),
                "看完帧头就该拒绝，不要等那么多字节；还有，5 个客户端都要接受，第 5 个也算"
            )
        ),
    };
    assert!(
        reply.starts_with(b"error: "),
        "客户端 E 的帧头声称菜名有 4 GiB：回答应当是 error: 开头的一句说明\n  你的结果：{}",
        show_bytes(&reply)
    );
    let mut rest = [0u8; 16];
    assert!(
        matches!(read_retrying(&mut e, &mut rest), Ok(0) | Err(_)),
        "客户端 E：回了 error: 之后要关闭连接（后面的字节已经对不上下一帧了）"
    );
    returned_early("客户端 B 还连着");

    // A 一直不说话：空闲超时后被断开。
    let mut buf = [0u8; 16];
    match read_retrying(&mut a, &mut buf) {
        Err(e) if support::is_timeout(&e) => panic!(
            "客户端 A 一直不说话，过了 {} 秒还没被断开：空闲超时是 3 秒（给连接设上读超时，超时就断开）",
            secs(started.elapsed())
        ),
        Ok(0) | Err(_) if started.elapsed() >= idle - Duration::from_millis(200) => {}
        Ok(0) | Err(_) => panic!(
            "客户端 A 只是不说话，你的服务端在 {} 秒就断开了它：空闲超时是 3 秒",
            secs(started.elapsed())
        ),
        Ok(n) => panic!("客户端 A 什么也没点，却收到了 {}", show_bytes(&buf[..n])),
    }
    assert!(
        started.elapsed() < idle + Duration::from_secs(2),
        "客户端 A 一直不说话，过了 {} 秒才被断开：空闲超时是 3 秒",
        secs(started.elapsed())
    );
    returned_early("客户端 B 还连着");

    drop(b);
}

exercise!(
    l09_seq,
    "exercises/seq.rs",
    check_seq,
    lesson_09::exercises::seq::check_seq,
    lesson_09::solutions::seq::check_seq,
);

exercise!(
    l09_split,
    "exercises/split.rs",
    check_split,
    lesson_09::exercises::split::split_with_escapes,
    lesson_09::solutions::split::split_with_escapes,
);

exercise!(
    l09_timeout,
    "exercises/timeout.rs",
    check_timeout,
    lesson_09::exercises::timeout::run_with_grace,
    lesson_09::solutions::timeout::run_with_grace,
);

exercise!(
    l09_ask,
    "exercises/ask.rs",
    check_ask,
    lesson_09::exercises::ask::ask,
    lesson_09::solutions::ask::ask,
);

exercise!(
    l09_menu,
    "exercises/menu.rs",
    check_menu,
    lesson_09::exercises::menu::serve_menu,
    lesson_09::solutions::menu::serve_menu,
);
