//! Stored typology hits: the laundering patterns found in an organisation's
//! ledger, each with its accounts, time window and the transfers forming it.
//!
//! Hits are derived from the ledger, so they follow the ledger's access rule:
//! only the owning organisation's admins and analysts write or read them, and
//! every query filters on the viewer's org. A stored run replaces the
//! organisation's previous hits in one transaction, so readers see one whole
//! run, never a mix.

use chrono::{DateTime, Utc};
use crackdown_model::{Currency, Money, Viewer};
use serde::Serialize;

use crate::db::{Row, Value};
use crate::ledger::require_case_worker;
use crate::{Store, StoreError, from_ms, to_ms};

/// A hit to store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewTypologyHit {
    /// fan_in, fan_out, scatter_gather, ... (the detector's names).
    pub kind: String,
    /// The account the pattern centres on.
    pub account: String,
    pub accounts: Vec<String>,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    /// The transfers forming the hit, in time order.
    pub tx_ids: Vec<String>,
}

/// A hit as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredTypologyHit {
    pub id: i64,
    pub kind: String,
    pub account: String,
    pub accounts: Vec<String>,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub detected_at: DateTime<Utc>,
    pub tx_ids: Vec<String>,
}

/// Which stored hits to read with their transfers.
#[derive(Clone, Copy, Debug, Default)]
pub struct TypologyFilter<'a> {
    /// Only hits of this kind.
    pub kind: Option<&'a str>,
    /// Only hits centred on this account or involving it.
    pub account: Option<&'a str>,
    /// At most this many hits, in the order they were stored.
    pub limit: usize,
}

/// A transfer of a hit as the ledger stores it. The fields are `None` when
/// the ledger lacks the tx id, so a hit never loses a transfer from its
/// listing because its row cannot be joined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HitTransfer {
    pub tx_id: String,
    pub at: Option<DateTime<Utc>>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub amount: Option<Money>,
    pub channel: Option<String>,
}

/// A stored hit with its transfers in time order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypologyHitDetail {
    pub hit: StoredTypologyHit,
    pub transfers: Vec<HitTransfer>,
}

const HIT_COLUMNS: &str = "h.id, h.kind, h.account, h.accounts, h.window_start, h.window_end, h.detected_at";

/// A hit row of [`HIT_COLUMNS`], without its tx ids.
fn read_hit(row: &Row) -> Result<StoredTypologyHit, StoreError> {
    let id = row.int(0)?;
    let accounts_text = row.text(3)?;
    let accounts: Vec<String> = serde_json::from_str(&accounts_text)
        .map_err(|error| StoreError::Schema(format!("typology hit {id}: accounts {accounts_text:?}: {error}")))?;
    Ok(StoredTypologyHit {
        id,
        kind: row.text(1)?,
        account: row.text(2)?,
        accounts,
        window_start: from_ms(row.int(4)?)?,
        window_end: from_ms(row.int(5)?)?,
        detected_at: from_ms(row.int(6)?)?,
        tx_ids: Vec::new(),
    })
}

/// A row of the hit-transfer join (hit id, tx id, then the ledger's columns, null when missing).
fn read_hit_transfer(row: &Row) -> Result<HitTransfer, StoreError> {
    let amount = match (row.opt_int(5)?, row.opt_text(6)?) {
        (Some(minor), Some(code)) => Some(Money::new(
            minor,
            Currency::from_code(&code)
                .ok_or_else(|| StoreError::Schema(format!("unknown currency {code:?} in the ledger")))?,
        )),
        _ => None,
    };
    Ok(HitTransfer {
        tx_id: row.text(1)?,
        at: row.opt_int(2)?.map(from_ms).transpose()?,
        from: row.opt_text(3)?,
        to: row.opt_text(4)?,
        amount,
        channel: row.opt_text(7)?,
    })
}

impl Store {
    /// Replaces the organisation's stored hits with `hits`; returns how many were stored.
    pub fn replace_typology_hits(
        &self,
        viewer: &Viewer,
        hits: &[NewTypologyHit],
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        require_case_worker(viewer)?;
        let org = Value::Int(viewer.org_id);
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                conn.execute(
                    "DELETE FROM typology_hit_transfers WHERE hit_id IN (SELECT id FROM typology_hits WHERE org_id = $1)",
                    std::slice::from_ref(&org),
                )?;
                conn.execute("DELETE FROM typology_hits WHERE org_id = $1", std::slice::from_ref(&org))?;
                for hit in hits {
                    let accounts = serde_json::to_string(&hit.accounts)
                        .map_err(|error| StoreError::Database(format!("typology hit accounts: {error}")))?;
                    let row = conn
                        .query_one(
                            "INSERT INTO typology_hits (org_id, kind, account, accounts, window_start, window_end, \
                             detected_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                            &[
                                org.clone(),
                                Value::from(hit.kind.as_str()),
                                Value::from(hit.account.as_str()),
                                Value::Text(accounts),
                                Value::Int(to_ms(hit.window_start)),
                                Value::Int(to_ms(hit.window_end)),
                                Value::Int(to_ms(now)),
                            ],
                        )?
                        .ok_or_else(|| StoreError::Database("the typology hit row was not created".into()))?;
                    let id = row.int(0)?;
                    // Multi-row inserts of (hit, ordinal, tx id), 300 parameters a statement.
                    for (chunk_index, chunk) in hit.tx_ids.chunks(100).enumerate() {
                        let mut sql = String::from("INSERT INTO typology_hit_transfers (hit_id, ordinal, tx_id) VALUES ");
                        let mut params = Vec::with_capacity(chunk.len() * 3);
                        for (offset, tx_id) in chunk.iter().enumerate() {
                            if offset > 0 {
                                sql.push(',');
                            }
                            let base = params.len();
                            sql.push_str(&format!("(${},${},${})", base + 1, base + 2, base + 3));
                            let ordinal = i64::try_from(chunk_index * 100 + offset).unwrap_or(i64::MAX);
                            params.extend([Value::Int(id), Value::Int(ordinal), Value::from(tx_id.as_str())]);
                        }
                        conn.execute(&sql, &params)?;
                    }
                }
                Ok(hits.len() as u64)
            })
        })
    }

    /// The organisation's stored hits, optionally of one kind, in the order they were stored.
    pub fn typology_hits(&self, viewer: &Viewer, kind: Option<&str>) -> Result<Vec<StoredTypologyHit>, StoreError> {
        require_case_worker(viewer)?;
        let mut params = vec![Value::Int(viewer.org_id)];
        if let Some(kind) = kind {
            params.push(Value::from(kind));
        }
        let only_kind = if kind.is_some() { " AND h.kind = $2" } else { "" };
        let (hit_rows, transfer_rows) = self.pool.with(|conn| {
            let hits = conn.query(
                &format!("SELECT {HIT_COLUMNS} FROM typology_hits h WHERE h.org_id = $1{only_kind} ORDER BY h.id"),
                &params,
            )?;
            let transfers = conn.query(
                &format!(
                    "SELECT t.hit_id, t.tx_id FROM typology_hit_transfers t JOIN typology_hits h ON h.id = t.hit_id \
                     WHERE h.org_id = $1{only_kind} ORDER BY t.hit_id, t.ordinal"
                ),
                &params,
            )?;
            Ok((hits, transfers))
        })?;
        let mut hits = Vec::with_capacity(hit_rows.len());
        let mut transfers = transfer_rows.iter().peekable();
        for row in &hit_rows {
            let mut hit = read_hit(row)?;
            while let Some(transfer) = transfers.next_if(|transfer| transfer.int(0).is_ok_and(|id| id == hit.id)) {
                hit.tx_ids.push(transfer.text(1)?);
            }
            hits.push(hit);
        }
        Ok(hits)
    }

    /// The organisation's stored hits that `filter` selects, each with its
    /// transfers as the ledger stores them. The account filter matches the
    /// centre account or any account of the hit, so it is applied to the
    /// decoded account list before the limit.
    pub fn typology_hit_details(
        &self,
        viewer: &Viewer,
        filter: TypologyFilter<'_>,
    ) -> Result<Vec<TypologyHitDetail>, StoreError> {
        require_case_worker(viewer)?;
        let mut params = vec![Value::Int(viewer.org_id)];
        if let Some(kind) = filter.kind {
            params.push(Value::from(kind));
        }
        let only_kind = if filter.kind.is_some() { " AND h.kind = $2" } else { "" };
        let hit_rows = self.pool.with(|conn| {
            conn.query(
                &format!("SELECT {HIT_COLUMNS} FROM typology_hits h WHERE h.org_id = $1{only_kind} ORDER BY h.id"),
                &params,
            )
        })?;
        let mut hits = Vec::new();
        for row in &hit_rows {
            if hits.len() >= filter.limit {
                break;
            }
            let hit = read_hit(row)?;
            if filter.account.is_none_or(|account| hit.account == account || hit.accounts.iter().any(|a| a == account))
            {
                hits.push(TypologyHitDetail { hit, transfers: Vec::new() });
            }
        }
        for chunk in hits.chunks_mut(100) {
            let mut params = vec![Value::Int(viewer.org_id)];
            let placeholders: Vec<String> = chunk
                .iter()
                .map(|detail| {
                    params.push(Value::Int(detail.hit.id));
                    format!("${}", params.len())
                })
                .collect();
            let rows = self.pool.with(|conn| {
                conn.query(
                    &format!(
                        "SELECT t.hit_id, t.tx_id, l.at, l.from_account, l.to_account, l.amount_minor, l.currency, \
                         l.channel FROM typology_hit_transfers t \
                         LEFT JOIN ledger_transfers l ON l.org_id = $1 AND l.tx_id = t.tx_id \
                         WHERE t.hit_id IN ({}) ORDER BY t.hit_id, t.ordinal",
                        placeholders.join(",")
                    ),
                    &params,
                )
            })?;
            let mut rows = rows.iter().peekable();
            for detail in chunk.iter_mut() {
                while let Some(row) = rows.next_if(|row| row.int(0).is_ok_and(|id| id == detail.hit.id)) {
                    let transfer = read_hit_transfer(row)?;
                    detail.hit.tx_ids.push(transfer.tx_id.clone());
                    detail.transfers.push(transfer);
                }
            }
        }
        Ok(hits)
    }
}
