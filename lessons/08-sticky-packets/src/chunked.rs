//! 一个故意“一次只给一点”的读取器，用来在内存里重现 TCP 的任意切分。
//!
//! 网络上的 `read` 返回多少字节由内核决定：可能是一条消息的一半，也可能是三条半。
//! 解码器必须对任何切法都给出同样的消息。测试和练习用 [`ChunkedReader`] 按给定的
//! 大小序列切开一段字节，逐块交出去，这样“任何切法”就能被一一试到。

use std::io::{self, ErrorKind, Read};

// ANCHOR: chunked
/// 按 `sizes` 里的大小（循环使用）一块一块地交出 `data`。
///
/// 大小为 0 的那一次返回 `ErrorKind::Interrupted`：真实的系统调用被信号打断时就是这样，
/// 正确的读取代码应当重试，而不是把它当成错误或 EOF。
pub struct ChunkedReader {
    data: Vec<u8>,
    pos: usize,
    sizes: Vec<usize>,
    turn: usize,
}

impl ChunkedReader {
    /// `sizes` 为空（或全是 0，那样永远读不完）时每次最多给 1 个字节。
    pub fn new(data: Vec<u8>, sizes: Vec<usize>) -> ChunkedReader {
        let sizes = if sizes.iter().all(|&s| s == 0) {
            vec![1]
        } else {
            sizes
        };
        ChunkedReader {
            data,
            pos: 0,
            sizes,
            turn: 0,
        }
    }

    /// 已经交出去的字节数。
    pub fn consumed(&self) -> usize {
        self.pos
    }
}

impl Read for ChunkedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let size = self.sizes[self.turn % self.sizes.len()];
        self.turn += 1;
        if size == 0 {
            return Err(io::Error::new(ErrorKind::Interrupted, "模拟被信号打断"));
        }
        let left = &self.data[self.pos..];
        let n = size.min(buf.len()).min(left.len());
        buf[..n].copy_from_slice(&left[..n]);
        self.pos += n;
        Ok(n)
    }
}
// ANCHOR_END: chunked

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_out_the_bytes_in_the_given_sizes() {
        let mut r = ChunkedReader::new(b"abcdef".to_vec(), vec![2, 0, 3]);
        let mut buf = [0u8; 10];
        assert_eq!(r.read(&mut buf).unwrap(), 2);
        assert_eq!(r.read(&mut buf).unwrap_err().kind(), ErrorKind::Interrupted);
        assert_eq!(r.read(&mut buf).unwrap(), 3);
        assert_eq!(&buf[..3], b"cde");
        assert_eq!(r.read(&mut buf).unwrap(), 1);
        assert_eq!(r.consumed(), 6);
        // 大小序列循环使用：又轮到 0，又被“打断”一次；之后到头了就是 EOF（0 字节）。
        assert_eq!(r.read(&mut buf).unwrap_err().kind(), ErrorKind::Interrupted);
        assert_eq!(r.read(&mut buf).unwrap(), 0);
    }

    #[test]
    fn only_zero_sizes_cannot_stall_a_reader_forever() {
        let mut r = ChunkedReader::new(b"ab".to_vec(), vec![0, 0]);
        let mut buf = [0u8; 10];
        assert_eq!(r.read(&mut buf).unwrap(), 1);
    }
}
