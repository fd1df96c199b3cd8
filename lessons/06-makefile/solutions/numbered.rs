use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::net::TcpStream;

pub fn serve_numbered(stream: TcpStream) -> io::Result<usize> {
    let rfile = BufReader::new(stream.try_clone()?);
    let mut wfile = BufWriter::new(stream);
    let mut count = 0;
    for line in rfile.lines() {
        let line = line?;
        count += 1;
        let text = line.strip_suffix('\r').unwrap_or(&line);
        writeln!(wfile, "{count}: {text}")?;
        wfile.flush()?;
    }
    Ok(count)
}
