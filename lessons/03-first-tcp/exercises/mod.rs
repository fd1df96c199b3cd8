//! 第 03 课的练习，由易到难。每个文件里有 `todo!()`，把它换成你的代码，然后运行 `just grade 03`
//! （没装 just 时是 `cargo run -- grade 03`）。
//!
//! 1. ★☆☆ `status.rs`：从状态行读出状态码
//! 2. ★★☆ `split.rs`：宽松地分开响应头和正文（行尾可以只是 `\n`）
//! 3. ★★☆ `receipt.rs`：回执服务端：读一次，回复“收到 N 个字节”，对方不说话就回复“超时”
//! 4. ★★★ `ask.rs`：在限定的时间里问一句、收完整个回复
//! 5. ★★★ `text.rs`：不把字切成两半的服务端

pub mod ask;
pub mod receipt;
pub mod split;
pub mod status;
pub mod text;
