use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::net::TcpStream;

pub fn serve_numbered(stream: TcpStream) -> io::Result<usize> {
    let rfile = BufReader::new(stream.try_clone()?);
    let mut wfile = BufWriter::new(stream);
    let mut count = 0;
    for line in rfile.lines() {
        let line = line?;
        count += 1;
        // lines() 已经去掉了行尾的 \n 或 \r\n。
        writeln!(wfile, "{count}: {line}")?;
        wfile.flush()?;
    }
    Ok(count)
}
