//! Lure analyses of reports: the verdict (label, scam type, stage,
//! confidence, reasons) and the indicators found in the text.
//!
//! An analysis is derived from its report, so every read goes through the
//! report's `visibility()` in the same query: whoever may not read a report
//! may not read its analysis or its indicators either. Indicators are kept
//! in `indicators`, keyed by (kind, normalized), and linked to reports in
//! `report_indicators`, so linking and lookups join on the key. The store
//! does not analyse: it takes analyses computed by the caller (see
//! `crackdown-engine`) and knows nothing of the model.

use chrono::{DateTime, Utc};
use crackdown_model::{NewReport, Role, Viewer};
use serde::Serialize;

use crate::db::{Conn, Row};
use crate::duplicates::Submitter;
use crate::reports::{
    InsertOutcome, InsertedReport, Query, ShareOptions, insert_batch, insert_rows, resolve_shares, visibility,
};
use crate::tenancy::audit;
use crate::{Store, StoreError, from_ms, require_writer, to_ms};

/// One indicator of a report, as the extractor found it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportIndicator {
    /// `url`, `phone`, `btc`, ... (the `crackdown analyze` spelling).
    #[serde(rename = "type")]
    pub kind: String,
    /// As written in the report (cards masked).
    pub value: String,
    /// The canonical form reports are linked on.
    pub normalized: String,
    /// Whether its checksum or format holds.
    pub valid: bool,
    /// Byte span in the report's text.
    pub start: i64,
    pub end: i64,
}

/// What the lure analysis says about one report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportAnalysis {
    /// `scam`, `spam` or `ham`.
    pub label: String,
    pub scam_type: Option<String>,
    /// Pig-butchering stage, for romance and investment scams.
    pub stage: Option<String>,
    /// 0 to 1; stored to four decimals.
    pub confidence: f64,
    /// The cues that decided it, readable by a person.
    pub reasons: Vec<String>,
    pub indicators: Vec<ReportIndicator>,
}

/// A stored analysis and when it was made.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredAnalysis {
    pub report_id: i64,
    pub analyzed_at: DateTime<Utc>,
    #[serde(flatten)]
    pub analysis: ReportAnalysis,
}

/// A stored report's text, handed out for (re)analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportText {
    pub id: i64,
    pub text: String,
    pub language: Option<String>,
    pub country: Option<String>,
}

/// Confidence as stored: basis points, exact on both backends.
fn to_basis_points(confidence: f64) -> i64 {
    // NaN becomes 0 through the cast; the clamp keeps the rest in range.
    (confidence.clamp(0.0, 1.0) * 10_000.0).round() as i64
}

/// Writes the analyses and indicators of reports that have none yet, with
/// multi-row statements. Shared `indicators` rows are written once each,
/// sorted by key: two transactions storing the same values always take
/// their index locks in the same order, so concurrent intakes on
/// PostgreSQL wait for each other instead of deadlocking.
pub(crate) fn insert_analyses(
    conn: &mut dyn Conn,
    analysed: &[(i64, &ReportAnalysis)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let now_ms = to_ms(now);
    let mut rows = Vec::with_capacity(analysed.len());
    let mut keys = std::collections::BTreeSet::new();
    let mut links = Vec::new();
    for (report_id, analysis) in analysed {
        let reasons = serde_json::to_string(&analysis.reasons)
            .map_err(|error| StoreError::Invalid(format!("reasons of report {report_id}: {error}")))?;
        rows.push(vec![
            (*report_id).into(),
            analysis.label.as_str().into(),
            analysis.scam_type.clone().into(),
            analysis.stage.clone().into(),
            to_basis_points(analysis.confidence).into(),
            reasons.into(),
            now_ms.into(),
        ]);
        for indicator in &analysis.indicators {
            keys.insert((indicator.kind.as_str(), indicator.normalized.as_str()));
            links.push(vec![
                (*report_id).into(),
                indicator.kind.as_str().into(),
                indicator.normalized.as_str().into(),
                indicator.value.as_str().into(),
                indicator.valid.into(),
                indicator.start.into(),
                indicator.end.into(),
            ]);
        }
    }
    insert_rows(
        conn,
        "report_analyses (report_id, label, scam_type, stage, confidence_bp, reasons, analyzed_at)",
        7,
        "",
        rows,
    )?;
    let keys = keys.into_iter().map(|(kind, normalized)| vec![kind.into(), normalized.into(), now_ms.into()]).collect();
    insert_rows(conn, "indicators (kind, normalized, first_seen)", 3, " ON CONFLICT DO NOTHING", keys)?;
    insert_rows(
        conn,
        "report_indicators (report_id, kind, normalized, value, valid, span_start, span_end)",
        7,
        " ON CONFLICT DO NOTHING",
        links,
    )?;
    Ok(())
}

/// Which reports `viewer` may (re)analyse: `None` for all (the operator's
/// admins maintain the whole installation), else one organisation's.
fn analysis_scope(conn: &mut dyn Conn, viewer: &Viewer) -> Result<Option<i64>, StoreError> {
    if !matches!(viewer.role, Role::Admin | Role::Analyst) {
        return Err(StoreError::Forbidden(format!(
            "{} is a {} and cannot analyse reports",
            viewer.user_name, viewer.role
        )));
    }
    if viewer.role == Role::Admin {
        let operator = conn
            .query_one("SELECT operator FROM orgs WHERE id = $1", &[viewer.org_id.into()])?
            .map(|row| row.bool(0))
            .transpose()?;
        if operator == Some(true) {
            return Ok(None);
        }
    }
    Ok(Some(viewer.org_id))
}

fn read_indicator(row: &Row) -> Result<ReportIndicator, StoreError> {
    Ok(ReportIndicator {
        kind: row.text(0)?,
        value: row.text(1)?,
        normalized: row.text(2)?,
        valid: row.bool(3)?,
        start: row.int(4)?,
        end: row.int(5)?,
    })
}

impl Store {
    /// Stores a batch of reports with their analyses (`analyses[i]` belongs to
    /// `reports[i]`) in one transaction. A duplicate keeps the analysis it
    /// already has.
    pub fn insert_analyzed_reports(
        &self,
        viewer: &Viewer,
        reports: &[NewReport],
        analyses: &[ReportAnalysis],
        share: &ShareOptions,
        now: DateTime<Utc>,
    ) -> Result<InsertOutcome, StoreError> {
        require_writer(viewer)?;
        if reports.len() != analyses.len() {
            return Err(StoreError::Invalid(format!(
                "{} reports but {} analyses in one batch",
                reports.len(),
                analyses.len()
            )));
        }
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let shares = resolve_shares(conn, viewer, share)?;
                let inserted = insert_batch(conn, &self.key, Submitter::User(viewer), reports, &shares, now)?;
                let created: Vec<(i64, &ReportAnalysis)> = inserted
                    .iter()
                    .zip(analyses)
                    .filter_map(|(outcome, analysis)| match outcome {
                        InsertedReport::Created { id } => Some((*id, analysis)),
                        InsertedReport::Duplicate { .. } => None,
                    })
                    .collect();
                insert_analyses(conn, &created, now)?;
                Ok(InsertOutcome { reports: inserted })
            })
        })
    }

    /// The analysis of report `id` if `viewer` may read the report; `None`
    /// when it has not been analysed. A report the viewer may not read is
    /// "not found", as for the report itself.
    pub fn analysis(&self, viewer: &Viewer, id: i64) -> Result<Option<StoredAnalysis>, StoreError> {
        let mut query = Query::new(
            "SELECT a.label, a.scam_type, a.stage, a.confidence_bp, a.reasons, a.analyzed_at \
             FROM reports r LEFT JOIN report_analyses a ON a.report_id = r.id",
        );
        let visible = visibility(&mut query, viewer);
        let p = query.param(id);
        query.push(&format!(" WHERE r.id = {p} AND {visible}"));
        let mut indicators = Query::new(
            "SELECT i.kind, i.value, i.normalized, i.valid, i.span_start, i.span_end \
             FROM report_indicators i JOIN reports r ON r.id = i.report_id",
        );
        let visible = visibility(&mut indicators, viewer);
        let p = indicators.param(id);
        indicators.push(&format!(" WHERE i.report_id = {p} AND {visible} ORDER BY i.span_start"));
        self.pool.with(|conn| {
            let row = conn
                .query_one(&query.sql, &query.params)?
                .ok_or_else(|| StoreError::NotFound(format!("report {id}")))?;
            let Some(label) = row.opt_text(0)? else {
                return Ok(None);
            };
            let reasons_json = row.text(4)?;
            let reasons: Vec<String> = serde_json::from_str(&reasons_json)
                .map_err(|error| StoreError::Schema(format!("reasons of report {id}: {error}")))?;
            let indicators = conn
                .query(&indicators.sql, &indicators.params)?
                .iter()
                .map(read_indicator)
                .collect::<Result<_, _>>()?;
            Ok(Some(StoredAnalysis {
                report_id: id,
                analyzed_at: from_ms(row.int(5)?)?,
                analysis: ReportAnalysis {
                    label,
                    scam_type: row.opt_text(1)?,
                    stage: row.opt_text(2)?,
                    confidence: row.int(3)? as f64 / 10_000.0,
                    reasons,
                    indicators,
                },
            }))
        })
    }

    /// Up to `limit` reports `viewer` may analyse with an id above
    /// `after_id`, in id order: all of them, or only those without an
    /// analysis. Admins and analysts analyse their organisation's reports;
    /// the operator's admins every report.
    pub fn reports_to_analyze(
        &self,
        viewer: &Viewer,
        all: bool,
        after_id: i64,
        limit: usize,
    ) -> Result<Vec<ReportText>, StoreError> {
        self.pool.with(|conn| {
            let scope = analysis_scope(conn, viewer)?;
            let mut query = Query::new("SELECT r.id, r.text, r.language, r.country FROM reports r WHERE ");
            let p = query.param(after_id);
            query.push(&format!("r.id > {p}"));
            if let Some(org) = scope {
                let p = query.param(org);
                query.push(&format!(" AND r.org_id = {p}"));
            }
            if !all {
                query.push(" AND NOT EXISTS (SELECT 1 FROM report_analyses a WHERE a.report_id = r.id)");
            }
            let p = query.param(limit.clamp(1, 100_000) as i64);
            query.push(&format!(" ORDER BY r.id LIMIT {p}"));
            conn.query(&query.sql, &query.params)?
                .iter()
                .map(|row| {
                    Ok(ReportText {
                        id: row.int(0)?,
                        text: row.text(1)?,
                        language: row.opt_text(2)?,
                        country: row.opt_text(3)?,
                    })
                })
                .collect()
        })
    }

    /// Replaces the analyses of stored reports in one transaction, recording
    /// each in the report's audit trail. Returns how many were stored.
    pub fn replace_analyses(
        &self,
        viewer: &Viewer,
        analyses: &[(i64, ReportAnalysis)],
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let scope = analysis_scope(conn, viewer)?;
                for (id, analysis) in analyses {
                    let org = conn
                        .query_one("SELECT org_id FROM reports WHERE id = $1", &[(*id).into()])?
                        .map(|row| row.int(0))
                        .transpose()?;
                    if org.is_none() || scope.is_some_and(|scope| Some(scope) != org) {
                        return Err(StoreError::NotFound(format!("report {id} you may analyse")));
                    }
                    conn.execute("DELETE FROM report_indicators WHERE report_id = $1", &[(*id).into()])?;
                    conn.execute("DELETE FROM report_analyses WHERE report_id = $1", &[(*id).into()])?;
                    insert_analyses(conn, &[(*id, analysis)], now)?;
                    audit(
                        conn,
                        viewer,
                        now,
                        "report.analysis",
                        Some(*id),
                        &serde_json::json!({"label": analysis.label, "scam_type": analysis.scam_type}),
                    )?;
                }
                Ok(analyses.len())
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::to_basis_points;

    #[test]
    fn confidence_is_stored_in_basis_points_without_panicking() {
        assert_eq!(to_basis_points(0.97314), 9731);
        assert_eq!(to_basis_points(1.5), 10_000);
        assert_eq!(to_basis_points(-1.0), 0);
        assert_eq!(to_basis_points(f64::NAN), 0);
    }
}
