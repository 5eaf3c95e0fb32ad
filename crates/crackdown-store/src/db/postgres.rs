//! The team deployment: a PostgreSQL server.

use std::collections::HashMap;
use std::error::Error;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, NoTls, Statement};

use super::{Cell, Cells, Conn, Dialect, MAX_CELLS, Row, RowInsert, Value, check_streamed_width};
use crate::StoreError;

pub(crate) struct PostgresConn {
    client: Client,
    /// Prepared statements by SQL text, so a bulk import parses each once.
    statements: HashMap<String, Statement>,
}

fn db_error(error: postgres::Error) -> StoreError {
    if let Some(db) = error.as_db_error() {
        let code = db.code().code();
        if code.starts_with("23") {
            return StoreError::Conflict(db.message().to_owned());
        }
        // serialization_failure, deadlock_detected: the server aborted the
        // transaction for another's sake; running it again succeeds.
        if code == "40001" || code == "40P01" {
            return StoreError::Retry(db.message().to_owned());
        }
        // raise_exception: a trigger of ours refused the change (the
        // append-only screening audit); its message is ours, never data.
        if code == "P0001" {
            return StoreError::Forbidden(db.message().to_owned());
        }
    }
    StoreError::Database(error.to_string())
}

impl PostgresConn {
    pub(crate) fn connect(url: &str) -> Result<PostgresConn, StoreError> {
        let client = Client::connect(url, NoTls)
            .map_err(|error| StoreError::Database(format!("cannot connect to PostgreSQL: {error}")))?;
        Ok(PostgresConn { client, statements: HashMap::new() })
    }

    fn prepare(&mut self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql).map_err(db_error)?;
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    fn params(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
        params.iter().map(|value| value as &(dyn ToSql + Sync)).collect()
    }
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(value) => value.to_sql(ty, out),
            Value::Text(value) => value.to_sql(ty, out),
            Value::Static(value) => value.to_sql(ty, out),
            Value::Shared(text, range) => text.get(range.clone()).unwrap_or_default().to_sql(ty, out),
            Value::Bool(value) => value.to_sql(ty, out),
            Value::Bytes(value) => value.to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        // Every integer column is BIGINT, so an i64 always fits what it binds.
        [Type::INT8, Type::TEXT, Type::VARCHAR, Type::BOOL, Type::BYTEA].contains(ty)
    }

    to_sql_checked!();
}

fn read_row(row: &postgres::Row) -> Result<Row, StoreError> {
    let cells = row.columns().iter().enumerate().map(|(index, column)| read_cell(row, index, column.type_()));
    cells.map(|cell| cell.map(Cell::to_value).map_err(db_error)).collect::<Result<_, _>>().map(Row)
}

fn read_cell<'row>(row: &'row postgres::Row, index: usize, ty: &Type) -> Result<Cell<'row>, postgres::Error> {
    Ok(if *ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(index)?.map_or(Cell::Null, Cell::Int)
    } else if *ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(index)?.map_or(Cell::Null, |value| Cell::Int(i64::from(value)))
    } else if *ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(index)?.map_or(Cell::Null, Cell::Bool)
    } else if *ty == Type::BYTEA {
        row.try_get::<_, Option<&[u8]>>(index)?.map_or(Cell::Null, Cell::Bytes)
    } else {
        row.try_get::<_, Option<&str>>(index)?.map_or(Cell::Null, Cell::Text)
    })
}

impl Conn for PostgresConn {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let statement = self.prepare(sql)?;
        self.client.execute(&statement, &Self::params(params)).map_err(db_error)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let statement = self.prepare(sql)?;
        let rows = self.client.query(&statement, &Self::params(params)).map_err(db_error)?;
        rows.iter().map(read_row).collect()
    }

    fn query_each(
        &mut self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(Cells<'_, '_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let statement = self.prepare(sql)?;
        let width = statement.columns().len();
        check_streamed_width(width)?;
        let mut rows = self.client.query_raw(&statement, Self::params(params)).map_err(db_error)?;
        while let Some(row) = rows.next().map_err(db_error)? {
            let mut cells = [Cell::Null; MAX_CELLS];
            for (index, column) in row.columns().iter().enumerate() {
                cells[index] = read_cell(&row, index, column.type_()).map_err(db_error)?;
            }
            each(Cells(&cells[..width]))?;
        }
        Ok(())
    }

    fn insert_run(&mut self, insert: &RowInsert<'_>, values: &[Value]) -> Result<u64, StoreError> {
        let statement = self.prepare(&insert.sql(values.len() / insert.width.max(1), false))?;
        let params: Vec<&(dyn ToSql + Sync)> =
            insert.fixed.iter().chain(values).map(|value| value as &(dyn ToSql + Sync)).collect();
        self.client.execute(&statement, &params).map_err(db_error)
    }

    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.client.batch_execute(sql).map_err(db_error)
    }

    fn begin(&mut self) -> Result<(), StoreError> {
        self.client.batch_execute("BEGIN").map_err(db_error)
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.client.batch_execute("COMMIT").map_err(db_error)
    }

    fn rollback(&mut self) -> Result<(), StoreError> {
        self.client.batch_execute("ROLLBACK").map_err(db_error)
    }
}
