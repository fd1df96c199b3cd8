//! 练习 1 的参考答案。

use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub async fn ask(addr: SocketAddr, question: String, limit: Duration) -> io::Result<Vec<u8>> {
    // 整段对话放进一个 async 块，外面只套一个 timeout：期限管的是整件事，不是每一步。
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await?;
        stream.write_all(question.as_bytes()).await?;
        let mut buf = vec![0u8; 1024];
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(io::Error::new(
                ErrorKind::UnexpectedEof,
                "对方没有回复就关闭了连接",
            ));
        }
        buf.truncate(n);
        Ok(buf)
    };
    match tokio::time::timeout(limit, exchange).await {
        Ok(result) => result,
        Err(_) => Err(io::Error::new(
            ErrorKind::TimedOut,
            "到了期限还没有收到回复",
        )),
    }
}
