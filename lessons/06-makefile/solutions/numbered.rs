use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

/// 一行最多这么多字节（不算换行）。
const MAX_LINE: usize = 1024;

/// 一次读之前先看期限：剩下多少时间，这次读就最多等多久；时间到了就是超时。
struct Deadline {
    stream: TcpStream,
    until: Instant,
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(left) = self
            .until
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero())
        else {
            return Err(io::ErrorKind::TimedOut.into());
        };
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

fn serve_one(stream: TcpStream, idle: Duration) -> io::Result<()> {
    let mut wfile = BufWriter::new(stream.try_clone()?);
    // 期限在每一行开始时才定下来（见下面的循环）。
    let mut rfile = BufReader::new(Deadline {
        stream,
        until: Instant::now(),
    });
    let mut number = 0;
    loop {
        // 新的一行，重新计时。
        rfile.get_mut().until = Instant::now() + idle;
        let mut bytes = Vec::new();
        // 最多读 MAX_LINE + 1 个字节：多出来的那一个说明“太长了”。
        let n = (&mut rfile)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut bytes)?;
        if n == 0 {
            return Ok(());
        }
        let ended = bytes.last() == Some(&b'\n');
        if ended {
            bytes.pop();
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
        } else if bytes.len() > MAX_LINE {
            wfile.write_all("错误：一行太长\n".as_bytes())?;
            return wfile.flush();
        }
        number += 1;
        match String::from_utf8(bytes) {
            Ok(text) => writeln!(wfile, "{number}: {text}")?,
            Err(_) => writeln!(wfile, "{number}: 错误：不是 UTF-8")?,
        }
        wfile.flush()?;
        if !ended {
            return Ok(()); // 没有换行的最后一行：对方已经关闭了
        }
    }
}

pub fn serve_numbered(listener: TcpListener, idle: Duration) -> io::Result<()> {
    loop {
        let (stream, _) = listener.accept()?;
        // 这个连接出了什么问题，都只结束它自己。开不了线程时（thread::spawn 会 panic），
        // Builder::spawn 返回错误：这个连接随闭包一起被丢弃（关闭），服务端照常接受下一个。
        let _ = thread::Builder::new().spawn(move || {
            let _ = serve_one(stream, idle);
        });
    }
}
