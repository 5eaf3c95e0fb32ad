//! `GET /api/v1/stats`: the dashboard's counts in one request, aggregated by
//! the store under the caller's access rules, so the dashboard loads fast
//! without downloading every report.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;

use crackdown_model::{Currency, Money};
use crackdown_store::{Count, DayCount, LossGroup, LossTotal, ReportFilter, ReportStats};
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

/// Claimed losses of one currency under one key (a scam type or a country).
#[derive(Serialize, ToSchema)]
struct KeyLoss {
    key: String,
    currency: String,
    /// Exact decimal string; never summed across currencies.
    amount: String,
    reports: i64,
}

/// Sums loss groups per (key, currency), exactly, in key then currency order.
fn losses_by(groups: &[LossGroup], key: impl Fn(&LossGroup) -> String) -> Vec<KeyLoss> {
    let mut totals: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for group in groups {
        let total = totals.entry((key(group), group.currency.clone())).or_default();
        total.0 = total.0.saturating_add(group.minor);
        total.1 += group.reports;
    }
    totals
        .into_iter()
        .filter_map(|((key, currency), (minor, reports))| {
            let amount = Money::new(minor, Currency::from_code(&currency)?).decimal();
            Some(KeyLoss { key, currency, amount, reports })
        })
        .collect()
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
    /// Losses by the scam type of the lure analysis (`unknown` when not analysed).
    losses_by_scam_type: Vec<KeyLoss>,
    /// Losses by country: of a national loss currency, else of the report's
    /// language, else `unknown` (see `crackdown_engine::loss_country`).
    losses_by_country: Vec<KeyLoss>,
}

fn counts(list: Vec<Count>) -> Vec<KeyCount> {
    list.into_iter().map(|count| KeyCount { key: count.key, reports: count.reports }).collect()
}

impl From<ReportStats> for Stats {
    fn from(stats: ReportStats) -> Stats {
        let losses_by_scam_type =
            losses_by(&stats.loss_groups, |group| group.scam_type.clone().unwrap_or_else(|| "unknown".to_owned()));
        let losses_by_country = losses_by(&stats.loss_groups, |group| {
            crackdown_engine::loss_country(&group.currency, group.country.as_deref(), group.language.as_deref())
        });
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
            losses_by_scam_type,
            losses_by_country,
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
/// losses per currency by channel, scam type and country, over what the
/// caller may read.
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
