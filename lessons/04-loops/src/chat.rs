//! 聊天室（端口 12345）：服务端把每个人说的一行转发给其他所有人；
//! 客户端一个线程读键盘、往套接字里写，另一个线程从套接字读、往屏幕上打印——这就是“全双工”。

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use support::serve::{self, Conn, Guarded, Policy, Refusal};

use crate::message::{lossy, read_message, send_line, Incoming, MAX_LINE};
use crate::{preview, Log};

/// 新来的人能看到的最近消息条数。
pub const HISTORY: usize = 20;

/// 每个成员的发送队列默认最多积压多少条消息。一条消息最长 64 KiB；所有成员的队列里放的是同一份消息
/// （`Arc`），所以整个聊天室为积压的消息占的内存，最多大约是“队列长度 × 64 KiB”，不随人数增长。
pub const DEFAULT_QUEUE: usize = 64;

/// 一条要发出去的消息（已带换行符）。几个成员的队列共用同一份。
type Text = Arc<str>;

/// 发送队列里的一项：一条消息，或者新成员的欢迎语加上最近的消息（和聊天室共用同一份，不复制）。
pub enum Outgoing {
    Line(Arc<str>),
    Welcome(Arc<str>, Vec<Arc<str>>),
}

struct Member {
    id: u64,
    name: String,
    /// 这个成员的发送队列：有界，转发时只往里放、不等待。
    outbox: SyncSender<Outgoing>,
    /// 同一个连接的一份副本，只用来在请它离开时关掉连接。
    stream: TcpStream,
}

#[derive(Default)]
struct State {
    next_id: u64,
    members: Vec<Member>,
    history: VecDeque<Text>,
}

// ANCHOR: room
/// 所有连接线程共享的聊天室：成员名单和最近的消息。
///
/// 几个线程都要改名单，所以它放在 `Mutex` 里；`Arc` 让每个连接线程都拥有它。
/// **拿着锁的时候从不写套接字**：转发只是把消息放进每个成员自己的有界队列（`try_send`，不等待），
/// 真正的写由每个成员自己的发送线程去做。一个不读消息的成员只会卡住它自己的发送线程；
/// 它的队列满了，就被请出聊天室，别人照常聊天。
pub struct Room {
    state: Mutex<State>,
    queue: usize,
    log: Log,
}

impl Room {
    /// 每个成员的发送队列最多积压 `queue` 条消息。
    pub fn new(queue: usize, log: Log) -> Room {
        Room {
            state: Mutex::new(State::default()),
            queue: queue.max(1),
            log,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // 某个线程在持锁时 panic 了，名单本身仍然可用，继续用它而不是让所有线程跟着失败。
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// 新成员加入：起个名字，把欢迎语和最近的消息放进它的队列，告诉其他人。返回 (编号, 名字, 在线人数)。
    pub fn join(
        &self,
        stream: &TcpStream,
        outbox: SyncSender<Outgoing>,
    ) -> io::Result<(u64, String, usize)> {
        let stream = stream.try_clone()?;
        let mut state = self.lock();
        state.next_id += 1;
        let id = state.next_id;
        let name = format!("用户{id}");
        let online = state.members.len() + 1;
        let welcome = format!("欢迎来到聊天室，你是 {name}，现在在线 {online} 人\n");
        let recent = state.history.iter().cloned().collect();
        // 欢迎语和最近的消息作为一项，放进它自己的、还是空的队列：一定放得下，也不用等。
        let _ = outbox.try_send(Outgoing::Welcome(welcome.into(), recent));
        self.broadcast(&mut state, Some(id), &format!("{name} 加入了聊天室"));
        state.members.push(Member {
            id,
            name: name.clone(),
            outbox,
            stream,
        });
        Ok((id, name, online))
    }

    /// 把 `from` 说的一行转发给其他所有人，并记进最近的消息。
    pub fn say(&self, from: u64, line: &str) {
        let mut state = self.lock();
        let text = self.broadcast(&mut state, Some(from), line);
        if state.history.len() == HISTORY {
            state.history.pop_front();
        }
        state.history.push_back(text);
    }

    /// 成员离开（或被请出去）：从名单里删掉，告诉其他人。
    pub fn leave(&self, id: u64) {
        let mut state = self.lock();
        if let Some(pos) = state.members.iter().position(|m| m.id == id) {
            let gone = state.members.remove(pos);
            self.broadcast(&mut state, None, &format!("{} 离开了聊天室", gone.name));
        }
    }

    /// 放进名单上除 `except` 以外每个人的队列（只放、不等），返回放进去的那一份消息。
    ///
    /// 队列满了的成员：它积压了 `queue` 条消息还没读走，再等下去只会越积越多。请它离开：
    /// 从名单里删掉，关掉它的连接（它的两个线程随之结束），并告诉其他人。
    /// 队列已经没人收的成员（发送线程因为写不进去结束了）先留着：它自己的线程马上会调用 [`Room::leave`]。
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
                    Ok(()) | Err(TrySendError::Disconnected(_)) => i += 1,
                    Err(TrySendError::Full(_)) => {
                        let slow = state.members.remove(i);
                        let _ = slow.stream.shutdown(Shutdown::Both);
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
/// 聊天服务端：每个连接一个线程（所有服务端共用的 [`serve::serve`]），所有线程共享同一个 [`Room`]。
/// 到了连接上限时，拒绝的话也是一行。
pub fn serve_chat(listener: &TcpListener, policy: &Policy, queue: usize, log: Log) {
    let room = Arc::new(Room::new(queue, log));
    let refuse = |stream: &mut TcpStream, why: Refusal| {
        let _ = send_line(stream, &why.message());
    };
    let limits = policy.clone();
    let handle = move |conn: Conn| member(&room, conn, &limits, log);
    serve::serve(listener, policy, || false, log, refuse, handle);
}
// ANCHOR_END: serve_chat

// ANCHOR: member
/// 一个成员：这个线程读它说的每一行、转发给别人；另一个线程（[`deliver`]）把它的队列写给它。
fn member(room: &Room, conn: Conn, policy: &Policy, log: Log) {
    let Conn {
        stream: mut incoming,
        peer,
        slot: _slot, // 名额：这个函数返回时归还（那时发送线程也已经结束了）
    } = conn;
    let (outbox, inbox) = mpsc::sync_channel::<Outgoing>(room.queue);
    // 发送线程用同一个连接的另一份副本，也包上超时：写给它的每一条消息都有期限。
    let outgoing = match incoming
        .inner()
        .try_clone()
        .and_then(|s| Guarded::new(s, policy.idle, policy.min_rate))
    {
        Ok(g) => g,
        Err(e) => return log(&format!("无法复制 {peer} 的连接（{e}），断开")),
    };
    let spawned = thread::Builder::new()
        .name(format!("发给 {peer}"))
        .spawn(move || deliver(outgoing, inbox));
    let sender = match spawned {
        Ok(sender) => sender,
        Err(e) => {
            log(&format!("无法为 {peer} 启动发送线程（{e}），拒绝这个连接"));
            let _ = send_line(incoming.inner(), &Refusal::NoThread.message());
            return;
        }
    };
    let Ok((id, name, online)) = room.join(incoming.inner(), outbox.clone()) else {
        drop(outbox);
        let _ = sender.join();
        return;
    };
    log(&format!("{name}（{peer}）加入了聊天室，在线 {online} 人"));
    let mut reader = BufReader::new(&mut incoming);
    loop {
        // 每一行重新计时：一行要在空闲超时之内开始、按不低于最低速率的速度说完。
        reader.get_mut().restart();
        let (data, last) = match read_message(&mut reader, MAX_LINE) {
            Ok(Incoming::Line(data)) => (data, false),
            Ok(Incoming::Partial(data)) => (data, true),
            Ok(Incoming::TooLong(n)) => {
                // 太长的消息只告诉发的人，不打扰别人。
                let _ = outbox.try_send(Outgoing::Line(format!("{}\n", too_long_reply(n)).into()));
                continue;
            }
            Ok(Incoming::Eof) => break,
            Err(e) if support::is_timeout(&e) => {
                // 一直不说话，或者一行话说得太慢（平均每秒不到最低速率）：两种都是“这一行没有按时说完”。
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
    // 名单里的那份发送端已经随 leave 丢掉了；再丢掉这一份，发送线程写完剩下的消息就会结束。
    drop(outbox);
    let _ = sender.join();
    log(&format!("{name} 离开了聊天室"));
}

/// 发送线程：把队列里的消息一条一条写给这个成员，直到队列没人再往里放（成员离开了），
/// 或者写不进去（对方断了、或者读得太慢，一条消息在期限内没写完）。然后关掉连接：
/// 读的那个线程随之读到 EOF 或出错，这个成员就此结束。
fn deliver(mut out: Guarded, inbox: Receiver<Outgoing>) {
    'queue: for item in inbox {
        let lines = match item {
            Outgoing::Line(text) => vec![text],
            Outgoing::Welcome(welcome, recent) => std::iter::once(welcome).chain(recent).collect(),
        };
        for text in lines {
            out.restart();
            if out.write_all(text.as_bytes()).is_err() {
                break 'queue;
            }
        }
    }
    let _ = out.inner().shutdown(Shutdown::Both);
}
// ANCHOR_END: member

/// 一行太长时告诉发的人。
fn too_long_reply(n: usize) -> String {
    format!("错误：一行最多 {MAX_LINE} 字节，这条消息有 {n} 字节，已丢弃")
}

// ANCHOR: chat_client
/// 聊天客户端：发送线程把键盘输入的每一行发出去，当前线程接收并打印服务端转来的每一行。
///
/// 两个方向互不等待：你不打字时照样能看到别人的消息。这是教程里 `recvMsg` / `sendMsg`
/// 两个线程的做法；不同的是，发送线程结束时用 `shutdown(Write)` 告诉服务端“我说完了”，
/// 服务端随后关闭连接，接收线程读到 EOF 自然结束，不需要全局的 `running` 变量。
pub fn chat_client(
    stream: TcpStream,
    input: impl BufRead + Send + 'static,
    timeout: Duration,
) -> Result<()> {
    let done = Arc::new(AtomicBool::new(false));
    let writer = stream.try_clone().context("无法复制套接字")?;
    let sender_done = Arc::clone(&done);
    thread::Builder::new()
        .name("发送".into())
        .spawn(move || send_lines(writer, input, &sender_done))
        .context("无法启动发送线程")?;
    receive_lines(&stream, &done, timeout)
}

/// 发送线程：一行一条发出去；空行、`exit` 或 EOF 表示离开。
fn send_lines(writer: TcpStream, mut input: impl BufRead, done: &AtomicBool) {
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line).is_err() {
            break;
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        if line.is_empty() || line == b"exit" {
            break;
        }
        line.push(b'\n');
        if io::Write::write_all(&mut &writer, &line).is_err() {
            break;
        }
    }
    done.store(true, Ordering::SeqCst);
    // 半关闭：服务端读到 EOF，而我们还能收到它最后的消息。
    let _ = writer.shutdown(Shutdown::Write);
}

/// 接收：打印服务端转来的每一行，直到连接关闭。
fn receive_lines(stream: &TcpStream, done: &AtomicBool, timeout: Duration) -> Result<()> {
    // 聊天时很久没人说话是正常的，所以读超时在这里只是“隔一会儿看看发送线程是否已经结束”。
    stream.set_read_timeout(Some(timeout))?;
    let mut reader = BufReader::new(stream);
    let mut first = true;
    loop {
        match read_message(&mut reader, 2 * MAX_LINE) {
            Ok(Incoming::Line(line) | Incoming::Partial(line)) => {
                let text = lossy(&line).0.into_owned();
                if std::mem::take(&mut first) && text.starts_with("服务端忙") {
                    // 服务端到了连接上限，说了这一句就关掉了连接。
                    bail!("服务端拒绝了这个连接：{text}");
                }
                support::say(preview(&text));
            }
            Ok(Incoming::TooLong(n)) => {
                support::say(format!("（一条 {n} 字节的消息太长，已丢弃）"))
            }
            Ok(Incoming::Eof) if done.load(Ordering::SeqCst) => {
                support::say("你已离开聊天室");
                return Ok(());
            }
            Ok(Incoming::Eof) => bail!("服务端关闭了连接"),
            Err(e) if support::is_timeout(&e) => {
                if done.load(Ordering::SeqCst) {
                    bail!(
                        "已经说完了，但服务端 {} 秒内没有关闭连接",
                        timeout.as_secs()
                    );
                }
            }
            Err(e) => return Err(e).context("接收消息失败"),
        }
    }
}
// ANCHOR_END: chat_client
