//! 教程版登录服务端（教程 002 的作业）：收到 `用户名|密码`，到当前目录的 `account` 文件（每行 `用户名:密码`）里找。

// ANCHOR: twin
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or("8001".into());
    // 教程绑定的是 192.168.0.1：这里用 127.0.0.1
    let server = TcpListener::bind(format!("127.0.0.1:{port}"))?;
    println!("{}", server.local_addr()?);
    // ANCHOR: loop
    loop {
        let (mut conn, _addr) = server.accept()?;
        // 教程把一次问答整个放在 try 里，出了任何异常都 break：login 返回 None 就是那个 except
        while login(&mut conn).is_some() {}
        // conn 在这里被 drop，连接立刻关闭（教程的 conn 要等下一次 accept 换掉它才关）
    }
    // ANCHOR_END: loop
}

// ANCHOR: login
fn login(conn: &mut TcpStream) -> Option<()> {
    let mut buf = [0; 1024];
    let n = conn.read(&mut buf).ok()?;
    let data = std::str::from_utf8(&buf[..n]).ok()?;
    println!("接收信息： {data}");
    // user,pwd = data.split('|')：正好两段才行，否则 Python 抛 ValueError
    let [user, pwd] = data.split('|').collect::<Vec<_>>()[..] else {
        return None;
    };
    let mut flag = false;
    for line in std::fs::read_to_string("account").ok()?.lines() {
        let [username, password] = line.trim().split(':').collect::<Vec<_>>()[..] else {
            return None;
        };
        if username == user && password == pwd {
            flag = true;
            break;
        }
    }
    conn.write_all(if flag { b"success" } else { b"fail" }).ok()
}
// ANCHOR_END: login
// ANCHOR_END: twin
