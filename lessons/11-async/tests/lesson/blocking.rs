//! 书里“在异步函数里阻塞”那一节的真实运行：同一个服务端、同样 3 个客户端、每条回复前等 300 毫秒，
//! 只是等法不同。`std::thread::sleep` 让唯一的线程睡过去，3 个客户端只能一个接一个；另外两种等法，
//! 3 个客户端一起用了一个客户端的时间。

use crate::common::*;

/// 跑一遍：服务端用 `how` 这种等法，3 个客户端同时各发 2 个名字。返回客户端的输出和用了多久。
fn run(how: &str) -> (String, f64) {
    let srv = server(SERVER, &["--delay-ms", "300", "--sleep", how, "--quiet"]);
    let out = testkit::run(
        CLIENT,
        ["--port", &srv.port(), "--clients", "3", "--names", "甲,乙"],
        "",
    );
    assert!(out.status.success(), "{how}: {out:?}");
    let secs: f64 = out
        .stdout
        .split("用时 ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("输出里没有用时：{}", out.stdout));
    (
        format!(
            "$ l11-server --delay-ms 300 --sleep {how}\n$ l11-client --clients 3 --names 甲,乙\n{}",
            out.stdout
        ),
        secs,
    )
}

/// 比较时不管具体用了几秒（机器忙不忙会差几十毫秒），只管其余的字一样；保存的是真实运行的数字。
fn matches_saved(path: &str, actual: &str) {
    let mask = |text: &str| -> String {
        text.split("用时 ")
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part.to_string()
                } else {
                    part.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
                        .to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("用时 N ")
    };
    if std::env::var_os("UPDATE_OUTPUT").is_some() {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let saved = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("读 {path} 失败：{e}（用 UPDATE_OUTPUT=1 生成它）"));
    assert_eq!(
        mask(&saved),
        mask(actual),
        "书中保存的输出 {path} 与实际输出不一致；确认无误后用 UPDATE_OUTPUT=1 重新生成"
    );
}

#[test]
fn thread_sleep_in_a_handler_freezes_every_client() {
    let (text, secs) = run("thread");
    // 6 次 300 毫秒，一次接一次：至少 1.8 秒。
    assert!(
        secs >= 1.7,
        "std::thread::sleep 应当让客户端排队：只用了 {secs} 秒"
    );
    matches_saved(&saved("breaks-thread-sleep.txt"), &text);
}

#[test]
fn tokio_sleep_and_spawn_blocking_let_the_others_go_on() {
    for (how, file) in [
        ("tokio", "tokio-sleep.txt"),
        ("spawn-blocking", "spawn-blocking.txt"),
    ] {
        let (text, secs) = run(how);
        // 每个客户端 2 次 300 毫秒：0.6 秒多一点；远不到一个接一个的 1.8 秒。
        assert!(
            secs < 1.5,
            "{how}：3 个客户端应当同时被服务，却用了 {secs} 秒"
        );
        assert!(
            secs >= 0.55,
            "{how}：每条回复前要等 300 毫秒，却只用了 {secs} 秒"
        );
        matches_saved(&saved(file), &text);
    }
}

#[test]
fn cancelling_a_read_half_way_loses_the_length_prefix() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let lossy = rt.block_on(lesson_11::cancel::demo(false));
    let kept = rt.block_on(lesson_11::cancel::demo(true));
    assert!(lossy.last().unwrap().starts_with("读帧失败"), "{lossy:?}");
    assert_eq!(kept.last().unwrap(), "读到一帧：\"hello, world\"");
    let text = format!(
        "错的写法（每一轮新建 read_frame）：\n{}\n\n对的写法（钉住同一个 future）：\n{}\n",
        lossy.join("\n"),
        kept.join("\n")
    );
    testkit::assert_matches_saved(&saved("cancel.txt"), &text);
}
