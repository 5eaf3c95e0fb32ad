//! Line reading that survives hostile files: a byte-order mark is dropped,
//! CRLF is accepted, and a line longer than the limit is skipped without
//! ever being held in memory whole.

use std::io::BufRead;

/// One physical line, or the news that it was too long.
pub(crate) enum Line {
    Bytes(Vec<u8>),
    TooLong(usize),
}

pub(crate) struct Lines<R> {
    reader: R,
    limit: usize,
    pub(crate) number: u64,
    at_start: bool,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(reader: R, limit: usize) -> Lines<R> {
        Lines { reader, limit, number: 0, at_start: true }
    }

    /// The next line without its terminator, or `None` at the end.
    pub(crate) fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        let mut line = Vec::new();
        let mut length = 0_usize;
        let mut seen_any = false;
        loop {
            let buffer = self.reader.fill_buf()?;
            if buffer.is_empty() {
                break;
            }
            seen_any = true;
            let (chunk, done) = match buffer.iter().position(|&byte| byte == b'\n') {
                Some(end) => (&buffer[..end], Some(end + 1)),
                None => (buffer, None),
            };
            length += chunk.len();
            if length <= self.limit {
                line.extend_from_slice(chunk);
            } else if !line.is_empty() {
                line = Vec::new();
            }
            let consumed = done.unwrap_or(buffer.len());
            self.reader.consume(consumed);
            if done.is_some() {
                break;
            }
        }
        if !seen_any {
            return Ok(None);
        }
        self.number += 1;
        if length > self.limit {
            return Ok(Some(Line::TooLong(length)));
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if std::mem::take(&mut self.at_start) && line.starts_with(&[0xEF, 0xBB, 0xBF]) {
            line.drain(..3);
        }
        Ok(Some(Line::Bytes(line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8], limit: usize) -> Vec<String> {
        let mut lines = Lines::new(input, limit);
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().expect("in-memory read") {
            out.push(match line {
                Line::Bytes(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Line::TooLong(length) => format!("<{length} bytes>"),
            });
        }
        out
    }

    #[test]
    fn handles_bom_crlf_long_lines_and_missing_final_newline() {
        let input = b"\xEF\xBB\xBFfirst\r\nsecond\n0123456789abc\nlast";
        assert_eq!(read_all(input, 10), ["first", "second", "<13 bytes>", "last"]);
        assert_eq!(read_all(b"", 10), Vec::<String>::new());
        assert_eq!(read_all(b"\n\n", 10), ["", ""]);
    }
}
