//! `GET /api/v1/stats`: the dashboard's counts in one request, aggregated by
//! the store under the caller's access rules, so the dashboard loads fast
//! without downloading every report.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use crackdown_store::{Count, DayCount, LossTotal, ReportFilter, ReportStats};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::api::{Auth, blocking};
use crate::{ApiError, AppState};

pub fn router(state: AppState) -> Router {
    Router::new().route("/api/v1/stats", get(stats)).with_state(state)
}

#[derive(OpenApi)]
#[openapi(paths(stats))]
pub struct DashboardDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct StatsQuery {
    /// Received at or after (RFC 3339).
    since: Option<String>,
    /// Received before (RFC 3339).
    until: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct KeyCount {
    key: String,
    reports: i64,
}

#[derive(Serialize, ToSchema)]
struct DayReports {
    day: NaiveDate,
    reports: i64,
}

#[derive(Serialize, ToSchema)]
struct Loss {
    currency: String,
    channel: String,
    /// Exact decimal string; never summed across currencies.
    amount: String,
    reports: i64,
}

/// Counts over the reports the caller may read.
#[derive(Serialize, ToSchema)]
struct Stats {
    total: i64,
    by_day: Vec<DayReports>,
    by_status: Vec<KeyCount>,
    by_channel: Vec<KeyCount>,
    by_tlp: Vec<KeyCount>,
    by_language: Vec<KeyCount>,
    losses: Vec<Loss>,
}

fn counts(list: Vec<Count>) -> Vec<KeyCount> {
    list.into_iter().map(|count| KeyCount { key: count.key, reports: count.reports }).collect()
}

impl From<ReportStats> for Stats {
    fn from(stats: ReportStats) -> Stats {
        Stats {
            total: stats.total,
            by_day: stats.by_day.into_iter().map(|DayCount { day, reports }| DayReports { day, reports }).collect(),
            by_status: counts(stats.by_status),
            by_channel: counts(stats.by_channel),
            by_tlp: counts(stats.by_tlp),
            by_language: counts(stats.by_language),
            losses: stats
                .losses
                .into_iter()
                .map(|LossTotal { currency, channel, amount, reports }| Loss { currency, channel, amount, reports })
                .collect(),
        }
    }
}

fn time(name: &str, text: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    text.map(|text| {
        DateTime::parse_from_rfc3339(text)
            .map(|at| at.with_timezone(&Utc))
            .map_err(|_| ApiError::bad_request(format!("parameter {name}: {text:?} is not an RFC 3339 time")))
    })
    .transpose()
}

/// Report counts by day, status, channel, TLP and language, and claimed
/// losses per currency and channel, over what the caller may read.
#[utoipa::path(get, path = "/api/v1/stats", params(StatsQuery), responses((status = 200, body = Stats), (status = 400), (status = 401)))]
async fn stats(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(query): Query<StatsQuery>,
) -> Result<Json<Stats>, ApiError> {
    let filter = ReportFilter {
        received_since: time("since", query.since.as_deref())?,
        received_until: time("until", query.until.as_deref())?,
        ..ReportFilter::default()
    };
    let stats = blocking(&state, move |store| Ok(store.report_stats(&viewer, &filter)?)).await?;
    Ok(Json(stats.into()))
}
