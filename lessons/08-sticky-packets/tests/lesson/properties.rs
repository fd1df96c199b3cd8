//! 性质测试：对任意一组消息（含空消息和多字节的 UTF-8），以及把字节流切成任意大小的
//! 一块块来读，长度前缀和分隔符两种解码器都恰好还原出这组消息；截断的输入得到清楚的
//! 错误，既不 panic 也不会卡住。

use std::io::{BufReader, ErrorKind};

use lesson_08::chunked::ChunkedReader;
use lesson_08::frame::{read_delimited, read_frame, write_frame};
use proptest::prelude::*;

/// 消息：任意 Unicode 文字（转成 UTF-8 字节），也包括空消息。
fn message() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("我爱Python".to_string()),
        any::<String>(),
        "[a-z我爱阿芬😀]{0,40}",
    ]
}

/// 每次 read 给多少字节；0 表示这一次被信号打断。
fn chunk_sizes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..=17, 1..8)
}

fn decode_frames(
    wire: Vec<u8>,
    sizes: Vec<usize>,
    capacity: usize,
) -> (Vec<Vec<u8>>, Option<ErrorKind>) {
    let mut reader = BufReader::with_capacity(capacity, ChunkedReader::new(wire, sizes));
    let mut got = Vec::new();
    loop {
        match read_frame(&mut reader, 1 << 20) {
            Ok(Some(m)) => got.push(m),
            Ok(None) => return (got, None),
            Err(e) => return (got, Some(e.kind())),
        }
    }
}

fn decode_lines(
    wire: Vec<u8>,
    sizes: Vec<usize>,
    capacity: usize,
) -> (Vec<Vec<u8>>, Option<ErrorKind>) {
    let mut reader = BufReader::with_capacity(capacity, ChunkedReader::new(wire, sizes));
    let mut got = Vec::new();
    loop {
        match read_delimited(&mut reader, b'\n', 1 << 20) {
            Ok(Some(m)) => got.push(m),
            Ok(None) => return (got, None),
            Err(e) => return (got, Some(e.kind())),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn length_prefix_survives_any_split(
        messages in prop::collection::vec(message(), 0..12),
        sizes in chunk_sizes(),
        capacity in 1usize..64,
    ) {
        let mut wire = Vec::new();
        for m in &messages {
            write_frame(&mut wire, m.as_bytes()).unwrap();
        }
        let (got, err) = decode_frames(wire, sizes, capacity);
        prop_assert_eq!(err, None);
        let want: Vec<Vec<u8>> = messages.iter().map(|m| m.as_bytes().to_vec()).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn delimiter_survives_any_split(
        messages in prop::collection::vec(message().prop_map(|m| m.replace('\n', "")), 0..12),
        sizes in chunk_sizes(),
        capacity in 1usize..64,
    ) {
        let mut wire = Vec::new();
        for m in &messages {
            wire.extend_from_slice(m.as_bytes());
            wire.push(b'\n');
        }
        let (got, err) = decode_lines(wire, sizes, capacity);
        prop_assert_eq!(err, None);
        let want: Vec<Vec<u8>> = messages.iter().map(|m| m.as_bytes().to_vec()).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn a_truncated_stream_gives_the_whole_messages_then_a_clear_error(
        messages in prop::collection::vec(message(), 1..8),
        sizes in chunk_sizes(),
        cut_seed in any::<prop::sample::Index>(),
    ) {
        // 帧：在最后一帧里面的任意位置截断（至少少一个字节）。
        let mut wire = Vec::new();
        let mut last_start = 0;
        for m in &messages {
            last_start = wire.len();
            write_frame(&mut wire, m.as_bytes()).unwrap();
        }
        let cut = last_start + cut_seed.index(wire.len() - last_start);
        wire.truncate(cut);
        let whole = messages.len() - 1;
        let (got, err) = decode_frames(wire, sizes.clone(), 8);
        let want: Vec<Vec<u8>> = messages[..whole].iter().map(|m| m.as_bytes().to_vec()).collect();
        prop_assert_eq!(&got, &want);
        // 切在最后一帧的开头，等于少了一整帧：那是正常的 EOF；否则是 UnexpectedEof。
        if cut == last_start {
            prop_assert_eq!(err, None);
        } else {
            prop_assert_eq!(err, Some(ErrorKind::UnexpectedEof));
        }

        // 分隔符：最后一条消息没有换行符（非空时）就是被截断的。
        let lines: Vec<String> = messages.iter().map(|m| m.replace('\n', "")).collect();
        let mut wire = Vec::new();
        for m in &lines[..whole] {
            wire.extend_from_slice(m.as_bytes());
            wire.push(b'\n');
        }
        wire.extend_from_slice(lines[whole].as_bytes());
        let (got, err) = decode_lines(wire, sizes, 8);
        let want: Vec<Vec<u8>> = lines[..whole].iter().map(|m| m.as_bytes().to_vec()).collect();
        prop_assert_eq!(&got, &want);
        if lines[whole].is_empty() {
            prop_assert_eq!(err, None);
        } else {
            prop_assert_eq!(err, Some(ErrorKind::UnexpectedEof));
        }
    }

    #[test]
    fn any_bytes_at_all_never_panic_or_hang(
        wire in prop::collection::vec(any::<u8>(), 0..200),
        sizes in chunk_sizes(),
    ) {
        // 随便什么字节：解码器要么读出帧，要么给出错误，总会结束（上限很小，逼出“太长”的错误）。
        let mut reader = BufReader::with_capacity(7, ChunkedReader::new(wire.clone(), sizes.clone()));
        for _ in 0..=wire.len() {
            match read_frame(&mut reader, 64) {
                Ok(Some(_)) => continue,
                Ok(None) => break,
                Err(e) => {
                    prop_assert!(matches!(e.kind(), ErrorKind::UnexpectedEof | ErrorKind::InvalidData));
                    break;
                }
            }
        }
        let mut reader = BufReader::with_capacity(7, ChunkedReader::new(wire.clone(), sizes));
        for _ in 0..=wire.len() {
            match read_delimited(&mut reader, b'\n', 64) {
                Ok(Some(m)) => prop_assert!(m.len() <= 64 && !m.contains(&b'\n')),
                Ok(None) => break,
                Err(e) => {
                    prop_assert!(matches!(e.kind(), ErrorKind::UnexpectedEof | ErrorKind::InvalidData));
                    break;
                }
            }
        }
    }
}
