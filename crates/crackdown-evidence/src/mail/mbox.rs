//! Streams messages out of an mbox file: one `From ` line starts each
//! message, `>From ` lines are unescaped (mboxrd), and no more than one
//! message (capped at a size limit) is held in memory at a time.
//!
//! A `From ` line counts as a separator only at the start of the file or
//! after a blank line, which also copes with unescaped (mboxo) files. Locking,
//! Content-Length headers (mboxcl) and MMDF are not handled.

use std::io::BufRead;

/// One message cut out of an mbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MboxMessage {
    /// 1-based position in the file.
    pub index: usize,
    /// 1-based line number of its `From ` line.
    pub line: u64,
    /// The message bytes without the `From ` line, `>From ` unescaped.
    pub bytes: Vec<u8>,
}

/// A problem with one message or with the file; iteration goes on after
/// per-message errors.
#[derive(Debug, thiserror::Error)]
pub enum MboxError {
    #[error("read error at line {line}: {source}")]
    Io { line: u64, source: std::io::Error },
    #[error("message {index} (line {line}) is over the {limit}-byte limit; skipped")]
    TooLarge { index: usize, line: u64, limit: usize },
    #[error("not an mbox file: the first line does not start with \"From \"")]
    NotMbox,
}

/// Iterator over the messages of an mbox read from `R`.
pub struct MboxReader<R> {
    reader: R,
    max_message_bytes: usize,
    line_no: u64,
    /// The `From ` line of the message being read: (index, line number).
    current: Option<(usize, u64)>,
    buffer: Vec<u8>,
    oversized: bool,
    previous_blank: bool,
    at_line_start: bool,
    started: bool,
    finished: bool,
    chunk: Vec<u8>,
}

impl<R: BufRead> MboxReader<R> {
    /// Reads messages of at most `max_message_bytes` each.
    pub fn new(reader: R, max_message_bytes: usize) -> Self {
        Self {
            reader,
            max_message_bytes,
            line_no: 0,
            current: None,
            buffer: Vec::new(),
            oversized: false,
            previous_blank: true,
            at_line_start: true,
            started: false,
            finished: false,
            chunk: Vec::new(),
        }
    }

    /// Ends the current message and returns it (or its error).
    fn take_current(&mut self) -> Option<Result<MboxMessage, MboxError>> {
        let (index, line) = self.current.take()?;
        let oversized = std::mem::take(&mut self.oversized);
        let mut bytes = std::mem::take(&mut self.buffer);
        if oversized {
            return Some(Err(MboxError::TooLarge { index, line, limit: self.max_message_bytes }));
        }
        // The blank line before the next `From ` belongs to the separator.
        if bytes.ends_with(b"\r\n\r\n") {
            bytes.truncate(bytes.len() - 2);
        } else if bytes.ends_with(b"\n\n") {
            bytes.truncate(bytes.len() - 1);
        }
        Some(Ok(MboxMessage { index, line, bytes }))
    }

    fn append(&mut self, piece: &[u8]) {
        if self.oversized {
            return;
        }
        if self.buffer.len() + piece.len() > self.max_message_bytes {
            self.oversized = true;
            self.buffer = Vec::new();
        } else {
            self.buffer.extend_from_slice(piece);
        }
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = Result<MboxMessage, MboxError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        loop {
            self.chunk.clear();
            // Lines are read in bounded chunks so a huge line cannot
            // exhaust memory; `at_line_start` tracks continuation chunks.
            let limit = self.max_message_bytes.saturating_add(2) as u64;
            let read = std::io::Read::take(&mut self.reader, limit).read_until(b'\n', &mut self.chunk);
            let read = match read {
                Ok(read) => read,
                Err(source) => {
                    self.finished = true;
                    return Some(Err(MboxError::Io { line: self.line_no + 1, source }));
                }
            };
            if read == 0 {
                self.finished = true;
                return self.take_current();
            }
            let line_start = self.at_line_start;
            self.at_line_start = self.chunk.ends_with(b"\n");
            if !line_start {
                let chunk = std::mem::take(&mut self.chunk);
                self.append(&chunk);
                self.chunk = chunk;
                continue;
            }
            self.line_no += 1;
            let is_separator = self.chunk.starts_with(b"From ") && self.previous_blank;
            self.previous_blank = self.chunk == b"\n" || self.chunk == b"\r\n";
            if !self.started {
                self.started = true;
                if !is_separator {
                    self.finished = true;
                    return Some(Err(MboxError::NotMbox));
                }
            }
            if is_separator {
                let index = self.current.map_or(1, |(index, _)| index + 1);
                let finished = self.take_current();
                self.current = Some((index, self.line_no));
                self.previous_blank = false;
                if finished.is_some() {
                    return finished;
                }
                continue;
            }
            let chunk = std::mem::take(&mut self.chunk);
            let unescaped = match chunk.iter().position(|&b| b != b'>') {
                Some(gt) if gt > 0 && chunk[gt..].starts_with(b"From ") => &chunk[1..],
                _ => &chunk[..],
            };
            self.append(unescaped);
            self.chunk = chunk;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(input: &str, limit: usize) -> Vec<Result<(usize, u64, String), String>> {
        MboxReader::new(input.as_bytes(), limit)
            .map(|m| {
                m.map(|m| (m.index, m.line, String::from_utf8_lossy(&m.bytes).into_owned())).map_err(|e| e.to_string())
            })
            .collect()
    }

    #[test]
    fn splits_and_unescapes() {
        let mbox = "From a@example Mon Jan 1 00:00:00 2024\nSubject: one\n\n>From here\n>>From there\nFrom inside\n\nFrom b@example Mon Jan 1 00:00:00 2024\nSubject: two\n\nbody\n";
        assert_eq!(
            messages(mbox, 1000),
            vec![
                Ok((1, 1, "Subject: one\n\nFrom here\n>From there\nFrom inside\n".to_owned())),
                Ok((2, 8, "Subject: two\n\nbody\n".to_owned())),
            ]
        );
    }

    #[test]
    fn oversized_message_is_skipped_and_the_next_read() {
        let big = "x".repeat(500);
        let mbox = format!("From a\nSubject: big\n\n{big}\n\nFrom b\nSubject: small\n\nok\n");
        let got = messages(&mbox, 100);
        assert_eq!(got.len(), 2);
        assert!(got[0].as_ref().is_err_and(|e| e.contains("message 1 (line 1)")), "{got:?}");
        assert_eq!(got[1], Ok((2, 6, "Subject: small\n\nok\n".to_owned())));
    }

    #[test]
    fn not_an_mbox() {
        assert_eq!(
            messages("Subject: x\n\nFrom a\n", 100),
            vec![Err("not an mbox file: the first line does not start with \"From \"".to_owned())]
        );
        assert_eq!(messages("", 100), vec![]);
    }

    #[test]
    fn crlf_files() {
        let mbox = "From a\r\nSubject: one\r\n\r\nbody\r\n\r\nFrom b\r\nSubject: two\r\n";
        assert_eq!(
            messages(mbox, 1000),
            vec![Ok((1, 1, "Subject: one\r\n\r\nbody\r\n".to_owned())), Ok((2, 6, "Subject: two\r\n".to_owned())),]
        );
    }
}
