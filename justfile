# 用 Rust 学网络编程：常用命令。`just` 不带参数列出所有命令。
# 每条命令都等于一条 `cargo run -- …`（见 README），没装 just 也能学。

# 参数原样传给程序（含空格的参数也不会被拆开）
set positional-arguments

# 列出所有命令
[private]
default:
    @just --list --unsorted

# 所有课程、程序和练习进度
list:
    @cargo run --quiet -- list

# 运行第 NN 课的演示；给出程序名时只运行那个程序，例如 just lesson 03 server
[no-exit-message]
lesson NN *ARGS:
    @cargo run --quiet -- lesson "$@"

# 给练习评分：just grade 03；just grade 03 2 只评第 2 题；加 --verbose 看程序自己的输出；不带课号则给所有课评分
[no-exit-message]
grade *ARGS:
    @cargo run --quiet -- grade "$@"

# 一直开着：保存练习文件就重新评分，做对了换下一道（输入 q 回车退出）
[no-exit-message]
watch *NN:
    @cargo run --quiet -- watch "$@"

# 第 NN 课第 K 题的提示；再加 --more 看做法，--answer 看参考答案在哪里
[no-exit-message]
hint NN K *FLAGS:
    @cargo run --quiet -- hint "$@"

# 在浏览器里读这本书（需要 mdbook 0.5：cargo install mdbook --version 0.5.4 --locked）
book:
    mdbook serve book --open

# 运行整个测试套件（含练习的评分检查）
test:
    cargo test --workspace --all-features

# 基准测试（release 构建；第 10 课会上传一个 512 MiB 的文件，要几分钟）
bench:
    cargo bench --workspace

# 与持续集成相同的全部检查
ci:
    bash .ci/run
