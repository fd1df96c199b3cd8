//! 聊天室（端口 12345）：服务端把每个人说的一行转发给其他所有人；
//! 客户端一个线程读键盘、往套接字里写，另一个线程从套接字读、往屏幕上打印——这就是“全双工”。

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::message::{lossy, read_message, send_line, Incoming, MAX_LINE};
use crate::{preview, Log};

/// 新来的人能看到的最近消息条数。
pub const HISTORY: usize = 20;

/// 给一个成员写消息最多等多久，超时就请它离开。
/// 注意：写的时候拿着聊天室的锁（`broadcast` 和 `Room::join` 都是这样），所以一个不读消息的成员
/// 会让整个聊天室停顿：每遇到一个这样的成员，最长停这么久。
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

struct Member {
    id: u64,
    name: String,
    stream: TcpStream,
}

#[derive(Default)]
struct State {
    next_id: u64,
    members: Vec<Member>,
    history: VecDeque<String>,
}

// ANCHOR: room
/// 所有连接线程共享的聊天室：成员名单和最近的消息。
///
/// 几个线程都要改名单，所以它放在 `Mutex` 里；`Arc` 让每个连接线程都拥有它。
#[derive(Default)]
pub struct Room {
    state: Mutex<State>,
}

impl Room {
    fn lock(&self) -> MutexGuard<'_, State> {
        // 某个线程在持锁时 panic 了，名单本身仍然可用，继续用它而不是让所有线程跟着失败。
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// 新成员加入：起个名字，发欢迎语和最近的消息，告诉其他人。返回 (编号, 名字, 在线人数)。
    pub fn join(&self, stream: &TcpStream) -> io::Result<(u64, String, usize)> {
        let mut state = self.lock();
        state.next_id += 1;
        let id = state.next_id;
        let name = format!("用户{id}");
        let online = state.members.len() + 1;
        send_line(
            stream,
            &format!("欢迎来到聊天室，你是 {name}，现在在线 {online} 人"),
        )?;
        for old in &state.history {
            send_line(stream, old)?;
        }
        broadcast(&mut state, None, &format!("{name} 加入了聊天室"));
        let stream = stream.try_clone()?;
        state.members.push(Member {
            id,
            name: name.clone(),
            stream,
        });
        Ok((id, name, online))
    }

    /// 把 `from` 说的一行转发给其他所有人，并记进最近的消息。
    pub fn say(&self, from: u64, line: &str) {
        let mut state = self.lock();
        if state.history.len() == HISTORY {
            state.history.pop_front();
        }
        state.history.push_back(line.to_string());
        broadcast(&mut state, Some(from), line);
    }

    /// 成员离开（或被请出去）：从名单里删掉，告诉其他人。
    pub fn leave(&self, id: u64) {
        let mut state = self.lock();
        if let Some(pos) = state.members.iter().position(|m| m.id == id) {
            let gone = state.members.remove(pos);
            broadcast(&mut state, None, &format!("{} 离开了聊天室", gone.name));
        }
    }
}

/// 发给名单上除 `except` 以外的每个人。写失败（对方断了、或者太久不读）的成员被移出名单，
/// 并关掉它的连接，这样它自己的线程会读到 EOF 而结束。
fn broadcast(state: &mut State, except: Option<u64>, line: &str) {
    state.members.retain(|m| {
        if Some(m.id) == except {
            return true;
        }
        let ok = send_line(&m.stream, line).is_ok();
        if !ok {
            let _ = m.stream.shutdown(Shutdown::Both);
        }
        ok
    });
}
// ANCHOR_END: room

// ANCHOR: serve_chat
/// 聊天服务端：每个连接一个线程，所有线程共享同一个 [`Room`]。
pub fn serve_chat(listener: &TcpListener, idle: Duration, log: Log) {
    let room = Arc::new(Room::default());
    loop {
        let (stream, peer) = match listener.accept() {
            Ok(pair) => pair,
            Err(e) => {
                log(&format!("接受连接失败：{e}"));
                continue;
            }
        };
        let room = Arc::clone(&room);
        let spawned = thread::Builder::new()
            .name(format!("聊天 {peer}"))
            .spawn(move || member(&room, &stream, peer, idle, log));
        if let Err(e) = spawned {
            log(&format!("无法为 {peer} 启动线程（{e}），拒绝这个连接"));
        }
    }
}

/// 一个成员的线程：读它说的每一行，转发给别人，直到它离开。
fn member(room: &Room, stream: &TcpStream, peer: SocketAddr, idle: Duration, log: Log) {
    if stream.set_read_timeout(Some(idle)).is_err()
        || stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_err()
    {
        return;
    }
    let Ok((id, name, online)) = room.join(stream) else {
        return; // 连欢迎语都没能送到：对方已经走了
    };
    log(&format!("{name}（{peer}）加入了聊天室，在线 {online} 人"));
    let mut reader = BufReader::new(stream);
    loop {
        let (data, last) = match read_message(&mut reader, MAX_LINE) {
            Ok(Incoming::Line(data)) => (data, false),
            Ok(Incoming::Partial(data)) => (data, true),
            Ok(Incoming::TooLong(n)) => {
                // 太长的消息只告诉发的人，不打扰别人。
                let _ = send_line(stream, &too_long_reply(n));
                continue;
            }
            Ok(Incoming::Eof) => break,
            Err(e) if support::is_timeout(&e) => {
                let _ = send_line(
                    stream,
                    &format!("你 {} 秒没有说话，先请你离开", idle.as_secs()),
                );
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
    let _ = stream.shutdown(Shutdown::Both);
    log(&format!("{name} 离开了聊天室"));
}
// ANCHOR_END: serve_chat

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
    loop {
        match read_message(&mut reader, 2 * MAX_LINE) {
            Ok(Incoming::Line(line) | Incoming::Partial(line)) => {
                support::say(preview(&lossy(&line).0));
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
