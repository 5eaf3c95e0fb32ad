//! crackdown's storage seam: one `Store` over two real backends, an embedded
//! SQLite file by default and a PostgreSQL server for team deployments.
//!
//! Every read takes a [`Viewer`] and filters inside the SQL query by TLP
//! marking, organisation, community and role, so no caller — API, CLI,
//! export, linking, lookup — can forget the access rules. Only this crate
//! knows SQL.

mod allowlist;
mod analysis;
mod artefacts;
mod collections;
mod db;
mod duplicates;
mod files;
mod installation;
mod intake;
mod ledger;
mod ledger_write;
mod linking;
mod mappings;
mod migrations;
mod receipt;
mod reports;
mod screening;
mod search;
pub mod secrets;
mod sessions;
mod stats;
mod taxii;
mod team;
mod tenancy;
#[doc(hidden)]
pub mod testing;
mod trail;
mod typologies;
mod watch;

use std::path::Path;

use chrono::{DateTime, Utc};
use crackdown_model::Viewer;

pub use allowlist::AllowlistEntry;
pub use analysis::{ReportAnalysis, ReportIndicator, ReportText, StoredAnalysis};
pub use collections::FeedScope;
use db::{Pool, PostgresConn, SqliteConn};
pub use intake::Stage;
pub use ledger::{
    DuplicateTransfer, LedgerAccount, LedgerRow, LedgerRowRef, TransferBatch, TransferOutcome, TransferSource,
};
pub use ledger_write::{DEFER_MIN_ROWS, LedgerWrite, defers_account_indexes};
pub use linking::{
    BandCandidate, CheckRow, CommonFeature, FeatureHolders, IndexedMember, IndexedMembers, LinkInput, LinkRecord,
    LinkTx, LookupTally,
};
pub use migrations::SCHEMA_VERSION;
pub use reports::{AuditEntry, InsertOutcome, InsertedReport, Page, ReportFilter, ShareOptions, StoredReport};
pub use screening::{
    NewScreeningAnswer, NewScreeningInterview, NewScreeningPerson, ScreeningAuditEntry, ScreeningCase,
    ScreeningDecision, ScreeningEvent, ScreeningInterview, ScreeningPersonForList, ScreeningPersonSummary,
    ScreeningReferral, ScreeningTeam, StoredScreeningAnswer, StoredScreeningPerson,
};
pub use search::{FoundAccount, FoundReport, FoundTransfer};
pub use sessions::{CreatedSession, PasskeyInfo, SigninCode, StoredPasskey};
pub use stats::{Count, DayCount, LossGroup, LossTotal, ReportStats};
pub use taxii::{SharedProvenance, StoredStatus};
pub use team::{BucketRule, CeremonyCaps, CeremonyStart, RateGrant};
pub use tenancy::{Community, CreatedToken, Org, TokenInfo, User};
pub use trail::{LedgerVersion, PAYMENT_INDICATOR_KINDS, ReportedAccount};
pub use typologies::{HitTransfer, NewTypologyHit, StoredTypologyHit, TypologyFilter, TypologyHitDetail};
pub use watch::{
    Alert, AlertCandidate, AlertEntry, ClaimedDelivery, CreatedWebhook, DeliveryResult, NewWatchEntry, OrgWatchEntry,
    WATCH_KINDS, WatchEntryInfo, WatchSubjectRow, WebhookInfo,
};

/// The file name of the embedded database inside a data directory.
pub const SQLITE_FILE: &str = "crackdown.sqlite3";

/// What went wrong in the store, phrased for the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing does not exist, or the viewer may not know it exists.
    #[error("{0} not found")]
    NotFound(String),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Database(String),
    #[error("unexpected database schema: {0}")]
    Schema(String),
    /// The database aborted the transaction for a concurrent one's sake
    /// (deadlock, serialization failure); transactions retry it themselves,
    /// so callers see it only when retries ran out.
    #[error("the database was too busy, try again: {0}")]
    Retry(String),
}

/// Which backend a store runs on, for logs and benchmarks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database behind crackdown. Cheap to share between threads: it holds
/// a small pool of connections.
pub struct Store {
    pool: Pool,
    backend: Backend,
    /// Seals victim contacts and webhook secrets (see [`secrets`]).
    key: secrets::SecretKey,
    /// The key of client pseudonyms (see `team.rs`), read once.
    client_key: std::sync::OnceLock<[u8; 16]>,
}

/// Milliseconds since the Unix epoch, the form every timestamp is stored in.
pub(crate) fn to_ms(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub(crate) fn from_ms(ms: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| StoreError::Schema(format!("timestamp {ms} out of range")))
}

impl Store {
    /// Opens (creating if needed) the embedded database in `dir` and brings
    /// its schema up to date; the key file is `DIR/crackdown.key`.
    pub fn open_sqlite(dir: &Path) -> Result<Store, StoreError> {
        Store::open_sqlite_with_key_file(dir, &secrets::default_key_file(dir))
    }

    /// Opens the embedded database in `dir` with the key in `key_file`
    /// (created when missing). The folder is made 0700 and the files 0600.
    pub fn open_sqlite_with_key_file(dir: &Path, key_file: &Path) -> Result<Store, StoreError> {
        files::create_private_dir(dir)?;
        let path = dir.join(SQLITE_FILE);
        files::prepare_database_file(&path)?;
        let (key, created) = secrets::SecretKey::load_or_create(key_file)?;
        let database = path.clone();
        let open = move || SqliteConn::open(&database).map(|conn| Box::new(conn) as Box<dyn db::Conn>);
        let store = Store::start(Pool::new(Box::new(open), 8), Backend::Sqlite, key, created)?;
        files::narrow_database_files(&path);
        Ok(store)
    }

    /// Connects to PostgreSQL (`postgres://user:pass@host/db`) and brings its
    /// schema up to date. The key file is required here too (created when
    /// missing): the database server never sees the key.
    pub fn open_postgres(url: &str, key_file: &Path) -> Result<Store, StoreError> {
        let (key, created) = secrets::SecretKey::load_or_create(key_file)?;
        let url = url.to_owned();
        let open = move || PostgresConn::connect(&url).map(|conn| Box::new(conn) as Box<dyn db::Conn>);
        Store::start(Pool::new(Box::new(open), 8), Backend::Postgres, key, created)
    }

    fn start(pool: Pool, backend: Backend, key: secrets::SecretKey, created: bool) -> Result<Store, StoreError> {
        let store = Store { pool, backend, key, client_key: std::sync::OnceLock::new() };
        store.pool.with(|conn| migrations::migrate(conn, to_ms(Utc::now())))?;
        store.pool.with(|conn| secrets::bind_key(conn, &store.key, created))?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.pool.with(|conn| {
            let row = conn.query_one("SELECT MAX(version) FROM schema_migrations", &[])?;
            Ok(row.map(|row| row.opt_int(0)).transpose()?.flatten().unwrap_or(0))
        })
    }
}

/// Refuses writes by roles that only read.
pub(crate) fn require_writer(viewer: &Viewer) -> Result<(), StoreError> {
    if viewer.role.may_write() {
        Ok(())
    } else {
        Err(StoreError::Forbidden(format!("{} is a {} and cannot change data", viewer.user_name, viewer.role)))
    }
}

/// Refuses administration by anyone but an organisation's admin.
pub(crate) fn require_admin(viewer: &Viewer) -> Result<(), StoreError> {
    if viewer.role == crackdown_model::Role::Admin {
        Ok(())
    } else {
        Err(StoreError::Forbidden(format!("{} is not an admin", viewer.user_name)))
    }
}
