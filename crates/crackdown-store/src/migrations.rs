//! Versioned schema migrations, one numbered SQL file per version and dialect.
//!
//! Pending migrations run in one transaction with the rows that record them,
//! so a crash leaves the schema at a whole version.
//!
//! On SQLite they run with foreign-key enforcement off: changing a
//! constraint declared inside `CREATE TABLE` means rebuilding the table
//! (SQLite's documented 12-step procedure for schema changes ALTER TABLE
//! cannot make), and dropping a table that others refer to would otherwise
//! delete its rows first, one by one, each checked against every child
//! table. A migration must therefore keep references whole itself; those
//! that rebuild a table are listed in [`SQLITE_REBUILDS`] and checked.

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
    migration!(34, "0034_duplicates_per_submitter"),
    migration!(35, "0035_team_state"),
    migration!(36, "0036_ledger_mappings"),
    migration!(37, "0037_screening"),
    migration!(39, "0039_taxii_writes"),
    migration!(40, "0040_screening_retention"),
];

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = 40;

/// SQLite migrations that rebuild a table (create its new form, copy the
/// rows, drop the old one, rename the new one): (version, table). The
/// runner does the procedure's other steps: it saves the table's indexes and
/// triggers before and restores those the migration did not create again,
/// then runs `PRAGMA foreign_key_check` and fails (rolling everything back)
/// on any dangling reference. A later migration that indexed the table on
/// another branch thus survives a rebuild applied after it.
const SQLITE_REBUILDS: &[(i64, &str)] = &[(34, "reports")];

/// Applies every migration the database lacks, refusing a database written
/// by a newer crackdown rather than guessing at its schema.
pub(crate) fn migrate(conn: &mut dyn Conn, now_ms: i64) -> Result<(), StoreError> {
    let sqlite = conn.dialect() == Dialect::Sqlite;
    if !sqlite {
        return apply_pending(conn, now_ms);
    }
    // Enforcement can only be switched outside a transaction.
    conn.batch("PRAGMA foreign_keys = OFF")?;
    let applied = apply_pending(conn, now_ms);
    let restored = conn.batch("PRAGMA foreign_keys = ON");
    applied.and(restored)
}

fn apply_pending(conn: &mut dyn Conn, now_ms: i64) -> Result<(), StoreError> {
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
            match dialect {
                Dialect::Postgres => conn.batch(postgres)?,
                Dialect::Sqlite => match SQLITE_REBUILDS.iter().find(|(rebuilt, _)| rebuilt == version) {
                    Some((_, table)) => rebuild_sqlite_table(conn, table, sqlite)?,
                    None => conn.batch(sqlite)?,
                },
            }
            conn.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[Value::Int(*version), Value::Int(now_ms)],
            )?;
            tracing::debug!(version, "applied schema migration");
        }
        Ok(())
    })
}

/// Runs `sql`, a migration that rebuilds `table`, inside the migration's
/// transaction with foreign-key enforcement off, and finishes SQLite's
/// procedure: the table's indexes and triggers the migration did not create
/// again are restored from their saved definitions, and every reference in
/// the database must still find its row.
fn rebuild_sqlite_table(conn: &mut dyn Conn, table: &str, sql: &str) -> Result<(), StoreError> {
    let saved = conn.query(
        "SELECT name, sql FROM sqlite_schema WHERE tbl_name = $1 AND type IN ('index', 'trigger') AND sql IS NOT NULL",
        &[table.into()],
    )?;
    conn.batch(sql)?;
    for definition in saved {
        let name = definition.text(0)?;
        if conn.query_one("SELECT 1 FROM sqlite_schema WHERE name = $1", &[name.as_str().into()])?.is_none() {
            conn.batch(&definition.text(1)?)?;
        }
    }
    let dangling = conn.query("PRAGMA foreign_key_check", &[])?;
    if let Some(first) = dangling.first() {
        return Err(StoreError::Schema(format!(
            "rebuilding table {table} would leave {} references dangling (the first from table {} to {})",
            dangling.len(),
            first.text(0)?,
            first.text(2)?
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{PostgresConn, SqliteConn};

    /// Brings a fresh database to `version` as a crackdown of that version did.
    fn migrate_to(conn: &mut dyn Conn, version: i64) {
        conn.batch("CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")
            .expect("migrations table");
        for (number, sqlite, postgres) in MIGRATIONS.iter().filter(|(number, ..)| *number <= version) {
            conn.batch(if conn.dialect() == Dialect::Sqlite { sqlite } else { postgres }).expect("old migration");
            conn.execute("INSERT INTO schema_migrations VALUES ($1, 0)", &[Value::Int(*number)]).expect("record");
        }
    }

    fn count(conn: &mut dyn Conn, sql: &str) -> i64 {
        conn.query_one(sql, &[]).expect("count").map_or(0, |row| row.int(0).expect("a number"))
    }

    /// The upgrade to per-submitter duplicates keeps every report with its
    /// id, the rows that refer to it and the table's other indexes; after
    /// it another user may store the same text and id, the same user not.
    fn upgrade_to_per_submitter_duplicates(conn: &mut dyn Conn) {
        migrate_to(conn, 33);
        conn.batch(
            "INSERT INTO orgs (id, name, created_at) VALUES (1, 'police', 0); \
             INSERT INTO users (id, org_id, name, role, created_at) VALUES (1, 1, 'analyst', 'analyst', 0), \
                 (2, 1, 'reporter', 'reporter', 0); \
             INSERT INTO reports (id, org_id, user_id, external_id, fingerprint, received_at, channel, text, tlp, \
                 consent_share, consent_publish, status, country) VALUES \
                 (7, 1, 1, 'CASE-9', 'f1', 0, 'api', 'the lure', 'red', false, false, 'new', 'TH'), \
                 (9, 1, NULL, NULL, 'f2', 0, 'web', 'a public report', 'amber', false, false, 'new', NULL); \
             INSERT INTO victim_contacts (report_id, contact) VALUES (7, 'sealed'); \
             INSERT INTO intake_pending (report_id, stage) VALUES (7, 'link'), (9, 'watch');",
        )
        .expect("a version 33 database with reports");
        migrate(conn, 0).expect("upgrade");
        assert_eq!(
            count(
                conn,
                "SELECT COUNT(*) FROM reports WHERE (id = 7 AND country = 'TH') OR (id = 9 AND user_id IS NULL)"
            ),
            2
        );
        assert_eq!(count(conn, "SELECT COUNT(*) FROM victim_contacts v JOIN reports r ON r.id = v.report_id"), 1);
        assert_eq!(count(conn, "SELECT COUNT(*) FROM intake_pending p JOIN reports r ON r.id = p.report_id"), 2);
        let insert = "INSERT INTO reports (org_id, user_id, external_id, fingerprint, received_at, channel, text, tlp, \
                      consent_share, consent_publish, status) VALUES (1, $1, 'CASE-9', $2, 0, 'api', 'x', 'amber', \
                      false, false, 'new')";
        conn.execute(insert, &[Value::Int(2), "f1".into()]).expect("another user's copy of the same text and id");
        for (user, fingerprint, what) in [(2, "f3", "the same user's external id"), (1, "f1", "the same user's text")] {
            let refused = conn.execute(insert, &[Value::Int(user), fingerprint.into()]);
            assert!(matches!(refused, Err(StoreError::Conflict(_))), "{what} stays unique: {refused:?}");
        }
        if conn.dialect() == Dialect::Sqlite {
            assert_eq!(count(conn, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'reports_status'"), 1);
            assert_eq!(count(conn, "PRAGMA foreign_keys"), 1, "enforcement is back on after migrating");
            let dangling = conn.execute("INSERT INTO intake_pending (report_id, stage) VALUES (999, 'link')", &[]);
            assert!(dangling.is_err(), "references are enforced again");
        }
    }

    #[test]
    fn upgrade_to_per_submitter_duplicates_on_sqlite() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut conn = SqliteConn::open(&dir.path().join("upgrade.sqlite3")).expect("open");
        upgrade_to_per_submitter_duplicates(&mut conn);
    }

    #[test]
    fn upgrade_to_per_submitter_duplicates_on_postgres() {
        if let Some(url) = crate::testing::fresh_postgres_url() {
            let mut conn = PostgresConn::connect(&url).expect("connect");
            upgrade_to_per_submitter_duplicates(&mut conn);
        }
    }
}
