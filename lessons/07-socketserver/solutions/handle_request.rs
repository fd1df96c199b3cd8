use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};

use crate::socketserver::BaseRequestHandler;

pub type Make = dyn Fn(TcpStream, SocketAddr) -> io::Result<Box<dyn BaseRequestHandler>>;

pub fn handle_request(listener: &TcpListener, make: &Make) -> io::Result<()> {
    let (stream, client_address) = listener.accept()?;
    let mut handler = make(stream, client_address)?;
    handler.setup()?;
    let handled = panic::catch_unwind(AssertUnwindSafe(|| handler.handle()));
    let finished = handler.finish();
    match handled {
        Ok(Ok(())) => finished,
        Ok(Err(err)) => Err(err),
        Err(_) => Err(io::Error::other("handle() panic 了")),
    }
}
