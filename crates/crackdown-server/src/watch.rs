//! `/api/v1/watchlists`, `/api/v1/webhooks`, `/api/v1/alerts` and
//! `/api/v1/allowlist`: an organisation's watch entries, where its alerts
//! are delivered, the alerts themselves, and the values it vouches for. Admins and analysts only (the store refuses the
//! others); everything is scoped to the caller's organisation, and alerts
//! are further filtered by the caller's access to the reports they name.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use crackdown_engine::WatchRequest;
use crackdown_engine::campaigns::lookup_context;
use crackdown_store::{Alert, AllowlistEntry, WatchEntryInfo, WebhookInfo};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::api::{Auth, blocking};
use crate::{ApiError, AppState};

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/watchlists", get(list_entries).post(add_entry))
        .route("/api/v1/watchlists/{id}", delete(remove_entry))
        .route("/api/v1/webhooks", get(list_webhooks).post(add_webhook))
        .route("/api/v1/webhooks/{id}", delete(remove_webhook))
        .route("/api/v1/alerts", get(list_alerts))
        .route("/api/v1/allowlist", get(list_allowlist).post(add_allowlist).delete(remove_allowlist))
        .with_state(state)
}

#[derive(OpenApi)]
#[openapi(paths(
    list_entries,
    add_entry,
    remove_entry,
    list_webhooks,
    add_webhook,
    remove_webhook,
    list_alerts,
    list_allowlist,
    add_allowlist,
    remove_allowlist
))]
pub struct WatchDoc;

/// A watch entry to add.
#[derive(Deserialize, ToSchema)]
struct NewEntry {
    /// `exact`, `prefix`, `domain_suffix`, `regex`, `campaign` or `scam_type`.
    kind: String,
    /// For `exact` and `regex`: the indicator type (`phone`, `url`, `iban`,
    /// ...; recognized from the value when omitted for `exact`). For
    /// `prefix`: `iban`, `card_bin` or `phone` (guessed when omitted).
    #[serde(rename = "type")]
    qualifier: Option<String>,
    /// The indicator, prefix, domain, pattern (at most 256 bytes), campaign id or scam type.
    value: String,
    label: Option<String>,
}

/// A watch entry of the caller's organisation.
#[derive(Serialize, ToSchema)]
struct Entry {
    id: i64,
    kind: String,
    #[serde(rename = "type")]
    qualifier: Option<String>,
    /// As matched: exact values normalized like indicators.
    value: String,
    label: String,
    created_by: String,
    created_at: DateTime<Utc>,
}

impl From<WatchEntryInfo> for Entry {
    fn from(entry: WatchEntryInfo) -> Entry {
        Entry {
            id: entry.id,
            kind: entry.kind,
            qualifier: entry.qualifier,
            value: entry.value,
            label: entry.label,
            created_by: entry.created_by,
            created_at: entry.created_at,
        }
    }
}

/// The caller's organisation's watch entries.
#[utoipa::path(get, path = "/api/v1/watchlists", responses((status = 200, body = Vec<Entry>), (status = 401), (status = 403)))]
async fn list_entries(State(state): State<AppState>, Auth(viewer): Auth) -> Result<Json<Vec<Entry>>, ApiError> {
    let entries = blocking(&state, move |store| Ok(store.watch_entries(&viewer)?)).await?;
    Ok(Json(entries.into_iter().map(Entry::from).collect()))
}

/// Adds a watch entry. A malformed or oversized regex, an unknown type or
/// scam type is a 400 saying why.
#[utoipa::path(post, path = "/api/v1/watchlists", request_body = NewEntry, responses((status = 201, body = Entry), (status = 400), (status = 401), (status = 403)))]
async fn add_entry(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Json(entry): Json<NewEntry>,
) -> Result<(StatusCode, Json<Entry>), ApiError> {
    let request = WatchRequest { kind: entry.kind, qualifier: entry.qualifier, value: entry.value, label: entry.label };
    let created =
        blocking(&state, move |store| Ok(crackdown_engine::add_watch_entry(store, &viewer, &request, Utc::now())?))
            .await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Removes a watch entry; its alerts stay.
#[utoipa::path(delete, path = "/api/v1/watchlists/{id}", params(("id" = i64, Path)), responses((status = 204), (status = 403), (status = 404)))]
async fn remove_entry(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    blocking(&state, move |store| Ok(store.remove_watch_entry(&viewer, id, Utc::now())?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
struct NewWebhook {
    /// Where alerts are POSTed (http:// or https://).
    url: String,
}

/// A new webhook with its signing secret, shown only here.
#[derive(Serialize, ToSchema)]
struct CreatedWebhook {
    id: i64,
    url: String,
    /// HMAC-SHA256 key of the `Crackdown-Signature` header (docs/webhooks.md).
    secret: String,
}

#[derive(Serialize, ToSchema)]
struct Webhook {
    id: i64,
    url: String,
    active: bool,
    created_by: String,
    created_at: DateTime<Utc>,
    pending: i64,
    delivered: i64,
    failed: i64,
}

impl From<WebhookInfo> for Webhook {
    fn from(hook: WebhookInfo) -> Webhook {
        Webhook {
            id: hook.id,
            url: hook.url,
            active: hook.active,
            created_by: hook.created_by,
            created_at: hook.created_at,
            pending: hook.pending,
            delivered: hook.delivered,
            failed: hook.failed,
        }
    }
}

/// The caller's organisation's webhooks with delivery counts (never secrets).
#[utoipa::path(get, path = "/api/v1/webhooks", responses((status = 200, body = Vec<Webhook>), (status = 401), (status = 403)))]
async fn list_webhooks(State(state): State<AppState>, Auth(viewer): Auth) -> Result<Json<Vec<Webhook>>, ApiError> {
    let hooks = blocking(&state, move |store| Ok(store.webhooks(&viewer)?)).await?;
    Ok(Json(hooks.into_iter().map(Webhook::from).collect()))
}

/// Registers a webhook; alerts from now on are delivered to it, signed.
#[utoipa::path(post, path = "/api/v1/webhooks", request_body = NewWebhook, responses((status = 201, body = CreatedWebhook), (status = 400), (status = 401), (status = 403)))]
async fn add_webhook(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Json(hook): Json<NewWebhook>,
) -> Result<(StatusCode, Json<CreatedWebhook>), ApiError> {
    let checked = state.outbound.check_url(&hook.url).map_err(ApiError::bad_request)?;
    let created = blocking(&state, move |store| Ok(store.add_webhook(&viewer, &checked.0, Utc::now())?)).await?;
    Ok((StatusCode::CREATED, Json(CreatedWebhook { id: created.id, url: created.url, secret: created.secret })))
}

/// Deactivates a webhook and cancels its pending deliveries.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", params(("id" = i64, Path)), responses((status = 204), (status = 403), (status = 404)))]
async fn remove_webhook(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    blocking(&state, move |store| Ok(store.remove_webhook(&viewer, id)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AlertQuery {
    /// Only alerts with an id below this (the last id of the previous page).
    before_id: Option<i64>,
    /// At most this many (default 100, at most 1000).
    limit: Option<usize>,
}

/// The entry an alert came from.
#[derive(Serialize, ToSchema)]
pub(crate) struct AlertEntry {
    id: i64,
    kind: String,
    #[serde(rename = "type")]
    qualifier: Option<String>,
    value: String,
    label: String,
}

/// An alert: an entry matched a report. It names the report and the value
/// that matched, never the report's text or people; read the report
/// through `GET /api/v1/reports/{id}`, under the usual access rules.
#[derive(Serialize, ToSchema)]
pub(crate) struct AlertItem {
    id: i64,
    created_at: DateTime<Utc>,
    report_id: i64,
    /// The report's normalized indicator, campaign id or scam type that matched.
    matched: String,
    entry: AlertEntry,
}

impl From<Alert> for AlertItem {
    fn from(alert: Alert) -> AlertItem {
        AlertItem {
            id: alert.id,
            created_at: alert.created_at,
            report_id: alert.report_id,
            matched: alert.matched,
            entry: AlertEntry {
                id: alert.entry.id,
                kind: alert.entry.kind,
                qualifier: alert.entry.qualifier,
                value: alert.entry.value,
                label: alert.entry.label,
            },
        }
    }
}

/// The caller's organisation's alerts on reports the caller may read, newest first.
#[utoipa::path(get, path = "/api/v1/alerts", params(AlertQuery), responses((status = 200, body = Vec<AlertItem>), (status = 401), (status = 403)))]
async fn list_alerts(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(query): Query<AlertQuery>,
) -> Result<Json<Vec<AlertItem>>, ApiError> {
    let limit = query.limit.unwrap_or(100);
    let alerts = blocking(&state, move |store| Ok(store.alerts(&viewer, query.before_id, limit)?)).await?;
    Ok(Json(alerts.into_iter().map(AlertItem::from).collect()))
}

/// A value to put on (or take off) the allow-list, typed any way.
#[derive(Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
struct AllowlistValue {
    /// A phone number, link (its host is listed), domain, e-mail, account, wallet or handle.
    value: String,
    /// Country of a national phone number (ISO code).
    country: Option<String>,
    /// Language whose country a national phone number is read in.
    language: Option<String>,
}

/// A value the caller's organisation vouches for, normalized.
#[derive(Serialize, ToSchema)]
struct AllowlistItem {
    #[serde(rename = "type")]
    kind: String,
    value: String,
    added_at: DateTime<Utc>,
}

impl From<AllowlistEntry> for AllowlistItem {
    fn from(entry: AllowlistEntry) -> AllowlistItem {
        AllowlistItem { kind: entry.kind, value: entry.value, added_at: entry.added_at }
    }
}

/// The caller's organisation's allow-list (admins and analysts).
#[utoipa::path(get, path = "/api/v1/allowlist", responses((status = 200, body = Vec<AllowlistItem>), (status = 401), (status = 403)))]
async fn list_allowlist(
    State(state): State<AppState>,
    Auth(viewer): Auth,
) -> Result<Json<Vec<AllowlistItem>>, ApiError> {
    let entries = blocking(&state, move |store| Ok(store.allowlist(&viewer)?)).await?;
    Ok(Json(entries.into_iter().map(AllowlistItem::from).collect()))
}

/// Vouches for a value (admins): the public lookup and the pre-payment
/// check answer `known_legitimate` for it, and linking treats it as a hub.
/// A value that is no indicator or fails its checksum is a 400.
#[utoipa::path(post, path = "/api/v1/allowlist", request_body = AllowlistValue, responses((status = 201, body = AllowlistItem), (status = 400), (status = 401), (status = 403)))]
async fn add_allowlist(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Json(value): Json<AllowlistValue>,
) -> Result<(StatusCode, Json<AllowlistItem>), ApiError> {
    let entry = blocking(&state, move |store| {
        let context = lookup_context(value.country.as_deref(), value.language.as_deref());
        Ok(crackdown_engine::add_to_allowlist(store, &viewer, &value.value, &context, Utc::now())?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(entry.into())))
}

/// Takes a value off the caller's organisation's allow-list (admins).
#[utoipa::path(delete, path = "/api/v1/allowlist", params(AllowlistValue), responses((status = 204), (status = 400), (status = 403), (status = 404)))]
async fn remove_allowlist(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(value): Query<AllowlistValue>,
) -> Result<StatusCode, ApiError> {
    blocking(&state, move |store| {
        let context = lookup_context(value.country.as_deref(), value.language.as_deref());
        Ok(crackdown_engine::remove_from_allowlist(store, &viewer, &value.value, &context)?)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
