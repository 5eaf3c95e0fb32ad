//! The money trail over HTTP: victim payments the caller may trace, traces
//! under a chosen rule (the same JSON as `crackdown trace --format json`),
//! the mule list with its evidence, the freeze list as JSON or a CSV
//! download, and the typology hits `crackdown typologies --store` saved.
//!
//! Ledgers belong to the importing organisation and only its admins and
//! analysts read them (the store refuses everyone else). The loaded ledger
//! is cached per organisation in `AppState` (`crackdown_engine::trail::LedgerCache`)
//! and reloaded when an import changes it; `crackdown serve` and `demo`
//! warm it in the background at start, so even the first trace answers in
//! milliseconds.

use std::str::FromStr as _;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, SecondsFormat, Utc};
use crackdown_engine::trail::{self as engine, LoadedLedger, TrailError};
use crackdown_model::Viewer;
use crackdown_store::{TypologyFilter, TypologyHitDetail};
use crackdown_trail::freeze::{FreezeRow, write_csv};
use crackdown_trail::typology::TypologyKind;
use crackdown_trail::{Rule, Trace};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::api::{Auth, blocking};
use crate::{ApiError, AppState};

/// Most mules one request lists.
const MAX_MULES: usize = 1000;

/// Most typology hits one request lists.
const MAX_HITS: usize = 1000;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/trail/victim-payments", get(victim_payments))
        .route("/api/v1/trail/trace", get(trace))
        .route("/api/v1/trail/mules", get(mules))
        .route("/api/v1/trail/freeze-list", get(freeze_list))
        .route("/api/v1/trail/typologies", get(typologies))
}

#[derive(OpenApi)]
#[openapi(paths(victim_payments, trace, mules, freeze_list, typologies))]
pub struct TrailDoc;

impl From<TrailError> for ApiError {
    fn from(error: TrailError) -> ApiError {
        match error {
            TrailError::Store(error) => error.into(),
            TrailError::Invalid(_) => ApiError::bad_request(error.to_string()),
            // The engine's words name the command that imports a ledger; a
            // web page's reader (a bank's analyst) needs what it means instead.
            TrailError::EmptyLedger => ApiError::new(
                StatusCode::NOT_FOUND,
                "your organisation has no ledger yet: the money trail, the freeze list and the mule ranking work on \
                 the seized ledgers and bank statements your case team imports",
            ),
            TrailError::UnknownTransaction(_) | TrailError::UnknownAccount(_) => {
                ApiError::new(StatusCode::NOT_FOUND, error.to_string())
            }
            // The server's own disk, not the caller's request.
            TrailError::Spill(_) => ApiError::internal(error),
            TrailError::TimeLimit(_) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, error.to_string()),
        }
    }
}

/// Loads every organisation's ledger into the cache on a thread of its own,
/// so the server answers at once and the first trace in the UI finds the
/// ledger loaded. A request arriving mid-load waits for that load rather
/// than start another; a failure is logged and left to the first request.
pub(crate) fn warm_in_background(state: &AppState) {
    let cache = Arc::clone(&state.ledgers);
    let store = Arc::clone(&state.store);
    let spawned = std::thread::Builder::new().name("ledger-warm".into()).spawn(move || {
        let started = std::time::Instant::now();
        match cache.warm(&store) {
            Ok(loaded) => tracing::info!(loaded, seconds = started.elapsed().as_secs_f64(), "ledger cache warmed"),
            Err(error) => tracing::warn!(%error, "could not warm the ledger cache; the first request loads it"),
        }
    });
    if let Err(error) = spawned {
        tracing::warn!(%error, "could not start warming the ledger cache");
    }
}

/// The caller's organisation's ledger, from the cache when still current.
async fn ledger(state: &AppState, viewer: Viewer) -> Result<Arc<LoadedLedger>, ApiError> {
    let cache = Arc::clone(&state.ledgers);
    blocking(state, move |store| Ok(cache.get(store, &viewer)?)).await
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A transfer into an account a report the caller may read names.
#[derive(Serialize, ToSchema)]
struct VictimPayment {
    tx_id: String,
    /// RFC 3339, UTC.
    timestamp: String,
    /// The paying (victim's) account.
    victim: String,
    /// The receiving account the reports name.
    account: String,
    /// Exact decimal string.
    amount: String,
    currency: String,
    /// Ids of the readable reports naming the receiving account.
    reports: Vec<i64>,
}

/// Victim payments the caller may trace: transfers of the caller's
/// organisation's ledger into a bank account or wallet that a report the
/// caller may read names, from a person (or an account of unknown kind)
/// that no report names. Ledger order.
#[utoipa::path(get, path = "/api/v1/trail/victim-payments",
    responses((status = 200, body = [VictimPayment]), (status = 401), (status = 403), (status = 404, description = "the organisation has no ledger")))]
async fn victim_payments(
    State(state): State<AppState>,
    Auth(viewer): Auth,
) -> Result<Json<Vec<VictimPayment>>, ApiError> {
    let loaded = ledger(&state, viewer.clone()).await?;
    let payments = blocking(&state, move |store| {
        let reported = store.reported_payment_accounts(&viewer)?;
        Ok(engine::victim_payments(&loaded.ledger, &reported))
    })
    .await?;
    Ok(Json(
        payments
            .into_iter()
            .map(|payment| VictimPayment {
                tx_id: payment.tx_id,
                timestamp: timestamp(payment.timestamp),
                victim: payment.victim,
                account: payment.account,
                amount: payment.amount.decimal(),
                currency: payment.amount.currency().code().to_owned(),
                reports: payment.reports,
            })
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TraceQuery {
    /// The payment to trace (its tx id).
    tx: String,
    /// fifo (Clayton's case), lifo, libr (lowest intermediate balance), prorata, poison. Default fifo.
    rule: Option<String>,
    /// How long after the payment to follow the money, e.g. 90d, 12h, 2w, or none. Default 90d.
    horizon: Option<String>,
}

fn options(rule: Option<&str>, horizon: Option<&str>) -> Result<crackdown_trail::TraceOptions, ApiError> {
    let rule =
        Rule::from_str(rule.unwrap_or("fifo")).map_err(|error| ApiError::bad_request(format!("rule: {error}")))?;
    Ok(engine::tracing_options(rule, horizon.unwrap_or("90d"), 0, None)?)
}

/// Where traced money stopped.
#[derive(Serialize, ToSchema)]
struct TraceEndpoint {
    account: String,
    /// Exact decimal, in the traced payment's currency.
    amount: String,
    /// Account kind: person, business, merchant, employer, utility, exchange, cash or unknown.
    kind: String,
    /// What can be done there, from the kind: freeze (the bank freezes the
    /// account), exchange (the exchange freezes its customer's wallet),
    /// cash_out (withdrawn: nothing left to freeze) or spent (paid to a
    /// merchant or utility).
    recovery: String,
    /// no_outflow, cash, exchange or horizon.
    reason: String,
    /// What is held there, when converted into another currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    held_amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    held_currency: Option<String>,
}

/// A transfer that carried traced money, with the traced part of it.
#[derive(Serialize, ToSchema)]
struct TraceHop {
    tx_id: String,
    from: String,
    to: String,
    /// The traced part, exact decimal.
    amount: String,
    /// RFC 3339, UTC.
    timestamp: String,
}

/// A traced payment, as `crackdown trace --format json` prints it.
#[derive(Serialize, ToSchema)]
struct TraceResult {
    source_tx: String,
    rule: String,
    amount: String,
    currency: String,
    endpoints: Vec<TraceEndpoint>,
    hops: Vec<TraceHop>,
    /// Traced money that reached no endpoint, exact decimal.
    unresolved: String,
    /// When a step limit stopped the trace early.
    #[serde(skip_serializing_if = "Option::is_none")]
    stopped_at: Option<String>,
}

impl From<Trace<'_>> for TraceResult {
    fn from(trace: Trace<'_>) -> TraceResult {
        TraceResult {
            source_tx: trace.source_tx.to_owned(),
            rule: trace.rule.as_str().to_owned(),
            amount: trace.amount.decimal(),
            currency: trace.amount.currency().code().to_owned(),
            endpoints: trace
                .endpoints
                .into_iter()
                .map(|endpoint| TraceEndpoint {
                    account: endpoint.account.to_owned(),
                    amount: endpoint.amount.decimal(),
                    kind: endpoint.kind.as_str().to_owned(),
                    recovery: engine::Recovery::of(endpoint.kind).as_str().to_owned(),
                    reason: endpoint.reason.as_str().to_owned(),
                    held_amount: endpoint.held.map(|held| held.decimal()),
                    held_currency: endpoint.held.map(|held| held.currency().code().to_owned()),
                })
                .collect(),
            hops: trace
                .hops
                .into_iter()
                .map(|hop| TraceHop {
                    tx_id: hop.tx_id.to_owned(),
                    from: hop.from.to_owned(),
                    to: hop.to.to_owned(),
                    amount: hop.amount.decimal(),
                    timestamp: timestamp(hop.timestamp),
                })
                .collect(),
            unresolved: trace.unresolved.decimal(),
            stopped_at: trace.stopped_at.map(timestamp),
        }
    }
}

/// Follows one payment of the caller's organisation's ledger to its
/// endpoints under a tracing rule.
#[utoipa::path(get, path = "/api/v1/trail/trace", params(TraceQuery),
    responses((status = 200, body = TraceResult), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn trace(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(query): Query<TraceQuery>,
) -> Result<Json<TraceResult>, ApiError> {
    let options = options(query.rule.as_deref(), query.horizon.as_deref())?;
    let loaded = ledger(&state, viewer).await?;
    let trace = blocking(&state, move |_| {
        crackdown_trail::trace::trace(&loaded.ledger, &query.tx, &options)
            .map(TraceResult::from)
            .map_err(|error| ApiError::from(TrailError::from(error)))
    })
    .await?;
    Ok(Json(trace))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct MulesQuery {
    /// How many accounts, highest score first (default 50, at most 1000).
    limit: Option<usize>,
}

/// One line of evidence behind a score.
#[derive(Serialize, ToSchema)]
struct MuleEvidence {
    /// A signal (fast_forward, flow_balance, ...) or a typology hit (fan_in, peel_chain, ...).
    signal: String,
    value: f64,
    detail: String,
    /// The transfers that form a typology hit.
    tx_ids: Vec<String>,
}

/// An account ranked as a likely mule.
#[derive(Serialize, ToSchema)]
struct Mule {
    account: String,
    /// Higher = more likely a mule.
    score: f64,
    kind: String,
    country: Option<String>,
    evidence: Vec<MuleEvidence>,
}

/// The accounts of the caller's organisation's ledger most likely to be
/// mules (unsupervised score), each with the evidence behind its score.
#[utoipa::path(get, path = "/api/v1/trail/mules", params(MulesQuery),
    responses((status = 200, body = [Mule]), (status = 401), (status = 403), (status = 404)))]
async fn mules(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(query): Query<MulesQuery>,
) -> Result<Json<Vec<Mule>>, ApiError> {
    let limit = query.limit.unwrap_or(50).min(MAX_MULES);
    let loaded = ledger(&state, viewer).await?;
    let mules = blocking(&state, move |_| {
        let ledger = &loaded.ledger;
        let model = loaded.mules();
        Ok(model
            .ranking(ledger)
            .into_iter()
            .take(limit)
            .filter_map(|(account, score)| {
                let id = ledger.account_id(&account)?;
                let evidence = model.explain(ledger, &account)?;
                Some(Mule {
                    kind: ledger.kind(id).as_str().to_owned(),
                    country: ledger.country(id).map(str::to_owned),
                    evidence: evidence
                        .into_iter()
                        .map(|line| MuleEvidence {
                            signal: line.signal,
                            value: line.value,
                            detail: line.detail,
                            tx_ids: line.tx_ids,
                        })
                        .collect(),
                    account,
                    score,
                })
            })
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(Json(mules))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FreezeQuery {
    /// json (default) or csv (a download).
    format: Option<String>,
    /// Tracing rule (default fifo); poison overstates amounts.
    rule: Option<String>,
    /// Default 90d.
    horizon: Option<String>,
    /// Only rows of this recovery group: freeze, exchange, cash_out or spent (default all).
    recovery: Option<String>,
}

/// An account to freeze, in one currency.
#[derive(Serialize, ToSchema)]
struct FreezeEntry {
    account: String,
    kind: String,
    country: Option<String>,
    currency: String,
    /// Exact decimal.
    amount: String,
    /// Distinct victim accounts whose money reached it.
    victims: usize,
    /// Traced payments whose money reached it.
    payments: usize,
    /// Endpoint reasons, `;`-separated.
    reasons: String,
    /// From the account's kind in the ledger: freeze (a bank can freeze it), exchange (ask the
    /// exchange), cash_out (withdrawn as cash: nothing to freeze) or spent (paid to a merchant or
    /// utility).
    recovery: String,
    /// Tx ids of the traced victim payments whose money reached the account in this currency.
    payment_ids: Vec<String>,
}

impl From<&engine::FreezeEntry> for FreezeEntry {
    fn from(entry: &engine::FreezeEntry) -> FreezeEntry {
        let row = &entry.row;
        FreezeEntry {
            account: row.account.clone(),
            kind: row.kind.as_str().to_owned(),
            country: row.country.clone(),
            currency: row.currency.to_owned(),
            amount: row.amount.clone(),
            victims: row.victims,
            payments: row.payments,
            reasons: row.reasons.clone(),
            recovery: entry.recovery.as_str().to_owned(),
            payment_ids: entry.payments.clone(),
        }
    }
}

/// The freeze list: every victim payment the caller may trace (as
/// `/trail/victim-payments` lists them), traced under the rule and
/// aggregated per endpoint account and currency, largest first. As JSON or
/// as a CSV download (the columns of `crackdown freeze-list --format csv`).
#[utoipa::path(get, path = "/api/v1/trail/freeze-list", params(FreezeQuery),
    responses((status = 200, body = [FreezeEntry], description = "JSON, or text/csv with format=csv"), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn freeze_list(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(query): Query<FreezeQuery>,
) -> Result<Response, ApiError> {
    let csv = match query.format.as_deref().unwrap_or("json") {
        "json" => false,
        "csv" => true,
        other => return Err(ApiError::bad_request(format!("format: {other:?} is not json or csv"))),
    };
    let recovery = match query.recovery.as_deref() {
        None | Some("") => None,
        Some(text) => Some(engine::Recovery::parse(text).ok_or_else(|| {
            ApiError::bad_request(format!("recovery: {text:?} is not freeze, exchange, cash_out or spent"))
        })?),
    };
    let options = options(query.rule.as_deref(), query.horizon.as_deref())?;
    let loaded = ledger(&state, viewer.clone()).await?;
    let entries = blocking(&state, move |store| {
        let reported = store.reported_payment_accounts(&viewer)?;
        let payments: Vec<String> =
            engine::victim_payments(&loaded.ledger, &reported).into_iter().map(|payment| payment.tx_id).collect();
        let (mut entries, _) = engine::freeze_entries(&loaded.ledger, &payments, &options, 2);
        entries.retain(|entry| recovery.is_none_or(|wanted| entry.recovery == wanted));
        Ok(entries)
    })
    .await?;
    if !csv {
        return Ok(Json(entries.iter().map(FreezeEntry::from).collect::<Vec<_>>()).into_response());
    }
    let rows: Vec<FreezeRow> = entries.into_iter().map(|entry| entry.row).collect();
    let mut body = Vec::new();
    write_csv(&rows, &mut body).map_err(ApiError::internal)?;
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"freeze-list-{}{}.csv\"",
                options.rule.as_str(),
                recovery.map(|group| format!("-{}", group.as_str())).unwrap_or_default()
            ),
        ),
    ];
    Ok((headers, body).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TypologiesQuery {
    /// Only hits of this kind: fan_in, fan_out, gather_scatter, scatter_gather, cycle, layering,
    /// peel_chain, rapid_pass_through or structuring.
    kind: Option<String>,
    /// Only hits centred on this account or involving it.
    account: Option<String>,
    /// How many hits, in the order they were stored (default 100, at most 1000).
    limit: Option<usize>,
}

/// A transfer forming a typology hit, as the ledger stores it. Only `tx_id`
/// is present when the ledger no longer has the row.
#[derive(Serialize, ToSchema)]
struct TypologyTransfer {
    tx_id: String,
    /// RFC 3339, UTC.
    timestamp: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// Exact decimal string.
    amount: Option<String>,
    currency: Option<String>,
    channel: Option<String>,
}

/// A stored laundering pattern with the transfers that form it.
#[derive(Serialize, ToSchema)]
struct TypologyHit {
    id: i64,
    /// fan_in, fan_out, gather_scatter, scatter_gather, cycle, layering, peel_chain,
    /// rapid_pass_through or structuring.
    kind: String,
    /// The account the pattern centres on.
    account: String,
    /// Every account of the pattern, the centre first.
    accounts: Vec<String>,
    /// RFC 3339, UTC.
    window_start: String,
    window_end: String,
    /// When the `crackdown typologies --store` run that found it ran.
    detected_at: String,
    /// In time order.
    transactions: Vec<TypologyTransfer>,
}

impl From<TypologyHitDetail> for TypologyHit {
    fn from(detail: TypologyHitDetail) -> TypologyHit {
        let hit = detail.hit;
        TypologyHit {
            id: hit.id,
            kind: hit.kind,
            account: hit.account,
            accounts: hit.accounts,
            window_start: timestamp(hit.window_start),
            window_end: timestamp(hit.window_end),
            detected_at: timestamp(hit.detected_at),
            transactions: detail
                .transfers
                .into_iter()
                .map(|transfer| TypologyTransfer {
                    tx_id: transfer.tx_id,
                    timestamp: transfer.at.map(timestamp),
                    from: transfer.from,
                    to: transfer.to,
                    amount: transfer.amount.map(|amount| amount.decimal()),
                    currency: transfer.amount.map(|amount| amount.currency().code().to_owned()),
                    channel: transfer.channel,
                })
                .collect(),
        }
    }
}

/// The typology hits stored for the caller's organisation's ledger (by
/// `crackdown typologies --store`), each with its transactions. Empty
/// until a run stored some.
#[utoipa::path(get, path = "/api/v1/trail/typologies", params(TypologiesQuery),
    responses((status = 200, body = [TypologyHit]), (status = 400), (status = 401), (status = 403)))]
async fn typologies(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(query): Query<TypologiesQuery>,
) -> Result<Json<Vec<TypologyHit>>, ApiError> {
    if let Some(kind) = query.kind.as_deref()
        && !TypologyKind::ALL.iter().any(|known| known.as_str() == kind)
    {
        let known: Vec<&str> = TypologyKind::ALL.iter().map(|known| known.as_str()).collect();
        return Err(ApiError::bad_request(format!("kind: {kind:?} is not one of {}", known.join(", "))));
    }
    let limit = query.limit.unwrap_or(100).min(MAX_HITS);
    let hits = blocking(&state, move |store| {
        let filter = TypologyFilter { kind: query.kind.as_deref(), account: query.account.as_deref(), limit };
        Ok(store.typology_hit_details(&viewer, filter)?)
    })
    .await?;
    Ok(Json(hits.into_iter().map(TypologyHit::from).collect()))
}
