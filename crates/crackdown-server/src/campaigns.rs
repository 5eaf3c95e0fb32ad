//! `/api/v1/campaigns` and the banks' pre-payment `/api/v1/check`: the
//! engine's per-viewer campaigns (re-partitioned over the reports the caller
//! may read, so a campaign never leaks a link through an unreadable report)
//! and the beneficiary check from what the caller's organisation may read.

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use crackdown_engine::campaigns;
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::api::{Auth, blocking};
use crate::{ApiError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/campaigns", get(list_campaigns))
        .route("/api/v1/campaigns/{id}", get(get_campaign))
        .route("/api/v1/check", post(check))
}

#[derive(OpenApi)]
#[openapi(paths(list_campaigns, get_campaign, check))]
pub struct CampaignsDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// Include single-report campaigns.
    #[serde(default)]
    all: bool,
}

/// The campaigns the caller may see: `id`, `reports` (ids as given at import,
/// else internal ids), `indicators`, `victims`, `loss`, `first_seen`,
/// `last_seen`, `scam_types`.
#[utoipa::path(get, path = "/api/v1/campaigns", params(ListQuery),
    responses((status = 200, description = "Campaigns, by id", body = serde_json::Value), (status = 401)))]
pub(crate) async fn list_campaigns(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(query): Query<ListQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let list = blocking(&state, move |store| Ok(campaigns::campaigns(store, &viewer, query.all)?)).await?;
    Ok(Json(serde_json::to_value(list).map_err(ApiError::internal)?))
}

/// One campaign with its internal `report_ids` and the `links` that explain
/// why each report is in it (shared indicators with their weights,
/// near-duplicate text with its similarity).
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", params(("id" = i64, Path, description = "Campaign id")),
    responses((status = 200, description = "The campaign", body = serde_json::Value), (status = 401), (status = 404)))]
pub(crate) async fn get_campaign(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(id): Path<i64>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let campaign = blocking(&state, move |store| Ok(campaigns::campaign(store, &viewer, id)?)).await?;
    let mut value = serde_json::to_value(&campaign).map_err(ApiError::internal)?;
    value["report_ids"] = serde_json::to_value(&campaign.report_ids).map_err(ApiError::internal)?;
    value["links"] = serde_json::to_value(&campaign.links).map_err(ApiError::internal)?;
    Ok(Json(value))
}

/// A beneficiary a bank is about to pay.
#[derive(Deserialize, ToSchema)]
pub(crate) struct CheckRequest {
    /// IBAN, account number, wallet or phone, in any common spelling.
    beneficiary: String,
    /// Country of a national phone number (ISO 3166 code).
    country: Option<String>,
    /// Language whose country a national phone number is read in.
    lang: Option<String>,
}

/// Pre-payment check: a risk level (`high`, `medium`, `low`, `invalid`) with
/// its reasons, from the reports the caller's organisation may read.
#[utoipa::path(post, path = "/api/v1/check", request_body = CheckRequest,
    responses((status = 200, description = "Risk and reasons", body = serde_json::Value), (status = 400), (status = 401)))]
pub(crate) async fn check(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Json(request): Json<CheckRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let context = campaigns::lookup_context(request.country.as_deref(), request.lang.as_deref());
    let answer =
        blocking(&state, move |store| Ok(campaigns::check(store, &viewer, request.beneficiary.as_bytes(), &context)?))
            .await?;
    Ok(Json(serde_json::to_value(answer).map_err(ApiError::internal)?))
}
