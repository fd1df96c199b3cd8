//! 一个字符被拆在两次读取之间。
//!
//! TCP 传的是字节流，不知道哪里是一个字符的边界。“游”的 3 个字节完全可能前 1 个在这次
//! `read` 里、后 2 个在下次 `read` 里。每次读到就各自解码，两半都会变成乱码；
//! 增量解码器把没写完的半个字符先留着，等后半截到了再拼起来。

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use encoding_rs::{CoderResult, Decoder, Encoding};

// ANCHOR: stream_decoder
/// 增量解码器：一段一段地喂字节，一段一段地拿回文字。
///
/// 这里直接用 `encoding_rs` 的 `Decoder`，而不是自己保存半个字符：
/// 同一个类型对 UTF-8 和 GBK 都适用（GBK 的一个汉字也会被拆开），
/// 它对坏字节的处理和一次性解码完全一致。
pub struct StreamDecoder {
    decoder: Decoder,
}

impl StreamDecoder {
    pub fn new(encoding: &'static Encoding) -> StreamDecoder {
        StreamDecoder {
            decoder: encoding.new_decoder_without_bom_handling(),
        }
    }

    /// 喂进刚读到的一段字节，返回其中已经完整的字符；没写完的字符留在解码器里等下一段。
    pub fn push(&mut self, chunk: &[u8]) -> String {
        self.decode(chunk, false)
    }

    /// 连接关闭时调用一次。还留在解码器里的半个字符再也等不到后半截了，换成 U+FFFD，
    /// 这样对方中途消失也不会让数据悄悄少一块。
    pub fn finish(&mut self) -> String {
        self.decode(&[], true)
    }

    fn decode(&mut self, mut chunk: &[u8], last: bool) -> String {
        let mut out = String::new();
        loop {
            // 解码器只往 String 的空余容量里写，容量不够时返回 OutputFull，加大后接着来。
            let need = self
                .decoder
                .max_utf8_buffer_length(chunk.len())
                .unwrap_or(chunk.len() + 16);
            out.reserve(need);
            let (result, read, _replaced) = self.decoder.decode_to_string(chunk, &mut out, last);
            chunk = &chunk[read..];
            if result == CoderResult::InputEmpty {
                return out;
            }
        }
    }
}
// ANCHOR_END: stream_decoder

// ANCHOR: two_reads
/// 在本机开一条真正的 TCP 连接，把 `bytes` 分成 `[..at]` 和 `[at..]` 两次发出，
/// 接收方每读到一段就交给 `on_read`。连接关闭（读到 0 个字节）时返回读了几次。
///
/// 发送方发完第一段后，要等接收方说“读到了”才发第二段。否则两段可能在接收方的缓冲区里
/// 合在一起、一次就被读走——那是第 08 课“粘包”的故事，这里要的是确定地拆成两次。
pub fn send_in_two_parts(
    bytes: &[u8],
    at: usize,
    mut on_read: impl FnMut(&[u8]),
) -> io::Result<usize> {
    // 第一段不能是空的：空的一段发不出任何东西，接收方会一直等它。
    if at == 0 || at > bytes.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("分割位置 {at} 要在 1 到 {} 之间", bytes.len()),
        ));
    }
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let sender = TcpStream::connect(listener.local_addr()?)?;
    let (mut receiver, _) = listener.accept()?;
    receiver.set_read_timeout(Some(Duration::from_secs(10)))?;

    let (first, second) = (bytes[..at].to_vec(), bytes[at..].to_vec());
    let (go_on, wait) = mpsc::channel::<()>();
    let sending = thread::spawn(move || -> io::Result<()> {
        let mut sender = sender;
        sender.write_all(&first)?;
        // 接收方出错退出时通道会断开，recv 返回 Err，我们就不再发第二段。
        if wait.recv().is_ok() {
            sender.write_all(&second)?;
        }
        Ok(())
        // sender 在这里被丢弃，连接关闭，接收方读到 0 个字节。
    });

    let mut buf = [0u8; 1024];
    let mut reads = 0;
    loop {
        let n = receiver.read(&mut buf)?;
        if n == 0 {
            break;
        }
        reads += 1;
        on_read(&buf[..n]);
        if reads == 1 {
            let _ = go_on.send(());
        }
    }
    drop(go_on);
    sending
        .join()
        .map_err(|_| io::Error::other("发送线程意外 panic"))??;
    Ok(reads)
}
// ANCHOR_END: two_reads

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{GBK, UTF_8};

    #[test]
    fn a_character_split_in_two_comes_out_whole() {
        let mut d = StreamDecoder::new(UTF_8);
        assert_eq!(d.push(b"I love \xe6"), "I love ");
        assert_eq!(d.push(b"\xb8\xb8\xe6\xb3\xb3"), "游泳");
        assert_eq!(d.finish(), "");
    }

    #[test]
    fn half_a_character_at_the_end_is_not_lost() {
        let mut d = StreamDecoder::new(UTF_8);
        assert_eq!(d.push(b"ok\xe6\xb8"), "ok");
        assert_eq!(d.finish(), "\u{FFFD}");
    }

    #[test]
    fn gbk_characters_can_be_split_too() {
        let mut d = StreamDecoder::new(GBK);
        assert_eq!(d.push(b"\xd3"), "");
        assert_eq!(d.push(b"\xce\xd3"), "游");
        assert_eq!(d.push(b"\xbe"), "泳");
    }

    #[test]
    fn two_parts_arrive_as_two_reads() {
        let mut reads = Vec::new();
        let n = send_in_two_parts(b"abcdef", 2, |r| reads.push(r.to_vec())).unwrap();
        assert_eq!(n, 2);
        assert_eq!(reads, vec![b"ab".to_vec(), b"cdef".to_vec()]);
        assert!(send_in_two_parts(b"ab", 3, |_| ()).is_err());
        assert!(send_in_two_parts(b"ab", 0, |_| ()).is_err());
    }
}
