//! `POST /api/v1/ledger/imports`: one bank statement or explorer export
//! posted as the request body, imported into the caller's organisation's
//! ledger — the HTTP form of `crackdown ledger import FILE --json`.
//!
//! One file per request, the raw bytes as the body (no multipart: a bank's
//! MT940 or camt.053 is one file, and a raw body needs no second parser of
//! hostile input). A file's rows are reconciled with each other; reconciling
//! two banks' views of one transfer needs both files in one run, which the
//! command line does for a folder. The body limit is the API's
//! (`DefaultBodyLimit`, 16 MiB) and so is its arrival deadline
//! (`limits::body_deadline`). Reading runs on the blocking pool through
//! `limits::parse_upload` (at most two parsers of uploads at once), and
//! storing stops at [`IMPORT_TIME_LIMIT`], leaving nothing. Only the
//! organisation's admins and analysts may import (the engine and the store
//! both refuse everyone else); the rows are the caller's organisation's
//! alone.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use crackdown_engine::trail::{self as engine, ImportProblem, StatementImport, StatementReport};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::api::Auth;
use crate::limits::parse_upload;
use crate::{ApiError, AppState};

/// The longest one upload may take to store: a 16 MiB production stores in
/// a few seconds; a request still storing after this is stopped and rolled
/// back rather than hold the database's write lock.
pub const IMPORT_TIME_LIMIT: Duration = Duration::from_secs(60);

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/ledger/imports", post(import_statement))
}

#[derive(OpenApi)]
#[openapi(paths(import_statement))]
pub struct LedgerImportDoc;

/// How to read the posted file.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// `auto` (the default: recognised from the content), `mt940`, `mt942`,
    /// `camt` (052, 053 or 054 by content), `camt052`, `camt053`, `camt054`,
    /// `csv`, `xlsx`, `etherscan` or `tronscan`.
    format: Option<String>,
    /// For `csv` and `xlsx`: the name of a mapping your organisation saved
    /// (`ledger import --save-mapping NAME`), or the one-line form
    /// (`Booking date=timestamp,Amount=amount,@currency=EUR`).
    mapping: Option<String>,
    /// The file's name as the bank sent it, kept in every row's provenance
    /// (`source_file`); `upload` when absent.
    name: Option<String>,
}

/// A problem of the import: the file, its line (0 for the whole file), the field and why.
#[derive(Serialize, ToSchema)]
struct Problem {
    file: String,
    line: u64,
    field: String,
    reason: String,
}

/// One statement read.
#[derive(Serialize, ToSchema)]
struct Statement {
    file: String,
    statement: String,
    account: String,
    currency: Option<String>,
    opening: Option<String>,
    closing: Option<String>,
    entries: u32,
    /// `null` when there are no balances to check.
    balanced: Option<bool>,
}

/// What the import did: the fields of `crackdown ledger import --json`.
#[derive(Serialize, ToSchema)]
struct ImportAnswer {
    /// Rows stored by this request.
    imported: u64,
    /// Rows whose tx id the ledger already held (the same file posted again).
    duplicates: u64,
    /// Rows found to be another row's transfer seen from the other side.
    merged: u64,
    /// Entries or files that could not be read into the ledger.
    rejected: u64,
    statements: Vec<Statement>,
    /// Errors (unreadable entries, unbalanced statements, a refused file).
    errors: Vec<Problem>,
    /// What was read but is worth a look (e.g. an entry without a counterparty).
    warnings: Vec<Problem>,
}

fn problem(problem: &ImportProblem) -> Problem {
    Problem {
        file: problem.file.clone(),
        line: problem.line,
        field: problem.field.clone(),
        reason: problem.reason.clone(),
    }
}

fn statement(statement: StatementReport) -> Statement {
    Statement {
        file: statement.file,
        statement: statement.statement,
        account: statement.account,
        currency: statement.currency,
        opening: statement.opening,
        closing: statement.closing,
        entries: statement.entries,
        balanced: statement.balanced,
    }
}

fn answer(import: StatementImport) -> ImportAnswer {
    let (errors, warnings): (Vec<_>, Vec<_>) = import.errors.iter().partition(|problem| problem.severity == "error");
    ImportAnswer {
        imported: import.imported,
        duplicates: import.duplicates,
        merged: import.merged,
        rejected: import.rejected,
        errors: errors.into_iter().map(problem).collect(),
        warnings: warnings.into_iter().map(problem).collect(),
        statements: import.statements.into_iter().map(statement).collect(),
    }
}

/// Imports one statement file (MT940/MT942, camt.052/053/054, a CSV or XLSX
/// statement with a mapping, an Etherscan or Tronscan export) posted as the
/// body into the caller's organisation's ledger, in one transaction. 201
/// with what was imported; entries that could not be read are listed in
/// `errors` while the rest import (they are evidence), as on the command
/// line. A file that cannot be read at all is a 422 naming it and stores
/// nothing. Admins and analysts only.
#[utoipa::path(post, path = "/api/v1/ledger/imports", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "the statement file, as the bank sent it (at most 16 MiB)"),
    responses(
        (status = 201, body = ImportAnswer, description = "imported; `errors` lists entries left out"),
        (status = 400, description = "an unknown format or mapping"),
        (status = 401), (status = 403, description = "not an admin or analyst of the organisation"),
        (status = 413, description = "larger than 16 MiB"),
        (status = 422, body = ImportAnswer, description = "the file could not be read; nothing was stored"),
        (status = 503, description = "too many uploads being read, or the import passed the time limit; nothing was stored")))]
async fn import_statement(
    State(state): State<AppState>,
    Auth(viewer): Auth,
    Query(query): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !viewer.role.may_work_ledgers() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "{} is a {}; ledgers are imported by their organisation's admins and analysts only",
                viewer.user_name, viewer.role
            ),
        ));
    }
    let format = engine::upload_format(query.format.as_deref().unwrap_or("auto"))?;
    let store = std::sync::Arc::clone(&state.store);
    let imported = parse_upload(move || {
        engine::import_uploaded_statement(
            &store,
            &viewer,
            (query.name.as_deref().unwrap_or("upload"), &body),
            format,
            query.mapping.as_deref(),
            IMPORT_TIME_LIMIT,
        )
    })
    .await??;
    // The engine stores nothing of a file in which it found nothing to store.
    let refused = imported.import_id.is_none() && imported.errors.iter().any(|problem| problem.severity == "error");
    let status = if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::CREATED };
    Ok((status, Json(answer(imported))).into_response())
}
