//! Saved column mappings for banks' spreadsheet statements: one text per
//! (organisation, name), written and read by the organisation's case
//! workers only. The store keeps the text as given; reading it into a
//! profile is the statements crate's concern.

use chrono::{DateTime, Utc};
use crackdown_model::Viewer;

use crate::db::Value;
use crate::ledger::require_case_worker;
use crate::{Store, StoreError, to_ms};

impl Store {
    /// Saves (or replaces) the organisation's mapping called `name`.
    pub fn save_ledger_mapping(
        &self,
        viewer: &Viewer,
        name: &str,
        profile: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        require_case_worker(viewer)?;
        self.pool.with(|conn| {
            conn.execute(
                "INSERT INTO ledger_mappings (org_id, name, profile, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (org_id, name) DO UPDATE SET profile = excluded.profile, saved_by = excluded.saved_by, \
                 saved_at = excluded.saved_at",
                &[
                    Value::Int(viewer.org_id),
                    Value::from(name),
                    Value::from(profile),
                    Value::Int(viewer.user_id),
                    Value::Int(to_ms(now)),
                ],
            )?;
            Ok(())
        })
    }

    /// The organisation's mapping called `name`, if it saved one.
    pub fn ledger_mapping(&self, viewer: &Viewer, name: &str) -> Result<Option<String>, StoreError> {
        require_case_worker(viewer)?;
        self.pool.with(|conn| {
            conn.query_one(
                "SELECT profile FROM ledger_mappings WHERE org_id = $1 AND name = $2",
                &[Value::Int(viewer.org_id), Value::from(name)],
            )?
            .map(|row| row.text(0))
            .transpose()
        })
    }
}
