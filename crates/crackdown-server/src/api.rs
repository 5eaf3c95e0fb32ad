//! Routes of `/api/v1`, their wire types and the OpenAPI document built from
//! them. Wire types are apart from the store's, so the API contract changes
//! only when we mean it to.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRef, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use crackdown_engine::intake::{AnalyzedBatch, Intake, mail_evidence};
use crackdown_ingest::RecordError;
use crackdown_ingest::reports::{Defaults, Format, for_each_report};
use crackdown_model::{Channel, Keyword, ReportStatus, Tlp, Viewer};
use crackdown_store::{
    AuditEntry, InsertedReport, ReportFilter, ShareOptions, Store, StoredAnalysis, StoredReport, TokenInfo,
};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

use crate::{ApiError, AppState};

/// The largest request body accepted (a bulk upload of reports).
const MAX_BODY_BYTES: usize = 16 << 20;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/health", get(health))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/me", get(me))
        .route("/api/v1/reports", get(list_reports).post(create_reports))
        .route("/api/v1/reports/status", post(change_status))
        .route("/api/v1/reports/{id}", get(get_report))
        .route("/api/v1/reports/{id}/audit", get(report_audit))
        .route("/api/v1/reports/{id}/evidence", get(report_evidence))
        .route("/api/v1/reports/{id}/original", get(report_original))
        .route("/api/v1/reports/email", post(create_email_report))
        .route("/api/v1/tokens", get(list_tokens).post(create_token))
        .route("/api/v1/tokens/{id}", delete(revoke_token))
        .route("/api/v1/public/csrf", get(crate::public::csrf))
        .route("/api/v1/public/reports", post(crate::public::submit))
        .route("/api/v1/lookup", get(crate::public::lookup))
        .merge(crate::trail::routes())
        .merge(crate::ledger_import::routes())
        .merge(crate::campaigns::routes())
        .merge(crate::share::routes())
        .merge(crate::search::routes())
        .merge(crate::taxii::routes())
        .merge(crate::screening::routes())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(crate::limits::request_trace())
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::forget_lookups_after_writes))
        .with_state(state)
}

#[derive(OpenApi)]
#[openapi(
    info(title = "crackdown API", description = "Counter-scam intelligence: reports, indicators, campaigns, money trails. Every read obeys TLP 2.0 and organisation membership."),
    paths(health, me, list_reports, get_report, report_audit, report_evidence, report_original, create_email_report, create_reports, change_status, list_tokens, create_token, revoke_token,
        crate::public::csrf, crate::public::submit, crate::public::lookup),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// Runs store work on the blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let store = Arc::clone(&state.store);
    tokio::task::spawn_blocking(move || work(&store)).await.map_err(ApiError::internal)?
}

/// The authenticated caller, from `Authorization: Bearer <token>` or, for
/// the web UI, the session cookie (see `session.rs`).
pub struct Auth(pub Viewer);

impl<S: Send + Sync> FromRequestParts<S> for Auth
where
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Auth, ApiError> {
        let state = AppState::from_ref(state);
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(|secret| secret.trim().to_owned());
        let viewer = match bearer {
            Some(secret) => blocking(&state, move |store| Ok(store.authenticate(&secret)?)).await?,
            None => crate::session::cookie_viewer(&state, parts).await?,
        };
        viewer.map(Auth).ok_or_else(ApiError::unauthorized)
    }
}

#[derive(Serialize, ToSchema)]
struct Health {
    status: &'static str,
}

/// Liveness; needs no token.
#[utoipa::path(get, path = "/api/v1/health", security(()), responses((status = 200, body = Health)))]
async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(crate::openapi())
}

#[derive(Serialize, ToSchema)]
struct Me {
    user: String,
    org_id: i64,
    role: String,
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me), (status = 401)))]
async fn me(Auth(viewer): Auth) -> Json<Me> {
    Json(Me { user: viewer.user_name, org_id: viewer.org_id, role: viewer.role.to_string() })
}

/// A report as the caller may see it; personal fields are null for those
/// who may not see them.
#[derive(Serialize, ToSchema)]
struct Report {
    id: i64,
    external_id: Option<String>,
    org: String,
    submitted_by: Option<String>,
    received_at: DateTime<Utc>,
    reported_at: Option<DateTime<Utc>>,
    #[schema(example = "bulk")]
    channel: String,
    language: Option<String>,
    /// The victim's country (ISO 3166-1 alpha-2), when the report says.
    country: Option<String>,
    text: String,
    /// Exact decimal string, e.g. "1500.50".
    loss_amount: Option<String>,
    loss_currency: Option<String>,
    /// TLP 2.0 marking: clear, green, amber, amber+strict, red.
    tlp: String,
    reporter: Option<String>,
    victim_contact: Option<String>,
    consent_share: bool,
    consent_publish: bool,
    /// new, triaged, linked or closed.
    status: String,
    original_sha256: Option<String>,
    /// The lure analysis; only in the answer for one report, absent in listings.
    #[serde(skip_serializing_if = "Option::is_none")]
    analysis: Option<LureAnalysis>,
}

/// What the lure analysis found in a report's text.
#[derive(Serialize, ToSchema)]
struct LureAnalysis {
    /// scam, spam or ham.
    label: String,
    scam_type: Option<String>,
    /// Pig-butchering stage of a romance or investment scam.
    stage: Option<String>,
    /// 0 to 1.
    confidence: f64,
    /// The cues that decided it.
    reasons: Vec<String>,
    indicators: Vec<LureIndicator>,
    analyzed_at: DateTime<Utc>,
}

/// One indicator: normalized, checksum verdict, byte span in the text.
#[derive(Serialize, ToSchema)]
struct LureIndicator {
    /// url, domain, email, phone, ipv4, ipv6, btc, eth, tron, sol, ltc, iban, bank_account, card, telegram, whatsapp, line, wechat.
    #[serde(rename = "type")]
    kind: String,
    value: String,
    normalized: String,
    valid: bool,
    start: i64,
    end: i64,
}

impl From<StoredAnalysis> for LureAnalysis {
    fn from(stored: StoredAnalysis) -> LureAnalysis {
        let analysis = stored.analysis;
        LureAnalysis {
            label: analysis.label,
            scam_type: analysis.scam_type,
            stage: analysis.stage,
            confidence: analysis.confidence,
            reasons: analysis.reasons,
            indicators: analysis
                .indicators
                .into_iter()
                .map(|indicator| LureIndicator {
                    kind: indicator.kind,
                    value: indicator.value,
                    normalized: indicator.normalized,
                    valid: indicator.valid,
                    start: indicator.start,
                    end: indicator.end,
                })
                .collect(),
            analyzed_at: stored.analyzed_at,
        }
    }
}

impl From<StoredReport> for Report {
    fn from(report: StoredReport) -> Report {
        Report {
            id: report.id,
            external_id: report.external_id,
            org: report.org,
            submitted_by: report.submitted_by,
            received_at: report.received_at,
            reported_at: report.reported_at,
            channel: report.channel.to_string(),
            language: report.language,
            country: report.country,
            text: report.text,
            loss_amount: report.loss_amount,
            loss_currency: report.loss_currency,
            tlp: report.tlp.to_string(),
            reporter: report.reporter,
            victim_contact: report.victim_contact,
            consent_share: report.consent_share,
            consent_publish: report.consent_publish,
            status: report.status.to_string(),
            original_sha256: report.original_sha256,
            analysis: None,
        }
    }
}

#[derive(Serialize, ToSchema)]
struct ReportPage {
    items: Vec<Report>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ReportQuery {
    /// new, triaged, linked or closed.
    status: Option<String>,
    tlp: Option<String>,
    channel: Option<String>,
    language: Option<String>,
    /// Case-insensitive substring of the text.
    q: Option<String>,
    /// Received at or after (RFC 3339).
    since: Option<String>,
    /// Received before (RFC 3339).
    until: Option<String>,
    cursor: Option<String>,
    /// 1 to 1000, default 100.
    limit: Option<usize>,
}

fn parse_param<T>(
    name: &str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> Result<Option<T>, ApiError> {
    value
        .map(|text| {
            parse(text).ok_or_else(|| ApiError::bad_request(format!("parameter {name}: {text:?} is not {expected}")))
        })
        .transpose()
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|at| at.with_timezone(&Utc))
}

impl ReportQuery {
    fn filter(&self) -> Result<ReportFilter, ApiError> {
        Ok(ReportFilter {
            status: parse_param("status", self.status.as_deref(), ReportStatus::parse_keyword, "a status")?,
            tlp: parse_param("tlp", self.tlp.as_deref(), Tlp::parse, "a TLP marking")?,
            channel: parse_param("channel", self.channel.as_deref(), Channel::parse_keyword, "a channel")?,
            language: self.language.clone(),
            text_contains: self.q.clone(),
            received_since: parse_param("since", self.since.as_deref(), parse_time, "an RFC 3339 time")?,
            received_until: parse_param("until", self.until.as_deref(), parse_time, "an RFC 3339 time")?,
            before_id: parse_param("cursor", self.cursor.as_deref(), |text| text.parse().ok(), "a cursor")?,
        })
    }
}

/// Reports the caller may read, newest first, with cursor pagination.
#[utoipa::path(get, path = "/api/v1/reports", params(ReportQuery), responses((status = 200, body = ReportPage), (status = 400), (status = 401)))]
async fn list_reports(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(query): Query<ReportQuery>,
) -> Result<Json<ReportPage>, ApiError> {
    let filter = query.filter()?;
    let limit = query.limit.unwrap_or(100);
    let page = blocking(&state, move |store| Ok(store.reports(&viewer, &filter, limit)?)).await?;
    Ok(Json(ReportPage {
        items: page.items.into_iter().map(Report::from).collect(),
        next_cursor: page.next_cursor.map(|cursor| cursor.to_string()),
    }))
}

/// One report with its lure analysis; 404 also when it exists but the caller may not read it.
#[utoipa::path(get, path = "/api/v1/reports/{id}", params(("id" = i64, Path)), responses((status = 200, body = Report), (status = 404)))]
async fn get_report(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(id): Path<i64>,
) -> Result<Json<Report>, ApiError> {
    let (report, analysis) =
        blocking(&state, move |store| Ok((store.report(&viewer, id)?, store.analysis(&viewer, id)?))).await?;
    Ok(Json(Report { analysis: analysis.map(LureAnalysis::from), ..report.into() }))
}

#[derive(Serialize, ToSchema)]
struct AuditItem {
    at: DateTime<Utc>,
    user: Option<String>,
    action: String,
    detail: serde_json::Value,
}

impl From<AuditEntry> for AuditItem {
    fn from(entry: AuditEntry) -> AuditItem {
        AuditItem { at: entry.at, user: entry.user, action: entry.action, detail: entry.detail }
    }
}

/// The report's append-only history.
#[utoipa::path(get, path = "/api/v1/reports/{id}/audit", params(("id" = i64, Path)), responses((status = 200, body = [AuditItem]), (status = 404)))]
async fn report_audit(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(id): Path<i64>,
) -> Result<Json<Vec<AuditItem>>, ApiError> {
    let trail = blocking(&state, move |store| Ok(store.audit_trail(&viewer, id)?)).await?;
    Ok(Json(trail.into_iter().map(AuditItem::from).collect()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// Default TLP for reports that carry none (default amber).
    tlp: Option<String>,
    /// Community to share AMBER reports with; repeatable as a comma list.
    share: Option<String>,
    /// Users who may read RED reports, comma-separated.
    recipients: Option<String>,
}

/// What a bulk upload did: the same summary as `crackdown import reports --json`.
#[derive(Serialize, ToSchema)]
struct ImportSummary {
    imported: usize,
    duplicates: usize,
    rejected: usize,
    errors: Vec<ImportError>,
    /// Store id of each accepted record, in order (new or existing); `null`
    /// for a duplicate of a report the caller may not read, whose id is
    /// not theirs to learn.
    ids: Vec<Option<i64>>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportError {
    pub file: String,
    pub line: u64,
    pub field: Option<String>,
    pub reason: String,
}

impl ImportError {
    pub fn new(file: &str, error: RecordError) -> ImportError {
        ImportError { file: file.to_owned(), line: error.line, field: error.field, reason: error.reason }
    }
}

fn comma_list(text: Option<&str>) -> Vec<String> {
    text.map(|text| text.split(',').map(str::trim).filter(|item| !item.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Links and watches what an intake stored. The reports are committed by
/// then, and the store remembers what they still owe, so a failure here is
/// logged and finished by the next intake or start; failing the request
/// would only make its client resubmit.
fn finish(intake: Intake<'_>) {
    if let Err(error) = intake.finish(Utc::now()) {
        tracing::error!(%error, "linking or watching new reports failed; the next intake finishes them");
    }
}

/// Submits one report (a JSON object) or many (a JSON array), in the bulk
/// import schema. Valid records are stored in one transaction; invalid ones
/// are listed with their element number and field.
#[utoipa::path(post, path = "/api/v1/reports", params(ImportQuery), request_body(content = serde_json::Value, description = "a report object or an array of them"), responses((status = 200, body = ImportSummary), (status = 400), (status = 403)))]
async fn create_reports(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(query): Query<ImportQuery>,
    body: axum::body::Bytes,
) -> Result<Json<ImportSummary>, ApiError> {
    let tlp = parse_param("tlp", query.tlp.as_deref(), Tlp::parse, "a TLP marking")?.unwrap_or(Tlp::Amber);
    let share = ShareOptions {
        communities: comma_list(query.share.as_deref()),
        recipients: comma_list(query.recipients.as_deref()),
    };
    let summary = blocking(&state, move |store| {
        let first = body.iter().find(|byte| !byte.is_ascii_whitespace());
        let wrapped;
        let array: &[u8] = if first == Some(&b'{') {
            wrapped = [&b"["[..], &body, &b"]"[..]].concat();
            &wrapped
        } else {
            &body
        };
        let mut reports = Vec::new();
        let mut errors = Vec::new();
        let defaults = Defaults { tlp, channel: Channel::Api };
        for_each_report(array, Format::JsonArray, &defaults, |(_, result)| match result {
            Ok(report) => reports.push(report),
            Err(error) => errors.push(ImportError::new("request", error)),
        })
        .map_err(|error| ApiError::bad_request(error.to_string()))?;
        let mut intake = Intake::begin(store, viewer.clone(), share);
        let outcome = intake.push(&AnalyzedBatch::new(crackdown_engine::shipped_analyzer(), reports), Utc::now())?;
        finish(intake);
        let existing: Vec<i64> = outcome
            .reports
            .iter()
            .filter_map(|report| match report {
                InsertedReport::Duplicate { existing_id } => Some(*existing_id),
                InsertedReport::Created { .. } => None,
            })
            .collect();
        let readable = store.readable_reports(&viewer, &existing)?;
        Ok(ImportSummary {
            imported: outcome.created(),
            duplicates: outcome.duplicates(),
            rejected: errors.len(),
            errors,
            ids: outcome
                .reports
                .iter()
                .map(|report| match report {
                    InsertedReport::Created { id } => Some(*id),
                    InsertedReport::Duplicate { existing_id } => readable.contains(existing_id).then_some(*existing_id),
                })
                .collect(),
        })
    })
    .await?;
    Ok(Json(summary))
}

#[derive(Deserialize, ToSchema)]
struct StatusChange {
    ids: Vec<i64>,
    /// new, triaged, linked or closed.
    status: String,
}

#[derive(Serialize, ToSchema)]
struct StatusChanged {
    changed: usize,
}

/// Moves reports of the caller's organisation to a triage status, all or
/// none; each change is recorded in the report's audit trail.
#[utoipa::path(post, path = "/api/v1/reports/status", request_body = StatusChange, responses((status = 200, body = StatusChanged), (status = 403), (status = 404)))]
async fn change_status(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Json(change): Json<StatusChange>,
) -> Result<Json<StatusChanged>, ApiError> {
    let status = ReportStatus::parse_keyword(&change.status).ok_or_else(|| {
        ApiError::bad_request(format!("status {:?} is not one of {}", change.status, ReportStatus::expected()))
    })?;
    let changed =
        blocking(&state, move |store| Ok(store.set_status(&viewer, &change.ids, status, Utc::now())?)).await?;
    Ok(Json(StatusChanged { changed }))
}

#[derive(Serialize, ToSchema)]
struct Token {
    id: i64,
    user: String,
    label: String,
    created_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
}

impl From<TokenInfo> for Token {
    fn from(token: TokenInfo) -> Token {
        Token {
            id: token.id,
            user: token.user,
            label: token.label,
            created_at: token.created_at,
            revoked_at: token.revoked_at,
        }
    }
}

/// The caller's tokens (an admin's: the organisation's), never their secrets.
#[utoipa::path(get, path = "/api/v1/tokens", responses((status = 200, body = [Token])))]
async fn list_tokens(State(state): State<AppState>, Auth(viewer): Auth) -> Result<Json<Vec<Token>>, ApiError> {
    let tokens = blocking(&state, move |store| Ok(store.tokens(&viewer)?)).await?;
    Ok(Json(tokens.into_iter().map(Token::from).collect()))
}

#[derive(Deserialize, ToSchema)]
struct NewToken {
    /// Whose token; default the caller. Admins may name a user of their organisation.
    user: Option<String>,
    label: String,
}

#[derive(Serialize, ToSchema)]
struct CreatedToken {
    id: i64,
    user: String,
    /// Shown this once; store it now.
    secret: String,
}

/// Creates a token; its secret is in this answer and nowhere else.
#[utoipa::path(post, path = "/api/v1/tokens", request_body = NewToken, responses((status = 201, body = CreatedToken), (status = 403)))]
async fn create_token(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Json(new): Json<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let created = blocking(&state, move |store| {
        let user = new.user.unwrap_or_else(|| viewer.user_name.clone());
        Ok(store.create_token(&viewer, &user, &new.label, Utc::now())?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { id: created.id, user: created.user, secret: created.secret })))
}

/// Revokes a token at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", params(("id" = i64, Path)), responses((status = 204), (status = 404)))]
async fn revoke_token(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    blocking(&state, move |store| Ok(store.revoke_token(&viewer, id, Utc::now())?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
struct Evidence {
    /// `email` or `chat`.
    kind: String,
    /// What was extracted: headers, links, attachments (e-mail); platform, counterpart, messages (chat).
    detail: serde_json::Value,
}

/// What was extracted from the report's artefact; 404 for a typed-in report.
#[utoipa::path(get, path = "/api/v1/reports/{id}/evidence", params(("id" = i64, Path)), responses((status = 200, body = Evidence), (status = 404)))]
async fn report_evidence(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(id): Path<i64>,
) -> Result<Json<Evidence>, ApiError> {
    let evidence = blocking(&state, move |store| Ok(store.evidence(&viewer, id)?)).await?;
    let (kind, detail) =
        evidence.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("report {id} has no artefact")))?;
    Ok(Json(Evidence { kind, detail }))
}

/// The original artefact byte for byte (`application/octet-stream`, never
/// rendered), with its SHA-256 in the `X-Content-SHA256` header.
#[utoipa::path(get, path = "/api/v1/reports/{id}/original", params(("id" = i64, Path)), responses((status = 200, content_type = "application/octet-stream"), (status = 404)))]
async fn report_original(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let (digest, bytes) = blocking(&state, move |store| Ok(store.original(&viewer, id)?)).await?;
    let headers = [
        (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
        (header::CONTENT_DISPOSITION, format!("attachment; filename=\"report-{id}-original.bin\"")),
        (header::HeaderName::from_static("x-content-sha256"), digest),
        (header::HeaderName::from_static("x-content-type-options"), "nosniff".to_owned()),
    ];
    Ok((headers, bytes).into_response())
}

#[derive(Serialize, ToSchema)]
struct EmailImported {
    /// `null` when the message duplicates a report the caller may not read.
    id: Option<i64>,
    /// The same message was already stored.
    duplicate: bool,
    sha256: String,
    warnings: Vec<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct EmailQuery {
    /// TLP marking (default amber).
    tlp: Option<String>,
}

/// Submits one forwarded scam e-mail (the raw `message/rfc822` bytes). The
/// original is kept byte-exact; the same message twice is one report.
#[utoipa::path(post, path = "/api/v1/reports/email", params(EmailQuery), request_body(content = String, content_type = "message/rfc822"), responses((status = 200, body = EmailImported), (status = 400), (status = 413)))]
async fn create_email_report(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(query): Query<EmailQuery>,
    body: axum::body::Bytes,
) -> Result<Json<EmailImported>, ApiError> {
    use crackdown_evidence::mail::{MailError, MailLimits};
    let tlp = parse_param("tlp", query.tlp.as_deref(), Tlp::parse, "a TLP marking")?.unwrap_or(Tlp::Amber);
    // Parsed and judged off the async threads, a few at a time (see `limits.rs`):
    // a hostile message costs a bounded blocking thread, never the server's
    // answers to everyone else.
    let evidence = crate::limits::parse_upload(move || {
        mail_evidence(crackdown_engine::shipped_analyzer(), &body, tlp, &MailLimits::default())
    })
    .await?
    .map_err(|error| match error {
        MailError::TooLarge { .. } => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, error.to_string()),
        _ => ApiError::bad_request(error.to_string()),
    })?;
    let (inserted, readable, sha256, warnings) = blocking(&state, move |store| {
        let mut intake = Intake::begin(store, viewer.clone(), ShareOptions::default());
        let inserted = intake.push_evidence(&evidence, Utc::now())?;
        finish(intake);
        let readable = match inserted {
            InsertedReport::Duplicate { existing_id } => !store.readable_reports(&viewer, &[existing_id])?.is_empty(),
            InsertedReport::Created { .. } => true,
        };
        Ok((inserted, readable, evidence.sha256, evidence.warnings))
    })
    .await?;
    let (id, duplicate) = match inserted {
        InsertedReport::Created { id } => (Some(id), false),
        InsertedReport::Duplicate { existing_id } => (readable.then_some(existing_id), true),
    };
    Ok(Json(EmailImported { id, duplicate, sha256, warnings }))
}
