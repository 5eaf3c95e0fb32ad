//! Watchlists, alerts and the webhook outbox.
//!
//! An organisation's admins and analysts keep watch entries (what to hear
//! about) and webhooks (where to hear it). When a new report matches an
//! entry, an alert is stored and one delivery per active webhook is queued
//! in `webhook_deliveries` in the same transaction, so the outbox is as
//! durable as the alert: a restart resumes whatever was not yet confirmed.
//!
//! What an alert carries, and why: the alert id and time, the entry (the
//! organisation's own data), the report id, and the value that matched (the
//! report's normalized indicator, campaign id or scam type). The matched
//! value comes from the report, so an alert is created only when the
//! watching organisation may read the report at organisation level (the
//! same `visibility()` as every report read, for an analyst of that
//! organisation who is nobody's named recipient: RED reports never alert),
//! and listing alerts filters again through the reader's own visibility.
//! No text, reporter, victim contact or loss travels in an alert: the full
//! report is one authenticated `GET /api/v1/reports/{id}` away, under the
//! normal rules.
//!
//! Matching itself is not here (the store knows no matcher): the engine
//! reads every entry with [`Store::all_watch_entries`], the new reports'
//! indicators with [`Store::watch_subjects`], and hands the hits to
//! [`Store::record_alerts`].

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crackdown_model::{Role, Viewer};
use serde::Serialize;

use crate::db::{Conn, Row};
use crate::reports::{Query, visibility};
use crate::{Store, StoreError, from_ms, to_ms};

/// Entry kinds, as stored and as the API spells them.
pub const WATCH_KINDS: [&str; 6] = ["exact", "prefix", "domain_suffix", "regex", "campaign", "scam_type"];

/// Longest entry value or label accepted, in bytes.
const MAX_WATCH_TEXT: usize = 512;
/// Longest webhook URL accepted, in bytes.
const MAX_URL: usize = 2000;
/// Reports read per query by [`Store::watch_subjects`].
const SUBJECT_CHUNK: usize = 500;

/// A watch entry to add; the caller has validated and normalized it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewWatchEntry {
    pub kind: String,
    pub qualifier: Option<String>,
    pub value: String,
    pub label: String,
}

/// A stored watch entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WatchEntryInfo {
    pub id: i64,
    /// One of [`WATCH_KINDS`].
    pub kind: String,
    /// The indicator type of an exact or regex entry, or what a prefix
    /// applies to (`iban`, `card_bin`, `phone`).
    #[serde(rename = "type")]
    pub qualifier: Option<String>,
    pub value: String,
    pub label: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A watch entry with its organisation, as the matcher reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgWatchEntry {
    pub org_id: i64,
    pub entry: WatchEntryInfo,
}

/// What a new report is matched on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WatchSubjectRow {
    pub report_id: i64,
    pub scam_type: Option<String>,
    /// (kind, normalized) of each indicator.
    pub indicators: Vec<(String, String)>,
}

/// A hit the matcher found: entry `entry_id` of `org_id` matched report
/// `report_id` through `matched`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertCandidate {
    pub org_id: i64,
    pub entry_id: i64,
    pub report_id: i64,
    pub matched: String,
}

/// The entry an alert came from, as the alert shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AlertEntry {
    pub id: i64,
    pub kind: String,
    #[serde(rename = "type")]
    pub qualifier: Option<String>,
    pub value: String,
    pub label: String,
}

/// An alert: which entry matched which report, through which value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Alert {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub report_id: i64,
    /// The report's normalized indicator, campaign id or scam type that hit.
    pub matched: String,
    pub entry: AlertEntry,
}

/// A webhook as listed: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WebhookInfo {
    pub id: i64,
    pub url: String,
    pub active: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// Deliveries waiting for a first or another attempt.
    pub pending: i64,
    pub delivered: i64,
    /// Deliveries given up after the last retry.
    pub failed: i64,
}

/// A freshly created webhook; the only time its secret is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreatedWebhook {
    pub id: i64,
    pub url: String,
    pub secret: String,
}

/// A delivery the outbox worker has claimed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimedDelivery {
    pub id: i64,
    pub delivery_id: String,
    /// Attempts including this one.
    pub attempt: u32,
    pub url: String,
    pub secret: String,
    pub alert: Alert,
}

/// How a delivery attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeliveryResult {
    Delivered,
    /// Failed; try again at `retry_at`, or never (`None`: given up).
    Failed {
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
}

/// Refuses watchlist and webhook management to all but admins and analysts.
fn require_watcher(viewer: &Viewer) -> Result<(), StoreError> {
    if viewer.role.may_watch() {
        Ok(())
    } else {
        Err(StoreError::Forbidden(format!(
            "{} is a {} and cannot manage watchlists, webhooks or alerts",
            viewer.user_name, viewer.role
        )))
    }
}

fn check_text(field: &str, text: &str) -> Result<(), StoreError> {
    if text.len() > MAX_WATCH_TEXT {
        return Err(StoreError::Invalid(format!("{field} is {} bytes; the limit is {MAX_WATCH_TEXT}", text.len())));
    }
    if text.chars().any(char::is_control) {
        return Err(StoreError::Invalid(format!("{field} contains control characters")));
    }
    Ok(())
}

const ENTRY_COLUMNS: &str = "e.id, e.kind, e.qualifier, e.value, e.label, u.name, e.created_at";

fn read_entry(row: &Row, at: usize) -> Result<WatchEntryInfo, StoreError> {
    Ok(WatchEntryInfo {
        id: row.int(at)?,
        kind: row.text(at + 1)?,
        qualifier: row.opt_text(at + 2)?,
        value: row.text(at + 3)?,
        label: row.text(at + 4)?,
        created_by: row.text(at + 5)?,
        created_at: from_ms(row.int(at + 6)?)?,
    })
}

const ALERT_COLUMNS: &str = "a.id, a.created_at, a.report_id, a.matched, e.id, e.kind, e.qualifier, e.value, e.label";

fn read_alert(row: &Row, at: usize) -> Result<Alert, StoreError> {
    Ok(Alert {
        id: row.int(at)?,
        created_at: from_ms(row.int(at + 1)?)?,
        report_id: row.int(at + 2)?,
        matched: row.text(at + 3)?,
        entry: AlertEntry {
            id: row.int(at + 4)?,
            kind: row.text(at + 5)?,
            qualifier: row.opt_text(at + 6)?,
            value: row.text(at + 7)?,
            label: row.text(at + 8)?,
        },
    })
}

/// The organisation as a whole, reading: an analyst who is nobody's named
/// recipient, so RED reports stay out.
fn org_reader(org_id: i64) -> Viewer {
    Viewer { user_id: 0, org_id, role: Role::Analyst, user_name: format!("org {org_id}") }
}

fn random_secret() -> Result<String, StoreError> {
    let mut random = [0_u8; 32];
    getrandom::fill(&mut random).map_err(|error| StoreError::Database(format!("no randomness: {error}")))?;
    Ok(format!("whsec_{}", crackdown_model::hex(&random)))
}

/// Queues a delivery of `alert` to every active webhook of `org`.
fn queue_deliveries(
    conn: &mut dyn Conn,
    org: i64,
    alert: i64,
    delivery_id: &dyn Fn(i64, i64) -> String,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let hooks = conn.query("SELECT id FROM webhooks WHERE org_id = $1 AND active", &[org.into()])?;
    for hook in hooks {
        let hook = hook.int(0)?;
        conn.execute(
            "INSERT INTO webhook_deliveries (delivery_id, alert_id, webhook_id, attempts, next_attempt_at, status) \
             VALUES ($1, $2, $3, 0, $4, 'pending') ON CONFLICT DO NOTHING",
            &[delivery_id(hook, alert).into(), alert.into(), hook.into(), to_ms(now).into()],
        )?;
    }
    Ok(())
}

impl Store {
    /// Adds an entry to the viewer's organisation's watchlist.
    pub fn add_watch_entry(
        &self,
        viewer: &Viewer,
        entry: &NewWatchEntry,
        now: DateTime<Utc>,
    ) -> Result<WatchEntryInfo, StoreError> {
        require_watcher(viewer)?;
        if !WATCH_KINDS.contains(&entry.kind.as_str()) {
            return Err(StoreError::Invalid(format!(
                "watch kind {:?}: expected one of {}",
                entry.kind,
                WATCH_KINDS.join(", ")
            )));
        }
        check_text("value", &entry.value)?;
        check_text("label", &entry.label)?;
        let row = self.pool.with(|conn| {
            conn.query_one(
                "INSERT INTO watch_entries (org_id, kind, qualifier, value, label, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    viewer.org_id.into(),
                    entry.kind.as_str().into(),
                    entry.qualifier.clone().into(),
                    entry.value.as_str().into(),
                    entry.label.as_str().into(),
                    viewer.user_id.into(),
                    to_ms(now).into(),
                ],
            )
        })?;
        let id = row.ok_or_else(|| StoreError::Schema("INSERT RETURNING gave no row".into()))?.int(0)?;
        Ok(WatchEntryInfo {
            id,
            kind: entry.kind.clone(),
            qualifier: entry.qualifier.clone(),
            value: entry.value.clone(),
            label: entry.label.clone(),
            created_by: viewer.user_name.clone(),
            created_at: from_ms(to_ms(now))?,
        })
    }

    /// The viewer's organisation's current watch entries, oldest first.
    pub fn watch_entries(&self, viewer: &Viewer) -> Result<Vec<WatchEntryInfo>, StoreError> {
        require_watcher(viewer)?;
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM watch_entries e JOIN users u ON u.id = e.created_by \
             WHERE e.org_id = $1 AND e.removed_at IS NULL ORDER BY e.id"
        );
        self.pool.with(|conn| conn.query(&sql, &[viewer.org_id.into()])?.iter().map(|row| read_entry(row, 0)).collect())
    }

    /// Removes an entry of the viewer's organisation. Its alerts stay.
    pub fn remove_watch_entry(&self, viewer: &Viewer, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        require_watcher(viewer)?;
        let changed = self.pool.with(|conn| {
            conn.execute(
                "UPDATE watch_entries SET removed_at = $1 WHERE id = $2 AND org_id = $3 AND removed_at IS NULL",
                &[to_ms(now).into(), id.into(), viewer.org_id.into()],
            )
        })?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("watch entry {id}")));
        }
        Ok(())
    }

    /// Every organisation's current entries, for the matcher only: nothing
    /// here is shown to anyone.
    pub fn all_watch_entries(&self) -> Result<Vec<OrgWatchEntry>, StoreError> {
        let sql = format!(
            "SELECT e.org_id, {ENTRY_COLUMNS} FROM watch_entries e JOIN users u ON u.id = e.created_by \
             WHERE e.removed_at IS NULL ORDER BY e.id"
        );
        self.pool.with(|conn| {
            conn.query(&sql, &[])?
                .iter()
                .map(|row| Ok(OrgWatchEntry { org_id: row.int(0)?, entry: read_entry(row, 1)? }))
                .collect()
        })
    }

    /// The scam type and indicators of reports, for the matcher only (its
    /// hits pass [`Store::record_alerts`], which applies the access rules).
    pub fn watch_subjects(&self, report_ids: &[i64]) -> Result<Vec<WatchSubjectRow>, StoreError> {
        let mut subjects: BTreeMap<i64, WatchSubjectRow> = BTreeMap::new();
        self.pool.with(|conn| {
            for chunk in report_ids.chunks(SUBJECT_CHUNK) {
                let mut ids = Query::new("");
                let list: Vec<String> = chunk.iter().map(|id| ids.param(*id)).collect();
                let list = list.join(", ");
                let sql = format!(
                    "SELECT r.id, a.scam_type FROM reports r LEFT JOIN report_analyses a ON a.report_id = r.id \
                     WHERE r.id IN ({list})"
                );
                for row in conn.query(&sql, &ids.params)? {
                    let report_id = row.int(0)?;
                    subjects.insert(
                        report_id,
                        WatchSubjectRow { report_id, scam_type: row.opt_text(1)?, indicators: Vec::new() },
                    );
                }
                let sql = format!(
                    "SELECT report_id, kind, normalized FROM report_indicators WHERE report_id IN ({list}) \
                     ORDER BY report_id, span_start"
                );
                for row in conn.query(&sql, &ids.params)? {
                    if let Some(subject) = subjects.get_mut(&row.int(0)?) {
                        subject.indicators.push((row.text(1)?, row.text(2)?));
                    }
                }
            }
            Ok(())
        })?;
        Ok(subjects.into_values().collect())
    }

    /// Stores the alerts of matcher hits and queues their webhook deliveries,
    /// in one transaction. A hit on a report the watching organisation may
    /// not read, or on an entry removed meanwhile, is dropped; a hit already
    /// alerted is not alerted again. `delivery_id(webhook, alert)` names each
    /// delivery. Returns the new alerts' ids.
    pub fn record_alerts(
        &self,
        hits: &[AlertCandidate],
        delivery_id: &dyn Fn(i64, i64) -> String,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError> {
        if hits.is_empty() {
            return Ok(Vec::new());
        }
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let mut created = Vec::new();
                for hit in hits {
                    let mut check = Query::new("SELECT 1 FROM reports r WHERE ");
                    let visible = visibility(&mut check, &org_reader(hit.org_id));
                    let report = check.param(hit.report_id);
                    let entry = check.param(hit.entry_id);
                    let org = check.param(hit.org_id);
                    check.push(&format!(
                        "r.id = {report} AND {visible} AND EXISTS (SELECT 1 FROM watch_entries e \
                         WHERE e.id = {entry} AND e.org_id = {org} AND e.removed_at IS NULL)"
                    ));
                    if conn.query_one(&check.sql, &check.params)?.is_none() {
                        continue;
                    }
                    let row = conn.query_one(
                        "INSERT INTO alerts (org_id, entry_id, report_id, matched, created_at) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
                        &[
                            hit.org_id.into(),
                            hit.entry_id.into(),
                            hit.report_id.into(),
                            hit.matched.as_str().into(),
                            to_ms(now).into(),
                        ],
                    )?;
                    if let Some(row) = row {
                        let alert = row.int(0)?;
                        queue_deliveries(conn, hit.org_id, alert, delivery_id, now)?;
                        created.push(alert);
                    }
                }
                Ok(created)
            })
        })
    }

    /// The viewer's organisation's alerts on reports the viewer may read,
    /// newest first, below `before_id` when given.
    pub fn alerts(&self, viewer: &Viewer, before_id: Option<i64>, limit: usize) -> Result<Vec<Alert>, StoreError> {
        require_watcher(viewer)?;
        let mut query = Query::new(&format!(
            "SELECT {ALERT_COLUMNS} FROM alerts a JOIN watch_entries e ON e.id = a.entry_id \
             JOIN reports r ON r.id = a.report_id WHERE "
        ));
        let visible = visibility(&mut query, viewer);
        let org = query.param(viewer.org_id);
        query.push(&format!("a.org_id = {org} AND {visible}"));
        if let Some(before) = before_id {
            let p = query.param(before);
            query.push(&format!(" AND a.id < {p}"));
        }
        let p = query.param(limit.clamp(1, 1000) as i64);
        query.push(&format!(" ORDER BY a.id DESC LIMIT {p}"));
        self.pool.with(|conn| conn.query(&query.sql, &query.params)?.iter().map(|row| read_alert(row, 0)).collect())
    }

    /// Registers a webhook for the viewer's organisation with a new random
    /// secret, shown only in the answer. Alerts from now on are delivered to it.
    pub fn add_webhook(&self, viewer: &Viewer, url: &str, now: DateTime<Utc>) -> Result<CreatedWebhook, StoreError> {
        require_watcher(viewer)?;
        let url = url.trim();
        let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
        if !scheme_ok || url.len() > MAX_URL || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(StoreError::Invalid(format!(
                "webhook url {url:?}: expected an http:// or https:// URL of at most {MAX_URL} bytes"
            )));
        }
        let secret = random_secret()?;
        let row = self.pool.with(|conn| {
            conn.query_one(
                "INSERT INTO webhooks (org_id, url, secret, active, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    viewer.org_id.into(),
                    url.into(),
                    self.key.seal(crate::secrets::WEBHOOK_SECRET_COLUMN, None, &secret)?.into(),
                    true.into(),
                    viewer.user_id.into(),
                    to_ms(now).into(),
                ],
            )
        })?;
        let id = row.ok_or_else(|| StoreError::Schema("INSERT RETURNING gave no row".into()))?.int(0)?;
        Ok(CreatedWebhook { id, url: url.to_owned(), secret })
    }

    /// The viewer's organisation's active webhooks with their delivery counts.
    pub fn webhooks(&self, viewer: &Viewer) -> Result<Vec<WebhookInfo>, StoreError> {
        require_watcher(viewer)?;
        let count = |status: &str| {
            format!("(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = '{status}')")
        };
        let sql = format!(
            "SELECT w.id, w.url, w.active, u.name, w.created_at, {}, {}, {} FROM webhooks w \
             JOIN users u ON u.id = w.created_by WHERE w.org_id = $1 AND w.active ORDER BY w.id",
            count("pending"),
            count("delivered"),
            count("failed")
        );
        self.pool.with(|conn| {
            conn.query(&sql, &[viewer.org_id.into()])?
                .iter()
                .map(|row| {
                    Ok(WebhookInfo {
                        id: row.int(0)?,
                        url: row.text(1)?,
                        active: row.bool(2)?,
                        created_by: row.text(3)?,
                        created_at: from_ms(row.int(4)?)?,
                        pending: row.int(5)?,
                        delivered: row.int(6)?,
                        failed: row.int(7)?,
                    })
                })
                .collect()
        })
    }

    /// Deactivates a webhook of the viewer's organisation and cancels its
    /// pending deliveries.
    pub fn remove_webhook(&self, viewer: &Viewer, id: i64) -> Result<(), StoreError> {
        require_watcher(viewer)?;
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let changed = conn.execute(
                    "UPDATE webhooks SET active = $1 WHERE id = $2 AND org_id = $3 AND active",
                    &[false.into(), id.into(), viewer.org_id.into()],
                )?;
                if changed == 0 {
                    return Err(StoreError::NotFound(format!("webhook {id}")));
                }
                conn.execute(
                    "UPDATE webhook_deliveries SET status = 'cancelled' WHERE webhook_id = $1 AND status = 'pending'",
                    &[id.into()],
                )?;
                Ok(())
            })
        })
    }

    /// Claims up to `limit` deliveries that are due, for the outbox worker:
    /// each claimed row counts an attempt and is not due again for `lease`,
    /// so a worker that dies mid-attempt leaves it to be retried then. The
    /// claim is a compare-and-set on the due time, so two workers on one
    /// database never claim the same attempt.
    pub fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
        let sql = format!(
            "SELECT d.id, d.delivery_id, d.attempts, d.next_attempt_at, w.url, w.secret, {ALERT_COLUMNS} \
             FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN alerts a ON a.id = d.alert_id \
             JOIN watch_entries e ON e.id = a.entry_id \
             WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND w.active \
             ORDER BY d.next_attempt_at, d.id LIMIT $2"
        );
        self.pool.with(|conn| {
            let rows = conn.query(&sql, &[to_ms(now).into(), (limit.clamp(1, 1000) as i64).into()])?;
            let mut claimed = Vec::new();
            for row in rows {
                let id = row.int(0)?;
                let attempts = row.int(2)?;
                let changed = conn.execute(
                    "UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $1 \
                     WHERE id = $2 AND status = 'pending' AND next_attempt_at = $3",
                    &[to_ms(now).saturating_add(lease_ms).into(), id.into(), row.int(3)?.into()],
                )?;
                if changed == 1 {
                    claimed.push(ClaimedDelivery {
                        id,
                        delivery_id: row.text(1)?,
                        attempt: u32::try_from(attempts.saturating_add(1)).unwrap_or(u32::MAX),
                        url: row.text(4)?,
                        secret: self.key.open(crate::secrets::WEBHOOK_SECRET_COLUMN, None, &row.text(5)?)?,
                        alert: read_alert(&row, 6)?,
                    });
                }
            }
            Ok(claimed)
        })
    }

    /// Records how a claimed delivery's attempt ended.
    pub fn finish_delivery(&self, id: i64, result: &DeliveryResult, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.pool.with(|conn| {
            match result {
                DeliveryResult::Delivered => conn.execute(
                    "UPDATE webhook_deliveries SET status = 'delivered', delivered_at = $1, last_error = NULL \
                     WHERE id = $2 AND status = 'pending'",
                    &[to_ms(now).into(), id.into()],
                )?,
                DeliveryResult::Failed { error, retry_at } => {
                    let error: String = error.chars().take(MAX_WATCH_TEXT).collect();
                    let (status, next) = match retry_at {
                        Some(at) => ("pending", to_ms(*at)),
                        None => ("failed", to_ms(now)),
                    };
                    conn.execute(
                        "UPDATE webhook_deliveries SET status = $1, next_attempt_at = $2, last_error = $3 \
                         WHERE id = $4 AND status = 'pending'",
                        &[status.into(), next.into(), error.into(), id.into()],
                    )?
                }
            };
            Ok(())
        })
    }
}
