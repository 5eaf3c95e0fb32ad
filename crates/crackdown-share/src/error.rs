//! Errors of the writers and readers. A reader's error names where it
//! stopped (object index in the input, and id when there is one) and why,
//! so a partner can fix the bundle they sent.

use std::fmt;

/// The interchange formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Stix,
    Misp,
    Ftm,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Stix => "STIX bundle",
            Format::Misp => "MISP events",
            Format::Ftm => "FtM entities",
        })
    }
}

/// What went wrong, and where.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    /// The output could not be written, or the input read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The input is not well-formed JSON (or breaks a size or depth limit)
    /// at a byte offset.
    #[error("{format}, byte {offset}: {reason}")]
    Syntax { format: Format, offset: u64, reason: String },
    /// One object (STIX object, MISP event or attribute, FtM line) is wrong.
    #[error("{format}, {place}{}: {reason}", id.as_ref().map(|id| format!(" ({id})")).unwrap_or_default())]
    Object { format: Format, place: String, id: Option<String>, reason: String },
}

impl ShareError {
    pub(crate) fn object(
        format: Format,
        place: impl Into<String>,
        id: Option<&str>,
        reason: impl Into<String>,
    ) -> Self {
        ShareError::Object { format, place: place.into(), id: id.map(str::to_owned), reason: reason.into() }
    }
}
