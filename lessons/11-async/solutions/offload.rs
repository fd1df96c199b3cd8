//! 练习 2 的参考答案。

pub async fn digests(items: Vec<Vec<u8>>, digest: fn(&[u8]) -> u64) -> Vec<u64> {
    // 先把每一件都交给阻塞线程池（spawn_blocking 马上返回一个 JoinHandle），再按原来的顺序一个个等。
    let handles: Vec<_> = items
        .into_iter()
        .map(|item| tokio::task::spawn_blocking(move || digest(&item)))
        .collect();
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        // digest 自己 panic 了：把它的 panic 原样传下去。
        out.push(
            handle
                .await
                .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic())),
        );
    }
    out
}
