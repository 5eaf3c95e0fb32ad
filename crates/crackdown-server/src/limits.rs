//! Bounds that keep one client from taking the server from everyone else:
//! uploaded artefacts are parsed off the async threads, a few at a time,
//! and connections that trickle their headers or body, or sit idle, are
//! closed.
//!
//! The async worker threads are few (one per core) and answer every
//! request, `/api/v1/health` included: a parse that runs on one of them for
//! seconds stops the whole server. So every parser of uploaded bytes runs
//! through [`parse_upload`] on the blocking pool, and at most
//! [`UPLOAD_PARSERS`] run at once, so hostile uploads queue behind each
//! other instead of taking every blocking thread.

use std::sync::LazyLock;
use std::time::Duration;

use axum::http::StatusCode;
use tokio::sync::Semaphore;

use crate::ApiError;

/// Uploaded artefacts parsed at the same time.
pub const UPLOAD_PARSERS: usize = 2;
/// How long a request waits for a parser before being told to come back.
const PARSER_WAIT: Duration = Duration::from_secs(30);

/// Time a client has to send a request's header block after connecting or
/// after its previous request: a slow-loris client holding connections open
/// with a byte now and then is cut off.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a request has from its first byte to its answer, body upload
/// included (16 MiB at a slow 1 Mbit/s is about two minutes).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// Time a keep-alive connection may sit idle between requests.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

static PARSERS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(UPLOAD_PARSERS));

/// Runs `parse` on the blocking pool once one of the [`UPLOAD_PARSERS`]
/// slots is free; 503 when none frees up within half a minute.
pub(crate) async fn parse_upload<T: Send + 'static>(parse: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    let permit = tokio::time::timeout(PARSER_WAIT, PARSERS.acquire())
        .await
        .map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "too many uploads being parsed; try again"))?
        .map_err(ApiError::internal)?;
    let parsed = tokio::task::spawn_blocking(parse).await.map_err(ApiError::internal);
    drop(permit);
    parsed
}

/// The request log layer: method and path only. The default layer records
/// the whole URI, and query strings carry what people search for (`?q=` of
/// the report search and the public lookup: a victim's phone number, a
/// scam text) into every log at debug level.
pub(crate) fn request_trace() -> tower_http::trace::TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    fn(&axum::http::Request<axum::body::Body>) -> tracing::Span,
> {
    tower_http::trace::TraceLayer::new_for_http().make_span_with(request_span as fn(&_) -> _)
}

fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::debug_span!("request", method = %request.method(), path = %request.uri().path())
}
