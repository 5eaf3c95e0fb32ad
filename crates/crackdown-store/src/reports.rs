//! Reports: insertion in whole batches with duplicate recognition, and every
//! read filtered by the viewer's access in SQL.
//!
//! Access rules (TLP 2.0 as FIRST defines it, applied per report):
//! - a reporter reads only the reports they submitted themselves;
//! - CLEAR: anyone signed in;
//! - GREEN: the reporting organisation and every organisation sharing a
//!   community with it;
//! - AMBER: the reporting organisation and the communities the report was
//!   shared with;
//! - AMBER+STRICT: the reporting organisation only;
//! - RED: the submitting user and the named recipients only.
//!
//! Victim contacts and the reporter's name are personal data: only the
//! reporting organisation's admins and analysts see them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use crackdown_model::{Channel, Currency, Keyword, Money, NewReport, ReportStatus, Role, Tlp, Viewer};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{Conn, Row, Value, push_value_rows};
use crate::duplicates::{Record, Submitter, own_originals, readable_originals};
use crate::secrets::{CONTACT_COLUMN, SecretKey};
use crate::tenancy::{audit, community_id};
use crate::{Store, StoreError, from_ms, require_writer, to_ms};

/// Who else may read the reports of one insertion beyond what TLP gives.
#[derive(Clone, Debug, Default)]
pub struct ShareOptions {
    /// Communities an AMBER report is shared with (the viewer's org must be a member).
    pub communities: Vec<String>,
    /// Users who may read a RED report besides its submitter.
    pub recipients: Vec<String>,
}

/// What became of one report of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum InsertedReport {
    Created {
        id: i64,
    },
    /// Already stored (same external id, or same text from the same reporter).
    Duplicate {
        existing_id: i64,
    },
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InsertOutcome {
    pub reports: Vec<InsertedReport>,
}

impl InsertOutcome {
    pub fn created(&self) -> usize {
        self.reports.iter().filter(|report| matches!(report, InsertedReport::Created { .. })).count()
    }

    pub fn duplicates(&self) -> usize {
        self.reports.len() - self.created()
    }
}

/// A report as a viewer may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredReport {
    pub id: i64,
    pub external_id: Option<String>,
    pub org: String,
    /// The submitting user; `None` for an anonymous public report.
    pub submitted_by: Option<String>,
    pub received_at: DateTime<Utc>,
    pub reported_at: Option<DateTime<Utc>>,
    pub channel: Channel,
    pub language: Option<String>,
    pub text: String,
    pub loss_amount: Option<String>,
    pub loss_currency: Option<String>,
    pub tlp: Tlp,
    /// Personal data: present only for the reporting organisation.
    pub reporter: Option<String>,
    /// Personal data: present only for the reporting organisation's analysts.
    pub victim_contact: Option<String>,
    pub consent_share: bool,
    pub consent_publish: bool,
    pub status: ReportStatus,
    pub original_sha256: Option<String>,
    /// The victim's country (ISO 3166-1 alpha-2), when the report says.
    pub country: Option<String>,
}

/// Filters of a report listing; all optional.
#[derive(Clone, Debug, Default)]
pub struct ReportFilter {
    pub status: Option<ReportStatus>,
    pub tlp: Option<Tlp>,
    pub channel: Option<Channel>,
    pub language: Option<String>,
    /// Case-insensitive substring of the text.
    pub text_contains: Option<String>,
    pub received_since: Option<DateTime<Utc>>,
    pub received_until: Option<DateTime<Utc>>,
    /// Only reports with an id below this (the cursor of the previous page).
    pub before_id: Option<i64>,
}

/// One page of a listing, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `before_id` to get the next page; `None` on the last page.
    pub next_cursor: Option<i64>,
}

/// One entry of a report's append-only history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub user: Option<String>,
    pub action: String,
    pub detail: serde_json::Value,
}

/// Builds a statement and numbers its parameters as they are added.
pub(crate) struct Query {
    pub(crate) sql: String,
    pub(crate) params: Vec<Value>,
}

impl Query {
    pub(crate) fn new(sql: &str) -> Query {
        Query { sql: sql.to_owned(), params: Vec::new() }
    }

    /// Adds a parameter and returns its placeholder.
    pub(crate) fn param(&mut self, value: impl Into<Value>) -> String {
        self.params.push(value.into());
        format!("${}", self.params.len())
    }

    pub(crate) fn push(&mut self, text: &str) {
        self.sql.push_str(text);
    }
}

/// The SQL condition under which report `r` is visible to `viewer`.
pub(crate) fn visibility(query: &mut Query, viewer: &Viewer) -> String {
    let user = query.param(viewer.user_id);
    if viewer.role == Role::Reporter {
        return format!("r.user_id = {user}");
    }
    let org = query.param(viewer.org_id);
    format!(
        "(r.tlp = 'clear' \
         OR (r.tlp IN ('green', 'amber', 'amber+strict') AND r.org_id = {org}) \
         OR (r.tlp = 'green' AND EXISTS (SELECT 1 FROM community_members a JOIN community_members b \
             ON b.community_id = a.community_id WHERE a.org_id = r.org_id AND b.org_id = {org})) \
         OR (r.tlp = 'amber' AND EXISTS (SELECT 1 FROM report_shares s JOIN community_members m \
             ON m.community_id = s.community_id WHERE s.report_id = r.id AND m.org_id = {org})) \
         OR (r.tlp = 'red' AND (r.user_id = {user} OR EXISTS (SELECT 1 FROM report_recipients x \
             WHERE x.report_id = r.id AND x.user_id = {user}))))"
    )
}

/// Columns of a report read, with personal data masked for outsiders.
fn report_columns(query: &mut Query, viewer: &Viewer) -> String {
    let org = query.param(viewer.org_id);
    let contact = if viewer.role.may_read_victim_contact() {
        format!("CASE WHEN r.org_id = {org} THEN v.contact END")
    } else {
        "CAST(NULL AS TEXT)".to_owned()
    };
    format!(
        "r.id, r.external_id, o.name, u.name, r.received_at, r.reported_at, r.channel, r.language, r.text, \
         r.loss_minor, r.loss_currency, r.tlp, CASE WHEN r.org_id = {org} THEN r.reporter END, {contact}, \
         r.consent_share, r.consent_publish, r.status, r.original_sha256, r.country"
    )
}

const REPORT_JOINS: &str = "FROM reports r JOIN orgs o ON o.id = r.org_id LEFT JOIN users u ON u.id = r.user_id \
     LEFT JOIN victim_contacts v ON v.report_id = r.id";

fn parse_keyword<K: Keyword>(row: &Row, index: usize) -> Result<K, StoreError> {
    let text = row.text(index)?;
    K::parse_keyword(&text).ok_or_else(|| StoreError::Schema(format!("unexpected value {text:?} in column {index}")))
}

fn read_report(row: &Row, key: &SecretKey) -> Result<StoredReport, StoreError> {
    let id = row.int(0)?;
    let tlp = row.text(11)?;
    let loss_currency = row.opt_text(10)?;
    let loss_amount = match (row.opt_int(9)?, &loss_currency) {
        (Some(minor), Some(code)) => {
            let currency =
                Currency::from_code(code).ok_or_else(|| StoreError::Schema(format!("unknown currency {code:?}")))?;
            Some(Money::new(minor, currency).decimal())
        }
        _ => None,
    };
    Ok(StoredReport {
        id,
        external_id: row.opt_text(1)?,
        org: row.text(2)?,
        submitted_by: row.opt_text(3)?,
        received_at: from_ms(row.int(4)?)?,
        reported_at: row.opt_int(5)?.map(from_ms).transpose()?,
        channel: parse_keyword(row, 6)?,
        language: row.opt_text(7)?,
        text: row.text(8)?,
        loss_amount,
        loss_currency,
        tlp: Tlp::parse_keyword(&tlp).ok_or_else(|| StoreError::Schema(format!("unknown TLP {tlp:?}")))?,
        reporter: row.opt_text(12)?,
        victim_contact: row.opt_text(13)?.map(|sealed| key.open(CONTACT_COLUMN, Some(id), &sealed)).transpose()?,
        consent_share: row.bool(14)?,
        consent_publish: row.bool(15)?,
        status: parse_keyword(row, 16)?,
        original_sha256: row.opt_text(17)?,
        country: row.opt_text(18)?,
    })
}

pub(crate) fn resolve_shares(
    conn: &mut dyn Conn,
    viewer: &Viewer,
    share: &ShareOptions,
) -> Result<(Vec<i64>, Vec<i64>), StoreError> {
    let mut communities = Vec::new();
    for name in &share.communities {
        // One answer whether the community does not exist or is not the
        // organisation's, so trying names reveals no other community.
        let not_yours = || StoreError::NotFound(format!("community {name:?} among your organisation's communities"));
        let id = community_id(conn, name)?.ok_or_else(not_yours)?;
        let member = conn
            .query_one(
                "SELECT 1 FROM community_members WHERE community_id = $1 AND org_id = $2",
                &[id.into(), viewer.org_id.into()],
            )?
            .is_some();
        if !member {
            return Err(not_yours());
        }
        communities.push(id);
    }
    let mut recipients = Vec::new();
    for name in &share.recipients {
        let row = conn
            .query_one("SELECT id FROM users WHERE name = $1", &[name.as_str().into()])?
            .ok_or_else(|| StoreError::NotFound(format!("user {name:?}")))?;
        recipients.push(row.int(0)?);
    }
    Ok((communities, recipients))
}

/// Rows per multi-row INSERT: well under both backends' parameter limits
/// (SQLite 32,766; PostgreSQL 65,535) at 17 columns, and few round trips.
pub(crate) const ROWS_PER_STATEMENT: usize = 500;

/// Inserts `rows` of `width` values each into `table (columns)` with
/// multi-row statements, appending `suffix` (e.g. a RETURNING clause) and
/// collecting what the statements return.
pub(crate) fn insert_rows(
    conn: &mut dyn Conn,
    into: &str,
    width: usize,
    suffix: &str,
    rows: Vec<Vec<Value>>,
) -> Result<Vec<Row>, StoreError> {
    let mut returned = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
        let mut sql = format!("INSERT INTO {into} VALUES ");
        push_value_rows(&mut sql, chunk.len(), 0, width);
        sql.push_str(suffix);
        let params: Vec<Value> = chunk.into_iter().flatten().collect();
        if suffix.contains("RETURNING") {
            returned.extend(conn.query(&sql, &params)?);
        } else {
            conn.execute(&sql, &params)?;
        }
    }
    Ok(returned)
}

/// Stores a batch inside the caller's transaction with a handful of
/// multi-row statements, so a bulk import costs few round trips. A record
/// repeating a report the submitter may read is answered as its duplicate
/// and stores nothing ([`crate::duplicates`]); every other record is
/// stored, even when it repeats a report the submitter may not read.
pub(crate) fn insert_batch(
    conn: &mut dyn Conn,
    key: &SecretKey,
    submitter: Submitter<'_>,
    reports: &[NewReport],
    shares: &(Vec<i64>, Vec<i64>),
    now: DateTime<Utc>,
) -> Result<Vec<InsertedReport>, StoreError> {
    let now_ms = to_ms(now);
    let fingerprints: Vec<String> = reports.iter().map(NewReport::fingerprint).collect();
    let records: Vec<Record<'_>> =
        reports.iter().zip(&fingerprints).map(|(report, fp)| (report, fp.as_str())).collect();
    let readable = match submitter {
        Submitter::User(viewer) => readable_originals(conn, viewer, &records)?,
        Submitter::Public { .. } => vec![None; records.len()],
    };
    let to_store =
        || records.iter().zip(&readable).filter(|(_, original)| original.is_none()).map(|(record, _)| *record);

    let mut artefacts = Vec::new();
    let mut rows = Vec::new();
    for (report, fingerprint) in to_store() {
        let original = report.original.as_ref().map(|bytes| {
            let digest = crackdown_model::hex(&Sha256::digest(bytes));
            artefacts.push(vec![digest.as_str().into(), (bytes.len() as i64).into(), Value::Bytes(bytes.clone())]);
            digest
        });
        rows.push(vec![
            submitter.org_id().into(),
            submitter.user_id().into(),
            report.external_id.clone().into(),
            fingerprint.into(),
            now_ms.into(),
            report.reported_at.map(to_ms).into(),
            report.channel.as_str().into(),
            report.language.clone().into(),
            report.text.as_str().into(),
            report.loss.map(Money::minor).into(),
            report.loss.map(|loss| loss.currency().code()).into(),
            report.tlp.as_str().into(),
            report.reporter.clone().into(),
            report.consent_share.into(),
            report.consent_publish.into(),
            ReportStatus::New.as_str().into(),
            original.into(),
            report.country.clone().into(),
        ]);
    }
    insert_rows(conn, "artefacts (sha256, size, bytes)", 3, " ON CONFLICT DO NOTHING", artefacts)?;
    let inserted = insert_rows(
        conn,
        "reports (org_id, user_id, external_id, fingerprint, received_at, reported_at, channel, language, text, \
         loss_minor, loss_currency, tlp, reporter, consent_share, consent_publish, status, original_sha256, country)",
        18,
        " ON CONFLICT DO NOTHING RETURNING id, fingerprint, external_id",
        rows,
    )?;
    // Returned rows are matched to records by (fingerprint, external id): a
    // record whose pair came back is the one stored, in file order.
    let mut created: HashMap<(String, Option<String>), i64> = HashMap::with_capacity(inserted.len());
    for row in &inserted {
        created.insert((row.text(1)?, row.opt_text(2)?), row.int(0)?);
    }
    let mut outcomes = Vec::with_capacity(reports.len());
    let mut collided = Vec::new();
    for (index, (record, original)) in records.iter().zip(&readable).enumerate() {
        let (report, fingerprint) = *record;
        if let Some(existing_id) = *original {
            outcomes.push(InsertedReport::Duplicate { existing_id });
            continue;
        }
        match created.remove(&(fingerprint.to_owned(), report.external_id.clone())) {
            Some(id) => outcomes.push(InsertedReport::Created { id }),
            None => {
                collided.push((index, *record));
                outcomes.push(InsertedReport::Duplicate { existing_id: 0 });
            }
        }
    }
    let collisions: Vec<Record<'_>> = collided.iter().map(|(_, record)| *record).collect();
    for ((index, _), existing_id) in collided.iter().zip(own_originals(conn, submitter, &collisions)?) {
        outcomes[*index] = InsertedReport::Duplicate { existing_id };
    }

    let new_reports = || {
        reports.iter().zip(&outcomes).filter_map(|(report, outcome)| match outcome {
            InsertedReport::Created { id } => Some((*id, report)),
            InsertedReport::Duplicate { .. } => None,
        })
    };
    // Sealed before writing: no clear contact reaches a page, the WAL or a dump.
    let contacts = new_reports()
        .filter_map(|(id, report)| {
            report
                .victim_contact
                .as_ref()
                .map(|victim| Ok(vec![id.into(), key.seal(CONTACT_COLUMN, Some(id), &victim.contact)?.into()]))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    insert_rows(conn, "victim_contacts (report_id, contact)", 2, "", contacts)?;
    let share_rows = new_reports()
        .flat_map(|(id, _)| shares.0.iter().map(move |community| vec![id.into(), (*community).into()]))
        .collect();
    insert_rows(conn, "report_shares (report_id, community_id)", 2, "", share_rows)?;
    let recipient_rows =
        new_reports().flat_map(|(id, _)| shares.1.iter().map(move |user| vec![id.into(), (*user).into()])).collect();
    insert_rows(conn, "report_recipients (report_id, user_id)", 2, "", recipient_rows)?;
    let pending = new_reports().map(|(id, _)| vec![id.into(), crate::intake::Stage::Link.as_str().into()]).collect();
    insert_rows(conn, "intake_pending (report_id, stage)", 2, "", pending)?;
    Ok(outcomes)
}

/// `SELECT <report columns> FROM <reports and joins> WHERE <visible to viewer>`,
/// ready for more `AND` conditions.
fn select_visible_reports(viewer: &Viewer) -> Query {
    let mut query = Query::new("SELECT ");
    let columns = report_columns(&mut query, viewer);
    query.push(&columns);
    query.push(" ");
    query.push(REPORT_JOINS);
    let visible = visibility(&mut query, viewer);
    query.push(&format!(" WHERE {visible}"));
    query
}

/// Adds the listing filters to a query over reports `r`.
pub(crate) fn push_filter(query: &mut Query, filter: &ReportFilter) {
    if let Some(status) = filter.status {
        let p = query.param(status.as_str());
        query.push(&format!(" AND r.status = {p}"));
    }
    if let Some(tlp) = filter.tlp {
        let p = query.param(tlp.as_str());
        query.push(&format!(" AND r.tlp = {p}"));
    }
    if let Some(channel) = filter.channel {
        let p = query.param(channel.as_str());
        query.push(&format!(" AND r.channel = {p}"));
    }
    if let Some(language) = &filter.language {
        let p = query.param(language.as_str());
        query.push(&format!(" AND r.language = {p}"));
    }
    if let Some(needle) = &filter.text_contains {
        let escaped = needle.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let p = query.param(format!("%{escaped}%"));
        query.push(&format!(" AND LOWER(r.text) LIKE {p} ESCAPE '\\'"));
    }
    if let Some(since) = filter.received_since {
        let p = query.param(to_ms(since));
        query.push(&format!(" AND r.received_at >= {p}"));
    }
    if let Some(until) = filter.received_until {
        let p = query.param(to_ms(until));
        query.push(&format!(" AND r.received_at < {p}"));
    }
    if let Some(before) = filter.before_id {
        let p = query.param(before);
        query.push(&format!(" AND r.id < {p}"));
    }
}

impl Store {
    /// How many reports `viewer` may read that match `filter`.
    pub fn count_reports(&self, viewer: &Viewer, filter: &ReportFilter) -> Result<i64, StoreError> {
        let mut query = Query::new("SELECT COUNT(*) FROM reports r");
        let visible = visibility(&mut query, viewer);
        query.push(&format!(" WHERE {visible}"));
        push_filter(&mut query, filter);
        let row = self.pool.with(|conn| conn.query_one(&query.sql, &query.params))?;
        Ok(row.map(|row| row.int(0)).transpose()?.unwrap_or(0))
    }

    /// Stores a batch of reports in one transaction: all of it or none.
    /// Exact resubmissions come back as duplicates and change nothing.
    pub fn insert_reports(
        &self,
        viewer: &Viewer,
        reports: &[NewReport],
        share: &ShareOptions,
        now: DateTime<Utc>,
    ) -> Result<InsertOutcome, StoreError> {
        require_writer(viewer)?;
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let shares = resolve_shares(conn, viewer, share)?;
                let reports = insert_batch(conn, &self.key, Submitter::User(viewer), reports, &shares, now)?;
                Ok(InsertOutcome { reports })
            })
        })
    }

    /// Reports visible to `viewer`, newest first, at most `limit`.
    pub fn reports(
        &self,
        viewer: &Viewer,
        filter: &ReportFilter,
        limit: usize,
    ) -> Result<Page<StoredReport>, StoreError> {
        let mut query = select_visible_reports(viewer);
        push_filter(&mut query, filter);
        let limit = limit.clamp(1, 1000);
        let p = query.param(limit as i64 + 1);
        query.push(&format!(" ORDER BY r.id DESC LIMIT {p}"));
        let rows = self.pool.with(|conn| conn.query(&query.sql, &query.params))?;
        let mut items = rows.iter().map(|row| read_report(row, &self.key)).collect::<Result<Vec<_>, _>>()?;
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|report| report.id)
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    /// One report, if it exists and `viewer` may read it. A report the viewer
    /// may not read is "not found", so its existence does not leak.
    pub fn report(&self, viewer: &Viewer, id: i64) -> Result<StoredReport, StoreError> {
        let mut query = select_visible_reports(viewer);
        let p = query.param(id);
        query.push(&format!(" AND r.id = {p}"));
        let row = self.pool.with(|conn| conn.query_one(&query.sql, &query.params))?;
        row.map(|row| read_report(&row, &self.key))
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("report {id}")))
    }

    /// The report's history, oldest first, for those who may read it.
    ///
    /// The first entry, the report's creation, is read from the report row
    /// itself (who, when, through which channel, under which marking), which
    /// never changes; the audit table holds every change after it. Keeping
    /// creation out of the audit table halves the rows a bulk import writes.
    pub fn audit_trail(&self, viewer: &Viewer, id: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let report = self.report(viewer, id)?;
        let created = AuditEntry {
            at: report.received_at,
            user: report.submitted_by.clone(),
            action: "report.create".to_owned(),
            detail: serde_json::json!({"channel": report.channel, "tlp": report.tlp}),
        };
        let changes: Vec<AuditEntry> = self.pool.with(|conn| {
            conn.query(
                "SELECT a.at, u.name, a.action, a.detail FROM audit a LEFT JOIN users u ON u.id = a.user_id \
                 WHERE a.report_id = $1 ORDER BY a.id",
                &[id.into()],
            )?
            .iter()
            .map(|row| {
                Ok(AuditEntry {
                    at: from_ms(row.int(0)?)?,
                    user: row.opt_text(1)?,
                    action: row.text(2)?,
                    detail: serde_json::from_str(&row.text(3)?).unwrap_or(serde_json::Value::Null),
                })
            })
            .collect()
        })?;
        Ok(std::iter::once(created).chain(changes).collect())
    }

    /// Moves reports to `status` in one transaction, recording each change.
    /// Only the reporting organisation's admins and analysts triage, and only
    /// reports they may read: one id they may not read (a RED report sent to
    /// someone else) is "not found" and nothing changes.
    pub fn set_status(
        &self,
        viewer: &Viewer,
        ids: &[i64],
        status: ReportStatus,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        if !viewer.role.may_triage() {
            return Err(StoreError::Forbidden(format!("{} is a {} and cannot triage", viewer.user_name, viewer.role)));
        }
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let mut changed = 0;
                for &id in ids {
                    let mut query = Query::new("SELECT r.status FROM reports r WHERE r.id = ");
                    let (report, org) = (query.param(id), query.param(viewer.org_id));
                    let visible = visibility(&mut query, viewer);
                    query.push(&format!("{report} AND r.org_id = {org} AND {visible}"));
                    let row = conn
                        .query_one(&query.sql, &query.params)?
                        .ok_or_else(|| StoreError::NotFound(format!("report {id} of your organisation")))?;
                    let from = row.text(0)?;
                    if from == status.as_str() {
                        continue;
                    }
                    conn.execute("UPDATE reports SET status = $1 WHERE id = $2", &[status.as_str().into(), id.into()])?;
                    audit(
                        conn,
                        viewer,
                        now,
                        "report.status",
                        Some(id),
                        &serde_json::json!({"from": from, "to": status}),
                    )?;
                    changed += 1;
                }
                Ok(changed)
            })
        })
    }
}

impl Store {
    /// The original artefact of a report (an e-mail, a chat export) byte for
    /// byte, with its SHA-256, for those who may see the victim's contact (it
    /// is in the artefact: the recipient, the chat's owner): the reporting
    /// organisation's admins and analysts. Others who may read the report are
    /// refused; those who may not read it are told it does not exist.
    pub fn original(&self, viewer: &Viewer, id: i64) -> Result<(String, Vec<u8>), StoreError> {
        let report = self.report(viewer, id)?;
        if !self.sees_victim(viewer, id)? {
            return Err(StoreError::Forbidden(format!(
                "the original of report {id} holds the victim's contact: only the reporting organisation's admins \
                 and analysts may download it"
            )));
        }
        let digest =
            report.original_sha256.ok_or_else(|| StoreError::NotFound(format!("original artefact of report {id}")))?;
        let row = self
            .pool
            .with(|conn| conn.query_one("SELECT bytes FROM artefacts WHERE sha256 = $1", &[digest.as_str().into()]))?;
        let bytes = row
            .map(|row| row.bytes(0))
            .transpose()?
            .ok_or_else(|| StoreError::Schema(format!("artefact {digest} missing")))?;
        Ok((digest, bytes))
    }
}

impl Store {
    /// Stores a report from the public form with its lure analysis:
    /// anonymous, owned by `org` (the organisation the installation names
    /// for public reports), marked AMBER until triage whatever the submitter
    /// asked, and answered only with a receipt (never readable back).
    /// `client_hash` identifies the submitting client without storing its address.
    pub fn insert_public_report(
        &self,
        org: &str,
        report: &NewReport,
        analysis: &crate::ReportAnalysis,
        client_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        // The operator organisation, the default receiver, exists once anyone asks for it.
        self.operator(now)?;
        let mut random = [0_u8; crate::receipt::RECEIPT_BYTES];
        getrandom::fill(&mut random).map_err(|error| StoreError::Database(format!("no randomness: {error}")))?;
        let receipt = crate::receipt::receipt_code(&random);
        let mut report = report.clone();
        report.tlp = Tlp::Amber;
        report.channel = Channel::Web;
        report.external_id = None;
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let org_id = conn
                    .query_one("SELECT id FROM orgs WHERE name = $1", &[org.into()])?
                    .ok_or_else(|| StoreError::NotFound(format!("organisation {org:?} for public reports")))?
                    .int(0)?;
                let outcome = insert_batch(
                    conn,
                    &self.key,
                    Submitter::Public { org_id },
                    std::slice::from_ref(&report),
                    &(Vec::new(), Vec::new()),
                    now,
                )?;
                let id = match outcome.first() {
                    Some(InsertedReport::Created { id }) => {
                        crate::analysis::insert_analyses(conn, &[(*id, analysis)], now)?;
                        *id
                    }
                    Some(InsertedReport::Duplicate { existing_id }) => *existing_id,
                    None => return Err(StoreError::Schema("a one-report batch gave no outcome".into())),
                };
                conn.execute(
                    "INSERT INTO public_receipts (receipt, report_id, client_hash) VALUES ($1, $2, $3)",
                    &[receipt.as_str().into(), id.into(), client_hash.into()],
                )?;
                Ok(receipt.clone())
            })
        })
    }
}

impl Store {
    /// Stores one report taken from an evidence artefact (an e-mail, a chat
    /// export) with what was extracted from it (`kind`, JSON `detail`) and
    /// its lure analysis, in one transaction. The original bytes travel in
    /// `report.original`.
    #[allow(clippy::too_many_arguments)]
    pub fn insert_evidence_report(
        &self,
        viewer: &Viewer,
        report: &NewReport,
        analysis: &crate::ReportAnalysis,
        kind: &str,
        detail: &serde_json::Value,
        share: &ShareOptions,
        now: DateTime<Utc>,
    ) -> Result<InsertedReport, StoreError> {
        require_writer(viewer)?;
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let shares = resolve_shares(conn, viewer, share)?;
                let outcome =
                    insert_batch(conn, &self.key, Submitter::User(viewer), std::slice::from_ref(report), &shares, now)?;
                let inserted = outcome.into_iter().next().ok_or_else(|| StoreError::Schema("no outcome".into()))?;
                if let InsertedReport::Created { id } = inserted {
                    crate::analysis::insert_analyses(conn, &[(id, analysis)], now)?;
                    conn.execute(
                        "INSERT INTO report_evidence (report_id, kind, detail) VALUES ($1, $2, $3)",
                        &[id.into(), kind.into(), detail.to_string().into()],
                    )?;
                }
                Ok(inserted)
            })
        })
    }

    /// What was extracted from a report's artefact, for those who may read
    /// the report: `(kind, detail)`, or `None` for a report typed in. Those
    /// who may not see the victim's contact get it redacted
    /// ([`crate::artefacts::redact`]).
    pub fn evidence(&self, viewer: &Viewer, id: i64) -> Result<Option<(String, serde_json::Value)>, StoreError> {
        self.report(viewer, id)?;
        let redaction = if self.sees_victim(viewer, id)? { None } else { Some(self.victim_contact_for_redaction(id)?) };
        let row = self.pool.with(|conn| {
            conn.query_one("SELECT kind, detail FROM report_evidence WHERE report_id = $1", &[id.into()])
        })?;
        row.map(|row| {
            let mut detail =
                serde_json::from_str(&row.text(1)?).map_err(|error| StoreError::Schema(error.to_string()))?;
            if let Some(contact) = &redaction {
                crate::artefacts::redact(&mut detail, contact.as_deref());
            }
            Ok((row.text(0)?, detail))
        })
        .transpose()
    }
}
