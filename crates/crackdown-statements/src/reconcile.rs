//! Statements become one ledger.
//!
//! A statement is one account's view: each entry becomes a transfer between
//! the statement's account and its counterparty (debit: account →
//! counterparty; credit: counterparty → account). A counterparty the bank
//! does not name is booked against `UNKNOWN:<statement account>`, never
//! dropped. The same transfer seen from both sides (the payer's bank and the
//! payee's bank both sent statements) is merged into one row when accounts,
//! amount and currency agree, the dates are at most a day apart and the
//! references do not contradict each other; every merge is reported. The
//! same booking delivered twice for one account (a camt.053 and an MT940 of
//! the same day, or overlapping statements) is merged when the bank's
//! reference or end-to-end id also agree. Each account's first statement with
//! a positive opening balance gives an `opening_balance` row from
//! `OPENING:<account>`, the money the account held when the records start.

use chrono::{DateTime, NaiveDate, Utc};
use crackdown_model::Money;
use serde::Serialize;

use crate::model::{BalanceCheck, Location, Severity, Statement, StatementError, serialize_money};
use crate::{FileError, FileStatements, FileSummary, Reconciler};

/// The channel of opening-balance rows, as `crackdown-trail` reads it.
pub const OPENING_BALANCE_CHANNEL: &str = "opening_balance";

/// Where a ledger row came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Provenance {
    pub file: String,
    pub sha256: String,
    /// The statement's own id (`:20:`, camt `Id`).
    pub statement: String,
    /// 1-based ordinal of the statement in the file.
    pub statement_index: u32,
    /// 1-based entry number in the statement (0 for an opening balance).
    pub entry: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<(u32, u32)>,
    pub location: Location,
}

/// One transfer of the reconciled ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LedgerRow {
    /// Stable: `<first 12 hex of the file's SHA-256>:<statement>:<entry>[.<part>]`.
    pub tx_id: String,
    pub timestamp: DateTime<Utc>,
    pub from: String,
    pub to: String,
    #[serde(serialize_with = "serialize_money")]
    pub amount: Money,
    /// The file format (`mt940`, `camt053`…) or `opening_balance`.
    pub channel: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_code: Option<String>,
    /// End-to-end id, else the customer reference or transaction hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterparty_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// From a statement that does not balance or was cut short.
    pub flagged: bool,
    /// One source, or two when both sides' statements showed it.
    pub sources: Vec<Provenance>,
}

/// Per-statement summary for the investigator's import report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatementSummary {
    pub file: String,
    pub statement: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub account: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opening: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closing: Option<String>,
    pub entries: u32,
    /// `None` when there was nothing to check against.
    pub balanced: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference: Option<String>,
}

/// Two rows found to be one transfer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Merge {
    pub kept: String,
    pub merged: String,
    /// `end_to_end`, `reference`, `amount_and_date` (both sides), or
    /// `duplicate` (the same booking delivered twice for one account).
    pub by: &'static str,
    pub from: String,
    pub to: String,
    #[serde(serialize_with = "serialize_money")]
    pub amount: Money,
    pub days_apart: i64,
}

/// The ledger of a set of files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Reconciled {
    pub rows: Vec<LedgerRow>,
    pub statements: Vec<StatementSummary>,
    pub merged: Vec<Merge>,
    pub errors: Vec<StatementError>,
}

/// The account a statement's unnamed counterparties are booked against.
pub fn unknown_account(statement_account: &str) -> String {
    format!("UNKNOWN:{statement_account}")
}

/// Builds the ledger of `files` in memory: rows in time order (on one
/// instant an opening balance before what it funds), summaries, merges and
/// every error. Imports use [`crate::Reconciler`] over a spill file instead.
pub fn reconcile(files: Vec<FileStatements>) -> Reconciled {
    let mut reconciler = Reconciler::in_memory();
    let mut problems = Vec::new();
    for file in files {
        if let Err(error) = reconciler.add(file) {
            problems.push(error);
        }
    }
    let mut rows = Vec::new();
    let finished = reconciler.finish(|row| {
        rows.push(row);
        Ok::<(), std::io::Error>(())
    });
    let mut reconciled = Reconciled::default();
    match finished {
        Ok(summary) => {
            reconciled.statements = summary.statements;
            reconciled.merged = summary.merged;
            reconciled.errors = summary.errors;
        }
        Err(error) => problems.push(FileError::Io { file: String::new(), source: error }),
    }
    reconciled.errors.extend(problems.into_iter().map(|problem| StatementError {
        file: problem.file().to_owned(),
        location: Location::default(),
        field: "file".into(),
        reason: problem.to_string(),
        severity: Severity::Error,
    }));
    let is_transfer = |row: &LedgerRow| row.channel != OPENING_BALANCE_CHANNEL;
    rows.sort_by(|a, b| {
        a.timestamp
            .cmp(&b.timestamp)
            .then_with(|| is_transfer(a).cmp(&is_transfer(b)))
            .then_with(|| a.tx_id.cmp(&b.tx_id))
    });
    reconciled.rows = rows;
    reconciled
}

pub(crate) fn summarize(file: &FileSummary, statement: &Statement) -> StatementSummary {
    let difference = match (&statement.check, statement.closing.as_ref().or(statement.opening.as_ref())) {
        (BalanceCheck::Mismatch { difference }, Some(balance)) => {
            Some(Money::new(*difference, balance.amount.currency()).decimal())
        }
        (BalanceCheck::Mismatch { difference }, None) => Some(difference.to_string()),
        _ => None,
    };
    StatementSummary {
        file: file.name.clone(),
        statement: statement.id.clone(),
        number: statement.number.clone(),
        account: statement.account.clone(),
        currency: statement.currency.map(|currency| currency.code().to_owned()),
        opening: statement.opening.as_ref().map(|balance| balance.amount.decimal()),
        closing: statement.closing.as_ref().map(|balance| balance.amount.decimal()),
        entries: statement.entry_count,
        balanced: statement.check.is_balanced(),
        difference,
    }
}

pub(crate) fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// `first_entry`: the earliest entry date, for a balance that names no date
/// (entries reach the reconciler apart from their statement).
pub(crate) fn opening_row(
    file: &FileSummary,
    statement: &Statement,
    account: &str,
    first_entry: Option<NaiveDate>,
) -> Option<LedgerRow> {
    let opening = statement.opening.as_ref()?;
    if opening.amount.minor() <= 0 {
        return None;
    }
    let date = opening.date.or(first_entry).or(statement.closing.as_ref().and_then(|closing| closing.date))?;
    Some(LedgerRow {
        tx_id: format!("{}:{}:opening", short_sha(&file.sha256), statement.index),
        timestamp: midnight(date),
        from: format!("OPENING:{account}"),
        to: account.to_owned(),
        amount: opening.amount,
        channel: OPENING_BALANCE_CHANNEL.into(),
        type_code: Some(opening.kind.clone()),
        reference: None,
        counterparty_name: None,
        description: Some(format!("opening balance of statement {}", statement.id)),
        flagged: false,
        sources: vec![Provenance {
            file: file.name.clone(),
            sha256: file.sha256.clone(),
            statement: statement.id.clone(),
            statement_index: statement.index,
            entry: 0,
            part: None,
            location: statement.location.clone(),
        }],
    })
}

pub(crate) fn short_sha(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// Writes rows in `crackdown-trail`'s native ledger CSV (`tx_id,timestamp,
/// from_account,to_account,amount,currency,channel`) with the provenance as
/// extra columns, which the trail reader keeps.
pub fn write_ledger_csv(rows: &[LedgerRow], output: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(output);
    writer.write_record([
        "tx_id",
        "timestamp",
        "from_account",
        "to_account",
        "amount",
        "currency",
        "channel",
        "type_code",
        "reference",
        "counterparty_name",
        "description",
        "flagged",
        "source_file",
        "source_sha256",
        "source_statement",
        "source_entry",
        "source_location",
    ])?;
    for row in rows {
        let join = |part: &dyn Fn(&Provenance) -> String| row.sources.iter().map(part).collect::<Vec<_>>().join(" | ");
        writer.write_record([
            row.tx_id.as_str(),
            &row.timestamp.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            &row.from,
            &row.to,
            &row.amount.decimal(),
            row.amount.currency().code(),
            &row.channel,
            row.type_code.as_deref().unwrap_or(""),
            row.reference.as_deref().unwrap_or(""),
            row.counterparty_name.as_deref().unwrap_or(""),
            row.description.as_deref().unwrap_or(""),
            if row.flagged { "true" } else { "false" },
            &join(&|source| source.file.clone()),
            &join(&|source| source.sha256.clone()),
            &join(&|source| source.statement.clone()),
            &join(&|source| match source.part {
                Some((part, of)) => format!("{}.{part}/{of}", source.entry),
                None => source.entry.to_string(),
            }),
            &join(&|source| source.location.to_string()),
        ])?;
    }
    writer.flush()
}
