use std::thread::{self, ThreadId};

pub fn run_named(name: &str, word: &str) -> (String, ThreadId) {
    let word = word.to_string();
    let handle = thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            let me = thread::current();
            let name = me.name().unwrap_or("无名");
            (format!("{name}: {word}"), me.id())
        })
        .expect("系统应当允许再开一个线程");
    handle.join().expect("线程没有 panic")
}
