use std::io::{self, BufWriter, ErrorKind};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use lesson_08::frame::{read_frame, write_frame};

use crate::server::Reply;

/// 菜名最长多少字节：对方声称更长时，分配内存之前就拒绝。
const MAX_NAME: usize = 1024;

type Menu = &'static [(&'static str, &'static [&'static str])];

pub fn serve_menu(
    listener: TcpListener,
    menu: &'static [(&'static str, &'static [&'static str])],
    clients: usize,
    idle: Duration,
) -> io::Result<()> {
    let mut handles = Vec::new();
    for _ in 0..clients {
        let (stream, _) = listener.accept()?;
        // 每个客户端一个线程：一个不说话的客户端只占住它自己。线程开不出来时只放弃这一个连接。
        let spawned = thread::Builder::new().spawn(move || {
            let _ = serve_client(stream, menu, idle);
        });
        if let Ok(handle) = spawned {
            handles.push(handle);
        }
    }
    // 够数了不再接受新连接，但要等已经接受的客户端都走完。
    for handle in handles {
        let _ = handle.join();
    }
    Ok(())
}

fn serve_client(mut stream: TcpStream, menu: Menu, idle: Duration) -> io::Result<()> {
    stream.set_read_timeout(Some(idle))?;
    stream.set_write_timeout(Some(idle))?;
    loop {
        let name = match read_frame(&mut stream, MAX_NAME) {
            Ok(Some(name)) => name,
            Ok(None) => return Ok(()),
            Err(e) if e.kind() == ErrorKind::InvalidData => {
                // 帧太长：后面的字节已经对不齐下一帧了，说明原因后断开。
                let why = Reply::Error(format!("菜名超过了 {MAX_NAME} 字节，连接将关闭"));
                let _ = write_frame(&mut stream, &why.into_bytes());
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        let reply = order(&name, menu).into_bytes();
        write_frame(&mut BufWriter::new(&mut stream), &reply)?;
    }
}

fn order(name: &[u8], menu: Menu) -> Reply {
    let Ok(name) = std::str::from_utf8(name) else {
        return Reply::Error("菜名不是合法的 UTF-8 文本".to_string());
    };
    let Some((_, argv)) = menu.iter().find(|(dish, _)| *dish == name) else {
        let dishes: Vec<&str> = menu.iter().map(|(dish, _)| *dish).collect();
        return Reply::Error(format!("菜单上没有 {name:?}，只有：{}", dishes.join("、")));
    };
    let Some((program, args)) = argv.split_first() else {
        return Reply::Error(format!("{name} 这道菜是空的"));
    };
    match Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) if !out.stdout.is_empty() => Reply::Output(out.stdout),
        Ok(out) if out.status.success() => Reply::NoOutput,
        Ok(out) => Reply::Error(format!("{name} 没有成功（{}），也没有输出", out.status)),
        Err(e) => Reply::Error(format!("{name} 运行不了：{e}")),
    }
}
