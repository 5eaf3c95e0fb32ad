//! What the search-and-pivot box reads: reports naming a value, and the
//! caller's own ledger rows holding it. Every read is filtered in SQL like
//! every other (reports through `visibility()`, ledgers to the caller's
//! organisation and its case workers), so a search never names an object
//! the caller may not read.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use crackdown_model::{Currency, Money, Role, Tlp, Viewer};
use serde::Serialize;

use crate::db::Value;
use crate::linking::pairs_condition;
use crate::reports::{Query, visibility};
use crate::{Store, StoreError, from_ms};

/// A readable report that names the searched value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FoundReport {
    pub id: i64,
    pub external_id: Option<String>,
    pub received_at: DateTime<Utc>,
    pub tlp: Tlp,
    pub scam_type: Option<String>,
}

/// An account of the caller's ledger holding the searched value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FoundAccount {
    pub account: String,
    pub kind: Option<String>,
    pub country: Option<String>,
    /// Transfers into and out of it.
    pub transfers_in: i64,
    pub transfers_out: i64,
}

/// A transfer of the caller's ledger whose transaction id is the value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FoundTransfer {
    pub id: i64,
    pub tx_id: String,
    pub at: DateTime<Utc>,
    pub from_account: String,
    pub to_account: String,
    /// Exact decimal in the currency's units.
    pub amount: String,
    pub currency: String,
}

const REPORT_COLUMNS: &str = "r.id, r.external_id, r.received_at, r.tlp, a.scam_type";

fn found_reports(rows: &[crate::db::Row]) -> Result<Vec<FoundReport>, StoreError> {
    rows.iter()
        .map(|row| {
            Ok(FoundReport {
                id: row.int(0)?,
                external_id: row.opt_text(1)?,
                received_at: from_ms(row.int(2)?)?,
                tlp: Tlp::parse(&row.text(3)?).ok_or_else(|| StoreError::Schema("unknown TLP marking".into()))?,
                scam_type: row.opt_text(4)?,
            })
        })
        .collect()
}

impl Store {
    /// Which of `ids` `viewer` may read: an answer naming a stored report
    /// (a duplicate's original) names it only to those who may read it.
    pub fn readable_reports(&self, viewer: &Viewer, ids: &[i64]) -> Result<HashSet<i64>, StoreError> {
        let mut readable = HashSet::new();
        for chunk in ids.chunks(500) {
            let mut query = Query::new("SELECT r.id FROM reports r WHERE ");
            let visible = visibility(&mut query, viewer);
            let params: Vec<String> = chunk.iter().map(|&id| query.param(id)).collect();
            query.push(&format!("{visible} AND r.id IN ({})", params.join(", ")));
            for row in self.pool.with(|conn| conn.query(&query.sql, &query.params))? {
                readable.insert(row.int(0)?);
            }
        }
        Ok(readable)
    }

    /// Up to `limit` reports `viewer` may read that name any of the
    /// (kind, normalized) `keys`, newest first.
    pub fn reports_naming(
        &self,
        viewer: &Viewer,
        keys: &[(String, String)],
        limit: usize,
    ) -> Result<Vec<FoundReport>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = Query::new(&format!(
            "SELECT DISTINCT {REPORT_COLUMNS} FROM report_indicators i JOIN reports r ON r.id = i.report_id \
             LEFT JOIN report_analyses a ON a.report_id = r.id WHERE "
        ));
        let visible = visibility(&mut query, viewer);
        let pairs = pairs_condition(&mut query, "i.kind", "i.normalized", keys);
        let limit = query.param(limit as i64);
        query.push(&format!("{visible} AND {pairs} ORDER BY r.id DESC LIMIT {limit}"));
        let rows = self.pool.with(|conn| conn.query(&query.sql, &query.params))?;
        found_reports(&rows)
    }

    /// Up to `limit` reports `viewer` may read whose text holds `words`
    /// (case-insensitive), newest first: for names and phrases that are no
    /// indicator. A scan: the caller bounds it.
    pub fn reports_containing(
        &self,
        viewer: &Viewer,
        words: &str,
        limit: usize,
    ) -> Result<Vec<FoundReport>, StoreError> {
        let escaped: String = words
            .to_lowercase()
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        let mut query = Query::new(&format!(
            "SELECT {REPORT_COLUMNS} FROM reports r LEFT JOIN report_analyses a ON a.report_id = r.id WHERE "
        ));
        let visible = visibility(&mut query, viewer);
        let pattern = query.param(format!("%{escaped}%"));
        let limit = query.param(limit as i64);
        query.push(&format!("{visible} AND LOWER(r.text) LIKE {pattern} ESCAPE '\\' ORDER BY r.id DESC LIMIT {limit}"));
        let rows = self.pool.with(|conn| conn.query(&query.sql, &query.params))?;
        found_reports(&rows)
    }

    /// The accounts and transfers of the caller's own ledger that hold one
    /// of `values` (as account or transaction id). Nothing for roles that
    /// do not read ledgers.
    pub fn ledger_holding(
        &self,
        viewer: &Viewer,
        values: &[String],
        limit: usize,
    ) -> Result<(Vec<FoundAccount>, Vec<FoundTransfer>), StoreError> {
        if values.is_empty() || !matches!(viewer.role, Role::Admin | Role::Analyst) {
            return Ok((Vec::new(), Vec::new()));
        }
        self.pool.with(|conn| {
            let mut accounts = Vec::new();
            let mut transfers = Vec::new();
            for value in values {
                let org = Value::Int(viewer.org_id);
                let counts = conn.query_one(
                    "SELECT (SELECT COUNT(*) FROM ledger_transfers WHERE org_id = $1 AND to_account = $2), \
                     (SELECT COUNT(*) FROM ledger_transfers WHERE org_id = $1 AND from_account = $2)",
                    &[org.clone(), value.as_str().into()],
                )?;
                let (transfers_in, transfers_out) = match counts {
                    Some(row) => (row.int(0)?, row.int(1)?),
                    None => (0, 0),
                };
                let described = conn.query_one(
                    "SELECT kind, country FROM ledger_accounts WHERE org_id = $1 AND account = $2",
                    &[org.clone(), value.as_str().into()],
                )?;
                if transfers_in + transfers_out > 0 || described.is_some() {
                    let (kind, country) = match described {
                        Some(row) => (row.opt_text(0)?, row.opt_text(1)?),
                        None => (None, None),
                    };
                    accounts.push(FoundAccount { account: value.clone(), kind, country, transfers_in, transfers_out });
                }
                for row in conn.query(
                    "SELECT id, tx_id, at, from_account, to_account, amount_minor, currency FROM ledger_transfers \
                     WHERE org_id = $1 AND tx_id = $2 ORDER BY id LIMIT $3",
                    &[org, value.as_str().into(), (limit as i64).into()],
                )? {
                    transfers.push(FoundTransfer {
                        id: row.int(0)?,
                        tx_id: row.text(1)?,
                        at: from_ms(row.int(2)?)?,
                        from_account: row.text(3)?,
                        to_account: row.text(4)?,
                        amount: match Currency::from_code(&row.text(6)?) {
                            Some(currency) => Money::new(row.int(5)?, currency).decimal(),
                            None => row.int(5)?.to_string(),
                        },
                        currency: row.text(6)?,
                    });
                }
            }
            Ok((accounts, transfers))
        })
    }
}
