//! Seized ledgers and account reference data (the money trail).
//!
//! A ledger is evidence of one organisation's case: every row carries the
//! importing organisation's id, and only that organisation's admins and
//! analysts may import or read it (reporters and partners may not, whatever
//! the TLP of related reports). Every query filters on the viewer's org.
//!
//! Transfers are inserted in whole-batch transactions with multi-row
//! `INSERT ... ON CONFLICT DO NOTHING`, so a killed import leaves whole
//! batches and a rerun recognises what is already stored by `(org, tx_id)`.
//! A batch ([`TransferBatch`]) keeps its text in one buffer that the
//! statements bind slices of: no allocation per row or field.
//! The row id is the arrival order; reading back pages by id, so memory
//! stays bounded by a page.

use std::ops::Range;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use crackdown_model::{Currency, Money, Viewer};
use serde::Serialize;

use crate::db::{Cells, Conn, RowInsert, Value};
use crate::{Store, StoreError, from_ms, to_ms};

/// One transfer of a ledger, as stored and read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerRow {
    /// Line of the record in its file (1 = header).
    pub line: u64,
    pub tx_id: String,
    /// Stored at millisecond precision.
    pub at: DateTime<Utc>,
    pub from: String,
    pub to: String,
    pub amount: Money,
    /// What reached the recipient on a conversion leg.
    pub received: Option<Money>,
    pub channel: String,
    /// Columns the format does not interpret, as a JSON object text.
    pub extra: Option<String>,
}

/// A [`LedgerRow`] borrowed from the database's row buffer, seen by
/// [`Store::ledger_scan`]: loading a ten-million-row ledger this way copies
/// each text once, into the caller's own structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LedgerRowRef<'a> {
    pub line: u64,
    pub tx_id: &'a str,
    pub at: DateTime<Utc>,
    pub from: &'a str,
    pub to: &'a str,
    pub amount: Money,
    pub received: Option<Money>,
    pub channel: &'a str,
    pub extra: Option<&'a str>,
}

impl LedgerRowRef<'_> {
    pub fn to_owned_row(&self) -> LedgerRow {
        LedgerRow {
            line: self.line,
            tx_id: self.tx_id.to_owned(),
            at: self.at,
            from: self.from.to_owned(),
            to: self.to.to_owned(),
            amount: self.amount,
            received: self.received,
            channel: self.channel.to_owned(),
            extra: self.extra.map(str::to_owned),
        }
    }
}

/// One transfer of a [`TransferBatch`]: numbers inline, text as ranges of the batch's buffer.
#[derive(Clone, Debug)]
pub(crate) struct BatchRow {
    line: u64,
    tx_id: Range<usize>,
    at_ms: i64,
    from: Range<usize>,
    to: Range<usize>,
    amount: Money,
    received: Option<Money>,
    channel: Range<usize>,
    extra: Option<Range<usize>>,
    /// File, statement and entry, for rows read from bank statements.
    source: Option<[Range<usize>; 3]>,
}

/// Where a transfer read from a bank statement or explorer export came from.
/// Each field joins several sources with `" | "` when both banks' views of
/// one transfer were merged into the row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TransferSource {
    pub source_file: String,
    /// The statement's own id (`:20:`, camt `Id`).
    pub source_statement: String,
    /// The entry number in its statement (`3`, or `3.1/2` for a part of a batched entry).
    pub source_entry: String,
}

/// Transfers on their way into the store, their text in one buffer: filling
/// a batch allocates nothing per row, and the statement binds slices of the
/// shared buffer (see [`Value::Shared`]) instead of one string per field.
#[derive(Clone, Debug, Default)]
pub struct TransferBatch {
    text: String,
    rows: Vec<BatchRow>,
}

impl TransferBatch {
    pub fn with_capacity(rows: usize) -> TransferBatch {
        // A generated or bank row's ids, accounts and channel take 60-90 bytes.
        TransferBatch { text: String::with_capacity(rows * 96), rows: Vec::with_capacity(rows) }
    }

    fn span(&mut self, text: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(text);
        start..self.text.len()
    }

    /// Adds one transfer from `from` to `to`. `received` is what reached
    /// the recipient on a conversion leg; `extra` the columns the format
    /// does not interpret, as a JSON object text.
    pub fn push(
        &mut self,
        (line, tx_id): (u64, &str),
        at: DateTime<Utc>,
        (from, to): (&str, &str),
        (amount, received): (Money, Option<Money>),
        channel: &str,
        extra: Option<&str>,
    ) {
        let row = BatchRow {
            line,
            tx_id: self.span(tx_id),
            at_ms: to_ms(at),
            from: self.span(from),
            to: self.span(to),
            amount,
            received: received.filter(|received| *received != amount),
            channel: self.span(channel),
            extra: extra.map(|extra| self.span(extra)),
            source: None,
        };
        self.rows.push(row);
    }

    /// Records where the transfer added last came from (see [`TransferSource`]).
    pub fn set_source(&mut self, file: &str, statement: &str, entry: &str) {
        let source = [self.span(file), self.span(statement), self.span(entry)];
        if let Some(row) = self.rows.last_mut() {
            row.source = Some(source);
        }
    }

    /// Adds a transfer as read back from the store (see [`Store::ledger_scan`]).
    pub fn push_row(&mut self, row: LedgerRowRef<'_>) {
        self.push(
            (row.line, row.tx_id),
            row.at,
            (row.from, row.to),
            (row.amount, row.received),
            row.channel,
            row.extra,
        );
    }

    /// The transfers in the order they were added, borrowed from the batch.
    pub fn rows(&self) -> impl Iterator<Item = LedgerRowRef<'_>> {
        let text = |range: &Range<usize>| self.text.get(range.clone()).unwrap_or_default();
        self.rows.iter().map(move |row| LedgerRowRef {
            line: row.line,
            tx_id: text(&row.tx_id),
            // Stored from a `DateTime`, so always in range.
            at: DateTime::from_timestamp_millis(row.at_ms).unwrap_or_default(),
            from: text(&row.from),
            to: text(&row.to),
            amount: row.amount,
            received: row.received,
            channel: text(&row.channel),
            extra: row.extra.as_ref().map(text),
        })
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// The shared text and the rows that slice it, for the insert.
    pub(crate) fn into_parts(self) -> (String, Vec<BatchRow>) {
        (self.text, self.rows)
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// An account of `accounts.csv`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LedgerAccount {
    pub account: String,
    pub country: Option<String>,
    /// person, business, merchant, employer, utility, exchange, cash or unknown.
    pub kind: String,
}

/// A row of a batch that was not stored because its tx id is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DuplicateTransfer {
    pub line: u64,
    pub tx_id: String,
    /// Stored by an earlier import (a rerun), rather than earlier in this one.
    pub earlier_import: bool,
    /// Line of the stored occurrence in its file.
    pub stored_line: u64,
}

/// What became of one batch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TransferOutcome {
    pub inserted: u64,
    pub duplicates: Vec<DuplicateTransfer>,
}

/// Rows per INSERT statement. With the organisation and import bound once
/// per statement, 16 rows took fewer instructions per row than 64 (under
/// callgrind, 200,000 generated rows, when SQLite still copied each bound
/// text); one row per statement took as many as 16 (the per-statement work
/// of opening cursors and halting then counts per row).
const ROWS_PER_STATEMENT: usize = 16;

/// Parameters bound once per statement ($1 organisation, $2 import); each row then binds these many.
const ROW_PARAMETERS: usize = 14;

const TRANSFER_COLUMNS: &str = "ledger_transfers (org_id, import_id, line, tx_id, at, from_account, to_account, \
     amount_minor, currency, received_minor, received_currency, channel, extra, source_file, source_statement, \
     source_entry)";

/// The columns [`read_transfer`] reads, then the provenance.
const SELECT_WITH_SOURCE: &str = "SELECT id, line, tx_id, at, from_account, to_account, amount_minor, currency, \
     received_minor, received_currency, channel, extra, source_file, source_statement, source_entry \
     FROM ledger_transfers";

fn read_source(row: &Cells<'_, '_>) -> Result<Option<TransferSource>, StoreError> {
    Ok(match (row.opt_text(12)?, row.opt_text(13)?, row.opt_text(14)?) {
        (Some(file), statement, entry) => Some(TransferSource {
            source_file: file.to_owned(),
            source_statement: statement.unwrap_or_default().to_owned(),
            source_entry: entry.unwrap_or_default().to_owned(),
        }),
        _ => None,
    })
}

/// Ledgers are case evidence: only the owning organisation's admins and analysts touch them.
pub(crate) fn require_case_worker(viewer: &Viewer) -> Result<(), StoreError> {
    if viewer.role.may_work_ledgers() {
        Ok(())
    } else {
        Err(StoreError::Forbidden(format!(
            "{} is a {}; ledgers are read and imported by their organisation's admins and analysts only",
            viewer.user_name, viewer.role
        )))
    }
}

fn currency(code: &str) -> Result<Currency, StoreError> {
    Currency::from_code(code).ok_or_else(|| StoreError::Schema(format!("unknown currency {code:?} in the ledger")))
}

fn line(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn read_transfer<'a>(row: Cells<'_, 'a>) -> Result<(i64, LedgerRowRef<'a>), StoreError> {
    let received = match (row.opt_int(8)?, row.opt_text(9)?) {
        (Some(minor), Some(code)) => Some(Money::new(minor, currency(code)?)),
        _ => None,
    };
    Ok((
        row.int(0)?,
        LedgerRowRef {
            line: line(row.int(1)?),
            tx_id: row.text(2)?,
            at: from_ms(row.int(3)?)?,
            from: row.text(4)?,
            to: row.text(5)?,
            amount: Money::new(row.int(6)?, currency(row.text(7)?)?),
            received,
            channel: row.text(10)?,
            extra: row.opt_text(11)?,
        },
    ))
}

/// Finds which rows of a chunk were not inserted, and why.
fn find_duplicates(
    conn: &mut dyn Conn,
    org: i64,
    import_id: i64,
    chunk: &[(u64, String)],
    out: &mut Vec<DuplicateTransfer>,
) -> Result<(), StoreError> {
    let mut params = vec![Value::Int(org)];
    let mut placeholders = Vec::with_capacity(chunk.len());
    for (_, tx_id) in chunk {
        params.push(Value::Text(tx_id.clone()));
        placeholders.push(format!("${}", params.len()));
    }
    let sql = format!(
        "SELECT tx_id, import_id, line FROM ledger_transfers WHERE org_id = $1 AND tx_id IN ({})",
        placeholders.join(",")
    );
    let mut stored = std::collections::HashMap::new();
    for found in conn.query(&sql, &params)? {
        stored.insert(found.text(0)?, (found.int(1)?, line(found.int(2)?)));
    }
    for (line, tx_id) in chunk {
        if let Some(&(import, stored_line)) = stored.get(tx_id)
            && (import != import_id || stored_line != *line)
        {
            out.push(DuplicateTransfer {
                line: *line,
                tx_id: tx_id.clone(),
                earlier_import: import != import_id,
                stored_line,
            });
        }
    }
    Ok(())
}

/// Records the start of an import of `file` and returns its id.
pub(crate) fn insert_import(
    conn: &mut dyn Conn,
    viewer: &Viewer,
    file: &str,
    format: &str,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let row = conn
        .query_one(
            "INSERT INTO ledger_imports (org_id, user_id, file, format, started_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            &[
                Value::Int(viewer.org_id),
                Value::Int(viewer.user_id),
                Value::from(file),
                Value::from(format),
                Value::Int(to_ms(now)),
            ],
        )?
        .ok_or_else(|| StoreError::Database("the import row was not created".into()))?;
    row.int(0)
}

/// Inserts `batch` on `conn` (inside the caller's transaction); rows whose
/// tx id the organisation already holds are skipped and listed.
pub(crate) fn insert_batch(
    conn: &mut dyn Conn,
    org: i64,
    import_id: i64,
    (text, rows): (&Arc<String>, &[BatchRow]),
) -> Result<TransferOutcome, StoreError> {
    let shared = |range: &Range<usize>| Value::Shared(Arc::clone(text), range.clone());
    let fixed = [Value::Int(org), Value::Int(import_id)];
    let insert = RowInsert {
        into: TRANSFER_COLUMNS,
        fixed: &fixed,
        width: ROW_PARAMETERS,
        skip_conflicts_on: "(org_id, tx_id)",
    };
    let mut outcome = TransferOutcome::default();
    let mut values = Vec::with_capacity(ROWS_PER_STATEMENT * ROW_PARAMETERS);
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        values.clear();
        for row in chunk {
            values.extend([
                Value::Int(i64::try_from(row.line).unwrap_or(i64::MAX)),
                shared(&row.tx_id),
                Value::Int(row.at_ms),
                shared(&row.from),
                shared(&row.to),
                Value::Int(row.amount.minor()),
                Value::Static(row.amount.currency().code()),
                row.received.map_or(Value::Null, |money| Value::Int(money.minor())),
                row.received.map_or(Value::Null, |money| Value::Static(money.currency().code())),
                shared(&row.channel),
                row.extra.as_ref().map_or(Value::Null, shared),
            ]);
            match &row.source {
                Some([file, statement, entry]) => values.extend([shared(file), shared(statement), shared(entry)]),
                None => values.extend([Value::Null, Value::Null, Value::Null]),
            }
        }
        let inserted = conn.insert_run(&insert, &values)?;
        outcome.inserted += inserted;
        if inserted < chunk.len() as u64 {
            let ids: Vec<(u64, String)> = chunk
                .iter()
                .map(|row| (row.line, text.get(row.tx_id.clone()).unwrap_or_default().to_owned()))
                .collect();
            find_duplicates(conn, org, import_id, &ids, &mut outcome.duplicates)?;
        }
    }
    Ok(outcome)
}

impl Store {
    /// Starts an import of `file` into the viewer's organisation's ledger.
    pub fn begin_ledger_import(
        &self,
        viewer: &Viewer,
        file: &str,
        format: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        require_case_worker(viewer)?;
        self.pool.with(|conn| insert_import(conn, viewer, file, format, now))
    }

    /// Stores a batch of transfers in one transaction: all of them or, on an
    /// error, none. Rows whose tx id is already stored for the organisation
    /// are skipped and listed.
    pub fn insert_transfers(
        &self,
        viewer: &Viewer,
        import_id: i64,
        batch: TransferBatch,
    ) -> Result<TransferOutcome, StoreError> {
        require_case_worker(viewer)?;
        let text = Arc::new(batch.text);
        self.pool
            .with(|conn| conn.transaction(|conn| insert_batch(conn, viewer.org_id, import_id, (&text, &batch.rows))))
    }

    /// Stores `accounts.csv` rows in one transaction; a later import of an
    /// account replaces its country and kind. Returns the rows written.
    pub fn upsert_ledger_accounts(&self, viewer: &Viewer, accounts: &[LedgerAccount]) -> Result<u64, StoreError> {
        require_case_worker(viewer)?;
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let mut written = 0;
                for account in accounts {
                    written += conn.execute(
                        "INSERT INTO ledger_accounts (org_id, account, country, kind) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (org_id, account) DO UPDATE SET country = excluded.country, kind = excluded.kind",
                        &[
                            Value::Int(viewer.org_id),
                            Value::from(account.account.as_str()),
                            Value::from(account.country.clone()),
                            Value::from(account.kind.as_str()),
                        ],
                    )?;
                }
                Ok(written)
            })
        })
    }

    /// The organisation's accounts, by name.
    pub fn ledger_accounts(&self, viewer: &Viewer) -> Result<Vec<LedgerAccount>, StoreError> {
        require_case_worker(viewer)?;
        let rows = self.pool.with(|conn| {
            conn.query(
                "SELECT account, country, kind FROM ledger_accounts WHERE org_id = $1 ORDER BY account",
                &[Value::Int(viewer.org_id)],
            )
        })?;
        rows.iter()
            .map(|row| Ok(LedgerAccount { account: row.text(0)?, country: row.opt_text(1)?, kind: row.text(2)? }))
            .collect()
    }

    /// Up to `limit` transfers of the organisation's ledger after row id
    /// `after` (0 to start), in arrival order, each with its row id.
    pub fn ledger_page(&self, viewer: &Viewer, after: i64, limit: usize) -> Result<Vec<(i64, LedgerRow)>, StoreError> {
        let mut page = Vec::new();
        self.ledger_scan(viewer, after, limit, &mut |id, row| {
            page.push((id, row.to_owned_row()));
            Ok(())
        })?;
        Ok(page)
    }

    /// Hands `each` up to `limit` transfers after row id `after` (0 to
    /// start), in arrival order, borrowed; returns the last row id seen, or
    /// `None` past the end. The unary `+` keeps SQLite on the id range
    /// instead of the (org, tx id) index, which would sort the whole ledger
    /// for every page.
    pub fn ledger_scan(
        &self,
        viewer: &Viewer,
        after: i64,
        limit: usize,
        each: &mut dyn FnMut(i64, LedgerRowRef<'_>) -> Result<(), StoreError>,
    ) -> Result<Option<i64>, StoreError> {
        require_case_worker(viewer)?;
        let mut last = None;
        self.pool.with(|conn| {
            conn.query_each(
                "SELECT id, line, tx_id, at, from_account, to_account, amount_minor, currency, received_minor, \
                 received_currency, channel, extra FROM ledger_transfers \
                 WHERE id > $2 AND +org_id = $1 ORDER BY id LIMIT $3",
                &[Value::Int(viewer.org_id), Value::Int(after), Value::Int(i64::try_from(limit).unwrap_or(i64::MAX))],
                &mut |row| {
                    let (id, transfer) = read_transfer(row)?;
                    last = Some(id);
                    each(id, transfer)
                },
            )
        })?;
        Ok(last)
    }

    /// Like [`Store::ledger_page`], each row with its provenance (for
    /// `ledger export --csv`).
    pub fn ledger_page_with_sources(
        &self,
        viewer: &Viewer,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, LedgerRow, Option<TransferSource>)>, StoreError> {
        require_case_worker(viewer)?;
        let mut page = Vec::new();
        self.pool.with(|conn| {
            conn.query_each(
                &format!("{SELECT_WITH_SOURCE} WHERE id > $2 AND +org_id = $1 ORDER BY id LIMIT $3"),
                &[Value::Int(viewer.org_id), Value::Int(after), Value::Int(i64::try_from(limit).unwrap_or(i64::MAX))],
                &mut |row| {
                    let source = read_source(&row)?;
                    let (id, transfer) = read_transfer(row)?;
                    page.push((id, transfer.to_owned_row(), source));
                    Ok(())
                },
            )
        })?;
        Ok(page)
    }

    /// One transfer of the organisation's ledger by tx id, with its provenance.
    pub fn ledger_transfer(
        &self,
        viewer: &Viewer,
        tx_id: &str,
    ) -> Result<Option<(LedgerRow, Option<TransferSource>)>, StoreError> {
        require_case_worker(viewer)?;
        let mut found = None;
        self.pool.with(|conn| {
            conn.query_each(
                &format!("{SELECT_WITH_SOURCE} WHERE org_id = $1 AND tx_id = $2"),
                &[Value::Int(viewer.org_id), Value::from(tx_id)],
                &mut |row| {
                    let source = read_source(&row)?;
                    let (_, transfer) = read_transfer(row)?;
                    found = Some((transfer.to_owned_row(), source));
                    Ok(())
                },
            )
        })?;
        Ok(found)
    }

    /// Number of transfers in the organisation's ledger.
    pub fn ledger_len(&self, viewer: &Viewer) -> Result<u64, StoreError> {
        require_case_worker(viewer)?;
        let row = self.pool.with(|conn| {
            conn.query_one("SELECT COUNT(*) FROM ledger_transfers WHERE org_id = $1", &[Value::Int(viewer.org_id)])
        })?;
        Ok(row.map(|row| row.int(0)).transpose()?.map_or(0, line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_statement_numbers_every_parameter() {
        let fixed = [Value::Int(1), Value::Int(2)];
        let insert =
            RowInsert { into: TRANSFER_COLUMNS, fixed: &fixed, width: ROW_PARAMETERS, skip_conflicts_on: "(x)" };
        let sql = insert.sql(2, false);
        assert!(sql.contains("($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16),($1,$2,$17,"), "{sql}");
        assert!(sql.ends_with("$30) ON CONFLICT (x) DO NOTHING"), "{sql}");
        assert!(insert.sql(1, true).starts_with("INSERT OR IGNORE INTO ledger_transfers (org_id,"));
    }
}
