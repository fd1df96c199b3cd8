# 用 Rust 学网络编程：常用命令。`just` 不带参数列出所有命令。

# 参数原样传给程序（含空格的参数也不会被拆开）
set positional-arguments

# 列出所有命令
default:
    @just --list --unsorted

# 所有课程、程序和练习进度
list:
    @cargo run --quiet -- list

# 运行第 NN 课的演示；给出程序名时只运行那个程序，例如 just lesson 03 server
lesson NN *ARGS:
    @cargo run --quiet -- lesson "$@"

# 给练习评分：just grade 03；不带课号则给所有课评分
grade *NN:
    @cargo run --quiet -- grade "$@"

# 第 NN 课第 K 题的提示
hint NN K:
    @cargo run --quiet -- hint "$@"

# 在浏览器里读这本书（需要 mdbook 0.5：cargo install mdbook --version 0.5.4 --locked）
book:
    mdbook serve book --open

# 运行整个测试套件
test:
    cargo test --workspace

# 基准测试（release 构建；第 10 课会上传一个 512 MiB 的文件，要几分钟）
bench:
    cargo bench --workspace

# 与持续集成相同的全部检查
ci:
    bash .ci/run
