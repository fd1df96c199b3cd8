use std::io::{self, BufReader, BufWriter, ErrorKind};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use crate::frame::{read_frame, write_frame};

pub fn serve(listener: TcpListener, max: usize, idle: Duration) -> io::Result<()> {
    for stream in listener.incoming() {
        let Ok(stream) = stream else {
            // accept 失败（比如文件描述符用完了）：等一会儿再试，不要空转。
            thread::sleep(Duration::from_millis(50));
            continue;
        };
        // 每个连接一个线程：慢慢发的客户端只占住它自己的线程。开不了线程就放弃这一个连接。
        let _ = thread::Builder::new().spawn(move || handle(stream, max, idle));
    }
    Ok(())
}

fn handle(stream: TcpStream, max: usize, idle: Duration) -> io::Result<()> {
    // 一直不说话的对方：读超时到了 read 就返回错误，线程结束，连接关闭。
    stream.set_read_timeout(Some(idle))?;
    stream.set_write_timeout(Some(idle))?;
    let mut reader = BufReader::new(&stream);
    loop {
        match read_frame(&mut reader, max) {
            Ok(Some(mut reply)) => {
                reply.extend_from_slice(" 是的呢".as_bytes());
                write_frame(&mut BufWriter::new(&stream), &reply)?;
            }
            Ok(None) => return Ok(()),
            Err(e) => {
                // 太长的帧：说一声再断开（内容一个字节都没读，也没有为它分配内存）。
                // 别的错误（超时、对方消失）直接断开：连接随这个线程一起关闭。
                if e.kind() == ErrorKind::InvalidData {
                    write_frame(&mut &stream, "错误：帧太长".as_bytes())?;
                }
                return Err(e);
            }
        }
    }
}
