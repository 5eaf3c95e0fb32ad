//! Reconciliation in bounded memory, for productions of gigabytes.
//!
//! A bank's production holds millions of entries, and almost none of them
//! can merge with another: two rows are one transfer only when their
//! accounts, currency and amount agree exactly. So the [`Reconciler`] writes
//! every entry, as it is read, to a spill (an unnamed temporary file for
//! imports, a buffer for tests) and keeps in memory only a 16-byte key per
//! entry that could merge: a hash of those four fields and where the entry
//! starts in the spill. When all files
//! are read, the keys are sorted; only the entries sharing a key with another
//! are read back and matched (by the rules of [`crate::reconcile`]); then the
//! spill is read once, front to back, and every surviving row handed to the
//! caller. Memory grows with the number of entries at 16 bytes each, not
//! with their text.
//!
//! Rows name their file by the first 12 hex digits of its SHA-256, known only
//! when the file has been read to its end; the spill therefore keeps the
//! file's ordinal, and ids and provenance are completed on the way out.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use chrono::{DateTime, NaiveDate};
use crackdown_model::{Currency, Money};
use serde::{Deserialize, Serialize};

use crate::model::{BalanceCheck, Entry, Location, Severity, Statement, StatementError};
use crate::reconcile::{
    LedgerRow, Merge, Provenance, StatementSummary, midnight, opening_row, short_sha, summarize, unknown_account,
};
use crate::{Event, FileError, FileStatements, FileSummary, Format, Profile};

/// An entry as the spill keeps it: the ledger row without what depends on
/// the file's hash, and what matching needs.
#[derive(Serialize, Deserialize)]
struct Spilled {
    file: u32,
    statement_index: u32,
    statement_id: String,
    entry: u32,
    part: Option<(u32, u32)>,
    line: u64,
    path: Option<String>,
    timestamp_ms: i64,
    from: String,
    to: String,
    minor: i64,
    currency: String,
    channel: String,
    type_code: Option<String>,
    counterparty_name: Option<String>,
    description: Option<String>,
    flagged: bool,
    /// Days since the common era: the booking (or value) date.
    date: i32,
    /// The statement account whose view this is (empty for explorer rows).
    side: String,
    end_to_end: Option<String>,
    reference: Option<String>,
    bank_reference: Option<String>,
    explorer: bool,
}

/// A row before merging, with what matching needs.
pub(crate) struct Candidate {
    pub row: LedgerRow,
    pub date: NaiveDate,
    pub side: String,
    pub end_to_end: Option<String>,
    pub reference: Option<String>,
    pub bank_reference: Option<String>,
    /// Ordinal of the file among those read (no two read files share content).
    pub file: u32,
    pub statement_key: (u32, u32),
    pub explorer: bool,
}

/// A read file as the way out needs it.
struct ReadFile {
    name: String,
    sha256: String,
}

/// What [`Reconciler::finish`] reports beside the rows it hands out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReconcileSummary {
    /// Rows handed out.
    pub rows: u64,
    pub statements: Vec<StatementSummary>,
    pub merged: Vec<Merge>,
    pub errors: Vec<StatementError>,
}

/// Reads statement files one after the other and reconciles them into one
/// ledger in bounded memory (see the module documentation).
pub struct Reconciler<S: Read + Write + Seek> {
    spill: BufWriter<S>,
    written: u64,
    /// Entries in the spill.
    entries: u64,
    /// `(hash of from, to, currency, amount; where the entry starts in the
    /// spill)` of entries that could merge (both accounts known).
    keys: Vec<(u64, u64)>,
    hasher: std::collections::hash_map::RandomState,
    files: Vec<ReadFile>,
    by_sha: HashMap<String, String>,
    statements: Vec<StatementSummary>,
    errors: Vec<StatementError>,
    openings: HashMap<String, (NaiveDate, LedgerRow)>,
}

impl Reconciler<std::io::Cursor<Vec<u8>>> {
    /// A reconciler whose spill is a buffer: for tests and small inputs.
    pub fn in_memory() -> Self {
        Reconciler::spilling(std::io::Cursor::new(Vec::new()))
    }
}

/// What one file of a reconciliation holds until its hash is known.
#[derive(Default)]
struct FileInProgress {
    name: String,
    pending: Vec<Entry>,
    statements: Vec<(Statement, String, Option<NaiveDate>)>,
    errors: Vec<StatementError>,
    first_entry: u64,
    first_key: usize,
    start: u64,
    failure: Option<std::io::Error>,
}

impl<S: Read + Write + Seek> Reconciler<S> {
    /// A reconciler writing entries to `spill` (e.g. `tempfile::tempfile()`).
    pub fn spilling(spill: S) -> Self {
        Reconciler {
            spill: BufWriter::with_capacity(1 << 20, spill),
            written: 0,
            entries: 0,
            keys: Vec::new(),
            hasher: std::collections::hash_map::RandomState::new(),
            files: Vec::new(),
            by_sha: HashMap::new(),
            statements: Vec::new(),
            errors: Vec::new(),
            openings: HashMap::new(),
        }
    }

    /// Entries read so far: about the rows [`Reconciler::finish`] will hand
    /// out (merges remove some, opening balances add one per account).
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Reads one file (`format` overrides detection; spreadsheets need
    /// `mapping`). A file that cannot be read adds nothing.
    pub fn read_file(
        &mut self,
        path: &Path,
        format: Option<Format>,
        mapping: Option<&Profile>,
    ) -> Result<FileSummary, FileError> {
        let mut progress = self.begin_file(&crate::file_name(path));
        let summary = crate::stream_file(path, format, mapping, &mut |event| self.take(&mut progress, event));
        match summary {
            Ok(summary) => self.end_file(progress, summary.clone()).map(|()| summary),
            Err(error) => {
                self.rewind(&progress);
                Err(error)
            }
        }
    }

    /// Adds a file already read whole (by [`crate::read_file`] or [`crate::read_bytes`]).
    pub fn add(&mut self, file: FileStatements) -> Result<(), FileError> {
        let FileStatements { file: summary, statements, errors } = file;
        let mut progress = self.begin_file(&summary.name);
        for error in errors {
            self.take(&mut progress, Event::Error(error));
        }
        for mut statement in statements {
            for entry in std::mem::take(&mut statement.entries) {
                self.take(&mut progress, Event::Entry(entry));
            }
            self.take(&mut progress, Event::Statement(statement));
        }
        self.end_file(progress, summary)
    }

    fn begin_file(&self, name: &str) -> FileInProgress {
        FileInProgress {
            name: name.to_owned(),
            first_entry: self.entries,
            first_key: self.keys.len(),
            start: self.written,
            ..FileInProgress::default()
        }
    }

    fn take(&mut self, progress: &mut FileInProgress, event: Event) {
        match event {
            Event::Entry(entry) => progress.pending.push(entry),
            Event::Error(error) => progress.errors.push(error),
            Event::Statement(statement) => {
                // Entries come before their statement; spreadsheets holding
                // several accounts interleave them, so match by index.
                let (mine, others): (Vec<Entry>, Vec<Entry>) = std::mem::take(&mut progress.pending)
                    .into_iter()
                    .partition(|entry| entry.statement == statement.index);
                progress.pending = others;
                // An unnamed account is told apart by file and statement.
                let account = if statement.account.is_empty() {
                    format!("{}#{}", progress.name, statement.index)
                } else {
                    statement.account.clone()
                };
                let flagged = !matches!(statement.check, BalanceCheck::Balanced | BalanceCheck::NotChecked { .. })
                    || matches!(&statement.check, BalanceCheck::NotChecked { reason } if reason.contains("cut short"));
                let file = self.files.len() as u32;
                for entry in &mine {
                    match spilled(file, &statement, &account, entry, flagged) {
                        Ok(spilled) => {
                            if let Err(error) = self.spill(spilled) {
                                progress.failure.get_or_insert(error);
                            }
                        }
                        Err(reason) => progress.errors.push(StatementError {
                            file: progress.name.clone(),
                            location: entry.location.clone(),
                            field: "date".into(),
                            reason,
                            severity: Severity::Error,
                        }),
                    }
                }
                let first_entry = mine.iter().filter_map(Entry::date).min();
                progress.statements.push((statement, account, first_entry));
            }
        }
    }

    fn spill(&mut self, spilled: Spilled) -> std::io::Result<()> {
        if !(spilled.from.starts_with("UNKNOWN:") || spilled.to.starts_with("UNKNOWN:")) {
            let key = self.hasher.hash_one((&spilled.from, &spilled.to, &spilled.currency, spilled.minor));
            self.keys.push((key, self.written));
        }
        let bytes = postcard::to_allocvec(&spilled).map_err(std::io::Error::other)?;
        self.entries += 1;
        self.spill.write_all(&(bytes.len() as u32).to_le_bytes())?;
        self.spill.write_all(&bytes)?;
        self.written += 4 + bytes.len() as u64;
        Ok(())
    }

    /// Forgets what a file added: it failed, or repeats an earlier file.
    fn rewind(&mut self, progress: &FileInProgress) {
        self.entries = progress.first_entry;
        self.keys.truncate(progress.first_key);
        self.written = progress.start;
        // The bytes past `start` are overwritten by the next file; the way
        // out reads only up to the last offset's record.
        if let Err(error) = self.spill.seek(SeekFrom::Start(progress.start)) {
            self.errors.push(spill_error(error));
        }
    }

    fn end_file(&mut self, mut progress: FileInProgress, summary: FileSummary) -> Result<(), FileError> {
        if let Some(error) = progress.failure.take() {
            self.rewind(&progress);
            return Err(FileError::Io { file: summary.name, source: error });
        }
        if let Some(first) = self.by_sha.get(&summary.sha256) {
            self.errors.push(StatementError {
                file: summary.name.clone(),
                location: Location::default(),
                field: "file".into(),
                reason: format!("same content as {first} (SHA-256 {}); skipped", summary.sha256),
                severity: Severity::Warning,
            });
            self.rewind(&progress);
            return Ok(());
        }
        self.by_sha.insert(summary.sha256.clone(), summary.name.clone());
        self.errors.append(&mut progress.errors);
        for (statement, account, first_entry) in progress.statements {
            self.statements.push(summarize(&summary, &statement));
            if let Some(row) = opening_row(&summary, &statement, &account, first_entry) {
                let date = row.timestamp.date_naive();
                if self.openings.get(&account).is_none_or(|(kept, _)| date < *kept) {
                    self.openings.insert(account, (date, row));
                }
            }
        }
        self.files.push(ReadFile { name: summary.name, sha256: summary.sha256 });
        Ok(())
    }

    /// Matches what can be one transfer and hands every surviving row to
    /// `on_row`: opening balances first, then entries in the order read.
    pub fn finish<E: From<std::io::Error>>(
        mut self,
        mut on_row: impl FnMut(LedgerRow) -> Result<(), E>,
    ) -> Result<ReconcileSummary, E> {
        self.spill.flush()?;
        let spill = self.spill.into_inner().map_err(|error| error.into_error())?;
        let mut reader = BufReader::with_capacity(1 << 20, spill);
        let mut keys = std::mem::take(&mut self.keys);
        keys.sort_unstable();
        let mut members: Vec<u64> = Vec::new();
        for run in keys.chunk_by(|a, b| a.0 == b.0) {
            if run.len() > 1 {
                members.extend(run.iter().map(|&(_, offset)| offset));
            }
        }
        drop(keys);
        members.sort_unstable();
        let mut loaded: HashMap<u64, Candidate> = HashMap::with_capacity(members.len());
        for &offset in &members {
            reader.seek(SeekFrom::Start(offset))?;
            let (spilled, _) = read_spilled(&mut reader)?;
            loaded.insert(offset, candidate(&self.files, spilled)?);
        }
        let (absorbed, additions, mut merged) = merge(&loaded);
        merged.sort_by(|a, b| a.kept.cmp(&b.kept).then_with(|| a.merged.cmp(&b.merged)));
        let mut summary = ReconcileSummary {
            rows: 0,
            statements: std::mem::take(&mut self.statements),
            merged,
            errors: std::mem::take(&mut self.errors),
        };
        let mut openings: Vec<LedgerRow> =
            std::mem::take(&mut self.openings).into_values().map(|(_, row)| row).collect();
        openings.sort_by(|a, b| a.timestamp.cmp(&b.timestamp).then_with(|| a.tx_id.cmp(&b.tx_id)));
        for row in openings {
            on_row(row)?;
            summary.rows += 1;
        }
        reader.seek(SeekFrom::Start(0))?;
        let mut offset = 0;
        for _ in 0..self.entries {
            let (spilled, length) = read_spilled(&mut reader)?;
            let start = offset;
            offset += length;
            if absorbed.contains(&start) {
                continue;
            }
            let mut row = match loaded.remove(&start) {
                Some(candidate) => candidate.row,
                None => candidate(&self.files, spilled)?.row,
            };
            if let Some(others) = additions.get(&start) {
                for &other in others {
                    if let Some(other) = loaded.get(&other) {
                        absorb(&mut row, other.row.clone());
                    }
                }
            }
            on_row(row)?;
            summary.rows += 1;
        }
        Ok(summary)
    }
}

/// The candidate of a spilled entry, its id and provenance completed from its file.
fn candidate(files: &[ReadFile], spilled: Spilled) -> std::io::Result<Candidate> {
    let file = &files[spilled.file as usize];
    let part = spilled.part.map(|(part, _)| format!(".{part}")).unwrap_or_default();
    let date = NaiveDate::from_num_days_from_ce_opt(spilled.date).unwrap_or_default();
    let currency = Currency::from_code(&spilled.currency).ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, format!("spilled currency {}", spilled.currency))
    })?;
    let row = LedgerRow {
        tx_id: format!("{}:{}:{}{part}", short_sha(&file.sha256), spilled.statement_index, spilled.entry),
        timestamp: DateTime::from_timestamp_millis(spilled.timestamp_ms).unwrap_or_else(|| midnight(date)),
        from: spilled.from,
        to: spilled.to,
        amount: Money::new(spilled.minor, currency),
        channel: spilled.channel,
        type_code: spilled.type_code,
        reference: spilled.end_to_end.clone().or_else(|| spilled.reference.clone()),
        counterparty_name: spilled.counterparty_name,
        description: spilled.description,
        flagged: spilled.flagged,
        sources: vec![Provenance {
            file: file.name.clone(),
            sha256: file.sha256.clone(),
            statement: spilled.statement_id,
            statement_index: spilled.statement_index,
            entry: spilled.entry,
            part: spilled.part,
            location: Location { line: spilled.line, path: spilled.path },
        }],
    };
    Ok(Candidate {
        row,
        date,
        side: spilled.side,
        end_to_end: spilled.end_to_end,
        reference: spilled.reference,
        bank_reference: spilled.bank_reference,
        file: spilled.file,
        statement_key: (spilled.file, spilled.statement_index),
        explorer: spilled.explorer,
    })
}

fn spill_error(error: std::io::Error) -> StatementError {
    StatementError {
        file: String::new(),
        location: Location::default(),
        field: "spill".into(),
        reason: format!("temporary file: {error}"),
        severity: Severity::Error,
    }
}

/// The next spilled entry and the bytes it took.
fn read_spilled(reader: &mut impl Read) -> std::io::Result<(Spilled, u64)> {
    let mut length = [0u8; 4];
    reader.read_exact(&mut length)?;
    let mut bytes = vec![0u8; u32::from_le_bytes(length) as usize];
    reader.read_exact(&mut bytes)?;
    let spilled = postcard::from_bytes(&bytes).map_err(std::io::Error::other)?;
    Ok((spilled, 4 + bytes.len() as u64))
}

/// An entry of a statement as the spill keeps it; `Err` when it has no date.
fn spilled(file: u32, statement: &Statement, account: &str, entry: &Entry, flagged: bool) -> Result<Spilled, String> {
    let date = entry.date().or(statement.closing.as_ref().and_then(|closing| closing.date)).ok_or_else(|| {
        format!("entry {} has no date and its statement no closing date; not in the ledger", entry.number)
    })?;
    let timestamp = entry.time.unwrap_or_else(|| midnight(date));
    let (from, to, side, explorer) = match &entry.transfer {
        Some((from, to)) => (from.clone(), to.clone(), String::new(), true),
        None => {
            // A bank naming the statement's own account as the counterparty
            // (Triodos's `?31`, a self-transfer) tells nothing about the other side.
            let is_self = |other: &str| other == account || account.ends_with(&format!("/{other}"));
            let other = entry
                .counterparty
                .account
                .clone()
                .filter(|other| !is_self(other))
                .unwrap_or_else(|| unknown_account(account));
            if entry.mark.sign() < 0 {
                (account.to_owned(), other, account.to_owned(), false)
            } else {
                (other, account.to_owned(), account.to_owned(), false)
            }
        }
    };
    Ok(Spilled {
        file,
        statement_index: statement.index,
        statement_id: statement.id.clone(),
        entry: entry.number,
        part: entry.part,
        line: entry.location.line,
        path: entry.location.path.clone(),
        timestamp_ms: timestamp.timestamp_millis(),
        from,
        to,
        minor: entry.amount.minor(),
        currency: entry.amount.currency().code().to_owned(),
        channel: statement.format.name().to_owned(),
        type_code: entry.type_code.clone(),
        counterparty_name: entry.counterparty.name.clone(),
        description: entry.remittance.clone(),
        flagged,
        date: chrono::Datelike::num_days_from_ce(&date),
        side,
        end_to_end: entry.end_to_end.clone(),
        reference: entry.reference.clone(),
        bank_reference: entry.bank_reference.clone(),
        explorer,
    })
}

/// How two rows of one transfer key relate, if they are one transfer.
fn match_kind(a: &Candidate, b: &Candidate) -> Option<&'static str> {
    if a.statement_key == b.statement_key || (a.date - b.date).num_days().abs() > 1 {
        return None;
    }
    let agree = |x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) => Some(x == y),
        _ => None,
    };
    if a.explorer || b.explorer {
        // Chain rows: the same transaction hash in two exports.
        return (a.explorer && b.explorer && a.file != b.file && agree(&a.reference, &b.reference) == Some(true))
            .then_some("reference");
    }
    let end_to_end = agree(&a.end_to_end, &b.end_to_end);
    if a.side == b.side {
        // One account's booking twice: only with the bank's own reference or
        // an end-to-end id to vouch for it, on the same day, from two files.
        let same_booking = agree(&a.bank_reference, &b.bank_reference) == Some(true) || end_to_end == Some(true);
        return (a.file != b.file && a.date == b.date && same_booking && end_to_end != Some(false))
            .then_some("duplicate");
    }
    match end_to_end {
        Some(true) => Some("end_to_end"),
        Some(false) => None,
        None => match agree(&a.reference, &b.reference) {
            Some(true) => Some("reference"),
            _ => Some("amount_and_date"),
        },
    }
}

fn rank(kind: &str) -> u8 {
    match kind {
        "end_to_end" => 0,
        "reference" => 1,
        "duplicate" => 2,
        _ => 3,
    }
}

type Merged = (HashSet<u64>, HashMap<u64, Vec<u64>>, Vec<Merge>);

/// Decides which loaded candidates (by where they start in the spill, which
/// is also the order they were read in) are one transfer: the absorbed
/// ones, each keeper's absorbed ones, and the merges to report. A row takes
/// part in one merge at most; of two merged rows the earlier booking keeps
/// its id.
fn merge(candidates: &HashMap<u64, Candidate>) -> Merged {
    let mut groups: HashMap<(&str, &str, &str, i64), Vec<u64>> = HashMap::new();
    for (&offset, candidate) in candidates {
        let row = &candidate.row;
        groups.entry((&row.from, &row.to, row.amount.currency().code(), row.amount.minor())).or_default().push(offset);
    }
    let mut absorbed: HashSet<u64> = HashSet::new();
    let mut additions: HashMap<u64, Vec<u64>> = HashMap::new();
    let mut merges = Vec::new();
    let mut group_list: Vec<Vec<u64>> = groups.into_values().filter(|members| members.len() > 1).collect();
    group_list.iter_mut().for_each(|members| members.sort_by_key(|offset| (candidates[offset].date, *offset)));
    group_list.sort();
    for members in group_list {
        // Every pair that could be one transfer (members are in date order,
        // and more than a day apart never is), strongest evidence first, so
        // an end-to-end match is never lost to an earlier amount-and-date one.
        let mut pairs = Vec::new();
        for (position, keeper) in members.iter().enumerate() {
            let kept = &candidates[keeper];
            for other in &members[position + 1..] {
                let days_apart = (candidates[other].date - kept.date).num_days();
                if days_apart > 1 {
                    break;
                }
                if let Some(kind) = match_kind(kept, &candidates[other]) {
                    pairs.push((rank(kind), days_apart, position, *keeper, *other, kind));
                }
            }
        }
        pairs.sort_unstable();
        let mut paired: HashSet<u64> = HashSet::new();
        for (_, days_apart, _, keeper, other, kind) in pairs {
            if paired.contains(&keeper) || paired.contains(&other) {
                continue;
            }
            paired.extend([keeper, other]);
            absorbed.insert(other);
            additions.entry(keeper).or_default().push(other);
            let kept = &candidates[&keeper];
            merges.push(Merge {
                kept: kept.row.tx_id.clone(),
                merged: candidates[&other].row.tx_id.clone(),
                by: kind,
                from: kept.row.from.clone(),
                to: kept.row.to.clone(),
                amount: kept.row.amount,
                days_apart,
            });
        }
    }
    (absorbed, additions, merges)
}

/// The kept row takes the other's sources and fills what it lacks from it.
fn absorb(row: &mut LedgerRow, other: LedgerRow) {
    row.timestamp = row.timestamp.min(other.timestamp);
    row.flagged |= other.flagged;
    row.counterparty_name = row.counterparty_name.take().or(other.counterparty_name);
    row.description = row.description.take().or(other.description);
    row.reference = row.reference.take().or(other.reference);
    row.type_code = row.type_code.take().or(other.type_code);
    row.sources.extend(other.sources);
}
