//! Cutting a large JSON document into its elements without parsing it whole.
//!
//! A partner's bundle can be hundreds of megabytes; parsing it into one
//! `serde_json::Value` would take several times that in memory, and a
//! hostile one nested a million levels deep would exhaust the stack. The
//! [`Scanner`] walks the bytes, tracking only strings and nesting, and hands
//! out one element at a time as raw bytes, refusing any element larger than
//! [`Limits::max_object_bytes`] or deeper than [`Limits::max_depth`]; only
//! then is the element parsed (with serde_json's own recursion limit kept).

use std::io::BufRead;

use crate::error::{Format, ShareError};

/// Bounds on what a reader accepts.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The largest single element (STIX object, MISP event, FtM line), in bytes.
    pub max_object_bytes: usize,
    /// The deepest nesting of arrays and objects, counted from the document.
    pub max_depth: usize,
    /// The most elements in one input.
    pub max_objects: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_object_bytes: 16 << 20, max_depth: 64, max_objects: 10_000_000 }
    }
}

/// A forward-only reader of JSON structure over a buffered input.
pub struct Scanner<R: BufRead> {
    input: R,
    offset: u64,
    format: Format,
    limits: Limits,
}

impl<R: BufRead> Scanner<R> {
    pub fn new(input: R, format: Format, limits: Limits) -> Scanner<R> {
        Scanner { input, offset: 0, format, limits }
    }

    pub fn offset(&self) -> u64 {
        self.offset
    }

    pub fn error(&self, reason: impl Into<String>) -> ShareError {
        ShareError::Syntax { format: self.format, offset: self.offset, reason: reason.into() }
    }

    fn peek_byte(&mut self) -> Result<Option<u8>, ShareError> {
        let buffer = self.input.fill_buf()?;
        Ok(buffer.first().copied())
    }

    fn next_byte(&mut self) -> Result<Option<u8>, ShareError> {
        let byte = self.peek_byte()?;
        if byte.is_some() {
            self.input.consume(1);
            self.offset += 1;
        }
        Ok(byte)
    }

    /// The next byte that is not JSON whitespace, without consuming it.
    pub fn peek(&mut self) -> Result<Option<u8>, ShareError> {
        loop {
            match self.peek_byte()? {
                Some(b' ' | b'\t' | b'\n' | b'\r') => {
                    self.input.consume(1);
                    self.offset += 1;
                }
                other => return Ok(other),
            }
        }
    }

    /// Consumes `expected` after whitespace, or fails naming what was there.
    pub fn expect(&mut self, expected: u8) -> Result<(), ShareError> {
        match self.peek()? {
            Some(byte) if byte == expected => {
                self.next_byte()?;
                Ok(())
            }
            Some(byte) => Err(self.error(format!("expected {:?}, found {:?}", expected as char, byte as char))),
            None => Err(self.error(format!("expected {:?}, found the end of the input", expected as char))),
        }
    }

    /// After an element of an array or object: `true` at `,`, `false` at `close`.
    pub fn next_or_close(&mut self, close: u8) -> Result<bool, ShareError> {
        match self.peek()? {
            Some(b',') => {
                self.next_byte()?;
                Ok(true)
            }
            Some(byte) if byte == close => {
                self.next_byte()?;
                Ok(false)
            }
            Some(byte) => Err(self.error(format!("expected ',' or {:?}, found {:?}", close as char, byte as char))),
            None => Err(self.error("the input ends inside an array or object")),
        }
    }

    /// Whether the input holds only whitespace from here on.
    pub fn at_end(&mut self) -> Result<bool, ShareError> {
        Ok(self.peek()?.is_none())
    }

    /// An object key and its colon; returns the key.
    pub fn key(&mut self) -> Result<String, ShareError> {
        let raw = self.capture(0, Vec::new())?;
        if raw.first() != Some(&b'"') {
            return Err(self.error("an object key must be a string"));
        }
        let key: String = serde_json::from_slice(&raw).map_err(|error| self.error(format!("invalid key: {error}")))?;
        self.expect(b':')?;
        Ok(key)
    }

    /// The raw bytes of the next complete value, at `depth` levels inside the
    /// document. See [`Scanner::capture_rest`] for the general form.
    pub fn value(&mut self, depth: usize) -> Result<Vec<u8>, ShareError> {
        self.capture(depth, Vec::new())
    }

    /// The rest of an object whose opening (`{`, possibly some members)
    /// has been consumed and is given as `prefix`: returns the whole object.
    pub fn rest_of_object(&mut self, depth: usize, prefix: Vec<u8>) -> Result<Vec<u8>, ShareError> {
        self.capture_open(depth, prefix, 1)
    }

    fn capture(&mut self, depth: usize, buffer: Vec<u8>) -> Result<Vec<u8>, ShareError> {
        if self.peek()?.is_none() {
            return Err(self.error("expected a value, found the end of the input"));
        }
        self.capture_open(depth, buffer, 0)
    }

    /// Copies bytes until the value that is `open` levels deep closes (or,
    /// at 0, until one scalar or container completes). Works on whole
    /// buffers of the reader, not byte by byte, as it sees every byte of
    /// the input.
    fn capture_open(&mut self, depth: usize, mut buffer: Vec<u8>, mut open: usize) -> Result<Vec<u8>, ShareError> {
        let limit = self.limits.max_object_bytes;
        let max_depth = self.limits.max_depth;
        let mut in_string = false;
        let mut escaped = false;
        let mut scalar = false;
        loop {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                if scalar && open == 0 {
                    return Ok(buffer);
                }
                return Err(self.error("the input ends inside a value"));
            }
            // (bytes to copy and consume, finished, error)
            let mut used = 0;
            let mut finished = false;
            let mut failure: Option<String> = None;
            for &byte in chunk {
                if in_string {
                    used += 1;
                    if escaped {
                        escaped = false;
                    } else if byte == b'\\' {
                        escaped = true;
                    } else if byte == b'"' {
                        in_string = false;
                        if open == 0 {
                            finished = true;
                            break;
                        }
                    }
                    continue;
                }
                match byte {
                    b'"' if scalar => failure = Some("unexpected '\"' after a value".into()),
                    b'"' => in_string = true,
                    b'{' | b'[' if scalar => failure = Some("unexpected bracket after a value".into()),
                    b'{' | b'[' => {
                        open += 1;
                        if depth + open > max_depth {
                            failure = Some(format!("nested deeper than {max_depth} levels"));
                        }
                    }
                    b'}' | b']' if open == 0 => {
                        if scalar {
                            finished = true;
                        } else {
                            failure = Some(format!("unexpected {:?}", byte as char));
                        }
                    }
                    b'}' | b']' => {
                        open -= 1;
                        if open == 0 {
                            used += 1;
                            finished = true;
                            break;
                        }
                    }
                    b',' | b':' | b' ' | b'\t' | b'\n' | b'\r' if open == 0 && scalar => finished = true,
                    b',' | b':' if open == 0 => failure = Some(format!("unexpected {:?}", byte as char)),
                    b' ' | b'\t' | b'\n' | b'\r' if open == 0 => {}
                    _ if open == 0 => scalar = true,
                    _ => {}
                }
                if finished || failure.is_some() {
                    break;
                }
                used += 1;
            }
            buffer.extend_from_slice(&chunk[..used]);
            self.input.consume(used);
            self.offset += used as u64;
            if let Some(reason) = failure {
                return Err(self.error(reason));
            }
            if buffer.len() > limit {
                return Err(self.error(format!("one element is larger than {limit} bytes")));
            }
            if finished {
                return Ok(buffer);
            }
        }
    }

    /// One line (without its end), at most `max_object_bytes`; `None` at the
    /// end of the input.
    pub fn line(&mut self) -> Result<Option<Vec<u8>>, ShareError> {
        let mut line = Vec::new();
        let mut any = false;
        loop {
            let buffer = self.input.fill_buf()?;
            if buffer.is_empty() {
                return Ok(any.then_some(line));
            }
            any = true;
            let (chunk, found) = match buffer.iter().position(|byte| *byte == b'\n') {
                Some(end) => (&buffer[..end], true),
                None => (buffer, false),
            };
            if line.len() + chunk.len() > self.limits.max_object_bytes {
                return Err(self.error(format!("a line is longer than {} bytes", self.limits.max_object_bytes)));
            }
            line.extend_from_slice(chunk);
            let used = chunk.len() + usize::from(found);
            self.input.consume(used);
            self.offset += used as u64;
            if found {
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(Some(line));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanner(text: &str) -> Scanner<&[u8]> {
        Scanner::new(text.as_bytes(), Format::Stix, Limits { max_object_bytes: 64, max_depth: 4, max_objects: 10 })
    }

    #[test]
    fn cuts_elements_of_an_array() {
        let mut scan = scanner(r#" [ {"a": "x]}\""}, [1, 2], 3.5e2 , true,"s"] "#);
        scan.expect(b'[').expect("open");
        let mut elements = Vec::new();
        loop {
            elements.push(String::from_utf8(scan.value(1).expect("element")).expect("utf-8"));
            if !scan.next_or_close(b']').expect("separator") {
                break;
            }
        }
        assert_eq!(elements, [r#"{"a": "x]}\""}"#, "[1, 2]", "3.5e2", "true", r#""s""#]);
        assert!(scan.at_end().expect("end"));
    }

    #[test]
    fn refuses_deep_large_and_truncated_elements() {
        assert!(scanner("[[[[[1]]]]]").value(0).is_err());
        assert!(scanner(&format!("\"{}\"", "x".repeat(100))).value(0).is_err());
        assert!(scanner(r#"{"a": [1, 2"#).value(0).is_err());
        assert!(scanner("").value(0).is_err());
        assert!(scanner("]").value(0).is_err());
    }

    #[test]
    fn reads_the_rest_of_an_object() {
        let mut scan = scanner(r#"{"k": 1, "l": [2]} tail"#);
        scan.expect(b'{').expect("open");
        assert_eq!(scan.key().expect("key"), "k");
        let rest = scan.rest_of_object(0, b"{\"k\":".to_vec()).expect("rest");
        assert_eq!(String::from_utf8(rest).expect("utf-8"), r#"{"k": 1, "l": [2]}"#);
    }

    #[test]
    fn reads_bounded_lines() {
        let mut scan = scanner("a\r\nbb\n\nlast");
        let lines: Vec<Vec<u8>> = std::iter::from_fn(|| scan.line().expect("line")).collect();
        assert_eq!(lines, [b"a".to_vec(), b"bb".to_vec(), Vec::new(), b"last".to_vec()]);
        assert!(scanner(&"y".repeat(100)).line().is_err());
    }
}
