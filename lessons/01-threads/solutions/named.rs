use std::thread::{self, Thread};

pub fn run_named(name: &str, word: &str) -> (String, Thread) {
    let word = word.to_string();
    let handle = thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            let me = thread::current();
            let text = format!("{}: {word}", me.name().unwrap_or("无名"));
            (text, me)
        })
        .expect("系统应当允许再开一个线程");
    handle.join().expect("线程没有 panic")
}
