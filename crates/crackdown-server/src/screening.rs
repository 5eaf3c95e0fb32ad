//! `/api/v1/screening/…`: humanitarian screening over HTTP, the same engine
//! calls as `crackdown screening`. Only the members of a person's case team
//! get anything: another team's person, another organisation's and one that
//! does not exist are all 404; partners and reporters are 403 whatever
//! exists; no token is 401.
//!
//! Every read needs a reason, given as the query parameter `reason` (a query
//! parameter rather than a header because reasons are typed in the
//! screener's language, and header values are ASCII; the server's request
//! logs carry paths without their query strings, so the reason reaches only
//! the audit).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use crackdown_engine::screening::{
    self as engine, CaseFormat, PersonKey, ReferralRequest, ScreeningError, SeizedFile, SeizedFormat,
    parse_recommendation, read_seized_files,
};
use crackdown_screening::{Interview, Language, Person};
use crackdown_store::{ScreeningAuditEntry, ScreeningTeam};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::api::{Auth, blocking};
use crate::limits::parse_upload;
use crate::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/screening/questionnaire", get(questionnaire))
        .route("/api/v1/screening/teams", get(list_teams).post(create_team))
        .route("/api/v1/screening/teams/{team}/members", post(add_member))
        .route("/api/v1/screening/teams/{team}/audit", get(team_audit))
        .route("/api/v1/screening/teams/{team}/import", post(import_sheet))
        .route("/api/v1/screening/people", get(list_people).post(add_person))
        .route("/api/v1/screening/people/{pseudonym}", get(show_person).delete(erase_person))
        .route("/api/v1/screening/people/{pseudonym}/interviews", post(record_interview))
        .route("/api/v1/screening/people/{pseudonym}/assessment", get(assess_person))
        .route("/api/v1/screening/people/{pseudonym}/decisions", post(decide))
        .route("/api/v1/screening/people/{pseudonym}/referrals", post(refer))
        .route("/api/v1/screening/people/{pseudonym}/export", get(export_case))
        .route("/api/v1/screening/people/{pseudonym}/evidence", post(seized_evidence))
}

#[derive(OpenApi)]
#[openapi(paths(
    questionnaire,
    list_teams,
    create_team,
    add_member,
    team_audit,
    import_sheet,
    list_people,
    add_person,
    show_person,
    erase_person,
    record_interview,
    assess_person,
    decide,
    refer,
    export_case,
    seized_evidence
))]
pub struct ScreeningDoc;

impl From<ScreeningError> for ApiError {
    fn from(error: ScreeningError) -> ApiError {
        match error {
            ScreeningError::Store(error) => error.into(),
            ScreeningError::NoConsent(message) => ApiError::new(StatusCode::FORBIDDEN, message),
            ScreeningError::Questionnaire(error) => ApiError::internal(error),
            other => ApiError::bad_request(other.to_string()),
        }
    }
}

/// Why the caller reads (required, audited) and which of their teams.
#[derive(Deserialize, IntoParams)]
struct ReadQuery {
    /// Why you need to read this; written to the team's audit. Required.
    reason: Option<String>,
    /// The case team, when the pseudonym is on several of yours.
    team: Option<String>,
}

impl ReadQuery {
    fn reason(&self) -> Result<String, ApiError> {
        self.reason.clone().filter(|reason| !reason.trim().is_empty()).ok_or_else(|| {
            ApiError::bad_request("reading screening data needs ?reason=… (written to the team's audit)")
        })
    }
}

#[derive(Deserialize, ToSchema)]
struct NewTeam {
    name: String,
}

#[derive(Deserialize, ToSchema)]
struct NewMember {
    /// A user name: an admin or analyst of the caller's organisation.
    user: String,
}

/// The screening questionnaire (the versioned definition file): every
/// question with its text in every language (en, my, zh, th, vi, id, tl),
/// the indicator and dimension each maps to, answer words and the
/// combination rules — what the intake page shows in the interviewee's
/// language. No person data; admins and analysts (who may be on a case team) only.
#[utoipa::path(get, path = "/api/v1/screening/questionnaire", responses((status = 200, body = serde_json::Value), (status = 401), (status = 403)))]
async fn questionnaire(Auth(viewer): Auth) -> Result<Response, ApiError> {
    if !matches!(viewer.role, crackdown_model::Role::Admin | crackdown_model::Role::Analyst) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!("{} is a {}; screening is for the members of a case team", viewer.user_name, viewer.role),
        ));
    }
    let questionnaire = engine::questionnaire()?;
    Ok(([(header::CACHE_CONTROL, "private, max-age=300")], Json(questionnaire)).into_response())
}

/// The case teams the caller belongs to, with their members.
#[utoipa::path(get, path = "/api/v1/screening/teams", responses((status = 200, body = serde_json::Value), (status = 401), (status = 403)))]
async fn list_teams(State(state): State<AppState>, Auth(viewer): Auth) -> Result<Json<Vec<ScreeningTeam>>, ApiError> {
    Ok(Json(blocking(&state, move |store| Ok(store.screening_teams(&viewer)?)).await?))
}

/// Creates a case team in the caller's organisation; the caller is its
/// first member. Admins and analysts only.
#[utoipa::path(post, path = "/api/v1/screening/teams", request_body = NewTeam, responses((status = 201), (status = 403), (status = 409)))]
async fn create_team(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Json(team): Json<NewTeam>,
) -> Result<StatusCode, ApiError> {
    blocking(&state, move |store| Ok(store.create_screening_team(&viewer, &team.name, Utc::now())?)).await?;
    Ok(StatusCode::CREATED)
}

/// Adds an admin or analyst of the caller's organisation to a team of the caller's.
#[utoipa::path(post, path = "/api/v1/screening/teams/{team}/members", params(("team" = String, Path)), request_body = NewMember, responses((status = 204), (status = 403), (status = 404)))]
async fn add_member(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(team): Path<String>,
    Json(member): Json<NewMember>,
) -> Result<StatusCode, ApiError> {
    blocking(&state, move |store| Ok(store.add_screening_member(&viewer, &team, &member.user, Utc::now())?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The team's audit: every read with its reason, every change and refusal. A read: `reason` required.
#[utoipa::path(get, path = "/api/v1/screening/teams/{team}/audit", params(("team" = String, Path), ReadQuery), responses((status = 200, body = serde_json::Value), (status = 400), (status = 404)))]
async fn team_audit(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(team): Path<String>,
    Query(read): Query<ReadQuery>,
) -> Result<Json<Vec<ScreeningAuditEntry>>, ApiError> {
    let reason = read.reason()?;
    let entries =
        blocking(&state, move |store| Ok(engine::team_audit(store, &viewer, &team, &reason, Utc::now())?)).await?;
    Ok(Json(entries))
}

/// Imports an offline screening sheet (CSV body) into a team: every row or
/// none; a 400 names the line, column and reason.
#[utoipa::path(post, path = "/api/v1/screening/teams/{team}/import", params(("team" = String, Path)), request_body(content = String, content_type = "text/csv"), responses((status = 201, body = serde_json::Value), (status = 400), (status = 404)))]
async fn import_sheet(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(team): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<engine::ImportedSheet>), ApiError> {
    let imported = blocking(&state, move |store| {
        Ok(engine::import_sheet(store, &viewer, &team, &body, "the uploaded sheet", Utc::now())?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(imported)))
}

/// The people of the caller's case teams (no record, no narrative): status,
/// interviews, the rules' recommendation on the latest interview, the latest
/// decision and when the case last changed. A read: `reason` required.
#[utoipa::path(get, path = "/api/v1/screening/people", params(ReadQuery), responses((status = 200, body = serde_json::Value), (status = 400), (status = 403)))]
async fn list_people(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(read): Query<ReadQuery>,
) -> Result<Json<Vec<engine::PersonListing>>, ApiError> {
    let reason = read.reason()?;
    let people = blocking(&state, move |store| {
        Ok(engine::list_people(store, &viewer, read.team.as_deref(), &reason, Utc::now())?)
    })
    .await?;
    Ok(Json(people))
}

#[derive(Deserialize, ToSchema)]
struct NewPerson {
    team: String,
    /// The person record: pseudonym, nationality, languages, age_band,
    /// documents, facility, detained_on, consents (crackdown-screening's `Person`).
    #[schema(value_type = Object)]
    person: Person,
}

/// Adds a person to a case team of the caller's.
#[utoipa::path(post, path = "/api/v1/screening/people", request_body = NewPerson, responses((status = 201), (status = 400), (status = 404), (status = 409)))]
async fn add_person(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Json(new): Json<NewPerson>,
) -> Result<StatusCode, ApiError> {
    blocking(&state, move |store| Ok(engine::add_person(store, &viewer, &new.team, &new.person, Utc::now())?)).await?;
    Ok(StatusCode::CREATED)
}

/// A person's whole case: record, interviews, decisions, referrals, time line. A read: `reason` required.
#[utoipa::path(get, path = "/api/v1/screening/people/{pseudonym}", params(("pseudonym" = String, Path), ReadQuery), responses((status = 200, body = serde_json::Value), (status = 400), (status = 404)))]
async fn show_person(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(pseudonym): Path<String>,
    Query(read): Query<ReadQuery>,
) -> Result<Json<engine::CaseView>, ApiError> {
    let reason = read.reason()?;
    let case = blocking(&state, move |store| {
        let key = PersonKey { pseudonym: &pseudonym, team: read.team.as_deref() };
        Ok(engine::show_case(store, &viewer, key, &reason, Utc::now())?)
    })
    .await?;
    Ok(Json(case))
}

#[derive(Deserialize, IntoParams)]
struct TeamQuery {
    /// The case team, when the pseudonym is on several of yours.
    team: Option<String>,
}

/// Erases a person: every row, sealed text and the person's key. The audit keeps only that it happened.
#[utoipa::path(delete, path = "/api/v1/screening/people/{pseudonym}", params(("pseudonym" = String, Path), TeamQuery), responses((status = 204), (status = 404)))]
async fn erase_person(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(pseudonym): Path<String>,
    Query(query): Query<TeamQuery>,
) -> Result<StatusCode, ApiError> {
    blocking(&state, move |store| {
        let key = PersonKey { pseudonym: &pseudonym, team: query.team.as_deref() };
        Ok(engine::erase(store, &viewer, key, Utc::now())?)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records an interview (crackdown-screening's `Interview`: id, person, questionnaire,
/// language, interviewer, interpreter, held_on, answers); answers are checked against the questionnaire.
#[utoipa::path(post, path = "/api/v1/screening/people/{pseudonym}/interviews", params(("pseudonym" = String, Path), TeamQuery), request_body = serde_json::Value, responses((status = 201), (status = 400), (status = 404), (status = 409)))]
async fn record_interview(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(pseudonym): Path<String>,
    Query(query): Query<TeamQuery>,
    Json(interview): Json<Interview>,
) -> Result<StatusCode, ApiError> {
    blocking(&state, move |store| {
        let key = PersonKey { pseudonym: &pseudonym, team: query.team.as_deref() };
        Ok(engine::record_interview(store, &viewer, key, &interview, Utc::now())?)
    })
    .await?;
    Ok(StatusCode::CREATED)
}

#[derive(Deserialize, IntoParams)]
struct AssessQuery {
    /// Why you read (required, audited).
    reason: Option<String>,
    team: Option<String>,
    /// The interview (default: the latest).
    interview: Option<String>,
    /// en, my, zh, th, vi, id or tl (default en).
    lang: Option<String>,
}

/// The rules' recommendation on a stored interview, with every reason. Advice, never a decision. A read.
#[utoipa::path(get, path = "/api/v1/screening/people/{pseudonym}/assessment", params(("pseudonym" = String, Path), AssessQuery), responses((status = 200, body = serde_json::Value), (status = 400), (status = 404)))]
async fn assess_person(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(pseudonym): Path<String>,
    Query(query): Query<AssessQuery>,
) -> Result<Json<engine::StoredAssessment>, ApiError> {
    let read = ReadQuery { reason: query.reason, team: query.team };
    let reason = read.reason()?;
    let language: Language = match query.lang.as_deref() {
        Some(tag) => tag
            .parse()
            .map_err(|_| ApiError::bad_request(format!("lang: {tag:?} is not en, my, zh, th, vi, id or tl")))?,
        None => Language::English,
    };
    let assessed = blocking(&state, move |store| {
        let key = PersonKey { pseudonym: &pseudonym, team: read.team.as_deref() };
        Ok(engine::assess_stored(store, &viewer, key, query.interview.as_deref(), language, &reason, Utc::now())?)
    })
    .await?;
    Ok(Json(assessed))
}

#[derive(Deserialize, ToSchema)]
struct NewDecision {
    /// presumed_victim, needs_further_assessment or suspected_perpetrator.
    outcome: String,
    /// Why, in the decider's words (required).
    justification: String,
    /// The interview (default: the latest).
    interview: Option<String>,
    /// Why the case is read to decide (audited).
    reason: String,
    team: Option<String>,
}

/// Records the caller's decision with its justification; the rules' recommendation is kept beside it.
#[utoipa::path(post, path = "/api/v1/screening/people/{pseudonym}/decisions", params(("pseudonym" = String, Path)), request_body = NewDecision, responses((status = 201, body = serde_json::Value), (status = 400), (status = 404)))]
async fn decide(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(pseudonym): Path<String>,
    Json(new): Json<NewDecision>,
) -> Result<(StatusCode, Json<engine::RecordedDecision>), ApiError> {
    let outcome = parse_recommendation(&new.outcome)?;
    let recorded = blocking(&state, move |store| {
        let key = PersonKey { pseudonym: &pseudonym, team: new.team.as_deref() };
        Ok(engine::decide(
            store,
            &viewer,
            key,
            new.interview.as_deref(),
            outcome,
            &new.justification,
            &new.reason,
            Utc::now(),
        )?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(recorded)))
}

#[derive(Deserialize, ToSchema)]
struct NewReferral {
    /// The receiving organisation, as the consent names it.
    to: String,
    /// assistance, shelter, medical, legal_aid, repatriation, embassy, prosecution or family.
    kind: String,
    note: Option<String>,
    /// Why the case is read to refer (audited).
    reason: String,
    team: Option<String>,
}

/// Refers a person; 403 (and audited) unless the person's recorded consent covers it.
#[utoipa::path(post, path = "/api/v1/screening/people/{pseudonym}/referrals", params(("pseudonym" = String, Path)), request_body = NewReferral, responses((status = 201, body = serde_json::Value), (status = 400), (status = 403), (status = 404)))]
async fn refer(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(pseudonym): Path<String>,
    Json(new): Json<NewReferral>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let id = blocking(&state, move |store| {
        let key = PersonKey { pseudonym: &pseudonym, team: new.team.as_deref() };
        let request = ReferralRequest { organisation: &new.to, kind: &new.kind, note: new.note.as_deref() };
        Ok(engine::refer(store, &viewer, key, request, &new.reason, Utc::now())?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "referral": id }))))
}

#[derive(Deserialize, IntoParams)]
struct ExportQuery {
    /// The receiving organisation, as the consent names it.
    to: String,
    /// `htcds` (JSON, default) or `html`.
    format: Option<String>,
    /// Why (required, audited).
    reason: Option<String>,
    team: Option<String>,
}

/// The case file for a receiving organisation, only under the person's consent (403, audited, otherwise).
#[utoipa::path(get, path = "/api/v1/screening/people/{pseudonym}/export", params(("pseudonym" = String, Path), ExportQuery), responses((status = 200, content_type = "application/json"), (status = 400), (status = 403), (status = 404)))]
async fn export_case(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(pseudonym): Path<String>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let read = ReadQuery { reason: query.reason, team: query.team };
    let reason = read.reason()?;
    let format = match query.format.as_deref() {
        None | Some("htcds") => CaseFormat::Htcds,
        Some("html") => CaseFormat::Html,
        Some(other) => return Err(ApiError::bad_request(format!("format: {other:?} is not htcds or html"))),
    };
    let exported = blocking(&state, move |store| {
        let key = PersonKey { pseudonym: &pseudonym, team: read.team.as_deref() };
        let sender = viewer.user_name.clone();
        Ok(engine::export_case(store, &viewer, key, &query.to, format, &sender, &reason, Utc::now())?)
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, exported.media_type), (header::CACHE_CONTROL, "no-store")], exported.text)
        .into_response())
}

#[derive(Deserialize, IntoParams)]
struct EvidenceQuery {
    /// Why you read (required, audited).
    reason: Option<String>,
    team: Option<String>,
    /// `csv` (kind,value[,note]), `chat` (an export `import chat` reads) or
    /// `eml`; sniffed from `name` and the first bytes when absent.
    format: Option<String>,
    /// The seized file's name, for errors and sources (e.g. `phone-contacts.csv`).
    name: Option<String>,
    /// Country of national phone numbers (ISO code).
    country: Option<String>,
    /// Language whose country national phone numbers are read in.
    lang: Option<String>,
}

/// Where the identifiers of one seized file (the body: a CSV of
/// identifiers, a chat export or an e-mail) appear in what the caller may
/// read — the answer of `crackdown screening evidence --json`. Evidence for
/// the screener, never a verdict; nothing of the file is stored. Only the
/// person's case team: anyone else gets the answer for an unknown person,
/// also when the file is broken. A read: `reason` required, audited.
#[utoipa::path(post, path = "/api/v1/screening/people/{pseudonym}/evidence", params(("pseudonym" = String, Path), EvidenceQuery), request_body(content = String, content_type = "application/octet-stream"), responses((status = 200, body = serde_json::Value), (status = 400), (status = 403), (status = 404), (status = 413)))]
async fn seized_evidence(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Path(pseudonym): Path<String>,
    Query(query): Query<EvidenceQuery>,
    body: Bytes,
) -> Result<Json<engine::EvidenceReport>, ApiError> {
    let read = ReadQuery { reason: query.reason, team: query.team };
    let reason = read.reason()?;
    let format = query.format.as_deref().map(SeizedFormat::parse).transpose()?;
    let context = crackdown_engine::campaigns::lookup_context(query.country.as_deref(), query.lang.as_deref());
    let name = query.name.filter(|name| !name.trim().is_empty()).unwrap_or_else(|| "the uploaded file".to_owned());
    let file = SeizedFile { name, bytes: body.to_vec(), format };
    // Parsed on the bounded upload parsers (see `limits.rs`), never on an async thread.
    let parse_context = context.clone();
    let seized = parse_upload(move || read_seized_files(&[file], &parse_context)).await?;
    let report = blocking(&state, move |store| {
        let key = PersonKey { pseudonym: &pseudonym, team: read.team.as_deref() };
        match seized {
            Ok(seized) => Ok(engine::link_evidence(store, &viewer, key, seized, &context, &reason, Utc::now())?),
            Err(error) => {
                // The access check comes first: only the team learns what is wrong with
                // the file (anyone else gets "not found"), and the refusal is audited.
                let why = format!("{reason} (file refused: {error})");
                store.audit_screening_action(&viewer, key.pseudonym, key.team, "evidence_refused", &why, Utc::now())?;
                Err(error.into())
            }
        }
    })
    .await?;
    Ok(Json(report))
}
