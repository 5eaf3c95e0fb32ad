//! The web UI, embedded in the binary at build time (see `build.rs`).
//!
//! Vite names every bundle after its content, so files under `/assets/` are
//! cached for a year; `index.html` is revalidated on each load by its ETag,
//! so a new binary's UI shows up on the next reload. Any other path that is
//! not a file is a client-side route and gets `index.html`. Every answer
//! carries a strict Content-Security-Policy: the UI loads only its own
//! scripts and styles, so injected markup cannot run.

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::ApiError;

/// One embedded file.
pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    pub etag: &'static str,
    pub body: &'static [u8],
}

mod generated {
    use super::Asset;
    include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));
}

pub use generated::BUILT;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Serves the UI for every request no API route took.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().fallback(serve)
}

fn find(path: &str) -> Option<&'static Asset> {
    generated::ASSETS.iter().find(|asset| asset.path == path)
}

async fn serve(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if path.starts_with("/api/") {
        return ApiError::new(StatusCode::NOT_FOUND, format!("no API route {method} {path}")).into_response();
    }
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")]).into_response();
    }
    // A path with a file extension names a file; anything else is a page of the app.
    let last = path.rsplit('/').next().unwrap_or_default();
    let asset = match find(path) {
        Some(asset) => asset,
        None if last.contains('.') => return (StatusCode::NOT_FOUND, "not found\n").into_response(),
        None => match find("/index.html") {
            Some(index) => index,
            None => return (StatusCode::NOT_FOUND, "not found\n").into_response(),
        },
    };
    let immutable = asset.path.starts_with("/assets/");
    let cache = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
    let fresh = headers.get(header::IF_NONE_MATCH).is_some_and(|tag| tag.as_bytes() == asset.etag.as_bytes());
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else if method == Method::HEAD {
        let mut response = StatusCode::OK.into_response();
        response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(asset.body.len()));
        response
    } else {
        asset.body.into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(header::ETAG, HeaderValue::from_static(asset.etag));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    async fn get(path: &str, etag: Option<&str>) -> Response {
        let mut request = Request::get(path);
        if let Some(etag) = etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        router::<()>().oneshot(request.body(Body::empty()).expect("request")).await.expect("infallible")
    }

    #[tokio::test]
    async fn pages_of_the_app_get_the_index_with_headers() {
        let response = get("/triage", None).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
        assert!(response.headers()[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii").contains("'self'"));
        let etag = response.headers()[header::ETAG].to_str().expect("ascii").to_owned();
        let body = response.into_body().collect().await.expect("body").to_bytes();
        assert!(String::from_utf8_lossy(&body).contains("<html"));
        assert_eq!(get("/reports/12", Some(&etag)).await.status(), StatusCode::NOT_MODIFIED);
    }

    #[tokio::test]
    async fn bundles_are_immutable_and_typed() {
        let script = match (BUILT, generated::ASSETS.iter().find(|asset| asset.path.ends_with(".js"))) {
            (true, Some(script)) => script,
            (true, None) => panic!("a built UI has a script"),
            // Built without npm: only the placeholder page is embedded.
            (false, _) => return,
        };
        let response = get(script.path, None).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
        assert!(response.headers()[header::CACHE_CONTROL].to_str().expect("ascii").contains("immutable"));
    }

    /// The web UI's API types are generated from a committed copy of the
    /// OpenAPI document; this fails when the API changed and the copy did not.
    #[test]
    fn openapi_snapshot_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/src/api/openapi.json");
        let current = serde_json::to_value(crate::openapi()).expect("the document serialises");
        if std::env::var_os("CRACKDOWN_UPDATE_OPENAPI").is_some() {
            let text = serde_json::to_string_pretty(&current).expect("the document serialises") + "\n";
            std::fs::write(path, text).expect("write the snapshot");
            return;
        }
        let committed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("read web/src/api/openapi.json"))
                .expect("web/src/api/openapi.json is JSON");
        assert!(
            committed == current,
            "web/src/api/openapi.json is stale: run `CRACKDOWN_UPDATE_OPENAPI=1 cargo test -p crackdown-server \
             openapi_snapshot` and rebuild the UI"
        );
    }

    #[tokio::test]
    async fn unknown_files_and_api_paths_are_not_found() {
        assert_eq!(get("/assets/missing.js", None).await.status(), StatusCode::NOT_FOUND);
        let response = get("/api/v1/nothing", None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    }
}
