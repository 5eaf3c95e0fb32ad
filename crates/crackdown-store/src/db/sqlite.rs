//! The embedded default: one SQLite database file in WAL mode.

use std::ffi::{CStr, c_int};
use std::path::Path;

use rusqlite::ffi;
use rusqlite::types::{ToSqlOutput, ValueRef};

use super::{Conn, Dialect, Row, RowInsert, Value};
use crate::StoreError;

pub(crate) struct SqliteConn {
    /// Bulk inserts prepared through the C interface, by statement shape
    /// (the address of a [`RowInsert`]'s static table and columns, its fixed
    /// and row widths, and its row count).
    /// Declared before `conn`, so they are finalized before it closes.
    inserts: std::collections::HashMap<(usize, usize, usize, usize), RawStatement>,
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
        Ok(SqliteConn { inserts: std::collections::HashMap::new(), conn })
    }
}

/// A statement prepared through SQLite's C interface, for bulk inserts:
/// rusqlite binds every text as a copy (`SQLITE_TRANSIENT`), which costs
/// an allocation, a copy and a free per field; here text is bound in place.
/// Finalized on drop, which also releases every binding.
struct RawStatement {
    db: *mut ffi::sqlite3,
    statement: *mut ffi::sqlite3_stmt,
}

impl RawStatement {
    fn prepare(conn: &rusqlite::Connection, sql: &str) -> Result<RawStatement, StoreError> {
        let length = c_int::try_from(sql.len()).map_err(|_| StoreError::Database("statement too long".into()))?;
        // SAFETY: the handle is the open connection `conn`, which outlives the
        // statement (both live inside one `insert_rows` call).
        let db = unsafe { conn.handle() };
        let mut statement = std::ptr::null_mut();
        // SAFETY: `sql` is valid for `length` bytes; SQLite writes the statement pointer.
        let code =
            unsafe { ffi::sqlite3_prepare_v2(db, sql.as_ptr().cast(), length, &mut statement, std::ptr::null_mut()) };
        if code != ffi::SQLITE_OK || statement.is_null() {
            return Err(raw_error(db, code));
        }
        Ok(RawStatement { db, statement })
    }

    /// Binds `value` to parameter `index` (1-based). Text and bytes are bound
    /// in place (`SQLITE_STATIC`).
    ///
    /// # Safety
    /// `value` must stay alive and unchanged until the parameter is bound
    /// again or the statement is finalized.
    unsafe fn bind(&mut self, index: c_int, value: &Value) -> Result<(), StoreError> {
        let text = |bytes: &[u8]| -> Result<(*const std::ffi::c_char, c_int), StoreError> {
            let length =
                c_int::try_from(bytes.len()).map_err(|_| StoreError::Database("value too long to bind".into()))?;
            Ok((bytes.as_ptr().cast(), length))
        };
        // SAFETY: `self.statement` is a live prepared statement; the caller
        // keeps borrowed text alive as the contract above says.
        let code = unsafe {
            match value {
                Value::Null => ffi::sqlite3_bind_null(self.statement, index),
                Value::Int(number) => ffi::sqlite3_bind_int64(self.statement, index, *number),
                Value::Bool(flag) => ffi::sqlite3_bind_int64(self.statement, index, i64::from(*flag)),
                Value::Text(_) | Value::Static(_) | Value::Shared(..) => {
                    let bytes = match value {
                        Value::Text(owned) => owned.as_bytes(),
                        Value::Static(code) => code.as_bytes(),
                        Value::Shared(buffer, range) => buffer.as_bytes().get(range.clone()).unwrap_or_default(),
                        _ => &[],
                    };
                    let (pointer, length) = text(bytes)?;
                    ffi::sqlite3_bind_text(self.statement, index, pointer, length, ffi::SQLITE_STATIC())
                }
                Value::Bytes(bytes) => {
                    let (pointer, length) = text(bytes)?;
                    ffi::sqlite3_bind_blob(self.statement, index, pointer.cast(), length, ffi::SQLITE_STATIC())
                }
            }
        };
        if code == ffi::SQLITE_OK { Ok(()) } else { Err(raw_error(self.db, code)) }
    }

    /// Forgets every binding, so no pointer into the caller's values outlives the call.
    fn clear_bindings(&mut self) {
        // SAFETY: a live statement.
        unsafe {
            ffi::sqlite3_clear_bindings(self.statement);
        }
    }

    /// Runs the statement once; returns the rows it changed.
    fn step(&mut self) -> Result<u64, StoreError> {
        // SAFETY: a live statement on a live connection, stepped and reset on this thread.
        unsafe {
            let code = ffi::sqlite3_step(self.statement);
            let changed = ffi::sqlite3_changes64(self.db);
            ffi::sqlite3_reset(self.statement);
            if code == ffi::SQLITE_DONE || code == ffi::SQLITE_ROW {
                Ok(u64::try_from(changed).unwrap_or(0))
            } else {
                Err(raw_error(self.db, code))
            }
        }
    }
}

// SAFETY: a statement moves between threads with its connection (a pooled
// `SqliteConn`), never used by two at once; SQLite is built thread-safe.
unsafe impl Send for RawStatement {}

impl Drop for RawStatement {
    fn drop(&mut self) {
        // SAFETY: finalized exactly once; the bindings die with it.
        unsafe {
            ffi::sqlite3_finalize(self.statement);
        }
    }
}

fn raw_error(db: *mut ffi::sqlite3, code: c_int) -> StoreError {
    // SAFETY: sqlite3_errmsg returns a NUL-terminated string owned by the connection.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }.to_string_lossy().into_owned();
    if code & 0xff == ffi::SQLITE_CONSTRAINT {
        StoreError::Conflict(message)
    } else {
        StoreError::Database(format!("{message} (SQLite code {code})"))
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

    fn query_each(
        &mut self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(&Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut statement = self.conn.prepare_cached(&sqlite_sql(sql)).map_err(db_error)?;
        let width = statement.column_count();
        let mut rows = statement.query(rusqlite::params_from_iter(params)).map_err(db_error)?;
        let mut current = Row(vec![Value::Null; width]);
        while let Some(row) = rows.next().map_err(db_error)? {
            for (index, slot) in current.0.iter_mut().enumerate() {
                let value = row.get_ref(index).map_err(db_error)?;
                // Text goes into the previous row's buffer: no allocation
                // per field of millions.
                match (value, &mut *slot) {
                    (ValueRef::Text(text), Value::Text(buffer)) => {
                        buffer.clear();
                        match std::str::from_utf8(text) {
                            Ok(text) => buffer.push_str(text),
                            Err(_) => buffer.push_str(&String::from_utf8_lossy(text)),
                        }
                    }
                    _ => *slot = read_value(value),
                }
            }
            each(&current)?;
        }
        Ok(())
    }

    fn insert_run(&mut self, insert: &RowInsert<'_>, values: &[Value]) -> Result<u64, StoreError> {
        let width = insert.width.max(1);
        let rows = values.len() / width;
        let key = (insert.into.as_ptr() as usize, insert.fixed.len(), width, rows);
        let statement = match self.inserts.entry(key) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert(RawStatement::prepare(&self.conn, &sqlite_sql(&insert.sql(rows, true)))?)
            }
        };
        let mut bound = Ok(());
        for (index, value) in insert.fixed.iter().chain(values).enumerate() {
            // SAFETY: `insert.fixed` and `values` outlive this call, and every
            // binding is cleared below before it returns.
            bound = unsafe { statement.bind(c_int::try_from(index + 1).unwrap_or(c_int::MAX), value) };
            if bound.is_err() {
                break;
            }
        }
        let stored = bound.and_then(|()| statement.step());
        statement.clear_bindings();
        stored
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
