use std::thread;

pub fn sum_chunks(data: &[u64], chunk: usize) -> Vec<(String, u64)> {
    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(chunk)
            .enumerate()
            .map(|(i, piece)| {
                thread::Builder::new()
                    .name(format!("部分-{i}"))
                    .spawn_scoped(s, move || {
                        let name = thread::current().name().unwrap_or("无名").to_string();
                        (name, piece.iter().sum::<u64>())
                    })
                    .expect("系统应当允许再开一个线程")
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("线程没有 panic"))
            .collect()
    })
}
