use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;

/// 一个连接上最多失败几次。
const TRIES: usize = 3;

pub fn serve_login(listener: TcpListener, account_file: &Path, clients: usize) -> io::Result<()> {
    let text = fs::read_to_string(account_file)?;
    let accounts: Vec<(String, String)> = text
        .lines()
        .filter_map(|line| line.trim_end_matches('\r').split_once('|'))
        .map(|(user, pwd)| (user.to_string(), pwd.to_string()))
        .collect();
    for _ in 0..clients {
        let (stream, _peer) = listener.accept()?;
        // 一个客户端的错误（中途断开、写失败）只结束它自己的会话。
        let _ = session(&stream, &accounts);
    }
    Ok(())
}

fn session(stream: &TcpStream, accounts: &[(String, String)]) -> io::Result<()> {
    let mut writer = stream;
    let mut failed = 0;
    // 按换行符切分：一行可能分几次到达，几行也可能一次到达。
    for line in BufReader::new(stream).split(b'\n') {
        let line = line?;
        let line = String::from_utf8_lossy(&line);
        let line = line.strip_suffix('\r').unwrap_or(&line);
        // 只在第一个 | 处切开：密码里可以有 |。不去空格：空格也是用户名或密码的一部分。
        let ok = match line.split_once('|') {
            Some((user, pwd)) => accounts.iter().any(|(u, p)| u == user && p == pwd),
            None => false,
        };
        if ok {
            writer.write_all(b"success\n")?;
            continue;
        }
        writer.write_all(b"fail\n")?;
        failed += 1;
        if failed == TRIES {
            return Ok(()); // 连接在调用者那里关闭
        }
    }
    Ok(())
}
