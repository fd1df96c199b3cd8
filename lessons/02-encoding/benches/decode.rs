//! 解码要花多少时间？对同一段约 1 MiB 的中英混排文字，比较几种解码方式。
//!
//! 运行：`cargo bench -p lesson-02`。每种方式重复多轮，取最快的一轮。
//!
//! 只有做同样的事的做法才能放在一起比，所以结果分成几组：
//!
//! 1. 只检查：输入是合法的 UTF-8 时，这几种做法都只检查一遍字节，交回的是**借用**原来字节的
//!    `&str` 或 `Cow::Borrowed`，没有复制。这里会先确认它们真的返回了借用，否则就不算这一组。
//! 2. 解码成一个新的 `String`：检查，再把文字复制进一个自己拥有的 `String`（GBK 还要把每个字转换成
//!    UTF-8）。每种做法最后都得到同样的文字；分块的做法得到的是同样的文字分成的许多段。
//! 3. 输入里有坏字节：有损解码再也不能借用，必须复制一份并把坏字节换成 U+FFFD。
//! 4. GBK 编码：方向反过来，从 `&str` 得到 GBK 字节。
//!
//! 同一组里比较“每轮”的时间：输入是同一段文字。MiB/s 按输入的字节数算，GBK 的输入比 UTF-8 短。

use std::borrow::Cow;
use std::hint::black_box;
use std::time::{Duration, Instant};

use encoding_rs::{Encoding, GBK, UTF_8};
use lesson_02::decode_report;
use lesson_02::gbk::{decode_gbk_lossy, encode_gbk_lossy};
use lesson_02::stream::StreamDecoder;

const MIB: usize = 1024 * 1024;

/// 一个每次 read 最多给出 `size` 个字节的输入，像一个数据一小段一小段到达的套接字。
#[cfg(feature = "solutions")]
struct Chunked<'a> {
    rest: &'a [u8],
    size: usize,
}

#[cfg(feature = "solutions")]
impl std::io::Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.size.min(buf.len()).min(self.rest.len());
        buf[..n].copy_from_slice(&self.rest[..n]);
        self.rest = &self.rest[n..];
        Ok(n)
    }
}

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

fn group(title: &str) {
    println!();
    println!("{title}");
}

fn main() {
    // 大约 1 MiB：一半 ASCII、一半汉字，像一段普通的中文技术文档。
    let unit = "Rust 的 String 一定是合法的 UTF-8；socket 上传的只有字节。";
    let text: String = unit.repeat(MIB / unit.len() + 1);
    let utf8 = text.as_bytes();
    let (gbk, _) = encode_gbk_lossy(&text);
    // 同样的文字，每 1024 个字节里有一个字节换成 0xff。
    let mut dirty = utf8.to_vec();
    for i in (0..dirty.len()).step_by(1024) {
        dirty[i] = 0xff;
    }
    let dirty = &dirty[..];
    println!(
        "测试数据：UTF-8 {} 字节，GBK {} 字节，{} 个字符；有坏字节的 UTF-8 里有 {} 处坏字节",
        utf8.len(),
        gbk.len(),
        text.chars().count(),
        dirty.len().div_ceil(1024)
    );

    // 这一组的前提：合法输入上它们确实只是借用，没有复制。
    assert!(matches!(String::from_utf8_lossy(utf8), Cow::Borrowed(_)));
    assert!(matches!(
        UTF_8.decode_without_bom_handling(utf8).0,
        Cow::Borrowed(_)
    ));
    assert_eq!(Encoding::utf8_valid_up_to(utf8), utf8.len());
    group("1. 只检查（合法的 UTF-8，交回借用，不复制）");
    let t = best_of(|| {
        black_box(std::str::from_utf8(black_box(utf8)).is_ok());
    });
    report("std::str::from_utf8", utf8.len(), t);
    let t = best_of(|| {
        black_box(String::from_utf8_lossy(black_box(utf8)));
    });
    report(
        "String::from_utf8_lossy（得到 Cow::Borrowed）",
        utf8.len(),
        t,
    );
    let t = best_of(|| {
        black_box(Encoding::utf8_valid_up_to(black_box(utf8)));
    });
    report("encoding_rs Encoding::utf8_valid_up_to", utf8.len(), t);
    let t = best_of(|| {
        black_box(UTF_8.decode_without_bom_handling(black_box(utf8)));
    });
    report(
        "encoding_rs UTF_8.decode_without_bom_handling（得到 Cow::Borrowed）",
        utf8.len(),
        t,
    );

    group("2. 解码成一个新的 String（检查 + 复制；GBK 还要转换）");
    let t = best_of(|| {
        black_box(std::str::from_utf8(black_box(utf8)).map(str::to_owned).ok());
    });
    report("std::str::from_utf8 + to_owned", utf8.len(), t);
    let t = best_of(|| {
        black_box(String::from_utf8(black_box(utf8).to_vec()).ok());
    });
    report("to_vec + String::from_utf8", utf8.len(), t);
    let t = best_of(|| {
        black_box(String::from_utf8_lossy(black_box(utf8)).into_owned());
    });
    report("String::from_utf8_lossy + into_owned", utf8.len(), t);
    let t = best_of(|| {
        black_box(
            UTF_8
                .decode_without_bom_handling(black_box(utf8))
                .0
                .into_owned(),
        );
    });
    report(
        "encoding_rs UTF_8.decode_without_bom_handling + into_owned",
        utf8.len(),
        t,
    );
    let t = best_of(|| {
        black_box(decode_report(black_box(utf8), UTF_8));
    });
    report("decode_report（UTF-8）", utf8.len(), t);
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
    // 参考答案只在打开 solutions 特性时编译：cargo bench -p lesson-02 --features solutions 才量这几行。
    // 练习 4 的 relay 从一个 Read 里读（它自己的缓冲区是 1024 字节），每次 read 最多给出 size 个字节。
    #[cfg(feature = "solutions")]
    for size in [7usize, 64, 1024] {
        let t = best_of(|| {
            let mut input = Chunked { rest: utf8, size };
            let mut out: Vec<u8> = Vec::with_capacity(utf8.len());
            lesson_02::solutions::relay::relay(&mut input, &mut out).expect("输入是合法的 UTF-8");
            black_box(out);
        });
        report(
            &format!("练习 4 的参考答案（relay），每次 read {size} 字节"),
            utf8.len(),
            t,
        );
    }
    let t = best_of(|| {
        black_box(decode_gbk_lossy(black_box(&gbk)));
    });
    report("encoding_rs GBK.decode_without_bom_handling", gbk.len(), t);
    let t = best_of(|| {
        black_box(decode_report(black_box(&gbk), GBK));
    });
    report("decode_report（GBK）", gbk.len(), t);

    assert!(matches!(String::from_utf8_lossy(dirty), Cow::Owned(_)));
    group("3. 有坏字节的 UTF-8（有损解码：复制，坏字节换成 U+FFFD）");
    let t = best_of(|| {
        black_box(String::from_utf8_lossy(black_box(dirty)));
    });
    report("String::from_utf8_lossy（得到 Cow::Owned）", dirty.len(), t);
    let t = best_of(|| {
        black_box(UTF_8.decode_without_bom_handling(black_box(dirty)));
    });
    report(
        "encoding_rs UTF_8.decode_without_bom_handling",
        dirty.len(),
        t,
    );
    let t = best_of(|| {
        black_box(decode_report(black_box(dirty), UTF_8));
    });
    report("decode_report（还记下每处坏字节的偏移）", dirty.len(), t);

    group("4. GBK 编码（MiB/s 按 UTF-8 输入计）");
    let t = best_of(|| {
        black_box(encode_gbk_lossy(black_box(&text)));
    });
    report("encoding_rs GBK.encode", utf8.len(), t);
}
