//! `Send` 的 future：`tokio::spawn` 只收能搬到别的线程上去的 future。
//!
//! 这个文件里的 [`not_send`] 模块**编译不过**，所以用 `#[cfg(any())]` 关掉了（`any()` 里什么也没有，永远是假）；
//! 书里印出了它和编译器的报错。要看报错，把 `#[cfg(any())]` 那一行删掉再 `cargo build -p lesson-11`。

use std::sync::{Arc, Mutex};

// ANCHOR: not_send
#[cfg(any())]
mod not_send {
    use std::sync::{Arc, Mutex};

    /// 错的：拿着标准库 Mutex 的锁（MutexGuard 不是 Send）跨过了一个 .await。
    pub fn count_later(total: Arc<Mutex<u64>>) {
        tokio::spawn(async move {
            let mut n = total.lock().unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            *n += 1;
        });
    }
}
// ANCHOR_END: not_send

// ANCHOR: send
/// 对的：锁只在一个不含 `.await` 的小块里拿着，块结束锁就放开；`.await` 时手里没有锁。
pub fn count_later(total: Arc<Mutex<u64>>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        {
            let mut n = total.lock().unwrap_or_else(|e| e.into_inner());
            *n += 1;
        }
    })
}
// ANCHOR_END: send
