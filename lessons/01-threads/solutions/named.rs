use std::thread;

pub fn run_named(name: &str, job: fn() -> u64) -> Result<u64, String> {
    let handle = thread::Builder::new()
        .name(name.to_string())
        .spawn(job)
        .map_err(|e| format!("开不了线程 {name}：{e}"))?;
    // 线程里 panic 了，join 返回 Err，里面是 panic 的内容（Box<dyn Any + Send>）。
    handle.join().map_err(|payload| {
        // panic!("固定的文字") 带的是 &'static str，panic!("带 {} 的文字", x) 带的是 String。
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned());
        match text {
            Some(text) => format!("线程 {name} panic 了：{text}"),
            None => format!("线程 {name} panic 了"),
        }
    })
}
