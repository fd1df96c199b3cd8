//! 基准：一条命令的往返要多久，大输出能以多快的速度传回来。
//! 运行：`cargo bench -p lesson-09`。启动真实的服务端进程，走真实的回环连接。

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lesson_09::ask;
#[cfg(target_os = "linux")]
use lesson_09::run::run_guarded;
use lesson_09::run::{run_with_limit, Limits, RunOutcome};

fn main() {
    let limits = Limits {
        time_limit: Duration::from_secs(5),
        max_output: 4 * 1024 * 1024,
        dir: None,
    };
    let echo = vec!["echo".to_string(), "hi".to_string()];
    let rounds = 200;
    let start = Instant::now();
    for _ in 0..rounds {
        let outcome = run_with_limit(&echo, &limits).expect("echo 能运行");
        assert!(matches!(outcome, RunOutcome::Exited { .. }));
    }
    let each = start.elapsed() / rounds;
    println!("只启动进程：run_with_limit(echo hi)        每次 {each:?}");

    // 危险模式多了什么：经过 sh，再经过看守进程。只有 Linux 上有。
    #[cfg(target_os = "linux")]
    dangerous(&limits, rounds);

    let mut server = Command::new(env!("CARGO_BIN_EXE_l09-server"))
        .args(["--port", "0", "--allow", "seq", "--max-output", "4MiB"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("服务端能启动");
    let mut first = String::new();
    BufReader::new(server.stdout.take().expect("stdout 是管道"))
        .read_line(&mut first)
        .expect("读到服务端第一行");
    let addr: SocketAddr = first
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .expect("第一行里有地址");
    let mut stream = TcpStream::connect(addr).expect("连上服务端");

    let start = Instant::now();
    for _ in 0..rounds {
        let reply = ask(&mut stream, b"echo hi").expect("有回答");
        assert_eq!(reply, b"hi\n");
    }
    let each = start.elapsed() / rounds;
    let per_sec = rounds as f64 / start.elapsed().as_secs_f64();
    println!("一问一答：echo hi（分帧，回环）            每次 {each:?}，每秒 {per_sec:.0} 条");

    let big_rounds = 10;
    let start = Instant::now();
    let mut bytes = 0;
    for _ in 0..big_rounds {
        bytes += ask(&mut stream, b"seq 1 200000").expect("有回答").len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "大输出：seq 1 200000（{} 字节）          每次 {:?}，{:.0} MiB/s",
        bytes / big_rounds,
        start.elapsed() / big_rounds as u32,
        bytes as f64 / secs / (1024.0 * 1024.0)
    );
    let _ = server.kill();
    let _ = server.wait();
}

/// 危险模式多了什么：经过 sh，再经过看守进程（它还要读一遍 /proc 找子进程）。
#[cfg(target_os = "linux")]
fn dangerous(limits: &Limits, rounds: u32) {
    let shell: Vec<String> = ["/bin/sh", "-c", "echo hi"].map(String::from).into();
    let helper = std::path::Path::new(env!("CARGO_BIN_EXE_l09-server"));
    for (what, guarded) in [("sh -c 直接运行", false), ("sh -c 经看守进程", true)] {
        let start = Instant::now();
        for _ in 0..rounds {
            let outcome = if guarded {
                run_guarded(helper, &shell, limits)
            } else {
                run_with_limit(&shell, limits)
            };
            assert!(matches!(
                outcome.expect("sh 能运行"),
                RunOutcome::Exited { .. }
            ));
        }
        let each = start.elapsed() / rounds;
        println!("危险模式：{what}（echo hi）        每次 {each:?}");
    }
}
