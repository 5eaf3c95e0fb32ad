//! The HTTP API beyond reads: submitting reports, triage, tokens, the
//! OpenAPI document, and a real server process that shuts down gracefully.

use std::io::{BufRead, BufReader};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use crackdown_server::AppState;
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::{Backend, address_in, http_get};

struct Api {
    app: axum::Router,
    token: String,
    _backend: Backend,
}

impl Api {
    fn new() -> Api {
        let backend = Backend::sqlite();
        let store = std::sync::Arc::new(backend.store());
        let operator = store.operator(Utc::now()).expect("operator");
        let token = store.create_token(&operator, "operator", "test", Utc::now()).expect("token").secret;
        Api { app: crackdown_server::router(AppState::new(store)), token, _backend: backend }
    }

    async fn call(&self, method: &str, uri: &str, body: &str) -> (StatusCode, serde_json::Value) {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {}", self.token))
            .header("content-type", "application/json")
            .body(Body::from(body.to_owned()))
            .expect("request");
        let response = self.app.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
    }
}

#[tokio::test]
async fn submit_list_triage_and_audit() {
    let api = Api::new();
    let body = r#"[{"id": "h-1", "text": "Bank officer called, asked for OTP", "loss_amount": "250", "loss_currency": "SGD"},
                   {"text": "bad", "tlp": "blue"},
                   {"text": "Job offer: like videos, pay to unlock tasks", "tlp": "green"}]"#;
    let (status, summary) = api.call("POST", "/api/v1/reports", body).await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!((summary["imported"].as_u64(), summary["rejected"].as_u64()), (Some(2), Some(1)));
    assert_eq!(summary["errors"][0]["line"], 2);
    assert_eq!(summary["errors"][0]["field"], "tlp");
    let (_, again) = api.call("POST", "/api/v1/reports", r#"{"id": "h-1", "text": "changed text, same id"}"#).await;
    assert_eq!(again["duplicates"], 1, "{again}");
    let first_id = summary["ids"][0].as_i64().expect("id");
    let (_, page) = api.call("GET", "/api/v1/reports?status=new&limit=1", "").await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
    let cursor = page["next_cursor"].as_str().expect("cursor").to_owned();
    let (_, next) = api.call("GET", &format!("/api/v1/reports?status=new&limit=1&cursor={cursor}"), "").await;
    assert_eq!(next["items"][0]["id"], first_id);
    assert_eq!(next["items"][0]["loss_amount"], "250.00");
    assert_eq!(next["items"][0]["channel"], "api");
    let (status, changed) =
        api.call("POST", "/api/v1/reports/status", &format!(r#"{{"ids": [{first_id}], "status": "triaged"}}"#)).await;
    assert_eq!((status, changed["changed"].as_u64()), (StatusCode::OK, Some(1)));
    let (_, new_only) = api.call("GET", "/api/v1/reports?status=new", "").await;
    assert_eq!(new_only["items"].as_array().map(Vec::len), Some(1));
    let (_, trail) = api.call("GET", &format!("/api/v1/reports/{first_id}/audit"), "").await;
    assert_eq!(trail[1]["action"], "report.status");
    let (status, error) = api.call("GET", "/api/v1/reports?status=bogus", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error["error"].as_str().is_some_and(|message| message.contains("status")), "{error}");
}

#[tokio::test]
async fn tokens_over_the_api() {
    let api = Api::new();
    let (status, created) = api.call("POST", "/api/v1/tokens", r#"{"label": "script"}"#).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, listed) = api.call("GET", "/api/v1/tokens", "").await;
    assert!(!listed.to_string().contains(created["secret"].as_str().expect("secret")), "listing leaks a secret");
    let id = created["id"].as_i64().expect("id");
    let (status, _) = api.call("DELETE", &format!("/api/v1/tokens/{id}"), "").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn openapi_document_describes_every_route() {
    let api = Api::new();
    let (status, spec) = api.call("GET", "/api/v1/openapi.json", "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(spec["openapi"].as_str().is_some_and(|version| version.starts_with("3.1")), "{}", spec["openapi"]);
    for path in ["/api/v1/reports", "/api/v1/reports/{id}", "/api/v1/reports/{id}/audit", "/api/v1/tokens"] {
        assert!(spec["paths"][path].is_object(), "the spec lacks {path}");
    }
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
}

/// A real server process answers, reads through the store, exits 0 on
/// SIGTERM, and logs without colour codes to a stderr that is no terminal.
fn check_serve(backend: &Backend) {
    backend
        .cmd()
        .args(["import", "reports", "-"])
        .write_stdin(&b"{\"text\": \"served report\"}\n"[..])
        .assert()
        .success();
    let token = backend.run(&["token", "create"]).trim().to_owned();
    let mut child = backend
        .process()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("first line");
    let address = address_in(&line);
    assert!(http_get(&address, "/api/v1/health", None).contains("\"ok\""));
    assert!(http_get(&address, "/api/v1/reports", None).starts_with("HTTP/1.1 401"));
    let listed = http_get(&address, "/api/v1/reports", Some(&token));
    assert!(listed.starts_with("HTTP/1.1 200"), "{listed}");
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    assert!(status.success(), "serve exited with {status} on SIGTERM");
    // The log went to a pipe, as to a log file or a journal: plain text, no colour codes.
    let mut log = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut log).expect("rest of the log");
    assert!(log.contains("shutting down"), "the shutdown is logged: {log:?}");
    assert!(!log.contains('\u{1b}'), "no ANSI escape in a log that is not a terminal: {log:?}");
}

#[test]
fn serve_on_sqlite() {
    check_serve(&Backend::sqlite());
}

#[test]
fn serve_on_postgres() {
    if let Some(backend) = Backend::postgres() {
        check_serve(&backend);
    }
}
