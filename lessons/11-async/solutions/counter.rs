//! 练习 4 的参考答案。

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

pub async fn serve(listener: TcpListener, max: usize, stop: CancellationToken) -> io::Result<u64> {
    let permits = Arc::new(Semaphore::new(max));
    let total = Arc::new(AtomicU64::new(0));
    let mut tasks = JoinSet::new();
    let mut served = 0;
    loop {
        let (mut stream, _) = tokio::select! {
            _ = stop.cancelled() => break,
            accepted = listener.accept() => accepted?,
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            let _ = stream.write_all(b"busy\n").await;
            continue; // stream 在这里被丢弃，连接关闭
        };
        served += 1;
        let total = Arc::clone(&total);
        tasks.spawn(async move {
            let _permit = permit; // 任务结束时归还
            let _ = count_lines(stream, &total).await;
        });
    }
    drop(listener); // 不再接受新连接
    while tasks.join_next().await.is_some() {}
    Ok(served)
}

async fn count_lines(stream: TcpStream, total: &AtomicU64) -> io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let mut line = Vec::new();
    loop {
        line.clear();
        // 读到 EOF，或者最后一段没有 \n（对方说到一半就走了）：不算一行，也不回。
        if lines.read_until(b'\n', &mut line).await? == 0 || line.last() != Some(&b'\n') {
            return Ok(());
        }
        let n = total.fetch_add(1, Ordering::SeqCst) + 1;
        write.write_all(format!("{n}\n").as_bytes()).await?;
    }
}
