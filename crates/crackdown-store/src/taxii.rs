//! What TAXII 2.1 writes and pulls keep: the status resources of POSTed
//! envelopes (any server process on the database answers them, only to the
//! organisation that posted), where `crackdown taxii pull` resumes a
//! collection, and where shared reports came from (their provenance).

use chrono::{DateTime, Utc};
use crackdown_model::Viewer;

use crate::db::Value;
use crate::{Store, StoreError, from_ms, to_ms};

/// A status resource as stored: the JSON the server answers with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredStatus {
    pub collection_id: String,
    pub requested_at: DateTime<Utc>,
    pub resource: String,
}

/// Where a shared report came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedProvenance {
    pub partner: String,
    pub feed: String,
    /// The user (or token's user) that brought it in.
    pub brought_by: Option<String>,
    pub received_at: DateTime<Utc>,
}

impl Store {
    /// Keeps the status resource `id` of an envelope `viewer` posted.
    pub fn save_taxii_status(
        &self,
        viewer: &Viewer,
        id: &str,
        collection_id: &str,
        requested_at: DateTime<Utc>,
        resource: &str,
    ) -> Result<(), StoreError> {
        self.pool.with(|conn| {
            conn.execute(
                "INSERT INTO taxii_statuses (id, org_id, user_id, collection_id, requested_at, resource) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    Value::from(id),
                    Value::Int(viewer.org_id),
                    Value::Int(viewer.user_id),
                    Value::from(collection_id),
                    Value::Int(to_ms(requested_at)),
                    Value::from(resource),
                ],
            )?;
            Ok(())
        })
    }

    /// The status resource `id`, when someone of `viewer`'s organisation
    /// posted it; `None` for any other id (another organisation's too).
    pub fn taxii_status(&self, viewer: &Viewer, id: &str) -> Result<Option<StoredStatus>, StoreError> {
        self.pool.with(|conn| {
            conn.query_one(
                "SELECT collection_id, requested_at, resource FROM taxii_statuses WHERE id = $1 AND org_id = $2",
                &[Value::from(id), Value::Int(viewer.org_id)],
            )?
            .map(|row| {
                Ok(StoredStatus {
                    collection_id: row.text(0)?,
                    requested_at: from_ms(row.int(1)?)?,
                    resource: row.text(2)?,
                })
            })
            .transpose()
        })
    }

    /// Where the organisation's last pull of `collection_id` at
    /// `server_url` ended: the last `date_added` the server reported.
    pub fn taxii_pull_resume(
        &self,
        viewer: &Viewer,
        server_url: &str,
        collection_id: &str,
    ) -> Result<Option<String>, StoreError> {
        self.pool.with(|conn| {
            conn.query_one(
                "SELECT added_after FROM taxii_pulls WHERE org_id = $1 AND server_url = $2 AND collection_id = $3",
                &[Value::Int(viewer.org_id), Value::from(server_url), Value::from(collection_id)],
            )?
            .map(|row| row.text(0))
            .transpose()
        })
    }

    /// Remembers where the organisation's pull of `collection_id` at
    /// `server_url` ended, for the next one to resume from.
    pub fn save_taxii_pull_resume(
        &self,
        viewer: &Viewer,
        server_url: &str,
        collection_id: &str,
        added_after: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.pool.with(|conn| {
            conn.execute(
                "INSERT INTO taxii_pulls (org_id, server_url, collection_id, added_after, pulled_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, server_url, collection_id) \
                 DO UPDATE SET added_after = excluded.added_after, pulled_at = excluded.pulled_at",
                &[
                    Value::Int(viewer.org_id),
                    Value::from(server_url),
                    Value::from(collection_id),
                    Value::from(added_after),
                    Value::Int(to_ms(now)),
                ],
            )?;
            Ok(())
        })
    }

    /// Records where the shared reports `report_ids` (just created by
    /// `viewer`'s import) came from. A report that already has a
    /// provenance keeps the first.
    pub fn record_shared_provenance(
        &self,
        viewer: &Viewer,
        report_ids: &[i64],
        partner: &str,
        feed: &str,
        received_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if report_ids.is_empty() {
            return Ok(());
        }
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                for id in report_ids {
                    conn.execute(
                        "INSERT INTO shared_provenance (report_id, partner, feed, brought_by, received_at) \
                         SELECT r.id, $2, $3, $4, $5 FROM reports r WHERE r.id = $1 AND r.org_id = $6 \
                         ON CONFLICT (report_id) DO NOTHING",
                        &[
                            Value::Int(*id),
                            Value::from(partner),
                            Value::from(feed),
                            Value::Int(viewer.user_id),
                            Value::Int(to_ms(received_at)),
                            Value::Int(viewer.org_id),
                        ],
                    )?;
                }
                Ok(())
            })
        })
    }

    /// Where report `report_id` came from, when it was shared in and
    /// `viewer`'s organisation holds it (provenance is the holder's record,
    /// not something other readers of the report see).
    pub fn shared_provenance(&self, viewer: &Viewer, report_id: i64) -> Result<Option<SharedProvenance>, StoreError> {
        self.pool.with(|conn| {
            conn.query_one(
                "SELECT p.partner, p.feed, u.name, p.received_at FROM shared_provenance p \
                 JOIN reports r ON r.id = p.report_id LEFT JOIN users u ON u.id = p.brought_by \
                 WHERE p.report_id = $1 AND r.org_id = $2",
                &[Value::Int(report_id), Value::Int(viewer.org_id)],
            )?
            .map(|row| {
                Ok(SharedProvenance {
                    partner: row.text(0)?,
                    feed: row.text(1)?,
                    brought_by: row.opt_text(2)?,
                    received_at: from_ms(row.int(3)?)?,
                })
            })
            .transpose()
        })
    }
}
