//! The embedded default: one SQLite database file in WAL mode.

use std::path::Path;

use rusqlite::types::{ToSqlOutput, ValueRef};

use super::{Conn, Dialect, Row, Value};
use crate::StoreError;

pub(crate) struct SqliteConn {
    conn: rusqlite::Connection,
}

fn db_error(error: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(code, _) = &error
        && code.code == rusqlite::ErrorCode::ConstraintViolation
    {
        return StoreError::Conflict(error.to_string());
    }
    StoreError::Database(error.to_string())
}

impl SqliteConn {
    pub(crate) fn open(path: &Path) -> Result<SqliteConn, StoreError> {
        let conn = rusqlite::Connection::open(path)
            .map_err(|error| StoreError::Database(format!("cannot open {}: {error}", path.display())))?;
        // WAL lets readers proceed while an import writes; NORMAL keeps each
        // committed batch durable across a process kill (not an OS crash,
        // which may lose the last batch but never half of one).
        // Checkpoints every 64 MiB of WAL rather than 4 MiB: a bulk ledger
        // import then copies pages back and syncs a sixteenth as often.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
             PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; \
             PRAGMA wal_autocheckpoint = 16384;",
        )
        .map_err(db_error)?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(SqliteConn { conn })
    }
}

/// Rewrites `$1` placeholders to SQLite's `?1`; our SQL has no `$` elsewhere.
fn sqlite_sql(sql: &str) -> String {
    sql.replace('$', "?")
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(value) => ToSqlOutput::Borrowed(ValueRef::Integer(*value)),
            Value::Bool(value) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*value))),
            Value::Text(value) => ToSqlOutput::Borrowed(ValueRef::Text(value.as_bytes())),
            Value::Static(value) => ToSqlOutput::Borrowed(ValueRef::Text(value.as_bytes())),
            Value::Shared(text, range) => {
                ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes().get(range.clone()).unwrap_or_default()))
            }
            Value::Bytes(value) => ToSqlOutput::Borrowed(ValueRef::Blob(value)),
        })
    }
}

fn read_value(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(value) => Value::Int(value),
        // No column of ours is REAL; keep the bits rather than fail.
        ValueRef::Real(value) => Value::Text(value.to_string()),
        ValueRef::Text(value) => Value::Text(String::from_utf8_lossy(value).into_owned()),
        ValueRef::Blob(value) => Value::Bytes(value.to_vec()),
    }
}

impl Conn for SqliteConn {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let mut statement = self.conn.prepare_cached(&sqlite_sql(sql)).map_err(db_error)?;
        let changed = statement.execute(rusqlite::params_from_iter(params)).map_err(db_error)?;
        Ok(changed as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let mut statement = self.conn.prepare_cached(&sqlite_sql(sql)).map_err(db_error)?;
        let width = statement.column_count();
        let mut rows = statement.query(rusqlite::params_from_iter(params)).map_err(db_error)?;
        let mut collected = Vec::new();
        while let Some(row) = rows.next().map_err(db_error)? {
            let mut values = Vec::with_capacity(width);
            for index in 0..width {
                values.push(read_value(row.get_ref(index).map_err(db_error)?));
            }
            collected.push(Row(values));
        }
        Ok(collected)
    }

    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.conn.execute_batch(sql).map_err(db_error)
    }

    fn begin(&mut self) -> Result<(), StoreError> {
        // IMMEDIATE takes the write lock up front, so two writers queue on the
        // busy timeout instead of failing when they upgrade.
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(db_error)
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("COMMIT").map_err(db_error)
    }

    fn rollback(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("ROLLBACK").map_err(db_error)
    }
}
