//! What banks and block explorers hand investigators after a production
//! order — SWIFT MT940/MT942, ISO 20022 camt.052/053/054, spreadsheets,
//! Etherscan and Tronscan exports — read into statements and reconciled into
//! one ledger whose every row names the file, statement, entry and line it
//! came from.
//!
//! The crate is pure: readers take a path or bytes and return values and
//! errors; no store, no async. Two ways in:
//!
//! - [`stream_file`] hands each entry and statement to a callback while the
//!   file is read through a buffer, in constant memory whatever its size;
//! - [`read_file`] collects a file's statements with their entries, and
//!   [`reconcile`] turns any number of files into a [`Reconciled`] ledger;
//! - a [`Reconciler`] reads files one after the other into a spill and hands
//!   out the reconciled rows in bounded memory: what imports use.
//!
//! Formats are recognised from content ([`detect`]) or named. Bad input is
//! never a panic: a problem is a [`StatementError`] naming file, line or XML
//! path, field and reason, and the rest of the file is still read; only a
//! file that cannot be opened or recognised is a [`FileError`].

mod camt;
mod dates;
mod emit;
mod explorer;
mod model;
mod mt86;
mod mt940;
mod profile;
mod reconcile;
mod reconciler;
mod sheet;
mod text;
mod xml_guard;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use emit::Event;
pub use model::{
    Balance, BalanceCheck, Entry, FileError, Format, Location, Mark, Party, PartySource, Severity, Statement,
    StatementError,
};
pub use profile::{Field, Profile};
pub use reconcile::{
    LedgerRow, Merge, OPENING_BALANCE_CHANNEL, Provenance, Reconciled, StatementSummary, reconcile, unknown_account,
    write_ledger_csv,
};
pub use reconciler::{ReconcileSummary, Reconciler};

/// Bytes looked at to recognise a format.
pub const SNIFF_BYTES: usize = 8192;
/// Read buffer: large enough that the reader, not the system calls, sets the pace.
const BUFFER_BYTES: usize = 1 << 20;

/// What was read: the file's identity for provenance.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FileSummary {
    /// The file name as given (its last path component).
    pub name: String,
    pub sha256: String,
    pub format: Format,
    pub bytes: u64,
}

/// A file's statements with their entries, and the problems found in it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FileStatements {
    pub file: FileSummary,
    pub statements: Vec<Statement>,
    pub errors: Vec<StatementError>,
}

/// Recognises a format from a file name and its first bytes (content first,
/// extension only where content cannot tell).
pub fn detect(name: &str, head: &[u8]) -> Option<Format> {
    let lower_name = name.to_ascii_lowercase();
    if head.starts_with(b"PK\x03\x04") {
        return Some(Format::Xlsx);
    }
    let text = text::decode(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('<') {
        let kinds = [
            ("BkToCstmrStmt", Format::Camt053),
            ("BkToCstmrAcctRpt", Format::Camt052),
            ("BkToCstmrDbtCdtNtfctn", Format::Camt054),
            ("camt.053", Format::Camt053),
            ("camt.052", Format::Camt052),
            ("camt.054", Format::Camt054),
        ];
        return kinds.iter().find(|(marker, _)| text.contains(marker)).map(|(_, format)| *format);
    }
    let has = |tag: &str| text.contains(tag);
    if has(":20:") && (has(":25:") || has(":28C:") || has(":60F:") || has(":61:")) {
        let interim = has(":34F:") || has(":13D:") || has("{2:O942") || has("{2:I942");
        return Some(if interim { Format::Mt942 } else { Format::Mt940 });
    }
    let first_line = text.lines().next().unwrap_or("");
    if let Some(format) = explorer::sniff(first_line) {
        return Some(format);
    }
    if lower_name.ends_with(".csv") || lower_name.ends_with(".tsv") {
        return Some(Format::Csv);
    }
    if [".sta", ".940", ".mt940", ".swi"].iter().any(|extension| lower_name.ends_with(extension)) {
        return Some(Format::Mt940);
    }
    if lower_name.ends_with(".942") || lower_name.ends_with(".mt942") {
        return Some(Format::Mt942);
    }
    None
}

/// Feeds the SHA-256 with every byte read, so the file is hashed in the
/// same pass that parses it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let count = self.inner.read(out)?;
        self.hasher.update(&out[..count]);
        self.bytes += count as u64;
        Ok(count)
    }
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |name| name.to_string_lossy().into_owned())
}

/// Reads a file, handing each entry, statement and problem to `on_event`
/// as it goes. `format` overrides detection; spreadsheets need `mapping`.
pub fn stream_file(
    path: &Path,
    format: Option<Format>,
    mapping: Option<&Profile>,
    on_event: &mut dyn FnMut(Event),
) -> Result<FileSummary, FileError> {
    let name = file_name(path);
    let io_error = |source| FileError::Io { file: name.clone(), source };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let mut reader = BufReader::with_capacity(BUFFER_BYTES, Hashing { inner: file, hasher: Sha256::new(), bytes: 0 });
    let head = reader.fill_buf().map_err(io_error)?;
    let format = match format {
        Some(format) => format,
        None => detect(&name, &head[..head.len().min(SNIFF_BYTES)])
            .ok_or_else(|| FileError::UnknownFormat { file: name.clone() })?,
    };
    if format == Format::Xlsx {
        let mapping = mapping.ok_or_else(|| needs_mapping(&name))?;
        drop(reader);
        let (sha256, bytes) = hash_file(path).map_err(io_error)?;
        let mut emitter = emit::Emitter::new(&name, on_event);
        sheet::read_xlsx(path, mapping, &mut emitter)
            .map_err(|reason| FileError::Unreadable { file: name.clone(), reason })?;
        return Ok(FileSummary { name, sha256, format, bytes });
    }
    read_stream(&name, &mut reader, format, mapping, on_event).map_err(|error| match error {
        StreamError::Io(source) => FileError::Io { file: name.clone(), source },
        StreamError::File(error) => error,
    })?;
    // Whatever the reader left unread still belongs in the file's hash.
    std::io::copy(&mut reader, &mut std::io::sink()).map_err(io_error)?;
    let hashing = reader.into_inner();
    Ok(FileSummary { name, sha256: hex::encode(hashing.hasher.finalize()), format, bytes: hashing.bytes })
}

fn needs_mapping(name: &str) -> FileError {
    FileError::Unreadable {
        file: name.to_owned(),
        reason: "a spreadsheet needs a column mapping (e.g. \"Booking date=timestamp,Amount=amount,@currency=EUR\")"
            .into(),
    }
}

fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut hashing = Hashing { inner: std::fs::File::open(path)?, hasher: Sha256::new(), bytes: 0 };
    std::io::copy(&mut hashing, &mut std::io::sink())?;
    Ok((hex::encode(hashing.hasher.finalize()), hashing.bytes))
}

enum StreamError {
    Io(std::io::Error),
    File(FileError),
}

fn read_stream(
    name: &str,
    input: &mut dyn BufRead,
    format: Format,
    mapping: Option<&Profile>,
    on_event: &mut dyn FnMut(Event),
) -> Result<(), StreamError> {
    let mut emitter = emit::Emitter::new(name, on_event);
    match format {
        Format::Mt940 | Format::Mt942 => mt940::read(input, format, &mut emitter).map_err(StreamError::Io),
        Format::Camt052 | Format::Camt053 | Format::Camt054 => camt::read(input, &mut emitter).map_err(StreamError::Io),
        Format::Etherscan | Format::Tronscan => explorer::read(input, format, &mut emitter).map_err(StreamError::Io),
        Format::Csv => {
            let mapping = mapping.ok_or_else(|| StreamError::File(needs_mapping(name)))?;
            sheet::read_csv(input, mapping, &mut emitter).map_err(StreamError::Io)
        }
        Format::Xlsx => Err(StreamError::File(FileError::Unreadable {
            file: name.to_owned(),
            reason: "a workbook is read from a file path, not a stream".into(),
        })),
    }
}

/// Gathers streamed events into statements with their entries.
#[derive(Default)]
struct Collector {
    statements: Vec<Statement>,
    pending: Vec<Entry>,
    errors: Vec<StatementError>,
}

impl Collector {
    fn push(&mut self, event: Event) {
        match event {
            Event::Entry(entry) => self.pending.push(entry),
            Event::Statement(mut statement) => {
                // Entries come before their statement; spreadsheets holding
                // several accounts interleave them, so match by index.
                let (mine, others): (Vec<Entry>, Vec<Entry>) =
                    std::mem::take(&mut self.pending).into_iter().partition(|entry| entry.statement == statement.index);
                statement.entries = mine;
                self.pending = others;
                self.statements.push(statement);
            }
            Event::Error(error) => self.errors.push(error),
        }
    }

    fn finish(mut self, file: FileSummary) -> FileStatements {
        self.statements.sort_by_key(|statement| statement.index);
        FileStatements { file, statements: self.statements, errors: self.errors }
    }
}

/// Reads a whole file into statements with their entries.
pub fn read_file(path: &Path, format: Option<Format>, mapping: Option<&Profile>) -> Result<FileStatements, FileError> {
    let mut collector = Collector::default();
    let summary = stream_file(path, format, mapping, &mut |event| collector.push(event))?;
    Ok(collector.finish(summary))
}

/// Reads bytes already in memory (tests, fuzzing, uploads); `name` stands
/// for the file name in provenance and errors. Workbooks need a path.
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    format: Option<Format>,
    mapping: Option<&Profile>,
) -> Result<FileStatements, FileError> {
    let format = match format {
        Some(format) => format,
        None => detect(name, &bytes[..bytes.len().min(SNIFF_BYTES)])
            .ok_or_else(|| FileError::UnknownFormat { file: name.to_owned() })?,
    };
    let mut collector = Collector::default();
    let mut input = bytes;
    read_stream(name, &mut input, format, mapping, &mut |event| collector.push(event)).map_err(
        |error| match error {
            StreamError::Io(source) => FileError::Io { file: name.to_owned(), source },
            StreamError::File(error) => error,
        },
    )?;
    let summary = FileSummary {
        name: name.to_owned(),
        sha256: hex::encode(Sha256::digest(bytes)),
        format,
        bytes: bytes.len() as u64,
    };
    Ok(collector.finish(summary))
}

/// What [`scan_folder`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FolderScan {
    /// Statement files with their format, in path order.
    pub recognised: Vec<(PathBuf, Format)>,
    /// Files no reader recognises, listed so nothing is skipped silently.
    pub unknown: Vec<PathBuf>,
}

/// Every file under `folder` (recursively, in name order) that is
/// recognised as a statement format: what "point crackdown at the folder the
/// banks sent" reads. Unrecognised files are listed apart, not silently skipped.
pub fn scan_folder(folder: &Path) -> std::io::Result<FolderScan> {
    let mut files = Vec::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(directory) = stack.pop() {
        for entry in std::fs::read_dir(&directory)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut scan = FolderScan::default();
    for path in files {
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        std::fs::File::open(&path)?.take(SNIFF_BYTES as u64).read_to_end(&mut head)?;
        match detect(&file_name(&path), &head) {
            Some(format) => scan.recognised.push((path, format)),
            None => scan.unknown.push(path),
        }
    }
    Ok(scan)
}
