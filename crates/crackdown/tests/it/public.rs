//! The public report endpoint: receipts only, explicit consent, CSRF for
//! browsers, size and rate limits — and the authenticated API unaffected.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use crackdown_model::Tlp;
use crackdown_server::{AppState, RateLimit};
use crackdown_store::ReportFilter;
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::Backend;

struct Public {
    app: axum::Router,
    store: std::sync::Arc<crackdown_store::Store>,
    _backend: Backend,
}

fn public(burst: u32) -> Public {
    let backend = Backend::sqlite();
    let store = std::sync::Arc::new(backend.store());
    let state = AppState::with_public_limit(store.clone(), RateLimit { burst, refill_every: Duration::from_secs(60) });
    let app = crackdown_server::router(state).layer(MockConnectInfo(SocketAddr::from(([198, 51, 100, 7], 4242))));
    Public { app, store, _backend: backend }
}

async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

fn post() -> axum::http::request::Builder {
    Request::post("/api/v1/public/reports").header("host", "crackdown.test")
}

const GOOD: &str = r#"{"text": "Someone on LINE offered a job liking videos, then asked me to deposit 3000 baht", "language": "en", "loss_amount": "3000", "loss_currency": "THB", "contact": "+66 81 000 0000", "consent_share": true, "consent_publish": false}"#;

#[tokio::test]
async fn apps_submit_json_and_get_only_a_receipt() {
    let public = public(10);
    let (status, _, body) =
        send(&public.app, post().header("content-type", "application/json").body(Body::from(GOOD)).expect("request"))
            .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let receipt = body["receipt"].as_str().expect("receipt");
    // A receipt a person can keep: four groups of four unambiguous characters.
    let groups: Vec<&str> = receipt.split('-').collect();
    assert_eq!(groups.len(), 4, "{receipt}");
    assert!(
        groups.iter().all(|group| group.len() == 4
            && group.chars().all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !"ILOU".contains(c)))),
        "{receipt}"
    );
    assert_eq!(body.as_object().map(|object| object.len()), Some(1), "nothing but the receipt comes back: {body}");
    let store = public.store.clone();
    let stored = tokio::task::spawn_blocking(move || {
        let operator = store.operator(Utc::now()).expect("operator");
        store.reports(&operator, &ReportFilter::default(), 10).expect("list").items
    })
    .await
    .expect("join");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].tlp, Tlp::Amber);
    assert_eq!(stored[0].submitted_by, None, "anonymous");
    assert_eq!(stored[0].victim_contact.as_deref(), Some("+66 81 000 0000"));
    assert!(stored[0].consent_share && !stored[0].consent_publish);
}

#[tokio::test]
async fn consent_must_be_explicit_and_fields_valid() {
    let public = public(10);
    let missing = r#"{"text": "no consent given"}"#;
    let (status, _, body) = send(
        &public.app,
        post().header("content-type", "application/json").body(Body::from(missing)).expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().is_some_and(|error| error.contains("consent_share")), "{body}");
    let bad_amount = r#"{"text": "x", "loss_amount": "12,5", "loss_currency": "EUR", "consent_share": false, "consent_publish": false}"#;
    let (status, _, body) = send(
        &public.app,
        post().header("content-type", "application/json").body(Body::from(bad_amount)).expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().is_some_and(|error| error.contains("loss_amount")), "{body}");
}

#[tokio::test]
async fn browsers_need_same_origin_and_the_csrf_token() {
    let public = public(10);
    let (status, _, _) =
        send(&public.app, post().header("content-type", "text/plain").body(Body::from(GOOD)).expect("request")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "a cross-site simple POST is refused");
    let (status, headers, body) =
        send(&public.app, Request::get("/api/v1/public/csrf").body(Body::empty()).expect("request")).await;
    assert_eq!(status, StatusCode::OK);
    let token = body["token"].as_str().expect("token").to_owned();
    let cookie = headers["set-cookie"].to_str().expect("cookie");
    assert!(cookie.contains("SameSite=Strict") && cookie.contains("HttpOnly"), "{cookie}");
    let browser = |origin: &str, token: &str| {
        post()
            .header("content-type", "application/json")
            .header("cookie", format!("crackdown_csrf={token}"))
            .header("origin", origin)
            .header("x-csrf-token", token)
    };
    let forged = browser("https://evil.example", &token).body(Body::from(GOOD)).expect("request");
    assert_eq!(send(&public.app, forged).await.0, StatusCode::FORBIDDEN);
    let no_token = post()
        .header("content-type", "application/json")
        .header("cookie", format!("crackdown_csrf={token}"))
        .header("origin", "http://crackdown.test")
        .body(Body::from(GOOD))
        .expect("request");
    assert_eq!(send(&public.app, no_token).await.0, StatusCode::FORBIDDEN);
    let good = browser("http://crackdown.test", &token).body(Body::from(GOOD)).expect("request");
    assert_eq!(send(&public.app, good).await.0, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let public = public(10);
    let huge = format!(r#"{{"text": "{}", "consent_share": true, "consent_publish": true}}"#, "x".repeat(70 * 1024));
    let (status, _, _) = send(
        &public.app,
        post().header("content-type", "application/json").body(Body::from(huge.clone())).expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_flood_is_rate_limited_and_the_authenticated_api_still_answers() {
    let public = public(3);
    let store = public.store.clone();
    let token = tokio::task::spawn_blocking(move || {
        let operator = store.operator(Utc::now()).expect("operator");
        store.create_token(&operator, "operator", "test", Utc::now()).expect("token").secret
    })
    .await
    .expect("join");
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for n in 0..40 {
        let body = format!(r#"{{"text": "spam number {n}", "consent_share": false, "consent_publish": false}}"#);
        let request =
            post().header("content-type", "application/json").body(Body::from(body.clone())).expect("request");
        let (status, headers, _) = send(&public.app, request).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            retry_after = headers.get("retry-after").and_then(|value| value.to_str().ok()).map(str::to_owned);
        }
        statuses.push(status);
        let authed = Request::get("/api/v1/reports?limit=5")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request");
        assert_eq!(send(&public.app, authed).await.0, StatusCode::OK, "the authenticated API answers during the flood");
    }
    assert_eq!(statuses.iter().filter(|status| **status == StatusCode::ACCEPTED).count(), 3);
    assert_eq!(statuses.iter().filter(|status| **status == StatusCode::TOO_MANY_REQUESTS).count(), 37);
    let seconds: u64 = retry_after.expect("Retry-After on 429").parse().expect("seconds");
    assert!((1..=60).contains(&seconds), "{seconds}");
}
