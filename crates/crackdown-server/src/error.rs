//! Errors as HTTP answers: a 4xx says what was wrong; a 5xx logs the cause
//! and answers with a generic message, so internals never leak.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use crackdown_store::StoreError;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into() }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "sign in, or send a valid bearer token (Authorization: Bearer cdk_...)")
    }

    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(%cause, "internal error");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error; the server log has the details")
    }
}

impl From<crackdown_engine::campaigns::LookupError> for ApiError {
    /// An unusable lookup or check value is the caller's to fix (400).
    fn from(error: crackdown_engine::campaigns::LookupError) -> ApiError {
        match error {
            crackdown_engine::campaigns::LookupError::Query(reason) => ApiError::bad_request(reason.to_string()),
            crackdown_engine::campaigns::LookupError::Store(error) => error.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        let status = match &error {
            StoreError::NotFound(_) => StatusCode::NOT_FOUND,
            StoreError::Forbidden(_) => StatusCode::FORBIDDEN,
            StoreError::Conflict(_) => StatusCode::CONFLICT,
            StoreError::Invalid(_) => StatusCode::BAD_REQUEST,
            StoreError::Database(_) | StoreError::Schema(_) => return ApiError::internal(error),
            // Retries ran out under contention: the client may simply try again.
            StoreError::Retry(_) => StatusCode::SERVICE_UNAVAILABLE,
        };
        ApiError::new(status, error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(serde_json::json!({ "error": self.message }))).into_response()
    }
}
