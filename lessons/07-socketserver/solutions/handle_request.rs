use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};

use crate::socketserver::{panic_message, BaseRequestHandler, Stage};
use crate::Outcome;

pub type Make = dyn Fn(TcpStream, SocketAddr) -> io::Result<Box<dyn BaseRequestHandler>>;

/// 运行一步：返回的错误和 panic 都变成文字。
fn step<T>(run: impl FnOnce() -> io::Result<T>) -> Result<T, String> {
    match panic::catch_unwind(AssertUnwindSafe(run)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(err.to_string()),
        Err(payload) => Err(panic_message(payload.as_ref())),
    }
}

pub fn handle_request(
    listener: &TcpListener,
    verify: &dyn Fn(SocketAddr) -> bool,
    make: &Make,
) -> io::Result<Outcome> {
    let (stream, addr) = listener.accept()?;
    if !verify(addr) {
        return Ok(Outcome::Refused);
    }
    let mut handler = match step(|| make(stream, addr)) {
        Ok(handler) => handler,
        Err(why) => return Ok(Outcome::Failed(Stage::Make, why)),
    };
    if let Err(why) = step(|| handler.setup()) {
        return Ok(Outcome::Failed(Stage::Setup, why));
    }
    let handled = step(|| handler.handle());
    let finished = step(|| handler.finish());
    Ok(match (handled, finished) {
        (Err(why), _) => Outcome::Failed(Stage::Handle, why),
        (Ok(()), Err(why)) => Outcome::Failed(Stage::Finish, why),
        (Ok(()), Ok(())) => Outcome::Done,
    })
}
