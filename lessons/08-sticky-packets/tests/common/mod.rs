//! 这一课几个测试文件共用的小工具（放在 tests/ 里，作为模块引入）。

#![allow(dead_code)]

use testkit::{normalize, Finished, Proc};

pub const TUTORIAL_SERVER: &str = env!("CARGO_BIN_EXE_l08-tutorial-server");
pub const TUTORIAL_CLIENT: &str = env!("CARGO_BIN_EXE_l08-tutorial-client");
pub const SERVER: &str = env!("CARGO_BIN_EXE_l08-server");
pub const CLIENT: &str = env!("CARGO_BIN_EXE_l08-client");
pub const FRAMED_SERVER: &str = env!("CARGO_BIN_EXE_l08-framed-server");
pub const FRAMED_CLIENT: &str = env!("CARGO_BIN_EXE_l08-framed-client");

/// 运行一个客户端直到结束（有期限），标准输入给定。
pub fn run_client(bin: &str, args: &[&str], stdin: &str) -> Finished {
    testkit::run(bin, args, stdin)
}

/// 把输出里的真实端口换成默认端口，好和书里保存的输出比较。
pub fn normalized(text: &str, port: &str, default: u16) -> String {
    normalize(
        text,
        &[(
            &format!("127.0.0.1:{port}"),
            &format!("127.0.0.1:{default}"),
        )],
    )
}

pub fn saved(name: &str) -> String {
    format!("{}/output/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// 启动服务端（`--port 0` 加上额外参数）。
pub fn server(bin: &str, extra: &[&str]) -> Proc {
    let mut args = vec!["--port", "0"];
    args.extend_from_slice(extra);
    Proc::server(bin, args)
}
