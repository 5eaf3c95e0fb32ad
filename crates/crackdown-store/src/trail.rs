//! What the money-trail views read besides the ledger's rows: the accounts
//! victims' reports name (which make a transfer into them a victim payment
//! the viewer may trace), and a version of the ledger that changes whenever
//! an import changes it (so a loaded ledger can be cached safely).

use crackdown_model::Viewer;

use crate::db::Value;
use crate::ledger::require_case_worker;
use crate::reports::{Query, visibility};
use crate::tenancy::{USER_COLUMNS, read_user};
use crate::{Store, StoreError};

/// Indicator kinds that name where money was paid: bank accounts and wallets.
pub const PAYMENT_INDICATOR_KINDS: [&str; 7] = ["iban", "bank_account", "btc", "eth", "tron", "sol", "ltc"];

/// An account or wallet a report the viewer may read says money was paid into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportedAccount {
    pub report_id: i64,
    /// Indicator kind (one of [`PAYMENT_INDICATOR_KINDS`]).
    pub kind: String,
    pub normalized: String,
}

/// Identifies one state of an organisation's ledger: any import that adds
/// transfers or accounts, or changes an account's kind or country, changes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LedgerVersion {
    pub transfers: i64,
    pub last_transfer: i64,
    pub accounts: i64,
    /// Sum over accounts of the lengths of kind and country: changes when an
    /// account import rewrites them without adding rows.
    pub account_text: i64,
}

impl Store {
    /// Payment accounts named by the reports `viewer` may read (the report's
    /// `visibility()`), for the ledger views of the viewer's organisation.
    pub fn reported_payment_accounts(&self, viewer: &Viewer) -> Result<Vec<ReportedAccount>, StoreError> {
        require_case_worker(viewer)?;
        let mut query = Query::new(
            "SELECT DISTINCT i.report_id, i.kind, i.normalized FROM report_indicators i JOIN reports r ON r.id = i.report_id WHERE i.kind IN (",
        );
        let kinds: Vec<String> = PAYMENT_INDICATOR_KINDS.iter().map(|kind| query.param(*kind)).collect();
        query.push(&kinds.join(","));
        let visible = visibility(&mut query, viewer);
        query.push(&format!(") AND {visible} ORDER BY i.report_id, i.kind, i.normalized"));
        let rows = self.pool.with(|conn| conn.query(&query.sql, &query.params))?;
        rows.iter()
            .map(|row| Ok(ReportedAccount { report_id: row.int(0)?, kind: row.text(1)?, normalized: row.text(2)? }))
            .collect()
    }

    /// The current version of the viewer's organisation's ledger.
    pub fn ledger_version(&self, viewer: &Viewer) -> Result<LedgerVersion, StoreError> {
        require_case_worker(viewer)?;
        let org = Value::Int(viewer.org_id);
        let (transfers, accounts) = self.pool.with(|conn| {
            let transfers = conn.query_one(
                "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM ledger_transfers WHERE org_id = $1",
                std::slice::from_ref(&org),
            )?;
            let accounts = conn.query_one(
                "SELECT COUNT(*), CAST(COALESCE(SUM(LENGTH(kind) + COALESCE(LENGTH(country), 0)), 0) AS BIGINT) \
                 FROM ledger_accounts WHERE org_id = $1",
                std::slice::from_ref(&org),
            )?;
            Ok((transfers, accounts))
        })?;
        let pair = |row: Option<crate::db::Row>| -> Result<(i64, i64), StoreError> {
            match row {
                Some(row) => Ok((row.int(0)?, row.int(1)?)),
                None => Ok((0, 0)),
            }
        };
        let (transfers, last_transfer) = pair(transfers)?;
        let (accounts, account_text) = pair(accounts)?;
        Ok(LedgerVersion { transfers, last_transfer, accounts, account_text })
    }

    /// One admin or analyst of each organisation that has imported a
    /// ledger: whom a server loads each ledger as when it warms its cache
    /// at start, before anyone asks. The internal caller is the server
    /// itself; what it loads is only ever shown to viewers the store checks.
    pub fn ledger_case_workers(&self) -> Result<Vec<Viewer>, StoreError> {
        let rows = self.pool.with(|conn| {
            conn.query(
                &format!(
                    "SELECT {USER_COLUMNS} FROM users u JOIN orgs o ON o.id = u.org_id \
                     WHERE u.role IN ('admin', 'analyst') AND u.org_id IN (SELECT org_id FROM ledger_imports) \
                     ORDER BY u.org_id, u.id"
                ),
                &[],
            )
        })?;
        let mut viewers: Vec<Viewer> = Vec::new();
        for row in &rows {
            let viewer = read_user(row)?.viewer();
            if viewers.last().is_none_or(|last| last.org_id != viewer.org_id) {
                viewers.push(viewer);
            }
        }
        Ok(viewers)
    }
}
