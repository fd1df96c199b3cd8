use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;

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
    for line in BufReader::new(stream).split(b'\n') {
        let line = line?;
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches('\r');
        let ok = match line.split_once('|') {
            Some((user, pwd)) => accounts.iter().any(|(u, p)| u == user && p == pwd),
            None => false, // 教程的 split('|') 在这里会抛异常、悄悄断开；我们回一句 fail
        };
        writer.write_all(if ok { b"success\n" } else { b"fail\n" })?;
    }
    Ok(())
}
