//! The one place where the two backends differ: a connection that runs SQL
//! with positional parameters and returns rows of plain values.
//!
//! Queries are written once, in PostgreSQL's `$1` style; the SQLite
//! connection rewrites the placeholders to `?1`. Everything above this
//! module is backend-agnostic, so the same store code and the same test
//! suite run on both.

mod postgres;
mod sqlite;

use std::sync::{Mutex, MutexGuard, PoisonError};

pub(crate) use self::postgres::PostgresConn;
pub(crate) use self::sqlite::SqliteConn;
use crate::StoreError;

/// A parameter or column value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Text(String),
    /// Text known at compile time (a currency code), bound without a copy.
    Static(&'static str),
    /// A slice of a shared buffer (a bulk batch's text): binding many
    /// fields of one buffer costs a reference count, not an allocation each.
    Shared(std::sync::Arc<String>, std::ops::Range<usize>),
    Bool(bool),
    Bytes(Vec<u8>),
}

impl From<i64> for Value {
    fn from(value: i64) -> Value {
        Value::Int(value)
    }
}
impl From<bool> for Value {
    fn from(value: bool) -> Value {
        Value::Bool(value)
    }
}
impl From<&str> for Value {
    fn from(value: &str) -> Value {
        Value::Text(value.to_owned())
    }
}
impl From<String> for Value {
    fn from(value: String) -> Value {
        Value::Text(value)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Value {
        value.map_or(Value::Null, Into::into)
    }
}

/// A column value borrowed from the connection's row buffer, seen by a
/// [`Conn::query_each`] callback: reading millions of rows this way
/// allocates nothing per row or field.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Cell<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Bool(bool),
    Bytes(&'a [u8]),
    /// No column of ours is REAL; kept so a drifted schema is reported, not misread.
    Real(f64),
}

impl Cell<'_> {
    /// The owned value, for a row collected by [`Conn::query`].
    pub(crate) fn to_value(self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Int(value) => Value::Int(value),
            Cell::Text(value) => Value::Text(value.to_owned()),
            Cell::Bool(value) => Value::Bool(value),
            Cell::Bytes(value) => Value::Bytes(value.to_vec()),
            Cell::Real(value) => Value::Text(value.to_string()),
        }
    }
}

/// The most columns a [`Conn::query_each`] row may have (its cells live on the stack).
pub(crate) const MAX_CELLS: usize = 16;

/// Refuses a query too wide for [`Conn::query_each`]'s stack of cells.
pub(crate) fn check_streamed_width(width: usize) -> Result<(), StoreError> {
    if width > MAX_CELLS {
        return Err(StoreError::Schema(format!("{width} columns; a streamed row holds at most {MAX_CELLS}")));
    }
    Ok(())
}

impl Value {
    fn cell(&self) -> Cell<'_> {
        match self {
            Value::Null => Cell::Null,
            Value::Int(value) => Cell::Int(*value),
            Value::Text(value) => Cell::Text(value),
            Value::Static(value) => Cell::Text(value),
            Value::Shared(text, range) => Cell::Text(text.get(range.clone()).unwrap_or_default()),
            Value::Bool(value) => Cell::Bool(*value),
            Value::Bytes(value) => Cell::Bytes(value),
        }
    }
}

/// Typed access to one row's cells; a wrong column type is an error rather
/// than a panic, so a schema drift shows up as a message.
#[derive(Clone, Copy)]
pub(crate) struct Cells<'row, 'a>(pub(crate) &'row [Cell<'a>]);

impl<'a> Cells<'_, 'a> {
    fn cell(&self, index: usize) -> Result<Cell<'a>, StoreError> {
        self.0.get(index).copied().ok_or_else(|| StoreError::Schema(format!("column {index} is missing")))
    }

    pub(crate) fn int(&self, index: usize) -> Result<i64, StoreError> {
        cell_int(self.cell(index)?, index)
    }

    pub(crate) fn opt_int(&self, index: usize) -> Result<Option<i64>, StoreError> {
        match self.cell(index)? {
            Cell::Null => Ok(None),
            cell => cell_int(cell, index).map(Some),
        }
    }

    pub(crate) fn text(&self, index: usize) -> Result<&'a str, StoreError> {
        cell_text(self.cell(index)?, index)
    }

    pub(crate) fn opt_text(&self, index: usize) -> Result<Option<&'a str>, StoreError> {
        match self.cell(index)? {
            Cell::Null => Ok(None),
            cell => cell_text(cell, index).map(Some),
        }
    }
}

fn cell_int(cell: Cell<'_>, index: usize) -> Result<i64, StoreError> {
    match cell {
        Cell::Int(value) => Ok(value),
        other => Err(StoreError::Schema(format!("column {index}: expected an integer, got {other:?}"))),
    }
}

fn cell_text<'a>(cell: Cell<'a>, index: usize) -> Result<&'a str, StoreError> {
    match cell {
        Cell::Text(value) => Ok(value),
        other => Err(StoreError::Schema(format!("column {index}: expected text, got {other:?}"))),
    }
}

/// One result row; accessors turn a wrong column type into an error rather
/// than a panic, so a schema drift shows up as a message.
#[derive(Debug)]
pub(crate) struct Row(pub(crate) Vec<Value>);

impl Row {
    fn value(&self, index: usize) -> Result<&Value, StoreError> {
        self.0.get(index).ok_or_else(|| StoreError::Schema(format!("column {index} is missing")))
    }

    pub(crate) fn int(&self, index: usize) -> Result<i64, StoreError> {
        cell_int(self.value(index)?.cell(), index)
    }

    pub(crate) fn opt_int(&self, index: usize) -> Result<Option<i64>, StoreError> {
        match self.value(index)? {
            Value::Null => Ok(None),
            _ => self.int(index).map(Some),
        }
    }

    pub(crate) fn text(&self, index: usize) -> Result<String, StoreError> {
        cell_text(self.value(index)?.cell(), index).map(str::to_owned)
    }

    pub(crate) fn opt_text(&self, index: usize) -> Result<Option<String>, StoreError> {
        match self.value(index)? {
            Value::Null => Ok(None),
            _ => self.text(index).map(Some),
        }
    }

    /// SQLite has no boolean type and stores 0/1; PostgreSQL returns a bool.
    pub(crate) fn bool(&self, index: usize) -> Result<bool, StoreError> {
        match self.value(index)? {
            Value::Bool(value) => Ok(*value),
            Value::Int(value) => Ok(*value != 0),
            other => Err(StoreError::Schema(format!("column {index}: expected a boolean, got {other:?}"))),
        }
    }

    pub(crate) fn bytes(&self, index: usize) -> Result<Vec<u8>, StoreError> {
        match self.value(index)? {
            Value::Bytes(value) => Ok(value.clone()),
            other => Err(StoreError::Schema(format!("column {index}: expected bytes, got {other:?}"))),
        }
    }
}

/// Which SQL dialect a connection speaks, for the few statements that differ
/// (migrations, and nothing else above this module).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// The shape of a bulk insert: `into` names the table and columns, the
/// `fixed` parameters every row starts with ($1.. once per statement),
/// `width` parameters of each row after them. Rows whose unique key
/// (`skip_conflicts_on`) is already stored are skipped. The SQL parts are
/// static, so a backend may key prepared statements by their address.
pub(crate) struct RowInsert<'a> {
    pub(crate) into: &'static str,
    pub(crate) fixed: &'a [Value],
    pub(crate) width: usize,
    pub(crate) skip_conflicts_on: &'static str,
}

impl RowInsert<'_> {
    /// The statement inserting `rows` rows, `$n` placeholders. `or_ignore`
    /// writes SQLite's `INSERT OR IGNORE`, which (unlike an upsert clause)
    /// cannot abort halfway, so SQLite keeps no statement journal for it.
    pub(crate) fn sql(&self, rows: usize, or_ignore: bool) -> String {
        let mut sql = String::from(if or_ignore { "INSERT OR IGNORE INTO " } else { "INSERT INTO " });
        sql.push_str(self.into);
        sql.push_str(" VALUES ");
        push_value_rows(&mut sql, rows, self.fixed.len(), self.width);
        if !or_ignore {
            sql.push_str(" ON CONFLICT ");
            sql.push_str(self.skip_conflicts_on);
            sql.push_str(" DO NOTHING");
        }
        sql
    }
}

/// Appends `rows` placeholder groups `($1,..,$f,$n..)`: each starts with the
/// `fixed` parameters shared by every row, then its own `width` parameters.
pub(crate) fn push_value_rows(sql: &mut String, rows: usize, fixed: usize, width: usize) {
    use std::fmt::Write as _;
    for row in 0..rows {
        sql.push_str(if row > 0 { ",(" } else { "(" });
        let numbers = (1..=fixed).chain((0..width).map(|column| fixed + row * width + column + 1));
        for (index, number) in numbers.enumerate() {
            let _ = write!(sql, "{}${number}", if index > 0 { "," } else { "" });
        }
        sql.push(')');
    }
}

/// A database connection of either backend.
pub(crate) trait Conn: Send {
    fn dialect(&self) -> Dialect;
    /// Runs a statement, returning the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    /// Runs a query and collects its rows.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError>;
    /// Runs a query and hands each row to `each` as borrowed cells (at most
    /// [`MAX_CELLS`] columns), without collecting them: a rebuild reads
    /// millions of index rows and a trace ten million ledger rows. An error
    /// from `each` stops the query and is returned. Both backends stream.
    fn query_each(
        &mut self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(Cells<'_, '_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
    /// Inserts the rows of `values` (`insert.width` values each) with one
    /// statement and returns how many were stored (fewer when the conflict
    /// clause skipped some). SQLite binds their text in place instead of
    /// copying each field.
    fn insert_run(&mut self, insert: &RowInsert<'_>, values: &[Value]) -> Result<u64, StoreError>;
    /// Runs several statements separated by semicolons, without parameters.
    fn batch(&mut self, sql: &str) -> Result<(), StoreError>;
    fn begin(&mut self) -> Result<(), StoreError>;
    fn commit(&mut self) -> Result<(), StoreError>;
    fn rollback(&mut self) -> Result<(), StoreError>;
}

impl dyn Conn + '_ {
    pub(crate) fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Runs `work` inside a transaction that commits only if it returns
    /// `Ok`. A transaction the database aborted for another's sake (a
    /// deadlock, a serialization failure) is run again from the start, a
    /// few times with a growing pause, so concurrent writers never see it.
    pub(crate) fn transaction<T>(
        &mut self,
        mut work: impl FnMut(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.attempt(&mut work) {
                Err(StoreError::Retry(reason)) if attempt < TRANSACTION_ATTEMPTS => {
                    tracing::debug!(%reason, attempt, "transaction aborted by the database; running it again");
                    std::thread::sleep(std::time::Duration::from_millis(10 << attempt));
                }
                result => return result,
            }
        }
    }

    fn attempt<T>(&mut self, work: &mut impl FnMut(&mut dyn Conn) -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.begin()?;
        match work(self).and_then(|value| self.commit().map(|()| value)) {
            Ok(value) => Ok(value),
            Err(error) => {
                if let Err(rollback_error) = self.rollback() {
                    tracing::error!(%rollback_error, "rollback failed");
                }
                Err(error)
            }
        }
    }
}

/// How often a transaction the database aborted is tried in all.
const TRANSACTION_ATTEMPTS: u32 = 6;

type Opener = dyn Fn() -> Result<Box<dyn Conn>, StoreError> + Send + Sync;

/// A few connections reused across requests; more are opened on demand and
/// at most `idle_limit` are kept.
pub(crate) struct Pool {
    idle: Mutex<Vec<Box<dyn Conn>>>,
    open: Box<Opener>,
    idle_limit: usize,
}

impl Pool {
    pub(crate) fn new(open: Box<Opener>, idle_limit: usize) -> Pool {
        Pool { idle: Mutex::new(Vec::new()), open, idle_limit }
    }

    fn idle(&self) -> MutexGuard<'_, Vec<Box<dyn Conn>>> {
        // A panic while holding this lock cannot leave the list inconsistent.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A connection for the caller to hold across many calls (a ledger
    /// import's one transaction); hand it back with [`Pool::give_back`]
    /// when it is idle again, or drop it.
    pub(crate) fn take(&self) -> Result<Box<dyn Conn>, StoreError> {
        let pooled = self.idle().pop();
        match pooled {
            Some(conn) => Ok(conn),
            None => (self.open)(),
        }
    }

    /// Returns a connection from [`Pool::take`], outside any transaction.
    pub(crate) fn give_back(&self, conn: Box<dyn Conn>) {
        let mut idle = self.idle();
        if idle.len() < self.idle_limit {
            idle.push(conn);
        }
    }

    /// Runs `work` on a pooled connection. A connection whose work failed is
    /// dropped rather than reused, in case it was left mid-transaction.
    pub(crate) fn with<T>(&self, work: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let pooled = self.idle().pop();
        let mut conn = match pooled {
            Some(conn) => conn,
            None => (self.open)()?,
        };
        let result = work(conn.as_mut());
        if result.is_ok() {
            let mut idle = self.idle();
            if idle.len() < self.idle_limit {
                idle.push(conn);
            }
        }
        result
    }
}
