//! 第 01 课练习的评分检查。`workbook grade 01` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle, Thread};

use testkit::{exercise, wait_until, with_deadline};

fn check_named(run_named: fn(&str, &str) -> (String, Thread)) {
    let (text, me) = with_deadline("run_named", move || run_named("工人甲", "你好"));
    assert_eq!(text, "工人甲: 你好", "返回的文字不对");
    assert_ne!(
        me.id(),
        thread::current().id(),
        "返回的是调用者自己的线程：这段代码要在新线程里运行"
    );
    assert_eq!(
        me.name(),
        Some("工人甲"),
        "返回的线程没有叫这个名字：要用 thread::Builder::new().name(…) 给新线程起名，\
         再在线程里用 thread::current() 取得它"
    );
    let (text, me) = with_deadline("run_named", move || run_named("线程2", "123"));
    assert_eq!(text, "线程2: 123", "名字和参数要来自调用者，而不是写死的");
    assert_eq!(me.name(), Some("线程2"), "线程的名字要来自调用者");
}

fn check_stop(start_worker: fn(Arc<AtomicBool>, Arc<AtomicU64>) -> JoinHandle<()>) {
    let running = Arc::new(AtomicBool::new(true));
    let counter = Arc::new(AtomicU64::new(0));
    // start_worker 应当启动线程后立刻返回；要是在里面 join，它会一直等下去，期限让测试失败而不是挂住。
    let handle = with_deadline("start_worker（不要在里面 join）", {
        let (running, counter) = (Arc::clone(&running), Arc::clone(&counter));
        move || start_worker(running, counter)
    });
    wait_until("工作线程开始计数（counter 变大）", || {
        counter.load(Ordering::Relaxed) > 0
    });
    // 只加一次就结束的线程过不了这一关：running 还是 true，计数就要一直往上涨，线程也不能结束。
    let seen = counter.load(Ordering::Relaxed);
    wait_until(
        "running 还是 true 时，工作线程一直在计数",
        || counter.load(Ordering::Relaxed) > seen + 1000 || handle.is_finished(),
    );
    assert!(
        !handle.is_finished(),
        "running 还是 true，工作线程却已经结束了"
    );
    running.store(false, Ordering::Relaxed);
    wait_until("把 running 设为 false 后工作线程结束", || {
        handle.is_finished()
    });
    handle.join().expect("工作线程不应该 panic");
}

/// 每块的（算这一块的线程，和）。
type Parts = Vec<(Thread, u64)>;

/// 把结果变成（线程名，和），并检查每一块都是在一个新线程里算的。
fn names_and_sums(got: Parts) -> Vec<(String, u64)> {
    let caller = thread::current().id();
    got.into_iter()
        .map(|(t, sum)| {
            assert_ne!(
                t.id(),
                caller,
                "有一块是在调用者自己的线程里算的：每块要交给一个新线程"
            );
            let name = t.name().unwrap_or("无名").to_string();
            (name, sum)
        })
        .collect()
}

fn check_scoped(sum_chunks: fn(&[u64], usize) -> Parts) {
    let data: Vec<u64> = (1..=10).collect();
    let got = with_deadline("sum_chunks", move || names_and_sums(sum_chunks(&data, 4)));
    let want = vec![
        ("部分-0".to_string(), 10),
        ("部分-1".to_string(), 26),
        ("部分-2".to_string(), 19),
    ];
    assert_eq!(
        got, want,
        "1..=10 每 4 个一块：各块线程的名字或各块的和不对（线程要用 Builder::name 起名）"
    );
    let got = with_deadline("sum_chunks", move || names_and_sums(sum_chunks(&[], 3)));
    assert!(got.is_empty(), "空数据应当返回空的 Vec");
    let got = with_deadline("sum_chunks", move || names_and_sums(sum_chunks(&[7], 5)));
    assert_eq!(got, vec![("部分-0".to_string(), 7)], "只有一个数时只有一块");
}

exercise!(
    l01_named,
    "exercises/named.rs",
    check_named,
    lesson_01::exercises::named::run_named,
    lesson_01::solutions::named::run_named,
);

exercise!(
    l01_stop,
    "exercises/stop.rs",
    check_stop,
    lesson_01::exercises::stop::start_worker,
    lesson_01::solutions::stop::start_worker,
);

exercise!(
    l01_scoped,
    "exercises/scoped.rs",
    check_scoped,
    lesson_01::exercises::scoped::sum_chunks,
    lesson_01::solutions::scoped::sum_chunks,
);
