//! 第 08 课分帧回显服务端的异步版（端口 9999）：4 字节大端长度 + 内容，每收到一帧就原样回一帧。
//!
//! 分帧交给 tokio-util 的 `LengthDelimitedCodec`：它就是第 08 课手写的 `read_frame` / `write_frame`，
//! 只是写成了“解码器”的样子：手里的字节够一帧就交出一帧，不够就说“还不够”（`Ok(None)`），
//! 由 `Framed` 去读更多的字节再来问。它有一点和第 08 课不同：读到长度以后，它**按对方说的长度
//! 一次准备好缓冲区**（`reserve`），不是边收边长。所以这里在它外面再包一层 [`FrameCodec`]：
//! 在它准备缓冲区之前先看一眼长度，超过上限就拒绝（说法和第 08 课一样），64 KiB 以上的部分先向
//! 所有连接共用的缓存额度（`support::serve::Budget`）申请，申请不到就拒绝。

use std::io;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures_util::{SinkExt, StreamExt};
use lesson_08::frame::{FREE_BYTES, HEADER_LEN};
use lesson_08::{size, Show};
use support::serve::{Budget, Policy, Refusal, Reservation};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_util::codec::{Decoder, Encoder, Framed, LengthDelimitedCodec};

use crate::guard::Guarded;
use crate::serve::{self, Conn, Shutdown};
use crate::Log;

// ANCHOR: codec
/// 和第 08 课一样的帧：4 字节、大端、不超过 `max`。
pub fn length_delimited(max: usize) -> LengthDelimitedCodec {
    LengthDelimitedCodec::builder()
        .length_field_length(HEADER_LEN)
        .big_endian()
        .max_frame_length(max)
        .new_codec()
}
// ANCHOR_END: codec

/// 解出来的一帧，连同它向缓存额度申请到的那一份（丢弃时归还）。
pub struct Message {
    pub bytes: BytesMut,
    pub held: Option<Reservation>,
}

// ANCHOR: frame_codec
/// `LengthDelimitedCodec` 外面的一层：它准备缓冲区之前，先检查长度、申请缓存额度。
pub struct FrameCodec {
    inner: LengthDelimitedCodec,
    max: usize,
    budget: Arc<Budget>,
    /// 已经看过这一帧的长度、申请过额度了（正在等它的内容）。
    in_frame: bool,
    held: Option<Reservation>,
}

impl FrameCodec {
    pub fn new(max: usize, budget: Arc<Budget>) -> FrameCodec {
        FrameCodec {
            inner: length_delimited(max),
            max,
            budget,
            in_frame: false,
            held: None,
        }
    }
}

impl Decoder for FrameCodec {
    type Item = Message;
    type Error = io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<Message>> {
        if !self.in_frame && src.len() >= HEADER_LEN {
            let mut header = [0u8; HEADER_LEN];
            header.copy_from_slice(&src[..HEADER_LEN]);
            let len = u32::from_be_bytes(header) as usize;
            if len > self.max {
                return Err(too_long(len, self.max));
            }
            // 下面的 inner.decode 会按 len 一次准备好缓冲区：超出每帧自带的 64 KiB 的部分先申请。
            if len > FREE_BYTES {
                let more = self.budget.reserve(len - FREE_BYTES);
                self.held = Some(more.ok_or_else(|| exhausted(&self.budget))?);
            }
            self.in_frame = true;
        }
        let Some(bytes) = self.inner.decode(src)? else {
            return Ok(None); // 还不够一帧：Framed 会去读更多的字节，再来问
        };
        self.in_frame = false;
        Ok(Some(Message {
            bytes,
            held: self.held.take(),
        }))
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<Message>> {
        match self.decode(src)? {
            Some(frame) => Ok(Some(frame)),
            None if src.is_empty() && !self.in_frame => Ok(None),
            None => Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "连接在一帧的中途关闭（长度前缀或内容只收到了一部分）",
            )),
        }
    }
}

impl Encoder<Bytes> for FrameCodec {
    type Error = io::Error;

    fn encode(&mut self, item: Bytes, dst: &mut BytesMut) -> io::Result<()> {
        self.inner.encode(item, dst)
    }
}
// ANCHOR_END: frame_codec

/// 太长的帧：和第 08 课 `read_frame` 的说法一样。
fn too_long(len: usize, max: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "对方声称这一帧有 {}，超过了上限 {}，拒绝接收",
            size::exact(len as u64),
            size::show(max as u64)
        ),
    )
}

fn exhausted(budget: &Budget) -> io::Error {
    io::Error::new(
        io::ErrorKind::OutOfMemory,
        format!(
            "服务端缓存的数据已经到了上限（所有连接合起来 {}），这一条消息放不下，拒绝接收；请稍后再试",
            size::show(budget.total() as u64)
        ),
    )
}

/// 一帧写成字节（拒绝和出错时的最后一句话也是一帧）。
pub fn frame_bytes(payload: &[u8]) -> Vec<u8> {
    lesson_08::frame_bytes(payload)
}

// ANCHOR: echo_frames
/// 一个连接：读一帧，原样作为一帧写回去，直到对方关闭。返回回显了多少帧。
///
/// 和第 08 课的 `echo_frames` 一样，每一帧重新计时：等下一帧最多等一个空闲超时，一帧之内要达到最低速率。
pub async fn echo_frames<S>(
    conn: &mut Guarded<S>,
    max: usize,
    budget: &Arc<Budget>,
    log: &(dyn Fn(std::fmt::Arguments<'_>) + Send + Sync),
) -> io::Result<usize>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut frames = Framed::new(conn, FrameCodec::new(max, Arc::clone(budget)));
    let mut count = 0;
    loop {
        frames.get_mut().restart();
        let Some(message) = frames.next().await.transpose()? else {
            return Ok(count);
        };
        count += 1;
        log(format_args!(
            "收到第 {count} 帧：{}，原样回显",
            Show(&message.bytes)
        ));
        let Message { bytes, held } = message;
        // send 把长度和内容放进同一个写缓冲区再 flush：一次系统调用发出去，不会撞上 Nagle 算法。
        frames.send(bytes.freeze()).await?;
        drop(held); // 回显完了，额度归还
    }
}
// ANCHOR_END: echo_frames

/// 分帧回显服务端：每个连接一个任务；拒绝和出错时回一帧“错误：……”。
pub async fn serve_framed(
    listener: TcpListener,
    policy: &Policy,
    shutdown: &Shutdown,
    max: usize,
    budget: Arc<Budget>,
    log: Log,
) -> u64 {
    let refuse = |why: Refusal| frame_bytes(format!("错误：{}", why.message()).as_bytes());
    let limits = policy.clone();
    let number = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let handle = move |conn: Conn| {
        let n = number.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let (budget, limits) = (Arc::clone(&budget), limits.clone());
        async move { handle_framed(conn, n, max, &budget, &limits, log).await }
    };
    serve::serve(listener, policy, shutdown, log, refuse, handle).await
}

async fn handle_framed(
    mut conn: Conn,
    n: u64,
    max: usize,
    budget: &Arc<Budget>,
    policy: &Policy,
    log: Log,
) {
    log(&format!("[#{n}] 新连接"));
    let line = move |text: std::fmt::Arguments<'_>| log(&format!("[#{n}] {text}"));
    match echo_frames(&mut conn.stream, max, budget, &line).await {
        Ok(count) => log(&format!("[#{n}] 对方关闭了连接，一共回显了 {count} 帧")),
        Err(e) => {
            let why = lesson_08::describe(&e, policy);
            log(&format!("[#{n}] 出错：{why}；断开这个连接"));
            // 对方也许还在听（比如它发的帧太长）：回一帧说明，最多等 1 秒。
            let words = frame_bytes(format!("错误：{why}").as_bytes());
            serve::last_words(conn.stream.into_inner(), &words).await;
        }
    }
}
