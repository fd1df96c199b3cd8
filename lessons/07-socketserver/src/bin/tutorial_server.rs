//! 第 07 课教程版：教程里 socketserver 的例子，逐行译成 Rust。
//! 只用标准库和这一课自己的 socketserver 框架（就像 Python 用标准库的 socketserver）。
//! `MyHandler` 的 setup、handle、finish 照教程写，连教程的毛病一起：读到 EOF 也先回一句空的
//! `Your msg=`，一次读到的就当一条消息，不是 UTF-8 就出错。
//!
//! 唯一多出来的是一个看得见的终点。教程的 `serve_forever()` 永远不返回，排在它后面的
//! `shutdown()` 和 `server_close()` 一次也走不到。这里在 finish 里数着处理完的连接，第 3 个处理完
//! 就调用 `shutdown()`：调用它的是处理这个连接的线程，不是 serve_forever 的线程，所以不会死锁。
//! serve_forever 随之返回，最后那两行这才真的运行。

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use lesson_07::socketserver::{BaseRequest, BaseRequestHandler, ThreadingTcpServer};

/// 处理完的连接数。处理器在各自的线程里运行，所以用原子类型。
static DONE: AtomicUsize = AtomicUsize::new(0);

// ANCHOR: handler
struct MyHandler {
    base: BaseRequest, // self.request、self.client_address、self.server
    event: bool,       // Python 的 threading.Event()
}

impl BaseRequestHandler for MyHandler {
    fn setup(&mut self) -> io::Result<()> {
        self.event = false; // 建了，却没有任何代码把它设成 true
        Ok(())
    }

    fn handle(&mut self) -> io::Result<()> {
        println!("{:?}", self.base); // print(self.server, self.client_address, self.request)
        let mut buf = [0u8; 1024];
        while !self.event {
            let n = self.base.request.read(&mut buf)?; // recv(1024)
                                                       // .decode()：不是 UTF-8 就返回错误，这个连接就此结束。
            let data = std::str::from_utf8(&buf[..n]).map_err(io::Error::other)?;
            let msg = format!("Your msg={data}");
            println!("{msg}");
            // send：这么短的回复一次就写完；对方已经关闭时 data 是空串，这句照样发出去。
            self.base.request.write_all(msg.as_bytes())?;
            if data.is_empty() {
                break;
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if DONE.fetch_add(1, Ordering::SeqCst) + 1 == 3 {
            println!("已经处理完 3 个连接：教程版到此为止，调用 shutdown()");
            self.base.server.shutdown();
        }
        Ok(())
    }
}
// ANCHOR_END: handler

// ANCHOR: main
fn main() -> io::Result<()> {
    // 唯一多出来的参数：端口可以由第一个参数给出（0 让系统挑），默认是教程的 9999。
    let port = std::env::args().nth(1).unwrap_or("9999".into());
    let server = ThreadingTcpServer::bind(format!("127.0.0.1:{port}"), |request, addr, server| {
        Ok(MyHandler {
            base: BaseRequest::new(request, addr, server),
            event: false,
        })
    })?;
    println!("{}", server.server_address());
    server.serve_forever(std::time::Duration::from_millis(500))?; // 教程的默认：每 0.5 秒看一次

    server.shutdown();
    server.server_close();
    Ok(())
}
// ANCHOR_END: main
