//! Aggregates over the reports a viewer may read, for the dashboard.
//!
//! Counted in SQL under the same `visibility()` as every report read, so a
//! chart never reveals a report its viewer could not open. Losses are summed
//! per currency in minor units: amounts in different currencies are never
//! added together.

use chrono::{DateTime, NaiveDate, Utc};
use crackdown_model::{Currency, Money, Viewer};
use serde::Serialize;

use crate::reports::{Query, ReportFilter, push_filter, visibility};
use crate::{Store, StoreError};

const DAY_MS: i64 = 86_400_000;

/// How many reports share one value of a field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Count {
    pub key: String,
    pub reports: i64,
}

/// Reports received on one UTC day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DayCount {
    pub day: NaiveDate,
    pub reports: i64,
}

/// Claimed losses of one currency through one channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LossTotal {
    pub currency: String,
    pub channel: String,
    /// Exact decimal string in the currency's units.
    pub amount: String,
    pub reports: i64,
}

/// Claimed losses of one currency by scam type (from the lure analysis)
/// and report language, so callers can chart losses by scam type and by
/// country without a second pass over the reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LossGroup {
    pub currency: String,
    pub scam_type: Option<String>,
    pub language: Option<String>,
    /// The victim's country, when the reports say.
    pub country: Option<String>,
    /// Sum in the currency's minor units.
    pub minor: i64,
    pub reports: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportStats {
    pub total: i64,
    pub by_day: Vec<DayCount>,
    pub by_status: Vec<Count>,
    pub by_channel: Vec<Count>,
    pub by_tlp: Vec<Count>,
    pub by_language: Vec<Count>,
    pub losses: Vec<LossTotal>,
    pub loss_groups: Vec<LossGroup>,
}

impl Store {
    /// Counts and loss totals over the reports `viewer` may read that match `filter`.
    pub fn report_stats(&self, viewer: &Viewer, filter: &ReportFilter) -> Result<ReportStats, StoreError> {
        let grouped = |select: &str, group: &str, extra: &str| -> Result<Vec<crate::db::Row>, StoreError> {
            let mut query = Query::new(&format!("SELECT {select} FROM reports r"));
            let visible = visibility(&mut query, viewer);
            query.push(&format!(" WHERE {visible}{extra}"));
            push_filter(&mut query, filter);
            query.push(&format!(" GROUP BY {group} ORDER BY {group}"));
            self.pool.with(|conn| conn.query(&query.sql, &query.params))
        };
        let counts = |column: &str| -> Result<Vec<Count>, StoreError> {
            grouped(&format!("COALESCE({column}, ''), COUNT(*)"), &format!("COALESCE({column}, '')"), "")?
                .iter()
                .map(|row| Ok(Count { key: row.text(0)?, reports: row.int(1)? }))
                .collect()
        };
        let by_day = grouped(&format!("r.received_at / {DAY_MS}, COUNT(*)"), &format!("r.received_at / {DAY_MS}"), "")?
            .iter()
            .map(|row| {
                let day = DateTime::<Utc>::from_timestamp_millis(row.int(0)?.saturating_mul(DAY_MS))
                    .ok_or_else(|| StoreError::Schema("received_at out of range".into()))?
                    .date_naive();
                Ok(DayCount { day, reports: row.int(1)? })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let losses = grouped(
            "r.loss_currency, r.channel, CAST(SUM(r.loss_minor) AS BIGINT), COUNT(*)",
            "r.loss_currency, r.channel",
            " AND r.loss_minor IS NOT NULL AND r.loss_currency IS NOT NULL",
        )?
        .iter()
        .map(|row| {
            let code = row.text(0)?;
            let currency =
                Currency::from_code(&code).ok_or_else(|| StoreError::Schema(format!("unknown currency {code:?}")))?;
            Ok(LossTotal {
                currency: code,
                channel: row.text(1)?,
                amount: Money::new(row.int(2)?, currency).decimal(),
                reports: row.int(3)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let loss_groups = {
            let mut query = Query::new(
                "SELECT r.loss_currency, a.scam_type, r.language, r.country, CAST(SUM(r.loss_minor) AS BIGINT), COUNT(*) \
                 FROM reports r LEFT JOIN report_analyses a ON a.report_id = r.id",
            );
            let visible = visibility(&mut query, viewer);
            query.push(&format!(" WHERE {visible} AND r.loss_minor IS NOT NULL AND r.loss_currency IS NOT NULL"));
            push_filter(&mut query, filter);
            query.push(" GROUP BY r.loss_currency, a.scam_type, r.language, r.country ORDER BY 1, 2, 3, 4");
            self.pool
                .with(|conn| conn.query(&query.sql, &query.params))?
                .iter()
                .map(|row| {
                    Ok(LossGroup {
                        currency: row.text(0)?,
                        scam_type: row.opt_text(1)?,
                        language: row.opt_text(2)?,
                        country: row.opt_text(3)?,
                        minor: row.int(4)?,
                        reports: row.int(5)?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?
        };
        let by_status = counts("r.status")?;
        Ok(ReportStats {
            total: by_status.iter().map(|count| count.reports).sum(),
            by_day,
            by_status,
            by_channel: counts("r.channel")?,
            by_tlp: counts("r.tlp")?,
            by_language: counts("r.language")?,
            losses,
            loss_groups,
        })
    }
}

#[cfg(test)]
mod tests {
    use crackdown_model::{Channel, NewReport, Role, Tlp};

    use super::*;
    use crate::ShareOptions;

    fn report(text: &str, tlp: Tlp, loss: Option<&str>) -> NewReport {
        let mut report = NewReport::from_text(text, Channel::Web, tlp);
        report.loss =
            loss.map(|amount| Money::parse(amount, Currency::from_code("THB").expect("THB")).expect("amount"));
        report
    }

    #[test]
    fn stats_count_only_what_the_viewer_may_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open_sqlite(dir.path()).expect("open");
        let now = Utc::now();
        let operator = store.operator(now).expect("operator");
        store.create_org(&operator, "other", now).expect("org");
        let outsider = store.create_user(&operator, "other", "eve", Role::Analyst, now).expect("eve").viewer();
        let reports = [
            report("a clear one", Tlp::Clear, Some("100.50")),
            report("an amber one", Tlp::Amber, Some("20")),
            report("a red one", Tlp::Red, None),
        ];
        store.insert_reports(&operator, &reports, &ShareOptions::default(), now).expect("insert");

        let mine = store.report_stats(&operator, &ReportFilter::default()).expect("stats");
        assert_eq!(mine.total, 3);
        assert_eq!(mine.by_day, vec![DayCount { day: now.date_naive(), reports: 3 }]);
        assert_eq!(mine.losses.len(), 1);
        assert_eq!(mine.losses[0].amount, "120.50");
        assert_eq!(mine.losses[0].reports, 2);
        assert_eq!(mine.by_tlp.len(), 3);
        assert_eq!(
            mine.loss_groups,
            vec![LossGroup {
                currency: "THB".into(),
                scam_type: None,
                language: None,
                country: None,
                minor: 12050,
                reports: 2
            }]
        );

        let theirs = store.report_stats(&outsider, &ReportFilter::default()).expect("stats");
        assert_eq!(theirs.total, 1, "only the CLEAR report");
        assert_eq!(theirs.losses[0].amount, "100.50");
    }
}
