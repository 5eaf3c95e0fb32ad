//! `ledger import` of what banks and block explorers send: MT940/MT942,
//! camt.052/053/054, spreadsheets through a column mapping, Etherscan and
//! Tronscan exports (read by `crackdown-statements`).
//!
//! All statement files of one import are read first and reconciled together,
//! so the payer's bank's and the payee's bank's views of one transfer become
//! one row. The reconciled rows then go to the store inside the caller's one
//! transaction of the whole `ledger import` ([`LedgerWrite`]): a production
//! commits whole or not at all. Tx ids are stable (derived from the file's
//! SHA-256, statement and entry), so importing the same folder again stores
//! nothing and counts every row as a duplicate. Each row keeps its file,
//! statement and entry in the store.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use chrono::Utc;
use crackdown_model::Viewer;
use crackdown_statements::{Format, LedgerRow, Profile, Provenance, Reconciler, Severity};
use crackdown_store::{LedgerWrite, Store, TransferBatch};
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
        .filter(|path| !is_profile_file(path))
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

/// A column mapping kept beside a bank's spreadsheet (`export.profile.toml`
/// for `export.csv`): configuration of the import, not data to import.
fn is_profile_file(path: &Path) -> bool {
    let name = path.file_name().map(|name| name.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    name.ends_with(".profile.toml") || name.ends_with(".profile.json")
}

/// The mapping kept beside a spreadsheet, if any: `NAME.profile.toml` (or
/// `.json`) for `NAME.csv` / `NAME.xlsx`. A folder of productions from
/// several banks thus imports in one run, each sheet read its own way.
pub fn sibling_profile(path: &Path) -> Option<PathBuf> {
    let stem = path.file_stem()?.to_string_lossy().into_owned();
    ["toml", "json"]
        .iter()
        .map(|extension| path.with_file_name(format!("{stem}.profile.{extension}")))
        .find(|p| p.is_file())
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

/// Reads `files` (each with its format, or `None` to detect it; a
/// spreadsheet with the mapping beside it, else `mapping`), reconciles
/// them together and stores the ledger through `write` (the import's one
/// transaction) in batches of `batch_size`. A file that cannot be read is an
/// error of the report, not of the call; the call fails on the store, or when
/// `progress` (told the rows handed to the store so far after each batch) returns an error
/// — a caller's time limit or cancellation. On failure the caller drops
/// `write`, and nothing of the import stays.
///
/// Memory stays bounded whatever the production's size: entries go to an
/// unnamed temporary file (0600, gone when closed) as they are read, and only
/// a short key per entry stays in memory (`crackdown_statements::Reconciler`).
pub fn import_statements(
    write: &mut LedgerWrite<'_>,
    files: &[(PathBuf, Option<Format>)],
    mapping: Option<&Profile>,
    batch_size: usize,
    progress: &mut dyn FnMut(u64) -> Result<(), TrailError>,
) -> Result<StatementImport, TrailError> {
    let mut report = StatementImport::default();
    let spill = tempfile::tempfile().map_err(TrailError::from)?;
    let mut reconciler = Reconciler::spilling(spill);
    let mut names: Vec<String> = Vec::new();
    let mut formats: Vec<&str> = Vec::new();
    let refuse = |report: &mut StatementImport, path: &Path, field: &str, reason: String| {
        report.rejected += 1;
        report.errors.push(ImportProblem {
            file: path.display().to_string(),
            line: 0,
            field: field.into(),
            reason,
            severity: "error",
        });
    };
    for (path, format) in files {
        let own = match sibling_profile(path).map(|profile| Profile::load(&profile)).transpose() {
            Ok(own) => own,
            Err(reason) => {
                refuse(&mut report, path, "mapping", reason);
                continue;
            }
        };
        match reconciler.read_file(path, *format, own.as_ref().or(mapping)) {
            Ok(summary) => {
                names.push(summary.name);
                formats.push(summary.format.name());
            }
            Err(error) => refuse(&mut report, path, "file", error.to_string()),
        }
    }
    if names.is_empty() {
        return Ok(report);
    }
    formats.sort_unstable();
    formats.dedup();
    let import_id = write.begin_import(&names.join(", "), &formats.join("+"), Utc::now())?;
    report.import_id = Some(import_id);
    write.expect_rows(reconciler.entries())?;
    let batch_size = batch_size.max(1);
    let capacity = batch_size.min(1 << 16);
    // Rows come out of the spill on this thread while a second one stores
    // the previous batches: on two cores, decoding and inserting overlap.
    // Two batches wait at most, so memory stays bounded.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<TransferBatch>(2);
    let (handed, stored) = std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> Result<(u64, u64), TrailError> {
            let (mut inserted, mut duplicates) = (0, 0);
            for batch in receiver {
                let outcome = write.insert_transfers(import_id, batch)?;
                inserted += outcome.inserted;
                duplicates += outcome.duplicates.len() as u64;
            }
            Ok((inserted, duplicates))
        });
        let mut batch = TransferBatch::with_capacity(capacity);
        let mut handed_out = 0u64;
        let mut hand_over = |batch: &mut TransferBatch| -> Result<(), TrailError> {
            handed_out += batch.len() as u64;
            let full = std::mem::replace(batch, TransferBatch::with_capacity(capacity));
            // A closed channel means the writer failed: its error is the one reported.
            sender.send(full).map_err(|_| TrailError::Invalid("the store stopped taking rows".into()))?;
            progress(handed_out)
        };
        let handed = reconciler
            .finish(|row| {
                push_row(&mut batch, &row);
                if batch.len() == batch_size {
                    hand_over(&mut batch)?;
                }
                Ok::<(), TrailError>(())
            })
            .and_then(|ledger| {
                if !batch.is_empty() {
                    hand_over(&mut batch)?;
                }
                Ok(ledger)
            });
        drop(sender);
        let stored =
            writer.join().unwrap_or_else(|_| Err(TrailError::Invalid("the store's writer thread panicked".into())));
        (handed, stored)
    });
    let (inserted, duplicates) = stored?;
    let ledger = handed?;
    report.imported = inserted;
    report.duplicates = duplicates;
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
        .into_iter()
        .map(|statement| StatementReport {
            file: statement.file,
            statement: statement.statement,
            account: statement.account,
            currency: statement.currency,
            opening: statement.opening,
            closing: statement.closing,
            entries: statement.entries,
            balanced: statement.balanced,
        })
        .collect();
    report.merged = ledger.merged.len() as u64;
    report.rows = ledger.rows;
    Ok(report)
}

/// The formats an uploaded statement may be named by (`?format=`), beside `auto`.
pub fn upload_format(name: &str) -> Result<Option<Format>, TrailError> {
    Ok(Some(match name.trim().to_ascii_lowercase().as_str() {
        "" | "auto" => return Ok(None),
        "mt940" => Format::Mt940,
        "mt942" => Format::Mt942,
        "camt" | "camt053" | "camt.053" => Format::Camt053,
        "camt052" | "camt.052" => Format::Camt052,
        "camt054" | "camt.054" => Format::Camt054,
        "csv" => Format::Csv,
        "xlsx" => Format::Xlsx,
        "etherscan" => Format::Etherscan,
        "tronscan" => Format::Tronscan,
        other => {
            return Err(TrailError::Invalid(format!(
                "format {other:?}: one of auto, mt940, mt942, camt, camt052, camt053, camt054, csv, xlsx, \
                 etherscan, tronscan"
            )));
        }
    }))
}

/// A file name for an upload's provenance: the client's name without any
/// folder part or character a file system or a CSV export would trip on.
fn upload_file_name(given: &str) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String =
        base.chars().filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ')).take(100).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() { "upload".to_owned() } else { cleaned }
}

/// Imports one uploaded statement file (the HTTP route's use case): the
/// bytes go to a private temporary folder under the client's file name
/// (which the rows' provenance keeps), then take [`import_statements`] in
/// one transaction. `mapping` is the name of a mapping the organisation saved
/// or the one-line form — never a path, which would read the server's files.
/// A file that cannot be read at all, or in which nothing is found, stores
/// nothing (not even the import's record; `import_id` is `None`); entries that cannot be
/// read are listed while the rest import (they are evidence), as on the
/// command line. Storing stops with an error, and nothing stays, once
/// `time_limit` has passed.
pub fn import_uploaded_statement(
    store: &Store,
    viewer: &Viewer,
    (name, bytes): (&str, &[u8]),
    format: Option<Format>,
    mapping: Option<&str>,
    time_limit: std::time::Duration,
) -> Result<StatementImport, TrailError> {
    let deadline = std::time::Instant::now() + time_limit;
    if !viewer.role.may_work_ledgers() {
        return Err(TrailError::Store(crackdown_store::StoreError::Forbidden(format!(
            "{} is a {}; ledgers are imported by their organisation's admins and analysts only",
            viewer.user_name, viewer.role
        ))));
    }
    let mapping = match mapping.map(str::trim).filter(|given| !given.is_empty()) {
        Some(given) => Some(match store.ledger_mapping(viewer, given)? {
            Some(saved) => Profile::parse(&saved)
                .map_err(|error| TrailError::Invalid(format!("saved mapping {given:?}: {error}")))?,
            None if given.contains('=') => Profile::parse(given).map_err(TrailError::Invalid)?,
            None => {
                return Err(TrailError::Invalid(format!(
                    "mapping {given:?}: your organisation saved no mapping of that name (save one with \
                     `crackdown ledger import --save-mapping NAME`), and it is not a mapping like \
                     \"Booking date=timestamp,Amount=amount\""
                )));
            }
        }),
        None => None,
    };
    let folder = tempfile::tempdir().map_err(TrailError::from)?;
    let shown = upload_file_name(name);
    let path = folder.path().join(&shown);
    std::fs::write(&path, bytes).map_err(TrailError::from)?;
    let mut write = store.begin_ledger_write(viewer)?;
    let files = [(path.clone(), format)];
    let mut report = import_statements(&mut write, &files, mapping.as_ref(), 50_000, &mut |_| {
        if std::time::Instant::now() > deadline { Err(TrailError::TimeLimit(time_limit.as_secs())) } else { Ok(()) }
    })?;
    if report.rows == 0 {
        // Nothing readable: the file is refused whole, and not even the
        // import's record stays (dropping `write` rolls it back).
        if !report.errors.iter().any(|problem| problem.severity == "error") {
            report.rejected += 1;
            report.errors.push(ImportProblem {
                file: shown.clone(),
                line: 0,
                field: "file".into(),
                reason: format!(
                    "no statement or transfer found{}",
                    format.map(|format| format!(" reading it as {format}")).unwrap_or_default()
                ),
                severity: "error",
            });
        }
        report.import_id = None;
        drop(write);
    } else {
        write.commit()?;
    }
    // The client's name, not the server's temporary folder, in what it is told.
    let folder_text = folder.path().display().to_string();
    for problem in &mut report.errors {
        if Path::new(&problem.file) == path {
            problem.file.clone_from(&shown);
        }
        problem.reason = problem.reason.replace(&folder_text, "");
    }
    Ok(report)
}

/// The column mapping `given` names, in the order a user means it: a profile
/// file (TOML, JSON or the one-line form) when one exists at that path, else
/// a mapping the organisation saved under that name, else the one-line form
/// itself (`"Booking date=timestamp,Amount=amount,@currency=EUR"`).
pub fn resolve_mapping(store: &Store, viewer: &Viewer, given: &str) -> Result<Profile, TrailError> {
    let path = Path::new(given);
    if path.is_file() {
        return Profile::load(path).map_err(TrailError::Invalid);
    }
    if let Some(saved) = store.ledger_mapping(viewer, given.trim())? {
        return Profile::parse(&saved)
            .map_err(|error| TrailError::Invalid(format!("saved mapping {given:?}: {error}")));
    }
    if !given.contains('=') {
        return Err(TrailError::Invalid(format!(
            "{given:?} is neither a profile file nor a mapping your organisation saved (save one with \
             --save-mapping NAME), nor a mapping like \"Booking date=timestamp,Amount=amount\""
        )));
    }
    Profile::parse(given).map_err(TrailError::Invalid)
}

/// Saves `profile` as the organisation's mapping called `name`, so the next
/// production of the same bank is read with `--mapping NAME`.
pub fn save_mapping(store: &Store, viewer: &Viewer, name: &str, profile: &Profile) -> Result<(), TrailError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 || name.contains(['=', ',', '/']) {
        return Err(TrailError::Invalid(format!(
            "mapping name {name:?}: 1 to 100 characters, without '=', ',' or '/' (e.g. the bank's name)"
        )));
    }
    let text = profile.to_toml().map_err(TrailError::Invalid)?;
    store.save_ledger_mapping(viewer, name, &text, Utc::now())?;
    Ok(())
}

#[cfg(test)]
#[path = "statement_import_tests.rs"]
mod tests;
