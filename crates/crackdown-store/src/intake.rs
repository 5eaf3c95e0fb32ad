//! What the intake still owes stored reports (`intake_pending`): every
//! insertion records its new reports as owing a link, in the transaction
//! that stores them; linking moves them on to owing a watch, and the watch
//! removes them. Whatever process dies between those steps, the next intake
//! or the next start finds the debt here and pays it, exactly once (alerts
//! are unique per watch entry and report).

use crate::db::Value;
use crate::reports::ROWS_PER_STATEMENT;
use crate::{Store, StoreError};

/// The step a stored report still waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Not in a campaign yet.
    Link,
    /// Linked, but the watchlists have not seen it.
    Watch,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Link => "link",
            Stage::Watch => "watch",
        }
    }
}

/// `$1, $2, ...` for `count` parameters after `offset` others.
fn placeholders(offset: usize, count: usize) -> String {
    (offset + 1..=offset + count).map(|number| format!("${number}")).collect::<Vec<_>>().join(", ")
}

impl Store {
    /// Up to `limit` reports waiting for `stage`, oldest first: installation
    /// wide, since linking and watching are.
    pub fn pending_intake(&self, stage: Stage, limit: usize) -> Result<Vec<i64>, StoreError> {
        self.pool.with(|conn| {
            conn.query(
                "SELECT report_id FROM intake_pending WHERE stage = $1 ORDER BY report_id LIMIT $2",
                &[stage.as_str().into(), (limit.clamp(1, 1_000_000) as i64).into()],
            )?
            .iter()
            .map(|row| row.int(0))
            .collect()
        })
    }

    /// How many reports wait for `stage`.
    pub fn pending_intake_count(&self, stage: Stage) -> Result<i64, StoreError> {
        self.pool.with(|conn| {
            conn.query_one("SELECT COUNT(*) FROM intake_pending WHERE stage = $1", &[stage.as_str().into()])?
                .map_or(Ok(0), |row| row.int(0))
        })
    }

    /// Records that `ids` are linked: they now wait for the watchlists.
    pub fn intake_linked(&self, ids: &[i64]) -> Result<(), StoreError> {
        self.for_each_chunk(
            "UPDATE intake_pending SET stage = $1 WHERE stage = $2 AND report_id IN",
            &[Stage::Watch.as_str().into(), Stage::Link.as_str().into()],
            ids,
        )
    }

    /// Records that the watchlists have seen `ids`: the intake owes them nothing more.
    pub fn intake_watched(&self, ids: &[i64]) -> Result<(), StoreError> {
        self.for_each_chunk(
            "DELETE FROM intake_pending WHERE stage = $1 AND report_id IN",
            &[Stage::Watch.as_str().into()],
            ids,
        )
    }

    /// Runs `statement (ids)` with `fixed` as its first parameters, a few
    /// hundred ids at a time, in one transaction.
    fn for_each_chunk(&self, statement: &str, fixed: &[Value], ids: &[i64]) -> Result<(), StoreError> {
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                for chunk in ids.chunks(ROWS_PER_STATEMENT) {
                    let sql = format!("{statement} ({})", placeholders(fixed.len(), chunk.len()));
                    let mut params = fixed.to_vec();
                    params.extend(chunk.iter().map(|id| Value::from(*id)));
                    conn.execute(&sql, &params)?;
                }
                Ok(())
            })
        })
    }
}
