//! `ledger import` of what banks and block explorers send: MT940/MT942,
//! camt.052/053/054, spreadsheets through a column mapping, Etherscan and
//! Tronscan exports (read by `crackdown-statements`).
//!
//! All statement files of one import are read first and reconciled together,
//! so the payer's bank's and the payee's bank's views of one transfer become
//! one row. The reconciled rows then take the store path native ledgers take
//! (`begin_ledger_import`, whole-batch `insert_transfers`): tx ids are stable
//! (derived from the file's SHA-256, statement and entry), so importing the
//! same folder again stores nothing and counts every row as a duplicate.
//! Each row keeps its file, statement and entry in the store.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use chrono::Utc;
use crackdown_model::Viewer;
use crackdown_statements::{FileStatements, Format, LedgerRow, Profile, Provenance, Severity, reconcile};
use crackdown_store::{Store, TransferBatch};
use serde::Serialize;

use crate::trail::TrailError;

/// How the files of an import are to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    /// Recognise each file from its content (native and AMLworld ledgers by
    /// their header, statements by `crackdown_statements::detect`).
    Auto,
    Native,
    AmlWorld,
    Statement(Format),
}

/// What one file of an import turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Native,
    AmlWorld,
    Statement(Format),
    /// `auto` recognised nothing: reported as an error, not skipped silently.
    Unknown,
}

/// A problem of an import, naming the file, line and field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportProblem {
    pub file: String,
    pub line: u64,
    pub field: String,
    pub reason: String,
    /// `error` or `warning`.
    pub severity: &'static str,
}

/// One statement read, for the import report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatementReport {
    pub file: String,
    pub statement: String,
    pub account: String,
    pub currency: Option<String>,
    pub opening: Option<String>,
    pub closing: Option<String>,
    pub entries: u32,
    /// `None` when there is nothing to check against (no balances).
    pub balanced: Option<bool>,
}

/// What importing statement files did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StatementImport {
    pub import_id: Option<i64>,
    /// Rows of the reconciled ledger.
    pub rows: u64,
    /// Rows stored by this run.
    pub imported: u64,
    /// Rows whose tx id the ledger already holds (an earlier import of the same files).
    pub duplicates: u64,
    /// Rows found to be another row's transfer seen from the other side (or delivered twice).
    pub merged: u64,
    /// Entries or files that could not be read into the ledger.
    pub rejected: u64,
    pub statements: Vec<StatementReport>,
    pub errors: Vec<ImportProblem>,
}

impl StatementImport {
    /// Whether anything went wrong: an error, or a statement that does not balance.
    pub fn failed(&self) -> bool {
        self.errors.iter().any(|error| error.severity == "error")
            || self.statements.iter().any(|statement| statement.balanced == Some(false))
    }
}

/// The files under `paths` (folders recursively, in name order) with what
/// each is, as `format` says or, for `auto`, as its content says.
pub fn plan_import(paths: &[PathBuf], format: ImportFormat) -> std::io::Result<Vec<(PathBuf, FileKind)>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            let mut stack = vec![path.clone()];
            while let Some(directory) = stack.pop() {
                for entry in std::fs::read_dir(&directory)? {
                    let entry = entry?.path();
                    if entry.is_dir() { stack.push(entry) } else { found.push(entry) }
                }
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    files
        .into_iter()
        .map(|path| {
            let kind = match format {
                ImportFormat::Native => FileKind::Native,
                ImportFormat::AmlWorld => FileKind::AmlWorld,
                ImportFormat::Statement(format) => FileKind::Statement(format),
                ImportFormat::Auto => sniff(&path)?,
            };
            Ok((path, kind))
        })
        .collect()
}

/// Native and AMLworld ledgers are recognised by their header line (a
/// statement reader would take any `.csv` for a spreadsheet), the rest by
/// `crackdown_statements::detect`.
fn sniff(path: &Path) -> std::io::Result<FileKind> {
    let mut head = Vec::with_capacity(crackdown_statements::SNIFF_BYTES);
    std::fs::File::open(path)?.take(crackdown_statements::SNIFF_BYTES as u64).read_to_end(&mut head)?;
    let text = String::from_utf8_lossy(&head);
    let header = text.trim_start_matches('\u{feff}').lines().next().unwrap_or("").to_ascii_lowercase();
    let columns: Vec<&str> = header.split(',').map(|column| column.trim().trim_matches('"')).collect();
    let has = |name: &str| columns.contains(&name);
    if has("tx_id") && has("from_account") && has("to_account") {
        return Ok(FileKind::Native);
    }
    if has("from bank") && has("amount paid") {
        return Ok(FileKind::AmlWorld);
    }
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(crackdown_statements::detect(&name, &head).map_or(FileKind::Unknown, FileKind::Statement))
}

fn joined(sources: &[Provenance], part: impl Fn(&Provenance) -> String) -> String {
    sources.iter().map(part).collect::<Vec<_>>().join(" | ")
}

/// What the ledger keeps of a reconciled row beyond the native columns.
fn extra_json(row: &LedgerRow) -> Option<String> {
    let mut object = serde_json::Map::new();
    let mut put = |key: &str, value: &Option<String>| {
        if let Some(value) = value {
            object.insert(key.to_owned(), serde_json::Value::String(value.clone()));
        }
    };
    put("type_code", &row.type_code);
    put("reference", &row.reference);
    put("counterparty_name", &row.counterparty_name);
    put("description", &row.description);
    if row.flagged {
        object.insert("flagged".into(), serde_json::Value::Bool(true));
    }
    (!object.is_empty()).then(|| serde_json::Value::Object(object).to_string())
}

fn push_row(batch: &mut TransferBatch, row: &LedgerRow) {
    let line = row.sources.first().map_or(0, |source| source.location.line);
    batch.push(
        (line, &row.tx_id),
        row.timestamp,
        (&row.from, &row.to),
        (row.amount, None),
        &row.channel,
        extra_json(row).as_deref(),
    );
    batch.set_source(
        &joined(&row.sources, |source| source.file.clone()),
        &joined(&row.sources, |source| source.statement.clone()),
        &joined(&row.sources, |source| match source.part {
            Some((part, of)) => format!("{}.{part}/{of}", source.entry),
            None => source.entry.to_string(),
        }),
    );
}

/// Reads `files` (each with its format, or `None` to detect it), reconciles
/// them together and stores the ledger in the viewer's organisation's
/// ledger in batches of `batch_size`. A file that cannot be read is an
/// error of the report, not of the call; the call fails only on the store.
pub fn import_statements(
    store: &Store,
    viewer: &Viewer,
    files: &[(PathBuf, Option<Format>)],
    mapping: Option<&Profile>,
    batch_size: usize,
) -> Result<StatementImport, TrailError> {
    let mut report = StatementImport::default();
    let mut read: Vec<FileStatements> = Vec::new();
    for (path, format) in files {
        match crackdown_statements::read_file(path, *format, mapping) {
            Ok(file) => read.push(file),
            Err(error) => {
                report.rejected += 1;
                report.errors.push(ImportProblem {
                    file: path.display().to_string(),
                    line: 0,
                    field: "file".into(),
                    reason: error.to_string(),
                    severity: "error",
                });
            }
        }
    }
    if read.is_empty() {
        return Ok(report);
    }
    let names: Vec<&str> = read.iter().map(|file| file.file.name.as_str()).collect();
    let formats: Vec<&str> = {
        let mut formats: Vec<&str> = read.iter().map(|file| file.file.format.name()).collect();
        formats.sort_unstable();
        formats.dedup();
        formats
    };
    let label = names.join(", ");
    let ledger = reconcile(read);
    for error in &ledger.errors {
        if error.severity == Severity::Error && error.field != "balance" {
            report.rejected += 1;
        }
        report.errors.push(ImportProblem {
            file: error.file.clone(),
            line: error.location.line,
            field: error.field.clone(),
            reason: match &error.location.path {
                Some(path) => format!("{path}: {}", error.reason),
                None => error.reason.clone(),
            },
            severity: match error.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
        });
    }
    report.statements = ledger
        .statements
        .iter()
        .map(|statement| StatementReport {
            file: statement.file.clone(),
            statement: statement.statement.clone(),
            account: statement.account.clone(),
            currency: statement.currency.clone(),
            opening: statement.opening.clone(),
            closing: statement.closing.clone(),
            entries: statement.entries,
            balanced: statement.balanced,
        })
        .collect();
    report.merged = ledger.merged.len() as u64;
    report.rows = ledger.rows.len() as u64;
    let import_id = store.begin_ledger_import(viewer, &label, &formats.join("+"), Utc::now())?;
    report.import_id = Some(import_id);
    for chunk in ledger.rows.chunks(batch_size.max(1)) {
        let mut batch = TransferBatch::with_capacity(chunk.len());
        for row in chunk {
            push_row(&mut batch, row);
        }
        let outcome = store.insert_transfers(viewer, import_id, batch)?;
        report.imported += outcome.inserted;
        report.duplicates += outcome.duplicates.len() as u64;
    }
    Ok(report)
}
