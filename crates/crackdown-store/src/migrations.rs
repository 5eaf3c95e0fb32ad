//! Versioned schema migrations, one numbered SQL file per version and dialect.
//!
//! Pending migrations run in one transaction with the rows that record them,
//! so a crash leaves the schema at a whole version.

use crate::StoreError;
use crate::db::{Conn, Dialect, Value};

/// One numbered schema change, in both dialects.
macro_rules! migration {
    ($version:literal, $name:literal) => {
        (
            $version,
            include_str!(concat!("../migrations/sqlite/", $name, ".sql")),
            include_str!(concat!("../migrations/postgres/", $name, ".sql")),
        )
    };
}

/// (version, SQLite text, PostgreSQL text). Append only: never edit a
/// released migration, add the next one. Versions are applied individually,
/// so branches that add different numbers merge cleanly.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    migration!(1, "0001_foundation"),
    migration!(2, "0002_ledger"),
    migration!(3, "0003_lure_analysis"),
    migration!(4, "0004_intake"),
    migration!(5, "0005_sessions"),
    migration!(6, "0006_linking"),
    migration!(7, "0007_watchlists"),
    migration!(8, "0008_typology_hits"),
    migration!(9, "0009_report_country"),
    migration!(10, "0010_lookup_tally"),
    migration!(11, "0011_lookup_summary"),
    migration!(12, "0012_intake_pending"),
    migration!(20, "0020_sealed_secrets"),
    migration!(21, "0021_public_vouching"),
    migration!(30, "0030_ledger_provenance"),
    migration!(31, "0031_lookup_counts_reports"),
    migration!(32, "0032_campaign_identities"),
    migration!(33, "0033_pivot_indexes"),
    migration!(35, "0035_team_state"),
];

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = 35;

/// Applies every migration the database lacks, refusing a database written
/// by a newer crackdown rather than guessing at its schema.
pub(crate) fn migrate(conn: &mut dyn Conn, now_ms: i64) -> Result<(), StoreError> {
    // One transaction that first takes the database's write lock (SQLite's
    // BEGIN IMMEDIATE; an advisory lock on PostgreSQL), so two processes
    // starting on a fresh database at once apply each migration exactly once.
    conn.transaction(|conn| {
        let dialect = conn.dialect();
        if dialect == Dialect::Postgres {
            conn.batch("SELECT pg_advisory_xact_lock(7265636)")?;
        }
        conn.batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
        )?;
        let applied = conn
            .query("SELECT version FROM schema_migrations", &[])?
            .iter()
            .map(|row| row.int(0))
            .collect::<Result<Vec<_>, _>>()?;
        let current = applied.iter().copied().max().unwrap_or(0);
        if current > SCHEMA_VERSION {
            return Err(StoreError::Schema(format!(
                "the database is at schema version {current}, newer than this crackdown ({SCHEMA_VERSION}); upgrade crackdown"
            )));
        }
        for (version, sqlite, postgres) in MIGRATIONS.iter().filter(|(version, ..)| !applied.contains(version)) {
            conn.batch(match dialect {
                Dialect::Sqlite => sqlite,
                Dialect::Postgres => postgres,
            })?;
            conn.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[Value::Int(*version), Value::Int(now_ms)],
            )?;
            tracing::debug!(version, "applied schema migration");
        }
        Ok(())
    })
}
