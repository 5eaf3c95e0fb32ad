//! Versioned schema migrations, one numbered SQL file per version and dialect.
//!
//! Each migration runs in its own transaction together with the row that
//! records it, so a crash leaves the schema at a whole version.

use crate::StoreError;
use crate::db::{Conn, Dialect, Value};

/// (version, SQLite text, PostgreSQL text). Append only: never edit a
/// released migration, add the next one.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        include_str!("../migrations/sqlite/0001_foundation.sql"),
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (2, include_str!("../migrations/sqlite/0002_ledger.sql"), include_str!("../migrations/postgres/0002_ledger.sql")),
];

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = 2;

/// Brings the database to [`SCHEMA_VERSION`], refusing a database written by
/// a newer crackdown rather than guessing at its schema.
pub(crate) fn migrate(conn: &mut dyn Conn, now_ms: i64) -> Result<(), StoreError> {
    conn.batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
    )?;
    let current = conn
        .query_one("SELECT MAX(version) FROM schema_migrations", &[])?
        .map(|row| row.opt_int(0))
        .transpose()?
        .flatten()
        .unwrap_or(0);
    if current > SCHEMA_VERSION {
        return Err(StoreError::Schema(format!(
            "the database is at schema version {current}, newer than this crackdown ({SCHEMA_VERSION}); upgrade crackdown"
        )));
    }
    let dialect = conn.dialect();
    for (version, sqlite, postgres) in MIGRATIONS.iter().filter(|(version, ..)| *version > current) {
        let sql = match dialect {
            Dialect::Sqlite => sqlite,
            Dialect::Postgres => postgres,
        };
        conn.transaction(|conn| {
            conn.batch(sql)?;
            conn.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[Value::Int(*version), Value::Int(now_ms)],
            )?;
            Ok(())
        })?;
        tracing::debug!(version, "applied schema migration");
    }
    Ok(())
}
