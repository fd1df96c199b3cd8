use std::thread::{self, Thread};

pub fn sum_chunks(data: &[u64], chunk: usize) -> Vec<(Thread, u64)> {
    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(chunk)
            .enumerate()
            .map(|(i, piece)| {
                thread::Builder::new()
                    .name(format!("部分-{i}"))
                    .spawn_scoped(s, move || (thread::current(), piece.iter().sum::<u64>()))
                    .expect("系统应当允许再开一个线程")
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("线程没有 panic"))
            .collect()
    })
}
