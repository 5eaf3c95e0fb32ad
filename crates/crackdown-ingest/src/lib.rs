//! Streaming parsers for the files people bring to crackdown.
//!
//! A parser reads records one at a time and hands each to a callback as a
//! validated value or an error naming its line and field, so one bad line
//! never stops a file and memory stays bounded at any file size. Parsers do
//! no storage: the caller decides how to batch and commit.

mod lines;
pub mod reports;

/// Where a record sits in its file and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RecordError {
    /// 1-based line (for a JSON array: the element number).
    pub line: u64,
    /// The offending field, when one is to blame.
    pub field: Option<String>,
    pub reason: String,
}

impl RecordError {
    pub(crate) fn new(line: u64, field: Option<&str>, reason: impl Into<String>) -> RecordError {
        RecordError { line, field: field.map(str::to_owned), reason: reason.into() }
    }
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "line {}: field {field:?}: {}", self.line, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// A failure that stops reading the rest of a file (an I/O error, or JSON
/// array syntax broken beyond recovery).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("read error: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Fatal(RecordError),
}
