//! Writing JSON arrays and lines element by element, so an export of a
//! million objects never holds more than one of them.

use std::io::{self, Write};

use serde::Serialize;

/// The elements of one JSON array, written as they come.
pub struct ArrayOut {
    first: bool,
}

impl ArrayOut {
    /// Writes `prefix` (which ends with `[`) and starts the array.
    pub fn open(out: &mut impl Write, prefix: &str) -> io::Result<ArrayOut> {
        out.write_all(prefix.as_bytes())?;
        Ok(ArrayOut { first: true })
    }

    /// An array whose opening bracket the caller wrote itself.
    pub fn nested() -> ArrayOut {
        ArrayOut { first: true }
    }

    /// Starts an element whose text the caller writes (`text` and more).
    pub fn push_raw(&mut self, out: &mut impl Write, text: &str) -> io::Result<()> {
        out.write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        out.write_all(text.as_bytes())
    }

    /// Writes one element.
    pub fn push(&mut self, out: &mut impl Write, element: &impl Serialize) -> io::Result<()> {
        if !self.first {
            out.write_all(b",\n")?;
        } else {
            out.write_all(b"\n")?;
        }
        self.first = false;
        serde_json::to_writer(&mut *out, element).map_err(io::Error::other)
    }

    /// Writes `suffix` (which starts with `]`).
    pub fn close(self, out: &mut impl Write, suffix: &str) -> io::Result<()> {
        if !self.first {
            out.write_all(b"\n")?;
        }
        out.write_all(suffix.as_bytes())
    }
}
