use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

pub fn run_pool(jobs: Vec<u64>, workers: usize, f: fn(u64) -> u64) -> Vec<u64> {
    // 任务队列：一个发送端（主线程），一个接收端，由所有工人通过 Arc<Mutex<…>> 共用。
    let (job_tx, job_rx) = mpsc::channel::<(usize, u64)>();
    let job_rx = Arc::new(Mutex::new(job_rx));
    // 结果通道：每个工人一个发送端的克隆，带上任务的序号，主线程按序号放回原位。
    let (done_tx, done_rx) = mpsc::channel::<(usize, u64)>();

    let mut handles = Vec::with_capacity(workers);
    for k in 1..=workers {
        let job_rx = Arc::clone(&job_rx);
        let done_tx = done_tx.clone();
        let handle = thread::Builder::new()
            .name(format!("工人-{k}"))
            .spawn(move || loop {
                // 锁只在这一句里拿着：语句结束，临时的 MutexGuard 就被丢掉，别的工人可以接着取。
                // 写成 `while let Ok(job) = job_rx.lock().unwrap().recv() { … }` 的话，
                // 锁要到循环体结束才放开，工人们就只能一个接一个地干活了。
                let next = job_rx.lock().expect("别的工人拿着锁时没有 panic").recv();
                // 任务队列的发送端被丢掉、任务也取完了：recv 返回 Err，工人下班。
                let Ok((i, job)) = next else { break };
                if done_tx.send((i, f(job))).is_err() {
                    break;
                }
            })
            .expect("系统应当允许再开一个线程");
        handles.push(handle);
    }
    // 主线程自己的结果发送端：不丢掉它，下面收结果的循环永远不会结束。
    drop(done_tx);

    let n = jobs.len();
    for job in jobs.into_iter().enumerate() {
        job_tx.send(job).expect("工人还在等任务");
    }
    // 告诉工人“没有更多任务了”。
    drop(job_tx);

    let mut results = vec![0; n];
    for (i, result) in done_rx {
        results[i] = result;
    }
    for handle in handles {
        handle.join().expect("工人线程没有 panic");
    }
    results
}
