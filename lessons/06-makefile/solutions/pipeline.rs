use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};

pub fn ask_lines(addr: SocketAddr, lines: &[&str]) -> io::Result<Vec<String>> {
    let stream = TcpStream::connect(addr)?;
    let mut wfile = BufWriter::new(&stream);
    for line in lines {
        writeln!(wfile, "{line}")?;
    }
    wfile.flush()?;
    stream.shutdown(Shutdown::Write)?;
    BufReader::new(&stream).lines().collect()
}
