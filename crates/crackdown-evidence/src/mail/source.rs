//! Finds the messages behind a path given on the command line: one `.eml`
//! file, one mbox file, or a directory walked recursively for both. Yields
//! raw bytes with a readable origin ("dir/a.eml", "box.mbox#3 (line 120)")
//! so every error names the file and message it is about; one bad file never
//! stops the walk.
//!
//! Symbolic links are not followed (no loops); files are visited in sorted
//! order so imports are reproducible. Outlook `.msg` and maildir flags are
//! not handled.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::MailLimits;
use super::mbox::{MboxError, MboxReader};

/// The raw bytes of one message and where they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMail {
    /// File path, plus `#N (line L)` for a message inside an mbox.
    pub origin: String,
    pub bytes: Vec<u8>,
}

/// A file or message that could not be read; the walk goes on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {reason}")]
pub struct SourceError {
    pub origin: String,
    pub reason: String,
}

/// Iterator over every message under a path; see the module docs.
pub struct MailSources {
    files: std::vec::IntoIter<PathBuf>,
    pending_errors: Vec<SourceError>,
    mbox: Option<(String, MboxReader<BufReader<File>>)>,
    limits: MailLimits,
}

/// Lists the messages under `path` (a file or a directory).
pub fn mail_sources(path: &Path, limits: &MailLimits) -> MailSources {
    let mut files = Vec::new();
    let mut pending_errors = Vec::new();
    if path.is_dir() {
        walk(path, &mut files, &mut pending_errors);
        files.sort();
    } else {
        files.push(path.to_path_buf());
    }
    pending_errors.reverse();
    MailSources { files: files.into_iter(), pending_errors, mbox: None, limits: *limits }
}

fn walk(root: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<SourceError>) {
    let mut directories = vec![root.to_path_buf()];
    while let Some(directory) = directories.pop() {
        let entries = match std::fs::read_dir(&directory) {
            Ok(entries) => entries,
            Err(error) => {
                errors.push(SourceError {
                    origin: directory.display().to_string(),
                    reason: format!("cannot list directory: {error}"),
                });
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                directories.push(path);
            } else if kind.is_file() && is_mail_file(&path) {
                files.push(path);
            }
        }
    }
}

/// `.eml`, `.mbox`, `.mbx`, or an extension-less file that starts like an mbox.
fn is_mail_file(path: &Path) -> bool {
    match path.extension().and_then(|e| e.to_str()) {
        Some(ext) => ["eml", "mbox", "mbx"].iter().any(|e| ext.eq_ignore_ascii_case(e)),
        None => starts_like_mbox(path),
    }
}

fn starts_like_mbox(path: &Path) -> bool {
    let mut head = [0u8; 5];
    File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok_and(|()| &head == b"From ")
}

impl MailSources {
    fn open(&mut self, path: &Path) -> Option<Result<RawMail, SourceError>> {
        let origin = path.display().to_string();
        let fail = |reason: String| Some(Err(SourceError { origin: origin.clone(), reason }));
        let is_eml = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("eml"));
        if !is_eml && starts_like_mbox(path) {
            match File::open(path) {
                Ok(file) => {
                    let reader = MboxReader::new(BufReader::new(file), self.limits.max_message_bytes);
                    self.mbox = Some((origin, reader));
                    return None;
                }
                Err(error) => return fail(format!("cannot open: {error}")),
            }
        }
        let limit = self.limits.max_message_bytes;
        let mut bytes = Vec::new();
        let read = File::open(path).and_then(|file| file.take(limit as u64 + 1).read_to_end(&mut bytes));
        match read {
            Err(error) => fail(format!("cannot read: {error}")),
            Ok(_) if bytes.len() > limit => fail(format!("over the {limit}-byte message limit; skipped")),
            Ok(_) => Some(Ok(RawMail { origin, bytes })),
        }
    }
}

impl Iterator for MailSources {
    type Item = Result<RawMail, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(error) = self.pending_errors.pop() {
            return Some(Err(error));
        }
        loop {
            if let Some((origin, reader)) = &mut self.mbox {
                match reader.next() {
                    Some(Ok(message)) => {
                        return Some(Ok(RawMail {
                            origin: format!("{origin}#{} (line {})", message.index, message.line),
                            bytes: message.bytes,
                        }));
                    }
                    Some(Err(error)) => {
                        let origin = match &error {
                            MboxError::TooLarge { index, line, .. } => {
                                format!("{origin}#{index} (line {line})")
                            }
                            _ => origin.clone(),
                        };
                        return Some(Err(SourceError { origin, reason: error.to_string() }));
                    }
                    None => self.mbox = None,
                }
            }
            let path = self.files.next()?;
            if let Some(item) = self.open(&path) {
                return Some(item);
            }
        }
    }
}
