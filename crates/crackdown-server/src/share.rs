//! `GET /api/v1/export/{format}`: the engine's partner exports (STIX 2.1,
//! MISP, FollowTheMoney) of what the caller may read, as the CLI's
//! `crackdown export` writes them.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{NaiveDate, Utc};
use crackdown_engine::export::{self, ExportError, ExportRequest, Selection, ShareFormat};
use crackdown_model::Tlp;
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

use crate::api::{Auth, blocking};
use crate::campaigns::report_ids;
use crate::{ApiError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/export/{format}", get(export_route))
}

#[derive(OpenApi)]
#[openapi(paths(export_route))]
pub struct ShareDoc;

/// Most report ids one export may name.
const EXPORT_REPORTS_MAX: usize = 10_000;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ExportQuery {
    /// One campaign, by its id (`cmp-…`).
    campaign: Option<String>,
    /// Every campaign seen since this day (YYYY-MM-DD), with its reports received since.
    since: Option<NaiveDate>,
    /// Comma-separated report ids (at most 10,000), grouped by their campaigns.
    reports: Option<String>,
    /// The most restricted marking that may leave (default `amber`).
    tlp_max: Option<String>,
    /// Include report texts (default false).
    #[serde(default)]
    with_text: bool,
}

/// An export for partners in `stix` (one STIX 2.1 bundle), `misp` (a JSON
/// array of MISP events) or `ftm` (FollowTheMoney entities as JSON lines):
/// only what the caller may read, nothing marked above `tlp_max` nor any
/// reference to it, never a victim's contact or card. Exactly one of
/// `campaign`, `since` and `reports`.
#[utoipa::path(get, path = "/api/v1/export/{format}",
    params(("format" = String, Path, description = "stix, misp or ftm"), ExportQuery),
    responses((status = 200, description = "The export"), (status = 400), (status = 401), (status = 404)))]
pub(crate) async fn export_route(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(format): Path<String>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let format = ShareFormat::parse(&format)
        .ok_or_else(|| ApiError::bad_request(format!("format {format:?}: expected stix, misp or ftm")))?;
    let selection = match (query.campaign, query.since, query.reports) {
        (Some(campaign), None, None) => Selection::Campaign(campaign),
        (None, Some(since), None) => Selection::Since(since.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()),
        (None, None, Some(reports)) => Selection::Reports(report_ids("reports", &reports, EXPORT_REPORTS_MAX)?),
        _ => return Err(ApiError::bad_request("name exactly one of campaign, since and reports".to_owned())),
    };
    let tlp_max = match query.tlp_max {
        Some(text) => {
            Tlp::parse(&text).ok_or_else(|| ApiError::bad_request(format!("tlp_max {text:?}: no TLP marking")))?
        }
        None => Tlp::Amber,
    };
    let request = ExportRequest { format, selection, tlp_max, with_text: query.with_text };
    let body = blocking(&state, move |store| {
        let mut body = Vec::new();
        export::export(store, &viewer, &request, Utc::now(), &mut body).map_err(|error| match error {
            ExportError::Store(error) => ApiError::from(error),
            ExportError::Share(error) => ApiError::internal(error),
        })?;
        Ok(body)
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, format.content_type())], body).into_response())
}
