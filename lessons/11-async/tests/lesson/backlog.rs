//! 书里“积压队列”那一段的真实运行：300 个连接一下子涌来。积压队列只有 1 条时，有的连接在客户端
//! 这边“连上了”，服务端却从来没见过它（Linux 队列满时用 SYN cookies 应答，最后那个 ACK 被丢掉，
//! 没有人重发）；这个服务端先开口，客户端就一直等一句不会来的 `Welcome!`。默认的 1024 条装得下。

use crate::common::*;

/// 这台机器会不会在队列满时用 SYN cookies 应答（Linux 的默认值是 1）。别的系统、或者关掉了
/// SYN cookies 的机器，队列满时只是丢掉 SYN、等客户端重发，连接慢一点但不会丢：那里没有这个现象可看。
fn syncookies_on() -> bool {
    std::fs::read_to_string("/proc/sys/net/ipv4/tcp_syncookies").is_ok_and(|v| v.trim() == "1")
}

/// 一次：积压队列 `backlog` 条的服务端，300 个连接一下子连过来。返回客户端的结果和服务端接受了几个连接。
/// 客户端每次读最多等 `timeout` 秒。
fn burst(backlog: &str, timeout: &str) -> (testkit::Finished, usize) {
    let mut srv = server(SERVER, &["--backlog", backlog, "--max-connections", "1000"]);
    let out = testkit::run(
        CLIENT,
        [
            "--port",
            &srv.port(),
            "--clients",
            "300",
            "--timeout",
            timeout,
        ],
        "",
    );
    // 杀掉以后收齐它写过的每一行，再数。
    let accepted = srv
        .kill_and_collect()
        .stdout
        .lines()
        .filter(|l| l.contains("的新连接"))
        .count();
    (out, accepted)
}

/// 保存的输出里的数字（失败了几个、服务端接受了几个）每次都不一样，比较时换成 N。
fn masked(text: &str) -> String {
    let mut out = String::new();
    let mut digits = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !digits {
                out.push('N');
            }
            digits = true;
        } else {
            digits = false;
            out.push(c);
        }
    }
    out
}

#[test]
fn a_backlog_of_one_silently_loses_connections_of_a_burst() {
    if !syncookies_on() {
        eprintln!("这台机器没有开 SYN cookies（/proc/sys/net/ipv4/tcp_syncookies 不是 1）：跳过");
        return;
    }
    // 丢不丢是竞争的结果：服务端恰好取得够快时一个也不丢。试几次，看到一次就够了。
    let mut tries = Vec::new();
    for _ in 0..5 {
        let (out, accepted) = burst("1", "3");
        if out.status.success() {
            tries.push(format!("全部成功，服务端接受了 {accepted} 个"));
            continue;
        }
        testkit::assert_clear_failure(&out, "没有收到欢迎语");
        assert!(
            out.stderr.contains("服务端 3 秒内没有回复"),
            "丢掉的连接应当是等欢迎语等到超时：{}",
            out.stderr
        );
        assert!(
            !out.stderr.contains("服务端在运行吗"),
            "服务端明明在运行，不该提醒去启动它：{}",
            out.stderr
        );
        assert!(
            accepted < 300,
            "服务端接受了全部 300 个连接，客户端却没收到欢迎语：{}",
            out.stderr
        );
        let text = format!(
            "$ l11-server --backlog 1 --max-connections 1000\n$ l11-client --clients 300 --timeout 3\n{}\n（服务端的日志里，“接受来自……的新连接”一共 {accepted} 行）\n",
            out.stderr.trim_end()
        );
        let path = saved("breaks-backlog.txt");
        if std::env::var_os("UPDATE_OUTPUT").is_some() {
            std::fs::write(&path, &text).unwrap();
            return;
        }
        let kept = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            masked(&kept),
            masked(&text),
            "书中保存的输出 {path} 与实际输出不一致；确认无误后用 UPDATE_OUTPUT=1 重新生成"
        );
        return;
    }
    panic!("积压队列只有 1 条，300 个连接一下子涌来，5 次都一个没丢：{tries:?}");
}

#[test]
fn the_default_backlog_holds_a_burst_of_300() {
    let (out, accepted) = burst(&support::BACKLOG.to_string(), "30");
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.contains("300 个连接同时对话"), "{}", out.stdout);
    assert_eq!(accepted, 300, "服务端应当接受了全部 300 个连接");
}

#[test]
fn the_backlog_is_checked_before_listening() {
    for (bad, why) in [
        ("0", "应当在 1 到 65535 条之间"),
        ("65536", "应当在 1 到 65535 条之间"),
        ("很多", "应当是一个整数"),
    ] {
        let out = testkit::run(SERVER, ["--backlog", bad], "");
        assert_eq!(out.status.code(), Some(2), "--backlog {bad}: {out:?}");
        assert!(out.stderr.contains(why), "--backlog {bad}: {}", out.stderr);
    }
}
