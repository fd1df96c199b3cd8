//! 第 01 课练习的评分检查。`workbook grade 01` 运行学习者的版本；
//! 平时的 `cargo test` 证明参考答案通过、未动手的练习不通过。
//!
//! 交给学习者的函数（`job`、`f`）是这里的普通函数：它们记下自己在哪个线程里运行，
//! 需要时在一道“闸门”前等别的线程到齐，这样才检查得出线程是不是真的同时在跑。

// 两个特性都不打开时（平时的 cargo test），这里只剩检查函数，没有测试用到它们。
#![cfg_attr(
    not(all(feature = "exercises", feature = "solutions")),
    allow(dead_code, unused_imports)
)]

use std::any::Any;
use std::cell::RefCell;
use std::panic;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle, Thread, ThreadId};
use std::time::{Duration, Instant};

use testkit::exercise;
use testkit::grading::expect_eq;

// ---------------------------------------------------------------- 共用的小工具

/// 锁住一个 Mutex；别的检查 panic 时留下的“中毒”不影响这里。
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// 检查用到的全局状态只有一份：同一时间只跑一道题的检查。
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    lock(&SERIAL)
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "（panic 没有附带文字）".to_string())
}

/// 在另一个线程里运行 `f`，最多等 `secs` 秒；超时就说明可能的原因。`f` 里的 panic 原样传回来。
fn within<T: Send + 'static>(
    secs: u64,
    what: &str,
    likely: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = thread::spawn(move || {
        let out = f();
        let _ = tx.send(());
        out
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(()) | Err(RecvTimeoutError::Disconnected) => match handle.join() {
            Ok(v) => v,
            Err(p) => panic::resume_unwind(p),
        },
        Err(RecvTimeoutError::Timeout) => panic!("{what} 等了 {secs} 秒还没有返回{likely}"),
    }
}

/// 一道闸门：每个线程第一次来时报到，然后等到 `expected` 个不同的线程都到了才放行。
/// 最多等 3 秒：到不齐说明线程不是同时在跑，记下来（之后不再等），由检查报告。
struct Gate {
    expected: usize,
    arrived: Vec<ThreadId>,
    /// 等不齐、放弃的那一刻，到了几个线程。
    gave_up: Option<usize>,
}

static GATE: Mutex<Gate> = Mutex::new(Gate {
    expected: 0,
    arrived: Vec::new(),
    gave_up: None,
});
static GATE_OPEN: Condvar = Condvar::new();
const GATE_WAIT: Duration = Duration::from_secs(3);

fn gate_reset(expected: usize) {
    let mut g = lock(&GATE);
    g.expected = expected;
    g.arrived.clear();
    g.gave_up = None;
}

fn gate_arrive() {
    let me = thread::current().id();
    let mut g = lock(&GATE);
    if g.arrived.contains(&me) {
        return;
    }
    g.arrived.push(me);
    GATE_OPEN.notify_all();
    let deadline = Instant::now() + GATE_WAIT;
    while g.arrived.len() < g.expected && g.gave_up.is_none() {
        let now = Instant::now();
        if now >= deadline {
            g.gave_up = Some(g.arrived.len());
            GATE_OPEN.notify_all();
            break;
        }
        g = GATE_OPEN
            .wait_timeout(g, deadline - now)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
}

/// 闸门没等齐时：放弃的那一刻有几个线程同时在场。
fn gate_failed() -> Option<usize> {
    lock(&GATE).gave_up
}

fn name_of(t: &Thread) -> String {
    t.name().unwrap_or("（无名）").to_string()
}

// ---------------------------------------------------------------- 练习 1：run_named

/// 每次调用 job：在哪个线程里（名字、编号）。
static JOB_CALLS: Mutex<Vec<(Option<String>, ThreadId)>> = Mutex::new(Vec::new());

fn note_job() {
    let me = thread::current();
    lock(&JOB_CALLS).push((me.name().map(str::to_string), me.id()));
}

fn job_answer() -> u64 {
    note_job();
    42
}

fn job_seven() -> u64 {
    note_job();
    7
}

fn job_fixed_panic() -> u64 {
    note_job();
    panic!("除数是 0")
}

fn job_formatted_panic() -> u64 {
    note_job();
    let n = 3;
    panic!("第 {n} 个数太大")
}

fn job_silent_panic() -> u64 {
    note_job();
    panic::panic_any(7_u32)
}

type RunNamed = fn(&str, fn() -> u64) -> Result<u64, String>;
/// 一条检查：线程名、job、job 是什么样的、期望的结果。
type NamedCase = (&'static str, fn() -> u64, &'static str, Result<u64, String>);

fn check_named(run_named: RunNamed) {
    let _serial = one_at_a_time();
    let cases: [NamedCase; 5] = [
        ("计算", job_answer, "返回 42 的 job", Ok(42)),
        ("工人乙", job_seven, "返回 7 的 job", Ok(7)),
        (
            "计算",
            job_fixed_panic,
            "panic!(\"除数是 0\") 的 job",
            Err("线程 计算 panic 了：除数是 0".to_string()),
        ),
        (
            "检查",
            job_formatted_panic,
            "panic!(\"第 {n} 个数太大\") 的 job（n = 3，panic 带的是 String）",
            Err("线程 检查 panic 了：第 3 个数太大".to_string()),
        ),
        (
            "沉默",
            job_silent_panic,
            "panic_any(7) 的 job（panic 带的不是文字）",
            Err("线程 沉默 panic 了".to_string()),
        ),
    ];
    for (name, job, about, want) in cases {
        lock(&JOB_CALLS).clear();
        let owned = name.to_string();
        let (caller, got) = within(
            5,
            "run_named",
            "（是不是在等一个不会结束的线程？）",
            move || {
                let caller = thread::current().id();
                let got = panic::catch_unwind(move || run_named(&owned, job));
                (caller, got)
            },
        );
        let got = got.unwrap_or_else(|p| {
            panic!(
                "run_named({name:?}, {about}) 自己 panic 了：{}\n\
                 线程里的 panic 不能传给调用者：join 返回的 Err 要变成 run_named 的 Err",
                payload_text(p.as_ref())
            )
        });
        let calls = lock(&JOB_CALLS).clone();
        expect_eq(
            &format!("run_named({name:?}, {about}) 里 job 被调用的次数"),
            &calls.len(),
            &1,
        );
        let (thread_name, id) = &calls[0];
        assert!(
            *id != caller,
            "job 是在调用 run_named 的那个线程里运行的：要开一个新线程来运行它"
        );
        expect_eq(
            "运行 job 的线程的名字（用 thread::Builder 给新线程起名）",
            &thread_name.as_deref(),
            &Some(name),
        );
        expect_eq(&format!("run_named({name:?}, {about})"), &got, &want);
    }
}

// ---------------------------------------------------------------- 练习 2：start_ticker

type StartTicker = fn(Duration, Arc<AtomicU64>) -> (Sender<()>, JoinHandle<u64>);

const HOUR: Duration = Duration::from_secs(3600);

fn start(
    start_ticker: StartTicker,
    every: Duration,
) -> (Arc<AtomicU64>, Sender<()>, JoinHandle<u64>) {
    let ticks = Arc::new(AtomicU64::new(0));
    let given = Arc::clone(&ticks);
    let (stop, handle) = within(
        2,
        "start_ticker",
        "：它要启动线程后立刻返回，不要在里面 join 或者等",
        move || start_ticker(every, given),
    );
    (ticks, stop, handle)
}

/// 等线程在 `limit` 之内结束，拿回它的返回值。
fn finish_within(handle: JoinHandle<u64>, limit: Duration, why: &str) -> u64 {
    let deadline = Instant::now() + limit;
    while !handle.is_finished() {
        assert!(Instant::now() < deadline, "{why}");
        thread::sleep(Duration::from_millis(2));
    }
    handle
        .join()
        .unwrap_or_else(|p| panic!("定时线程 panic 了：{}", payload_text(p.as_ref())))
}

fn check_stop(start_ticker: StartTicker) {
    let _serial = one_at_a_time();

    // 间隔一小时，一次也没到点就把发送端丢掉：丢掉也是叫停。
    let (ticks, stop, handle) = start(start_ticker, HOUR);
    thread::sleep(Duration::from_millis(100));
    expect_eq(
        "间隔是一小时，启动 0.1 秒后的 ticks（第一次要等满一个间隔）",
        &ticks.load(Ordering::Relaxed),
        &0,
    );
    assert!(!handle.is_finished(), "还没有叫停，定时线程就已经结束了");
    drop(stop);
    let count = finish_within(
        handle,
        Duration::from_secs(2),
        "把 Sender 丢掉 2 秒以后，定时线程还没有结束。丢掉发送端也是“停下”（接收端会得到 Disconnected）；\
         要是线程正睡在 thread::sleep(every) 里，它听不见叫停，得换一种能被叫醒的等法",
    );
    expect_eq("一次也没到点就叫停：线程返回的次数", &count, &0);

    // 间隔 1 毫秒：一直在加，send(()) 以后停下，返回的次数就是加过的次数。
    let (ticks, stop, handle) = start(start_ticker, Duration::from_millis(1));
    let deadline = Instant::now() + Duration::from_secs(5);
    while ticks.load(Ordering::Relaxed) < 5 && !handle.is_finished() {
        assert!(
            Instant::now() < deadline,
            "间隔 1 毫秒，5 秒过去了 ticks 才 {}：线程要每隔 every 给 ticks 加 1",
            ticks.load(Ordering::Relaxed)
        );
        thread::sleep(Duration::from_millis(2));
    }
    assert!(
        !handle.is_finished(),
        "还没有叫停，定时线程就已经结束了（它加了 {} 次）",
        ticks.load(Ordering::Relaxed)
    );
    let _ = stop.send(());
    let count = finish_within(
        handle,
        Duration::from_secs(2),
        "send(()) 以后 2 秒，定时线程还没有结束：收到 () 就要停下",
    );
    let seen = ticks.load(Ordering::Relaxed);
    expect_eq(
        "线程返回的次数（应当等于它给 ticks 加过的次数）",
        &count,
        &seen,
    );
    thread::sleep(Duration::from_millis(20));
    expect_eq(
        "线程结束 20 毫秒以后的 ticks（停下以后不该再加）",
        &ticks.load(Ordering::Relaxed),
        &seen,
    );

    // 间隔一小时，send(()) 但不丢掉发送端：也要马上停。
    let (_ticks, stop, handle) = start(start_ticker, HOUR);
    stop.send(())
        .unwrap_or_else(|_| panic!("还没有叫停，定时线程就不听了（接收端已经被丢掉）"));
    let count = finish_within(
        handle,
        Duration::from_secs(2),
        "间隔一小时，send(()) 以后 2 秒（发送端还留着），定时线程还没有结束：\
         收到 () 就要停，不能等到下一个间隔；线程正在 sleep 的话，它根本听不见",
    );
    expect_eq("一次也没到点就叫停：线程返回的次数", &count, &0);
    drop(stop);
}

// ---------------------------------------------------------------- 练习 3：apply_in_chunks

/// 每次调用 f：传进来的数、线程名、线程编号。
static APPLY_CALLS: Mutex<Vec<(u64, String, ThreadId)>> = Mutex::new(Vec::new());

const BASE: u64 = 1000;

fn triple_plus_one(x: u64) -> u64 {
    gate_arrive();
    let me = thread::current();
    lock(&APPLY_CALLS).push((x, name_of(&me), me.id()));
    x * 3 + 1
}

type ApplyInChunks = fn(&mut [u64], usize, fn(u64) -> u64) -> Vec<Thread>;

fn check_scoped(apply_in_chunks: ApplyInChunks) {
    let _serial = one_at_a_time();
    for (len, chunk) in [(10, 4), (7, 7), (5, 1), (0, 3), (3, 10), (9, 3)] {
        let data: Vec<u64> = (0..len).map(|i| BASE + i).collect();
        let parts = (len as usize).div_ceil(chunk);
        let what = format!("{len} 个数、每块 {chunk} 个（{parts} 块）");
        gate_reset(parts);
        lock(&APPLY_CALLS).clear();
        let (caller, after, threads) = within(
            10,
            "apply_in_chunks",
            "（是不是有线程没有结束？）",
            move || {
                let mut data = data;
                let threads = apply_in_chunks(&mut data, chunk, triple_plus_one);
                (thread::current().id(), data, threads)
            },
        );
        if let Some(together) = gate_failed() {
            panic!(
                "{what}：各块不是同时算的（最多只有 {together} 个线程同时在跑，应当是 {parts} 个）。\
                 是不是启动一个线程就马上 join 它？先把所有线程都启动、收集起来，再逐个 join；\
                 也不要让各块的线程排队等同一把锁，chunks_mut 切出来的各块可以各改各的"
            );
        }
        let want: Vec<u64> = (0..len).map(|i| (BASE + i) * 3 + 1).collect();
        expect_eq(
            &format!("{what}：之后的 data（每个数要原地换成 f(x)）"),
            &after,
            &want,
        );
        let calls = lock(&APPLY_CALLS).clone();
        expect_eq(
            &format!("{what}：f 被调用的次数（每个数正好一次）"),
            &calls.len(),
            &(len as usize),
        );
        let names: Vec<String> = threads.iter().map(name_of).collect();
        let want_names: Vec<String> = (0..parts).map(|k| format!("部分-{k}")).collect();
        expect_eq(
            &format!("{what}：返回的线程的名字（每块一个，按块的顺序）"),
            &names,
            &want_names,
        );
        for t in &threads {
            assert!(
                t.id() != caller,
                "{what}：返回的线程里有调用者自己：线程要在新线程里用 thread::current() 取得"
            );
        }
        for (x, name, id) in calls {
            let k = ((x - BASE) as usize) / chunk;
            assert!(
                threads[k].id() == id,
                "{what}：第 {} 个数是在线程 {name} 里算的，它属于第 {k} 块，应当由 部分-{k} 来算，\
                 而且返回的第 {k} 个线程就是它",
                x - BASE
            );
        }
    }
}

// ---------------------------------------------------------------- 练习 4：run_pool

/// 每次调用 f：任务、线程名、线程编号。
static POOL_CALLS: Mutex<Vec<(u64, Option<String>, ThreadId)>> = Mutex::new(Vec::new());
/// 还活着的、调用过 f 的线程数：线程结束时（线程局部变量被丢弃时）减一。
static ALIVE: AtomicIsize = AtomicIsize::new(0);
/// 这一轮有没有一件特别慢的任务（值是 `SLOW_JOB`）：它要等别的任务全做完才结束。
static SLOW_MODE: AtomicBool = AtomicBool::new(false);
static OTHERS_DONE: AtomicUsize = AtomicUsize::new(0);
static OTHERS_TOTAL: AtomicUsize = AtomicUsize::new(0);
static STARVED: AtomicBool = AtomicBool::new(false);
const SLOW_JOB: u64 = 500;

/// 线程结束时才被丢弃。丢弃时先慢一点：没有 join 就返回的 run_pool，这时线程一定还没结束。
struct Alive;

impl Drop for Alive {
    fn drop(&mut self) {
        thread::sleep(Duration::from_millis(50));
        ALIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

thread_local! {
    static ENLISTED: RefCell<Option<Alive>> = const { RefCell::new(None) };
}

fn enlist() {
    ENLISTED.with(|e| {
        let mut e = e.borrow_mut();
        if e.is_none() {
            ALIVE.fetch_add(1, Ordering::SeqCst);
            *e = Some(Alive);
        }
    });
}

fn square_plus_one(job: u64) -> u64 {
    enlist();
    let me = thread::current();
    lock(&POOL_CALLS).push((job, me.name().map(str::to_string), me.id()));
    gate_arrive();
    if SLOW_MODE.load(Ordering::SeqCst) && job == SLOW_JOB {
        let deadline = Instant::now() + GATE_WAIT;
        while OTHERS_DONE.load(Ordering::SeqCst) < OTHERS_TOTAL.load(Ordering::SeqCst) {
            if Instant::now() >= deadline {
                STARVED.store(true, Ordering::SeqCst);
                break;
            }
            thread::sleep(Duration::from_millis(1));
        }
    } else {
        OTHERS_DONE.fetch_add(1, Ordering::SeqCst);
    }
    job * job + 1
}

type RunPool = fn(Vec<u64>, usize, fn(u64) -> u64) -> Vec<u64>;

fn check_pool(run_pool: RunPool) {
    let _serial = one_at_a_time();
    let many: Vec<u64> = (100..120).collect();
    let slow_first: Vec<u64> = vec![SLOW_JOB, 1, 2, 3, 4, 5];
    let cases: [(Vec<u64>, usize, bool); 5] = [
        (many, 4, false),
        (slow_first, 2, true),
        (vec![5, 6, 7], 1, false),
        (vec![], 3, false),
        (vec![9, 8], 6, false),
    ];
    for (jobs, workers, slow) in cases {
        let what = format!("{} 件任务、{workers} 个工人", jobs.len());
        let want: Vec<u64> = jobs.iter().map(|j| j * j + 1).collect();
        gate_reset(workers.min(jobs.len()));
        lock(&POOL_CALLS).clear();
        ALIVE.store(0, Ordering::SeqCst);
        SLOW_MODE.store(slow, Ordering::SeqCst);
        OTHERS_DONE.store(0, Ordering::SeqCst);
        OTHERS_TOTAL.store(jobs.len().saturating_sub(1), Ordering::SeqCst);
        STARVED.store(false, Ordering::SeqCst);
        let given = jobs.clone();
        let (caller, got) = within(
            10,
            &format!("run_pool（{what}）"),
            "。是不是主线程自己的结果发送端没有 drop，收结果的循环一直等不到结束？\
             或者任务队列的发送端没有 drop，工人一直在等下一件任务，join 等不回来？",
            move || {
                let got = run_pool(given, workers, square_plus_one);
                (thread::current().id(), got)
            },
        );
        let alive_at_return = ALIVE.load(Ordering::SeqCst);
        if let Some(together) = gate_failed() {
            panic!(
                "{what}：工人们没有同时干活（最多只有 {together} 个线程同时在做任务）。\
                 取任务时是不是一直拿着锁？`while let … = rx.lock().unwrap().recv()` 里的锁要到循环体结束才放开，\
                 先把取任务单独写成一句，锁就在这一句结束时放开"
            );
        }
        if STARVED.load(Ordering::SeqCst) {
            panic!(
                "{what}：第一件任务很慢，它在做的时候，别的任务 3 秒内没有全部做完：有的工人闲着，\
                 活却排在那个慢工人名下。任务不要事先分给某个工人，要放进一个共享的队列，谁空下来谁取"
            );
        }
        expect_eq(
            &format!("run_pool({jobs:?}, {workers}, x*x+1) 的结果（要按 jobs 原来的顺序）"),
            &got,
            &want,
        );
        let calls = lock(&POOL_CALLS).clone();
        expect_eq(
            &format!("{what}：f 被调用的次数（每件任务正好一次）"),
            &calls.len(),
            &jobs.len(),
        );
        let allowed: Vec<String> = (1..=workers).map(|k| format!("工人-{k}")).collect();
        let mut threads: Vec<ThreadId> = Vec::new();
        for (job, name, id) in &calls {
            assert!(
                *id != caller,
                "{what}：任务 {job} 是在调用 run_pool 的线程里做的：任务要交给工人线程"
            );
            let name = name.as_deref().unwrap_or("（无名）");
            assert!(
                allowed.iter().any(|a| a == name),
                "{what}：任务 {job} 是在线程 {name} 里做的，工人的名字应当是 {}",
                allowed.join("、")
            );
            if !threads.contains(id) {
                threads.push(*id);
            }
        }
        assert!(
            threads.len() <= workers,
            "{what}：一共有 {} 个不同的线程做过任务，应当只有 {workers} 个工人（每个工人做很多件，不是每件任务开一个线程）",
            threads.len()
        );
        expect_eq(
            &format!("{what}：run_pool 返回时还没结束的工人线程（返回之前要 join 每一个工人）"),
            &alive_at_return,
            &0,
        );
    }
}

// ---------------------------------------------------------------- 练习

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
    lesson_01::exercises::stop::start_ticker,
    lesson_01::solutions::stop::start_ticker,
);

exercise!(
    l01_scoped,
    "exercises/scoped.rs",
    check_scoped,
    lesson_01::exercises::scoped::apply_in_chunks,
    lesson_01::solutions::scoped::apply_in_chunks,
);

exercise!(
    l01_pool,
    "exercises/pool.rs",
    check_pool,
    lesson_01::exercises::pool::run_pool,
    lesson_01::solutions::pool::run_pool,
);
