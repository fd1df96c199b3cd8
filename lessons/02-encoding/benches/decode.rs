//! 解码要花多少时间？对 1 MiB 中英混排的文字，比较几种解码方式的吞吐量。
//!
//! 运行：`cargo bench -p lesson-02`。每种方式重复多轮，取最快的一轮，单位 MiB/s。

use std::hint::black_box;
use std::time::{Duration, Instant};

use encoding_rs::{GBK, UTF_8};
use lesson_02::gbk::{decode_gbk_lossy, encode_gbk_lossy};
use lesson_02::stream::StreamDecoder;
use lesson_02::{decode_report, solutions};

const MIB: usize = 1024 * 1024;

/// 反复运行 `f`，至少跑够 0.3 秒和 5 轮，返回最快一轮的用时。
fn best_of(mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    let mut best = Duration::MAX;
    let mut rounds = 0;
    while rounds < 5 || start.elapsed() < Duration::from_millis(300) {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed());
        rounds += 1;
    }
    best
}

fn report(name: &str, bytes: usize, time: Duration) {
    let mib_per_s = bytes as f64 / MIB as f64 / time.as_secs_f64();
    // 数字放在前面：中文字符在终端里占两格，放在后面的名字才不会把列对歪。
    let ms = time.as_secs_f64() * 1e3;
    println!("{mib_per_s:>7.0} MiB/s  每轮 {ms:>7.3} ms  {name}");
}

fn main() {
    // 大约 1 MiB：一半 ASCII、一半汉字，像一段普通的中文技术文档。
    let unit = "Rust 的 String 一定是合法的 UTF-8；socket 上传的只有字节。";
    let text: String = unit.repeat(MIB / unit.len() + 1);
    let utf8 = text.as_bytes();
    let (gbk, _) = encode_gbk_lossy(&text);
    println!(
        "测试数据：UTF-8 {} 字节，GBK {} 字节，{} 个字符",
        utf8.len(),
        gbk.len(),
        text.chars().count()
    );
    println!();

    let t = best_of(|| {
        black_box(std::str::from_utf8(black_box(utf8)).is_ok());
    });
    report("std::str::from_utf8（只检查，不复制）", utf8.len(), t);

    let t = best_of(|| {
        black_box(String::from_utf8_lossy(black_box(utf8)));
    });
    report("String::from_utf8_lossy", utf8.len(), t);

    let t = best_of(|| {
        black_box(UTF_8.decode_without_bom_handling(black_box(utf8)));
    });
    report("encoding_rs UTF-8 解码", utf8.len(), t);

    let t = best_of(|| {
        black_box(decode_report(black_box(utf8), UTF_8));
    });
    report("decode_report（UTF-8，复制一份）", utf8.len(), t);

    let t = best_of(|| {
        black_box(decode_gbk_lossy(black_box(&gbk)));
    });
    report("encoding_rs GBK 解码", gbk.len(), t);

    let t = best_of(|| {
        black_box(decode_report(black_box(&gbk), GBK));
    });
    report("decode_report（GBK）", gbk.len(), t);

    let t = best_of(|| {
        black_box(encode_gbk_lossy(black_box(&text)));
    });
    report("encoding_rs GBK 编码（按 UTF-8 输入计）", utf8.len(), t);

    // 增量解码：每次 read 读到的块越小，每块的固定开销占比越大。
    for size in [7usize, 64, 1024, 65536] {
        let t = best_of(|| {
            let mut d = StreamDecoder::new(UTF_8);
            for chunk in utf8.chunks(size) {
                black_box(d.push(black_box(chunk)));
            }
            black_box(d.finish());
        });
        report(&format!("StreamDecoder，每块 {size} 字节"), utf8.len(), t);
    }
    for size in [7usize, 1024, 65536] {
        let chunks: Vec<&[u8]> = utf8.chunks(size).collect();
        let t = best_of(|| {
            black_box(solutions::chunks::decode_chunks(black_box(&chunks)));
        });
        report(
            &format!("练习 3 的参考答案，每块 {size} 字节"),
            utf8.len(),
            t,
        );
    }
}
