//! `GET /api/v1/search`: the engine's search and pivot over what the
//! caller may read.

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use crackdown_engine::campaigns::lookup_context;
use crackdown_engine::search::{self, SearchAnswer};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

use crate::api::{Auth, blocking};
use crate::{ApiError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/search", get(search_route))
}

#[derive(OpenApi)]
#[openapi(paths(search_route))]
pub struct SearchDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchQuery {
    /// Any value: a phone in any format, a (defanged) link, a domain, a wallet, an IBAN or account,
    /// a transaction id, a handle, a name.
    q: String,
    /// Country of a national phone number (ISO code).
    country: Option<String>,
    /// Language whose country reads a national phone number when no country is given.
    lang: Option<String>,
}

/// Everything the caller may read that names a value, normalized like
/// intake: reports (newest 200), their campaigns, accounts and transfers of
/// the caller's ledger, and the watch entries it matches.
#[utoipa::path(get, path = "/api/v1/search", params(SearchQuery),
    responses((status = 200, description = "What names the value", body = serde_json::Value), (status = 400), (status = 401)))]
pub(crate) async fn search_route(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(query): Query<SearchQuery>,
) -> Result<Json<SearchAnswer>, ApiError> {
    let context = lookup_context(query.country.as_deref(), query.lang.as_deref());
    let answer =
        blocking(&state, move |store| Ok(search::search(store, &viewer, query.q.as_bytes(), &context)?)).await?;
    Ok(Json(answer))
}
