//! Bounds that keep one client from taking the server from everyone else:
//! uploaded artefacts are parsed off the async threads, a few at a time,
//! connections that trickle their headers or sit idle are closed (see
//! `connections.rs`), and bodies get a deadline ([`body_deadline`]).
//!
//! The async worker threads are few (one per core) and answer every
//! request, `/api/v1/health` included: a parse that runs on one of them for
//! seconds stops the whole server. So every parser of uploaded bytes runs
//! through [`parse_upload`] on the blocking pool, and at most
//! [`UPLOAD_PARSERS`] run at once, so hostile uploads queue behind each
//! other instead of taking every blocking thread.

use std::sync::LazyLock;
use std::time::Duration;

use std::future::Future as _;

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
/// Time a request's body has to arrive in full, counted from when the
/// request reaches the router (16 MiB at a slow 1 Mbit/s is about two
/// minutes). Work after the body is read is not cut short: a bulk import
/// that is still committing must not be answered with an error.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(120);

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

/// How a request's log span is made.
type MakeRequestSpan = fn(&axum::http::Request<axum::body::Body>) -> tracing::Span;
/// The layer [`request_trace`] builds.
pub(crate) type RequestTrace = tower_http::trace::TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    MakeRequestSpan,
>;

/// The request log layer: method and path only. The default layer records
/// the whole URI, and query strings carry what people search for (`?q=` of
/// the report search and the public lookup: a victim's phone number, a
/// scam text) into every log at debug level.
pub(crate) fn request_trace() -> RequestTrace {
    tower_http::trace::TraceLayer::new_for_http().make_span_with(request_span as MakeRequestSpan)
}

fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::debug_span!("request", method = %request.method(), path = %request.uri().path())
}

/// Gives every request body a deadline ([`BODY_TIMEOUT`] or the configured
/// one): a client trickling its upload a byte at a time is cut off when it
/// passes, whatever the pace (a per-read timeout would let it go on).
pub(crate) async fn body_deadline(
    axum::extract::State(limit): axum::extract::State<Duration>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let deadline = Box::pin(tokio::time::sleep(limit));
    let body = axum::body::Body::new(DeadlineBody { inner: body, deadline, limit });
    next.run(axum::extract::Request::from_parts(parts, body)).await
}

/// A request body that fails once its deadline passes.
struct DeadlineBody {
    inner: axum::body::Body,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
    limit: Duration,
}

impl http_body::Body for DeadlineBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        context: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        if let std::task::Poll::Ready(frame) = std::pin::Pin::new(&mut this.inner).poll_frame(context) {
            return std::task::Poll::Ready(frame);
        }
        match this.deadline.as_mut().poll(context) {
            std::task::Poll::Ready(()) => std::task::Poll::Ready(Some(Err(axum::Error::new(format!(
                "the request body did not arrive within {} s",
                this.limit.as_secs()
            ))))),
            std::task::Poll::Pending => std::task::Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
