//! The byte source of the camt reader: bounded, and able to say its line.

use std::io::BufRead;

/// The longest single text node or tag accepted.
pub const MAX_MARKUP_BYTES: usize = 1 << 20;

/// A `BufRead` over its own buffer that refuses a run of more than
/// [`MAX_MARKUP_BYTES`] without `<` or `>`, so one hostile text node cannot
/// make quick-xml buffer gigabytes, and that tells the line of its position
/// on demand (newlines are counted lazily, a buffer at a time, because
/// quick-xml consumes a few bytes per event).
pub(crate) struct Guarded<'a> {
    inner: &'a mut dyn BufRead,
    buffer: Vec<u8>,
    position: usize,
    filled: usize,
    /// Newlines before `buffer[counted]`.
    line: u64,
    counted: usize,
    since_markup: usize,
}

impl<'a> Guarded<'a> {
    pub(crate) fn new(inner: &'a mut dyn BufRead) -> Guarded<'a> {
        Guarded { inner, buffer: vec![0; 256 * 1024], position: 0, filled: 0, line: 1, counted: 0, since_markup: 0 }
    }

    /// The 1-based line of the next unread byte.
    pub(crate) fn line_now(&mut self) -> u64 {
        let upto = self.position.min(self.filled);
        if upto > self.counted {
            self.line += memchr::memchr_iter(b'\n', &self.buffer[self.counted..upto]).count() as u64;
            self.counted = upto;
        }
        self.line
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        if self.since_markup > MAX_MARKUP_BYTES {
            return Err(format!("a single XML text or tag is longer than {MAX_MARKUP_BYTES} bytes; refused"));
        }
        Ok(())
    }
}

impl std::io::Read for Guarded<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let count = available.len().min(out.len());
        out[..count].copy_from_slice(&available[..count]);
        self.consume(count);
        Ok(count)
    }
}

impl BufRead for Guarded<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        // Refusing here, mid-event, is what keeps quick-xml from buffering it.
        self.check().map_err(std::io::Error::other)?;
        if self.position >= self.filled {
            self.line_now();
            let count = self.inner.read(&mut self.buffer)?;
            self.position = 0;
            self.filled = count;
            self.counted = 0;
        }
        Ok(&self.buffer[self.position..self.filled])
    }

    fn consume(&mut self, amount: usize) {
        let end = (self.position + amount).min(self.filled);
        // quick-xml consumes text up to a `<` and tags through their `>`;
        // only a run that ends at neither grows.
        let ends_tag = end > self.position && self.buffer[end - 1] == b'>';
        let before_tag = self.buffer.get(end).is_some_and(|byte| *byte == b'<') && end < self.filled;
        if ends_tag || before_tag {
            self.since_markup = 0;
        } else {
            self.since_markup += end - self.position;
        }
        self.position = end;
    }
}
