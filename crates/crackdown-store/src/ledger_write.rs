//! One `ledger import`, one transaction: a production commits whole or not
//! at all.
//!
//! A [`LedgerWrite`] holds one connection with one open transaction from the
//! first import row to the last stored transfer of every file of the run.
//! Dropping it without [`LedgerWrite::commit`] (an error, a refused file, a
//! time limit, a killed process) rolls everything back: the ledger is exactly
//! as before. The whole run rather than each file, because the files of a
//! statement import are reconciled together — a row merged from two banks'
//! views belongs to both files, so one file's half cannot be stored alone.
//! The price on SQLite: the run holds the database's one write lock from
//! start to commit, so a `crackdown serve` on the same SQLite file queues its
//! writes behind a long command-line import (and gives up after the 10 s
//! busy timeout); the team deployment (PostgreSQL) has no such lock.
//!
//! Bulk loads on SQLite also defer the two account indexes
//! (`ledger_transfers_from`, `_to`, see migration 0033): their keys are the
//! counterparties' accounts, in no order, so each inserted row lands on a
//! random page of two B-trees several times the page cache, and a gigabyte
//! production rewrote 26 GB of pages for a 2.3 GB database. Building an index
//! once from sorted keys reads the table once and writes each page once. The
//! rule ([`defers_account_indexes`]): defer when the rows announced for this
//! run are at least [`DEFER_MIN_ROWS`] and at least the rows the table holds
//! already (all organisations') — rebuilding then costs at most about twice
//! sorting the new keys, while inserting them one by one costs a page miss
//! each. Inside the transaction, so a rollback restores the indexes too and
//! other connections, reading their WAL snapshot, never see them missing.
//! PostgreSQL keeps its indexes: dropping one locks the table against every
//! other organisation's readers until the import commits.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use crackdown_model::Viewer;

use crate::db::{Conn, Dialect, Pool};
use crate::ledger::{TransferBatch, TransferOutcome, insert_batch, insert_import, require_case_worker};
use crate::{Store, StoreError};

/// Fewest announced rows for which the account indexes are rebuilt rather
/// than updated row by row: below it the indexes of a fresh ledger fit the
/// page cache and deferring gains nothing measurable.
pub const DEFER_MIN_ROWS: u64 = 100_000;

/// The account indexes as migration 0033 creates them, recreated by a deferred bulk load.
const ACCOUNT_INDEXES: [(&str, &str); 2] = [
    ("ledger_transfers_from", "CREATE INDEX ledger_transfers_from ON ledger_transfers(org_id, from_account)"),
    ("ledger_transfers_to", "CREATE INDEX ledger_transfers_to ON ledger_transfers(org_id, to_account)"),
];

/// Page cache of the import's connection while it writes (KiB, SQLite's
/// negative `cache_size`). 128 MiB took a 200 MiB MT940 import to a 347 MiB
/// peak (the index rebuild's sort comes on top), over the 300 MiB budget;
/// so the import keeps the connections' default.
const IMPORT_CACHE_KIB: i64 = DEFAULT_CACHE_KIB;

/// The page cache every connection opens with (see `db/sqlite.rs`).
const DEFAULT_CACHE_KIB: i64 = 65_536;

/// Whether a run announcing `incoming` rows into a table of `stored` rows
/// rebuilds the account indexes (see the module documentation).
pub fn defers_account_indexes(incoming: u64, stored: u64) -> bool {
    incoming >= DEFER_MIN_ROWS && incoming >= stored
}

/// The one transaction of a ledger import (see the module documentation).
pub struct LedgerWrite<'s> {
    pool: &'s Pool,
    /// `None` once committed or rolled back.
    conn: Option<Box<dyn Conn>>,
    viewer: Viewer,
    /// The account indexes were dropped and are rebuilt before the commit.
    deferred: bool,
}

impl Store {
    /// Opens the one transaction of a ledger import into the viewer's
    /// organisation's ledger. Other writers of the database wait for it on
    /// SQLite (up to the busy timeout); readers see the ledger as before
    /// until [`LedgerWrite::commit`].
    pub fn begin_ledger_write(&self, viewer: &Viewer) -> Result<LedgerWrite<'_>, StoreError> {
        require_case_worker(viewer)?;
        let mut conn = self.pool.take()?;
        conn.begin()?;
        let mut write = LedgerWrite { pool: &self.pool, conn: Some(conn), viewer: viewer.clone(), deferred: false };
        if write.conn()?.dialect() == Dialect::Sqlite {
            write.conn()?.batch(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}"))?;
        }
        Ok(write)
    }
}

impl LedgerWrite<'_> {
    fn conn(&mut self) -> Result<&mut Box<dyn Conn>, StoreError> {
        self.conn.as_mut().ok_or_else(|| StoreError::Database("the ledger import's transaction has ended".into()))
    }

    /// Records the start of an import of `file` (one per file, or one for
    /// all statement files reconciled together) and returns its id.
    pub fn begin_import(&mut self, file: &str, format: &str, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let viewer = self.viewer.clone();
        insert_import(self.conn()?.as_mut(), &viewer, file, format, now)
    }

    /// Announces that about `rows` more transfers will follow, so a bulk load
    /// can defer the account indexes (see [`defers_account_indexes`]). Returns
    /// whether they are deferred now.
    pub fn expect_rows(&mut self, rows: u64) -> Result<bool, StoreError> {
        let deferred = self.deferred;
        let conn = self.conn()?;
        if deferred || conn.dialect() != Dialect::Sqlite {
            return Ok(deferred);
        }
        // The span of row ids: the table's rows without counting them (ids
        // are the arrival order; deleted rows only make it an overestimate).
        let stored = conn
            .query_one("SELECT COALESCE(MAX(id) - MIN(id) + 1, 0) FROM ledger_transfers", &[])?
            .map(|row| row.int(0))
            .transpose()?
            .map_or(0, |span| u64::try_from(span).unwrap_or(0));
        if defers_account_indexes(rows, stored) {
            for (name, _) in ACCOUNT_INDEXES {
                conn.batch(&format!("DROP INDEX IF EXISTS {name}"))?;
            }
            self.deferred = true;
            return Ok(true);
        }
        Ok(false)
    }

    /// Stores a batch of transfers of import `import_id`; rows whose tx id the
    /// organisation already holds (an earlier import, or earlier in this one)
    /// are skipped and listed.
    pub fn insert_transfers(&mut self, import_id: i64, batch: TransferBatch) -> Result<TransferOutcome, StoreError> {
        let org = self.viewer.org_id;
        let (text, rows) = batch.into_parts();
        let text = Arc::new(text);
        insert_batch(self.conn()?.as_mut(), org, import_id, (&text, &rows))
    }

    /// Rebuilds deferred indexes and commits: every file of the run is stored.
    pub fn commit(mut self) -> Result<(), StoreError> {
        let deferred = self.deferred;
        let conn = self.conn()?;
        if deferred {
            for (_, create) in ACCOUNT_INDEXES {
                conn.batch(create)?;
            }
        }
        conn.commit()?;
        if conn.dialect() == Dialect::Sqlite {
            conn.batch(&format!("PRAGMA cache_size = -{DEFAULT_CACHE_KIB}"))?;
        }
        if let Some(conn) = self.conn.take() {
            self.pool.give_back(conn);
        }
        Ok(())
    }
}

impl Drop for LedgerWrite<'_> {
    /// Not committed: nothing of the run stays. The connection is closed
    /// rather than pooled, in case the rollback itself failed.
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take()
            && let Err(error) = conn.rollback()
        {
            tracing::error!(%error, "rolling back a ledger import failed; the connection is closed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crackdown_model::Role;

    fn account_indexes(store: &Store) -> Vec<String> {
        let rows = store.pool.with(|conn| {
            conn.query(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'ledger_transfers_%' ORDER BY name",
                &[],
            )
        });
        rows.expect("schema").iter().map(|row| row.text(0).expect("sql")).collect()
    }

    /// A deferred bulk load leaves the account indexes exactly as migration
    /// 0033 made them, whether it commits or rolls back.
    #[test]
    fn deferred_indexes_come_back_as_the_migration_made_them() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open_sqlite(dir.path()).expect("open");
        let now = Utc::now();
        let operator = store.operator(now).expect("operator");
        store.create_org(&operator, "police", now).expect("org");
        let viewer = store.create_user(&operator, "police", "analyst", Role::Analyst, now).expect("user").viewer();
        let migrated = account_indexes(&store);
        assert_eq!(migrated.len(), 3, "{migrated:?}");
        assert!(migrated.iter().any(|sql| sql == ACCOUNT_INDEXES[0].1), "{migrated:?}");
        for commit in [false, true] {
            let mut write = store.begin_ledger_write(&viewer).expect("write");
            assert!(write.expect_rows(DEFER_MIN_ROWS).expect("announce"));
            assert!(write.expect_rows(1).expect("announce again"), "stays deferred");
            if commit {
                write.commit().expect("commit");
            } else {
                drop(write);
            }
            assert_eq!(account_indexes(&store), migrated, "after {}", if commit { "a commit" } else { "a rollback" });
        }
        assert!(!defers_account_indexes(DEFER_MIN_ROWS - 1, 0));
        assert!(!defers_account_indexes(DEFER_MIN_ROWS, DEFER_MIN_ROWS + 1));
        assert!(defers_account_indexes(DEFER_MIN_ROWS * 2, DEFER_MIN_ROWS * 2));
    }
}
