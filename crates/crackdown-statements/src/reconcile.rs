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

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use crackdown_model::Money;
use serde::Serialize;

use crate::model::{BalanceCheck, Entry, Location, Severity, Statement, StatementError, serialize_money};
use crate::{FileStatements, FileSummary};

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

/// A row before merging, with what matching needs.
struct Candidate {
    row: LedgerRow,
    date: NaiveDate,
    /// The statement account whose view this is (empty for explorer rows).
    side: String,
    end_to_end: Option<String>,
    reference: Option<String>,
    bank_reference: Option<String>,
    file_sha: String,
    statement_key: (usize, u32),
    explorer: bool,
}

/// The account a statement's unnamed counterparties are booked against.
pub fn unknown_account(statement_account: &str) -> String {
    format!("UNKNOWN:{statement_account}")
}

/// Builds the ledger of `files`: rows, summaries, merges and every error.
pub fn reconcile(files: Vec<FileStatements>) -> Reconciled {
    let mut reconciled = Reconciled::default();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut seen_files: HashMap<String, String> = HashMap::new();
    let mut openings: HashMap<String, (NaiveDate, LedgerRow)> = HashMap::new();
    for (file_index, file) in files.into_iter().enumerate() {
        let FileStatements { file: summary, statements, errors } = file;
        if let Some(first) = seen_files.get(&summary.sha256) {
            reconciled.errors.push(StatementError {
                file: summary.name.clone(),
                location: Location::default(),
                field: "file".into(),
                reason: format!("same content as {first} (SHA-256 {}); skipped", summary.sha256),
                severity: Severity::Warning,
            });
            continue;
        }
        seen_files.insert(summary.sha256.clone(), summary.name.clone());
        reconciled.errors.extend(errors);
        for statement in statements {
            reconciled.statements.push(summarize(&summary, &statement));
            let flagged = !matches!(statement.check, BalanceCheck::Balanced | BalanceCheck::NotChecked { .. })
                || matches!(&statement.check, BalanceCheck::NotChecked { reason } if reason.contains("cut short"));
            let account = if statement.account.is_empty() {
                format!("{}#{}", summary.name, statement.index)
            } else {
                statement.account.clone()
            };
            if let Some(row) = opening_row(&summary, &statement, &account) {
                let date = row.timestamp.date_naive();
                let earlier = openings.get(&account).is_none_or(|(kept, _)| date < *kept);
                if earlier {
                    openings.insert(account.clone(), (date, row));
                }
            }
            for entry in &statement.entries {
                match candidate(&summary, &statement, &account, entry, flagged, file_index) {
                    Ok(candidate) => candidates.push(candidate),
                    Err(reason) => reconciled.errors.push(StatementError {
                        file: summary.name.clone(),
                        location: entry.location.clone(),
                        field: "date".into(),
                        reason,
                        severity: Severity::Error,
                    }),
                }
            }
        }
    }
    let (mut rows, merged) = merge(candidates);
    rows.extend(openings.into_values().map(|(_, row)| row));
    // Time order; on one instant an opening balance comes before what it funds.
    let is_transfer = |row: &LedgerRow| row.channel != OPENING_BALANCE_CHANNEL;
    rows.sort_by(|a, b| {
        a.timestamp
            .cmp(&b.timestamp)
            .then_with(|| is_transfer(a).cmp(&is_transfer(b)))
            .then_with(|| a.tx_id.cmp(&b.tx_id))
    });
    reconciled.rows = rows;
    reconciled.merged = merged;
    reconciled
}

fn summarize(file: &FileSummary, statement: &Statement) -> StatementSummary {
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

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

fn opening_row(file: &FileSummary, statement: &Statement, account: &str) -> Option<LedgerRow> {
    let opening = statement.opening.as_ref()?;
    if opening.amount.minor() <= 0 {
        return None;
    }
    let date = opening
        .date
        .or_else(|| statement.entries.iter().filter_map(Entry::date).min())
        .or(statement.closing.as_ref().and_then(|closing| closing.date))?;
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

fn short_sha(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

fn candidate(
    file: &FileSummary,
    statement: &Statement,
    account: &str,
    entry: &Entry,
    flagged: bool,
    file_index: usize,
) -> Result<Candidate, String> {
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
    let part = entry.part.map(|(part, _)| format!(".{part}")).unwrap_or_default();
    let row = LedgerRow {
        tx_id: format!("{}:{}:{}{part}", short_sha(&file.sha256), statement.index, entry.number),
        timestamp,
        from,
        to,
        amount: entry.amount,
        channel: statement.format.name().to_owned(),
        type_code: entry.type_code.clone(),
        reference: entry.end_to_end.clone().or_else(|| entry.reference.clone()),
        counterparty_name: entry.counterparty.name.clone(),
        description: entry.remittance.clone(),
        flagged,
        sources: vec![Provenance {
            file: file.name.clone(),
            sha256: file.sha256.clone(),
            statement: statement.id.clone(),
            statement_index: statement.index,
            entry: entry.number,
            part: entry.part,
            location: entry.location.clone(),
        }],
    };
    Ok(Candidate {
        row,
        date,
        side,
        end_to_end: entry.end_to_end.clone(),
        reference: entry.reference.clone(),
        bank_reference: entry.bank_reference.clone(),
        file_sha: file.sha256.clone(),
        statement_key: (file_index, statement.index),
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
        return (a.explorer
            && b.explorer
            && a.file_sha != b.file_sha
            && agree(&a.reference, &b.reference) == Some(true))
        .then_some("reference");
    }
    let end_to_end = agree(&a.end_to_end, &b.end_to_end);
    if a.side == b.side {
        // One account's booking twice: only with the bank's own reference or
        // an end-to-end id to vouch for it, on the same day, from two files.
        let same_booking = agree(&a.bank_reference, &b.bank_reference) == Some(true) || end_to_end == Some(true);
        return (a.file_sha != b.file_sha && a.date == b.date && same_booking && end_to_end != Some(false))
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

/// Merges rows that are one transfer; returns the surviving rows and merges.
fn merge(candidates: Vec<Candidate>) -> (Vec<LedgerRow>, Vec<Merge>) {
    let mut groups: HashMap<(String, String, &'static str, i64), Vec<usize>> = HashMap::new();
    for (index, candidate) in candidates.iter().enumerate() {
        let row = &candidate.row;
        if row.from.starts_with("UNKNOWN:") || row.to.starts_with("UNKNOWN:") {
            continue;
        }
        groups
            .entry((row.from.clone(), row.to.clone(), row.amount.currency().code(), row.amount.minor()))
            .or_default()
            .push(index);
    }
    let mut absorbed: HashSet<usize> = HashSet::new();
    let mut extra_sources: HashMap<usize, Vec<(usize, &'static str)>> = HashMap::new();
    let mut group_list: Vec<Vec<usize>> = groups.into_values().filter(|members| members.len() > 1).collect();
    group_list.sort();
    for mut members in group_list {
        members.sort_by_key(|&index| (candidates[index].date, index));
        for (position, &keeper) in members.iter().enumerate() {
            if absorbed.contains(&keeper) {
                continue;
            }
            let best = members[position + 1..]
                .iter()
                .filter(|other| !absorbed.contains(other))
                .filter_map(|&other| {
                    match_kind(&candidates[keeper], &candidates[other]).map(|kind| {
                        (rank(kind), (candidates[other].date - candidates[keeper].date).num_days().abs(), other, kind)
                    })
                })
                .min();
            if let Some((_, _, other, kind)) = best {
                absorbed.insert(other);
                extra_sources.entry(keeper).or_default().push((other, kind));
            }
        }
    }
    let mut merges = Vec::new();
    let mut sources_to_add: HashMap<usize, Vec<LedgerRow>> = HashMap::new();
    let mut rows: Vec<Option<LedgerRow>> = candidates.iter().map(|candidate| Some(candidate.row.clone())).collect();
    for (&keeper, others) in &extra_sources {
        for &(other, kind) in others {
            if let Some(row) = rows[other].take() {
                let kept = &candidates[keeper];
                merges.push(Merge {
                    kept: kept.row.tx_id.clone(),
                    merged: row.tx_id.clone(),
                    by: kind,
                    from: kept.row.from.clone(),
                    to: kept.row.to.clone(),
                    amount: kept.row.amount,
                    days_apart: (candidates[other].date - kept.date).num_days().abs(),
                });
                sources_to_add.entry(keeper).or_default().push(row);
            }
        }
    }
    for (keeper, others) in sources_to_add {
        if let Some(row) = rows[keeper].as_mut() {
            for other in others {
                row.timestamp = row.timestamp.min(other.timestamp);
                row.flagged |= other.flagged;
                row.counterparty_name = row.counterparty_name.take().or(other.counterparty_name);
                row.description = row.description.take().or(other.description);
                row.reference = row.reference.take().or(other.reference);
                row.type_code = row.type_code.take().or(other.type_code);
                row.sources.extend(other.sources);
            }
        }
    }
    merges.sort_by(|a, b| a.kept.cmp(&b.kept).then_with(|| a.merged.cmp(&b.merged)));
    (rows.into_iter().flatten().collect(), merges)
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
