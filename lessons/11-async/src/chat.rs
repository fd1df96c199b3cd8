//! 第 04 课聊天室的异步版（端口 12345）：每人一行一条消息，服务端转发给其他所有人，
//! 新来的人先看到最近的消息。线路上和第 04 课一字不差，`l04-chat-client` 照样能用。
//!
//! 设计也和第 04 课一样：**拿着名单的锁时从不写套接字**，转发只是把消息放进每个成员自己的
//! 有界队列（`tokio::sync::mpsc`，`try_send`：放得下就放，放不下马上返回）；真正的写由每个成员
//! 自己的发送任务去做。一个不读消息的成员只卡住它自己的发送任务；它的队列满了，就被请出聊天室。
//! 不同的是：线程版每个成员两个线程，这里是两个任务，一万个成员也只用一个线程。

use std::collections::VecDeque;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};

use lesson_04::message::{lossy, Incoming, MAX_LINE};
use lesson_04::preview;
use support::serve::{Policy, Refusal};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::TcpListener;
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio_util::sync::CancellationToken;

use crate::guard::Guarded;
use crate::serve::{self, Conn, Shutdown};
use crate::Log;

/// 新来的人能看到的最近消息条数（和第 04 课一样）。
pub const HISTORY: usize = lesson_04::chat::HISTORY;

/// 每个成员的发送队列默认最多积压多少条消息（和第 04 课一样）。
pub const DEFAULT_QUEUE: usize = lesson_04::chat::DEFAULT_QUEUE;

/// 一条要发出去的消息（已带换行符）。几个成员的队列共用同一份。
type Text = Arc<str>;

/// 发送队列里的一项：一条消息，或者新成员的欢迎语加上最近的消息。
enum Outgoing {
    Line(Text),
    Welcome(Text, Vec<Text>),
}

struct Member {
    id: u64,
    name: String,
    outbox: mpsc::Sender<Outgoing>,
    /// 请它离开：它的读任务看到这个就结束，发送任务被取消（它可能正卡在写给一个不读的人）。
    kick: CancellationToken,
}

#[derive(Default)]
struct State {
    next_id: u64,
    members: Vec<Member>,
    history: VecDeque<Text>,
}

// ANCHOR: room
/// 所有连接的任务共享的聊天室。名单放在**标准库的** `Mutex` 里：锁只在几行同步的代码里拿着，
/// 从不跨过 `.await`，所以用不着 `tokio::sync::Mutex`（跨过 `.await` 拿着标准库的锁，
/// 任务就不是 `Send` 的了，`tokio::spawn` 不收；见这一章讲 `Send` 的那一节）。
pub struct Room {
    state: Mutex<State>,
    queue: usize,
    log: Log,
}

impl Room {
    pub fn new(queue: usize, log: Log) -> Room {
        Room {
            state: Mutex::new(State::default()),
            queue: queue.max(1),
            log,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// 新成员加入：起个名字，把欢迎语和最近的消息放进它的队列，告诉其他人。返回 (编号, 名字, 在线人数)。
    fn join(
        &self,
        outbox: mpsc::Sender<Outgoing>,
        kick: CancellationToken,
    ) -> (u64, String, usize) {
        let mut state = self.lock();
        state.next_id += 1;
        let id = state.next_id;
        let name = format!("用户{id}");
        let online = state.members.len() + 1;
        let welcome = format!("欢迎来到聊天室，你是 {name}，现在在线 {online} 人\n");
        let recent = state.history.iter().cloned().collect();
        // 它自己的队列还是空的：一定放得下。
        let _ = outbox.try_send(Outgoing::Welcome(welcome.into(), recent));
        self.broadcast(&mut state, Some(id), &format!("{name} 加入了聊天室"));
        state.members.push(Member {
            id,
            name: name.clone(),
            outbox,
            kick,
        });
        (id, name, online)
    }

    /// 把 `from` 说的一行转发给其他所有人，并记进最近的消息。
    fn say(&self, from: u64, line: &str) {
        let mut state = self.lock();
        let text = self.broadcast(&mut state, Some(from), line);
        if state.history.len() == HISTORY {
            state.history.pop_front();
        }
        state.history.push_back(text);
    }

    /// 成员离开（或被请出去）：从名单里删掉，告诉其他人。
    fn leave(&self, id: u64) {
        let mut state = self.lock();
        if let Some(pos) = state.members.iter().position(|m| m.id == id) {
            let gone = state.members.remove(pos);
            self.broadcast(&mut state, None, &format!("{} 离开了聊天室", gone.name));
        }
    }

    /// 放进名单上除 `except` 以外每个人的队列（只放、不等），返回放进去的那一份消息。
    /// 队列满了的成员被请出去，大家都听到一句说明（第 04 课的规矩）。
    fn broadcast(&self, state: &mut State, except: Option<u64>, line: &str) -> Text {
        let text: Text = format!("{line}\n").into();
        let mut pending = VecDeque::from([(except, Arc::clone(&text))]);
        while let Some((except, text)) = pending.pop_front() {
            let mut i = 0;
            while i < state.members.len() {
                let member = &state.members[i];
                if Some(member.id) == except {
                    i += 1;
                    continue;
                }
                match member.outbox.try_send(Outgoing::Line(Arc::clone(&text))) {
                    Ok(()) | Err(TrySendError::Closed(_)) => i += 1,
                    Err(TrySendError::Full(_)) => {
                        let slow = state.members.remove(i);
                        slow.kick.cancel();
                        let notice = format!(
                            "{} 跟不上了：积压了 {} 条消息没有读，已请它离开聊天室",
                            slow.name, self.queue
                        );
                        (self.log)(&notice);
                        pending.push_back((None, format!("{notice}\n").into()));
                    }
                }
            }
        }
        text
    }
}
// ANCHOR_END: room

// ANCHOR: serve_chat
/// 聊天服务端：所有异步服务端共用的 [`serve::serve`]，每个成员一个任务（再加一个发送任务）。
pub async fn serve_chat(
    listener: TcpListener,
    policy: &Policy,
    shutdown: &Shutdown,
    queue: usize,
    log: Log,
) -> u64 {
    let room = Arc::new(Room::new(queue, log));
    let refuse = |why: Refusal| format!("{}\n", why.message()).into_bytes();
    let limits = policy.clone();
    let handle = move |conn: Conn| member(Arc::clone(&room), conn, limits.clone(), log);
    serve::serve(listener, policy, shutdown, log, refuse, handle).await
}
// ANCHOR_END: serve_chat

// ANCHOR: member
/// 一个成员：这个任务读它说的每一行、转发给别人；另一个任务（[`deliver`]）把它的队列写给它。
async fn member(room: Arc<Room>, conn: Conn, policy: Policy, log: Log) {
    let Conn {
        stream,
        peer,
        stop,
        slot: _slot, // 名额：这个函数返回时归还
    } = conn;
    // 读、写各一半，各包一层超时：写给它的每一条消息都有期限，和读互不相干。
    let (read_half, write_half) = stream.into_inner().into_split();
    let mut reader = BufReader::new(Guarded::new(read_half, policy.idle, policy.min_rate));
    let writer = Guarded::new(write_half, policy.idle, policy.min_rate);
    let (outbox, inbox) = mpsc::channel::<Outgoing>(room.queue);
    let kick = CancellationToken::new();
    let sender = tokio::spawn(deliver(writer, inbox, kick.clone()));
    let (id, name, online) = room.join(outbox.clone(), kick.clone());
    log(&format!("{name}（{peer}）加入了聊天室，在线 {online} 人"));
    loop {
        reader.get_mut().restart();
        // read_message 不是取消安全的（读了一半的行在它自己的局部变量里），但另外两个分支
        // 一旦被选中，我们就要离开了，那半行本来也不要了：在这里取消它不丢任何有用的东西。
        let got = tokio::select! {
            got = read_message(&mut reader, MAX_LINE) => got,
            _ = kick.cancelled() => break,
            _ = stop.cancelled() => {
                let _ = outbox.try_send(Outgoing::Line("服务端要关闭了，再见\n".into()));
                break;
            }
        };
        let (data, last) = match got {
            Ok(Incoming::Line(data)) => (data, false),
            Ok(Incoming::Partial(data)) => (data, true),
            Ok(Incoming::TooLong(n)) => {
                let reply =
                    format!("错误：一行最多 {MAX_LINE} 字节，这条消息有 {n} 字节，已丢弃\n");
                let _ = outbox.try_send(Outgoing::Line(reply.into()));
                continue;
            }
            Ok(Incoming::Eof) => break,
            Err(e) if support::is_timeout(&e) => {
                let why = format!("{} 秒内没有说完一句话", policy.idle.as_secs());
                log(&format!("{name} {why}，请它离开"));
                let _ = outbox.try_send(Outgoing::Line(format!("你 {why}，先请你离开\n").into()));
                break;
            }
            Err(_) => break,
        };
        let (text, _) = lossy(&data);
        if !text.trim().is_empty() {
            log(&format!("{name} 说：{}", preview(&text)));
            room.say(id, &format!("{name}：{text}"));
        }
        if last {
            break;
        }
    }
    room.leave(id);
    drop(outbox);
    if kick.is_cancelled() {
        // 被请出去的（队列满了）：它多半不读，发送任务正卡在写上，不必等它。
        sender.abort();
    }
    let _ = sender.await;
    log(&format!("{name} 离开了聊天室"));
}

/// 发送任务：把队列里的消息一条一条写给这个成员，直到队列没人再往里放（成员离开了），
/// 或者写不进去（对方断了、或者读得太慢）。写不进去时也请读的那一半结束。
async fn deliver(
    mut out: Guarded<OwnedWriteHalf>,
    mut inbox: mpsc::Receiver<Outgoing>,
    kick: CancellationToken,
) {
    'queue: while let Some(item) = inbox.recv().await {
        let lines = match item {
            Outgoing::Line(text) => vec![text],
            Outgoing::Welcome(welcome, recent) => std::iter::once(welcome).chain(recent).collect(),
        };
        for text in lines {
            out.restart();
            if out.write_all(text.as_bytes()).await.is_err() {
                kick.cancel();
                break 'queue;
            }
        }
    }
    let _ = out.shutdown().await;
}
// ANCHOR_END: member

// ANCHOR: read_message
/// 第 04 课 `read_message` 的异步版：读一行，最多保留 `max` 个字节；更长的读到就扔，报告 `TooLong`。
pub async fn read_message(
    reader: &mut (impl AsyncBufRead + Unpin),
    max: usize,
) -> io::Result<Incoming> {
    let mut line = Vec::new();
    let mut dropped: Option<usize> = None;
    loop {
        let buf = reader.fill_buf().await?;
        if buf.is_empty() {
            return Ok(match dropped {
                Some(n) => Incoming::TooLong(n),
                None if line.is_empty() => Incoming::Eof,
                None => Incoming::Partial(line),
            });
        }
        let newline = buf.iter().position(|&b| b == b'\n');
        let piece = &buf[..newline.unwrap_or(buf.len())];
        match dropped.as_mut() {
            Some(n) => *n += piece.len(),
            None if line.len() + piece.len() > max => {
                dropped = Some(line.len() + piece.len());
                line = Vec::new();
            }
            None => line.extend_from_slice(piece),
        }
        let used = newline.map_or(buf.len(), |i| i + 1);
        reader.consume(used);
        if newline.is_some() {
            if let Some(n) = dropped {
                return Ok(Incoming::TooLong(n));
            }
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(Incoming::Line(line));
        }
    }
}
// ANCHOR_END: read_message
