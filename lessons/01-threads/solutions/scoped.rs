use std::thread::{self, Thread};

pub fn apply_in_chunks(data: &mut [u64], chunk: usize, f: fn(u64) -> u64) -> Vec<Thread> {
    thread::scope(|s| {
        // chunks_mut 把一个 &mut [u64] 切成互不重叠的几个 &mut [u64]：
        // 每个线程借走其中一块，编译器看得出它们不会同时改到同一个元素。
        let handles: Vec<_> = data
            .chunks_mut(chunk)
            .enumerate()
            .map(|(i, piece)| {
                thread::Builder::new()
                    .name(format!("部分-{i}"))
                    .spawn_scoped(s, move || {
                        for x in piece.iter_mut() {
                            *x = f(*x);
                        }
                        thread::current()
                    })
                    .expect("系统应当允许再开一个线程")
            })
            .collect();
        // 先全部启动，再逐个 join：线程是同时运行的，结果按块的顺序。
        handles
            .into_iter()
            .map(|h| h.join().expect("线程没有 panic"))
            .collect()
    })
}
