//! 第 02 课练习的评分检查。`workbook grade 02` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use testkit::{exercise, with_deadline};

/// 一个简单的伪随机数发生器，让“随便什么字节”的检查每次都一样、失败时能重现。
fn pseudo_random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    // 挑一些容易出问题的字节：ASCII、续字节、各种长度的首字节、永远不合法的字节。
    let palette = [
        b'a', b' ', 0x80, 0xb8, 0xbf, 0xc3, 0xe6, 0xed, 0xf0, 0x9f, 0xff, 0xc0,
    ];
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            palette[(state >> 33) as usize % palette.len()]
        })
        .collect()
}

/// 一条检查：输入、期望的结果、不对时说明为什么。
type Case<'a, In, Out> = (In, Out, &'a str);
/// 坏字节的位置：(偏移, 长度) 的列表。
type Spans = Vec<(usize, usize)>;
/// 猜出的文字和编码名。
type Guess<'a> = Option<(&'a str, &'a str)>;

const SAMPLE: &str = "I love 游泳😀!";

fn check_prefix(prefix_within: fn(&str, usize) -> &str) {
    let got = with_deadline("prefix_within", move || {
        (0..SAMPLE.len() + 3)
            .map(|max| prefix_within(SAMPLE, max).to_string())
            .collect::<Vec<_>>()
    });
    for (max, got) in got.iter().enumerate() {
        // 期望值：所有不超过 max 的字符边界里最大的那个。
        let end = SAMPLE
            .char_indices()
            .map(|(i, _)| i)
            .chain([SAMPLE.len()])
            .filter(|&i| i <= max)
            .max()
            .unwrap_or(0);
        assert_eq!(
            got,
            &SAMPLE[..end],
            "prefix_within({SAMPLE:?}, {max}) 应当返回 {:?}",
            &SAMPLE[..end]
        );
    }
    let got = with_deadline("prefix_within", move || prefix_within("", 5).to_string());
    assert_eq!(got, "", "空字符串截短后还是空字符串");
}

fn check_bad_spans(bad_spans: fn(&[u8]) -> Vec<(usize, usize)>) {
    let cases: Vec<Case<&[u8], Spans>> = vec![
        (b"", vec![], "空的输入没有坏字节"),
        ("I love 游泳".as_bytes(), vec![], "合法的 UTF-8 没有坏字节"),
        (
            b"a\xffb\xe6\xb8",
            vec![(1, 1), (3, 2)],
            "中间一个坏字节，末尾一个没写完的字符",
        ),
        (
            b"I love \xff\xb8\xb8\xe6\xb3\xb3",
            vec![(7, 1), (8, 1), (9, 1)],
            "0xff 和两个落单的续字节是三处",
        ),
        (
            b"\xe6\xb8x\xe6",
            vec![(0, 2), (3, 1)],
            "被 'x' 打断的字符算一处（2 个字节）",
        ),
        (
            "游泳\u{ff}".as_bytes(),
            vec![],
            "U+00FF 写成 UTF-8 是合法的两个字节，不是坏字节",
        ),
        (
            b"\xe6\xb8\xb8\xe6\xb3\xb3\xff\xe6\xb8\xb8\xe6\xb3\xb3\xff",
            vec![(6, 1), (13, 1)],
            "偏移要相对整个输入，而不是相对每次检查的那一段",
        ),
    ];
    for (bytes, want, why) in cases {
        let input = bytes.to_vec();
        let got = with_deadline("bad_spans", move || bad_spans(&input));
        assert_eq!(got, want, "bad_spans({bytes:?})：{why}");
    }
    // 随便什么字节：每一处坏字节都换成一个 U+FFFD，应当和 from_utf8_lossy 得到一样的文字。
    for seed in 0..50 {
        let bytes = pseudo_random_bytes(seed, 40);
        let input = bytes.clone();
        let spans = with_deadline("bad_spans", move || bad_spans(&input));
        let mut rebuilt = String::new();
        let mut at = 0;
        for &(offset, len) in &spans {
            assert!(
                offset >= at && len > 0,
                "bad_spans({bytes:?}) 返回的范围重叠或为空：{spans:?}"
            );
            rebuilt.push_str(std::str::from_utf8(&bytes[at..offset]).unwrap_or_else(|_| {
                panic!("bad_spans({bytes:?}) 漏掉了 {at}..{offset} 之间的坏字节：{spans:?}")
            }));
            rebuilt.push(char::REPLACEMENT_CHARACTER);
            at = offset + len;
        }
        assert!(
            std::str::from_utf8(&bytes[at..]).is_ok(),
            "bad_spans({bytes:?}) 漏掉了偏移 {at} 之后的坏字节：{spans:?}"
        );
        rebuilt.push_str(std::str::from_utf8(&bytes[at..]).unwrap_or_default());
        assert_eq!(
            rebuilt,
            String::from_utf8_lossy(&bytes),
            "bad_spans({bytes:?}) 的范围和 from_utf8_lossy 的替换位置不一致：{spans:?}"
        );
    }
}

/// 把 `chunks` 交给学习者的函数，在期限内拿回结果。
fn run_chunks(decode_chunks: fn(&[&[u8]]) -> Vec<String>, chunks: &[&[u8]]) -> Vec<String> {
    let owned: Vec<Vec<u8>> = chunks.iter().map(|c| c.to_vec()).collect();
    with_deadline("decode_chunks", move || {
        let slices: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
        decode_chunks(&slices)
    })
}

fn check_chunks(decode_chunks: fn(&[&[u8]]) -> Vec<String>) {
    let got = run_chunks(decode_chunks, &[b"I love \xe6", b"\xb8\xb8"]);
    assert_eq!(got, ["I love ", "游"], "“游”的 3 个字节被拆在两段里");

    // 在每一对位置上把 SAMPLE 切成三段：每个字符都应当出现在它最后一个字节所在的那一段里。
    let bytes = SAMPLE.as_bytes();
    for i in 0..=bytes.len() {
        for j in i..=bytes.len() {
            let bounds = [0, i, j, bytes.len()];
            let chunks = [&bytes[..i], &bytes[i..j], &bytes[j..]];
            let mut want = vec![String::new(); 3];
            for (start, ch) in SAMPLE.char_indices() {
                let last = start + ch.len_utf8() - 1;
                let k = (0..3)
                    .find(|&k| bounds[k] <= last && last < bounds[k + 1])
                    .expect("每个字节都在某一段里");
                want[k].push(ch);
            }
            let got = run_chunks(decode_chunks, &chunks);
            assert_eq!(got, want, "在第 {i} 和第 {j} 个字节处切开 {SAMPLE:?}");
        }
    }

    let cases: Vec<Case<Vec<&[u8]>, Vec<&str>>> = vec![
        (vec![], vec![], "没有读到任何东西，就没有结果"),
        (
            vec![b"a\xff", b"b"],
            vec!["a\u{FFFD}", "b"],
            "坏字节换成 U+FFFD",
        ),
        (
            vec![b"\xe6\xb8"],
            vec!["\u{FFFD}"],
            "最后剩下半个字符，补一个 U+FFFD",
        ),
        (
            vec![b"\xe6", b"x"],
            vec!["", "\u{FFFD}x"],
            "没写完的字符被 'x' 打断",
        ),
        (
            vec![b"ok\xe6", b"", b"\xb8"],
            vec!["ok", "", "\u{FFFD}"],
            "中间有一段是空的，最后还剩半个字符",
        ),
    ];
    for (chunks, want, why) in cases {
        let got = run_chunks(decode_chunks, &chunks);
        assert_eq!(got, want, "decode_chunks({chunks:?})：{why}");
    }

    // 随便什么字节、随便怎么切：连起来应当和一次性 from_utf8_lossy 一样。
    for seed in 0..40 {
        let bytes = pseudo_random_bytes(seed, 30);
        let cut = (seed as usize * 7) % 29 + 1;
        let chunks: Vec<&[u8]> = bytes.chunks(cut).collect();
        let got = run_chunks(decode_chunks, &chunks);
        assert_eq!(got.len(), chunks.len(), "每一段都应当有一个结果");
        assert_eq!(
            got.concat(),
            String::from_utf8_lossy(&bytes),
            "把 {bytes:?} 每 {cut} 个字节切一段，连起来的结果不对"
        );
    }
}

fn check_guess(guess_decode: fn(&[u8]) -> Option<(String, &'static str)>) {
    // “驱动器 C 中的卷没有标签。”的 GBK 字节，也就是中文 Windows 上 dir 命令输出的一部分。
    let console: &[u8] = b"\xc7\xfd\xb6\xaf\xc6\xf7 C \xd6\xd0\xb5\xc4\xbe\xed\xc3\xbb\xd3\xd0\xb1\xea\xc7\xa9\xa1\xa3";
    let cases: Vec<Case<&[u8], Guess>> = vec![
        (
            "I love 游泳".as_bytes(),
            Some(("I love 游泳", "utf-8")),
            "合法的 UTF-8",
        ),
        (b"", Some(("", "utf-8")), "空的输入也是合法的 UTF-8"),
        (
            console,
            Some(("驱动器 C 中的卷没有标签。", "gbk")),
            "中文 Windows 的 GBK 输出",
        ),
        (
            b"\xd3\xce\xd3\xbe",
            Some(("游泳", "gbk")),
            "“游泳”的 GBK 字节",
        ),
        (b"ok\xd3", None, "末尾只有半个 GBK 汉字：两种都不是"),
        (b"\xff\xfe", None, "0xff 在两种编码里都不合法"),
    ];
    for (bytes, want, why) in cases {
        let input = bytes.to_vec();
        let got = with_deadline("guess_decode", move || guess_decode(&input));
        let want = want.map(|(t, e)| (t.to_string(), e));
        assert_eq!(got, want, "guess_decode({bytes:?})：{why}");
    }
}

exercise!(
    l02_prefix,
    "exercises/prefix.rs",
    check_prefix,
    lesson_02::exercises::prefix::prefix_within,
    lesson_02::solutions::prefix::prefix_within,
);

exercise!(
    l02_bad_spans,
    "exercises/bad_spans.rs",
    check_bad_spans,
    lesson_02::exercises::bad_spans::bad_spans,
    lesson_02::solutions::bad_spans::bad_spans,
);

exercise!(
    l02_chunks,
    "exercises/chunks.rs",
    check_chunks,
    lesson_02::exercises::chunks::decode_chunks,
    lesson_02::solutions::chunks::decode_chunks,
);

exercise!(
    l02_guess,
    "exercises/guess.rs",
    check_guess,
    lesson_02::exercises::guess::guess_decode,
    lesson_02::solutions::guess::guess_decode,
);
