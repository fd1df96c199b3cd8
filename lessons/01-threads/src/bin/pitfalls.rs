//! 把教程版“直译”成 Rust 时最容易踩的三个坑，每个都真的运行一次给你看。
//! 它们都会在几秒之内自己停下，并说明停下的原因。

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use clap::{Parser, ValueEnum};

/// 运行一个常见的坑：忘了 join、被 move 复制的 bool 标志、没有丢掉的发送端。
#[derive(Parser)]
#[command(name = "l01-pitfalls", version)]
struct Args {
    /// 要看哪一个坑
    #[arg(value_name = "坑")]
    what: Pitfall,
}

#[derive(Clone, Copy, ValueEnum)]
enum Pitfall {
    /// 示例 1 去掉 join：线程的输出还没打印，进程就结束了
    NoJoin,
    /// 用普通的 bool 当 running：move 给每个线程复制了一份，接收线程永远停不下来
    CopiedFlag,
    /// 通道少了 drop(tx)：工人都干完了，接收端还在等
    KeptSender,
}

fn main() -> ExitCode {
    let args: Args = support::cli::parse();
    support::run(|| {
        match args.what {
            Pitfall::NoJoin => no_join()?,
            Pitfall::CopiedFlag => copied_flag()?,
            Pitfall::KeptSender => kept_sender()?,
        }
        Ok(())
    })
}

// ANCHOR: no_join
/// 示例 1 去掉 join。为了每次都看得到结果，线程先忙 1 秒（比如在等网络）再打印。
fn no_join() -> io::Result<()> {
    let _thread1 = thread::Builder::new().name("线程1".to_string()).spawn(|| {
        thread::sleep(Duration::from_secs(1));
        println!("我是一个线程。。。");
    })?;
    // 丢掉 JoinHandle 并不会停下线程，只是再也没有人等它了。
    println!("主线程：没有 join，main 返回了");
    Ok(())
}
// ANCHOR_END: no_join

// ANCHOR: copied_flag
/// 教程版 running 的直译：一个普通的 bool，两个 move 闭包。编译得过，
/// 可是 bool 是 Copy 的，move 把它复制进了每个闭包：两个线程各有一份 running。
#[allow(unused_assignments)] // rustc 会警告：send_thread 给 running 赋的值从来没有被读过
#[allow(clippy::while_immutable_condition)] // clippy 会指出：recv_thread 的循环条件永远不变
fn copied_flag() -> io::Result<()> {
    let mut running = true;
    let thr1 = thread::Builder::new()
        .name("recv_thread".into())
        .spawn(move || {
            while running {
                thread::sleep(Duration::from_millis(100));
            }
            println!("recv_thread：running 是 false 了，退出");
        })?;
    let thr2 = thread::Builder::new()
        .name("send_thread".into())
        .spawn(move || {
            while running {
                print!("请输入要传输的内容：");
                io::stdout().flush().expect("标准输出关闭了");
                let mut msg = String::new();
                let n = io::stdin().read_line(&mut msg).expect("读不了标准输入");
                if n == 0 || msg.trim_end() == "exit" {
                    println!("send_thread：把 running 设为 false");
                    running = false; // 改的是 send_thread 自己的那一份
                    break;
                }
            }
        })?;
    thr2.join().expect("send_thread panic 了");
    // 教程的写法到这里就该等 recv_thread 结束了，而它永远不会结束。这里只看 5 次，每次隔 0.2 秒。
    for i in 1..=5 {
        thread::sleep(Duration::from_millis(200));
        if thr1.is_finished() {
            println!("主线程：recv_thread 结束了");
            return Ok(());
        }
        println!("主线程：第 {i} 次看，recv_thread 还在转");
    }
    println!("主线程：send_thread 改的是它自己那一份 running，recv_thread 那一份永远是 true。不等了，退出");
    Ok(())
}
// ANCHOR_END: copied_flag

// ANCHOR: kept_sender
/// channel 程序少了 drop(tx)：三个工人都把消息发完、线程都结束了，通道却不会结束。
fn kept_sender() -> io::Result<()> {
    let (tx, rx) = mpsc::channel();
    for i in 1..=3 {
        let tx = tx.clone();
        thread::Builder::new()
            .name(format!("工人{i}"))
            .spawn(move || {
                let _ = tx.send(format!("工人{i} 完成了任务"));
            })?;
    }
    // 这里少了 drop(tx)。`for m in rx` 会永远等下去；用 recv_timeout 最多等 1 秒，好让程序停下来。
    let mut messages = Vec::new();
    let ended = loop {
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(m) => messages.push(m),
            Err(RecvTimeoutError::Timeout) => break false,
            Err(RecvTimeoutError::Disconnected) => break true,
        }
    };
    messages.sort();
    for m in &messages {
        println!("主线程收到：{m}");
    }
    if ended {
        println!("主线程：所有发送端都已关闭，通道结束");
    } else {
        let n = messages.len();
        println!("主线程：收到 {n} 条消息以后等了 1 秒，通道还没有结束：主线程手里的 tx 还活着。不等了，退出");
    }
    Ok(())
}
// ANCHOR_END: kept_sender
