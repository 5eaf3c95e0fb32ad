//! The web UI's server side on both backends: one-time sign-in links,
//! session cookies as credentials (with the cross-site guard), sign-out, the
//! dashboard's stats under the access rules, and the embedded pages. The
//! browser itself is exercised by `web/tests/` (run by scripts/test).

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{Duration, Utc};
use crackdown_model::{Channel, NewReport, Role, Tlp};
use crackdown_server::PublicUrl;
use crackdown_store::{ShareOptions, Store};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::Backend;

const ORIGIN: &str = "http://localhost:8080";

/// The whole app on one backend. The store's PostgreSQL client is
/// synchronous and must not run inside the runtime, so tests are plain
/// functions and only the router calls go through `block_on`.
struct Web {
    app: axum::Router,
    store: Arc<Store>,
    runtime: tokio::runtime::Runtime,
    _backend: Backend,
}

struct Answer {
    status: StatusCode,
    cookie: Option<String>,
    body: serde_json::Value,
    text: String,
}

impl Web {
    fn new(backend: Backend) -> Web {
        let store = Arc::new(backend.store());
        let public = PublicUrl::parse(ORIGIN).expect("url");
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
        Web { app: crackdown_server::app(Arc::clone(&store), public), store, runtime, _backend: backend }
    }

    fn call(&self, method: &str, uri: &str, cookie: Option<&str>, origin: Option<&str>, body: &str) -> Answer {
        self.runtime.block_on(self.send(method, uri, cookie, origin, body))
    }

    async fn send(&self, method: &str, uri: &str, cookie: Option<&str>, origin: Option<&str>, body: &str) -> Answer {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "localhost:8080")
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        let response = self
            .app
            .clone()
            .oneshot(request.body(Body::from(body.to_owned())).expect("request"))
            .await
            .expect("answer");
        let status = response.status();
        let cookie = response
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.split(';').next().unwrap_or_default().to_owned());
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Answer { status, cookie, body: serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null), text }
    }

    /// Signs `user` in through a one-time link and returns the cookie.
    fn sign_in(&self, user: &str) -> String {
        let operator = self.store.operator(Utc::now()).expect("operator");
        let code = self.store.create_signin_code(&operator, user, Duration::minutes(30), Utc::now()).expect("code");
        let body = format!(r#"{{"code": "{}"}}"#, code.code);
        let answer = self.call("POST", "/api/v1/session/link", None, Some(ORIGIN), &body);
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        assert_eq!(answer.body["user"], user);
        answer.cookie.expect("a session cookie")
    }
}

fn backends() -> Vec<Backend> {
    std::iter::once(Backend::sqlite()).chain(Backend::postgres()).collect()
}

fn seed(store: &Store) -> i64 {
    let now = Utc::now();
    let operator = store.operator(now).expect("operator");
    store.create_org(&operator, "police", now).expect("org");
    store.create_org(&operator, "abroad", now).expect("org");
    let ana = store.create_user(&operator, "police", "ana", Role::Analyst, now).expect("ana").viewer();
    store.create_user(&operator, "abroad", "pat", Role::Partner, now).expect("pat");
    let reports = [
        NewReport::from_text("clear report", Channel::Web, Tlp::Clear),
        NewReport::from_text("red report", Channel::Web, Tlp::Red),
    ];
    let outcome = store.insert_reports(&ana, &reports, &ShareOptions::default(), now).expect("insert");
    match outcome.reports[0] {
        crackdown_store::InsertedReport::Created { id } => id,
        crackdown_store::InsertedReport::Duplicate { existing_id } => existing_id,
    }
}

#[test]
fn a_link_opens_a_session_that_works_like_a_token() {
    for backend in backends() {
        let web = Web::new(backend);
        let clear_id = seed(&web.store);
        let cookie = web.sign_in("ana");

        let session = web.call("GET", "/api/v1/session", Some(&cookie), None, "");
        assert_eq!(session.body["user"]["user"], "ana");
        assert_eq!(session.body["passkeys"], true);
        assert_eq!(session.body["origin"], ORIGIN);
        let list = web.call("GET", "/api/v1/reports", Some(&cookie), None, "");
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(list.body["items"].as_array().map(Vec::len), Some(2));

        let change = format!(r#"{{"ids": [{clear_id}], "status": "triaged"}}"#);
        let forged = web.call("POST", "/api/v1/reports/status", Some(&cookie), Some("https://evil.example"), &change);
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "a cross-site write is refused");
        let bare = web.call("POST", "/api/v1/reports/status", Some(&cookie), None, &change);
        assert_eq!(bare.status, StatusCode::FORBIDDEN, "a cookie write without Origin is refused");
        let good = web.call("POST", "/api/v1/reports/status", Some(&cookie), Some(ORIGIN), &change);
        assert_eq!((good.status, good.body["changed"].as_u64()), (StatusCode::OK, Some(1)));

        let out = web.call("DELETE", "/api/v1/session", Some(&cookie), Some(ORIGIN), "");
        assert_eq!(out.status, StatusCode::NO_CONTENT);
        assert_eq!(out.cookie.as_deref(), Some("crackdown_session="));
        let after = web.call("GET", "/api/v1/reports", Some(&cookie), None, "");
        assert_eq!(after.status, StatusCode::UNAUTHORIZED, "a signed-out session is dead");
    }
}

#[test]
fn links_are_single_use_and_refused_cross_site() {
    for backend in backends() {
        let web = Web::new(backend);
        seed(&web.store);
        let operator = web.store.operator(Utc::now()).expect("operator");
        let code = web.store.create_signin_code(&operator, "ana", Duration::minutes(30), Utc::now()).expect("code");
        let body = format!(r#"{{"code": "{}"}}"#, code.code);
        let forged = web.call("POST", "/api/v1/session/link", None, Some("https://evil.example"), &body);
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let first = web.call("POST", "/api/v1/session/link", None, Some(ORIGIN), &body);
        assert_eq!(first.status, StatusCode::OK);
        let second = web.call("POST", "/api/v1/session/link", None, Some(ORIGIN), &body);
        assert_eq!(second.status, StatusCode::UNAUTHORIZED);
        assert!(second.cookie.is_none());
        let nonsense = web.call("POST", "/api/v1/session/link", None, Some(ORIGIN), r#"{"code": "x"}"#);
        assert_eq!(nonsense.status, StatusCode::UNAUTHORIZED);
        let anonymous = web.call("GET", "/api/v1/session", None, None, "");
        assert_eq!(anonymous.body["user"], serde_json::Value::Null);
        let start = web.call("POST", "/api/v1/session/passkey", None, Some(ORIGIN), r#"{"user": "ana"}"#);
        assert_eq!(start.status, StatusCode::BAD_REQUEST, "ana has no passkey yet: {}", start.text);
    }
}

#[test]
fn passkey_registration_starts_for_the_signed_in_user() {
    for backend in backends() {
        let web = Web::new(backend);
        seed(&web.store);
        let cookie = web.sign_in("ana");
        let start = web.call("POST", "/api/v1/passkeys", Some(&cookie), Some(ORIGIN), "");
        assert_eq!(start.status, StatusCode::OK, "{}", start.text);
        assert_eq!(start.body["options"]["publicKey"]["rp"]["id"], "localhost");
        assert_eq!(start.body["options"]["publicKey"]["user"]["name"], "ana");
        let finish = format!(r#"{{"ceremony": {}, "label": "x", "credential": {{}}}}"#, start.body["ceremony"]);
        let bad = web.call("POST", "/api/v1/passkeys/finish", Some(&cookie), Some(ORIGIN), &finish);
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "a malformed credential is a 400: {}", bad.text);
        let listed = web.call("GET", "/api/v1/passkeys", Some(&cookie), None, "");
        assert_eq!(listed.body, serde_json::json!([]));
        let anonymous = web.call("POST", "/api/v1/passkeys", None, Some(ORIGIN), "");
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    }
}

#[test]
fn stats_obey_the_access_rules() {
    for backend in backends() {
        let web = Web::new(backend);
        seed(&web.store);
        let ana = web.sign_in("ana");
        let pat = web.sign_in("pat");
        let own = web.call("GET", "/api/v1/stats", Some(&ana), None, "");
        assert_eq!(own.body["total"], 2, "{}", own.text);
        let outsider = web.call("GET", "/api/v1/stats", Some(&pat), None, "");
        assert_eq!(outsider.body["total"], 1, "the partner counts only the CLEAR report: {}", outsider.text);
        assert_eq!(outsider.body["by_tlp"], serde_json::json!([{"key": "clear", "reports": 1}]));
        let bad = web.call("GET", "/api/v1/stats?since=yesterday", Some(&ana), None, "");
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    }
}

#[test]
fn pages_are_served_with_a_strict_policy() {
    let web = Web::new(Backend::sqlite());
    let page = web.call("GET", "/triage?status=new", None, None, "");
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("<html"), "{}", page.text);
    let missing = web.call("GET", "/api/v1/unknown", None, None, "");
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body["error"].is_string());
}

/// `user signin-link` points at the port the server really listens on (it
/// printed a fixed http://localhost:8080 whatever `serve` was told), and an
/// explicit --public-url still wins.
#[test]
fn signin_links_point_at_the_running_server() {
    let backend = Backend::sqlite();
    backend.run(&["org", "add", "police"]);
    backend.run(&["user", "add", "ana", "--org", "police", "--role", "analyst"]);
    let (mut server, address) = crate::support::serve(&backend);
    let port = address.rsplit(':').next().expect("port").to_owned();
    let link = backend.run(&["user", "signin-link", "ana"]);
    let expected = format!("http://localhost:{port}/");
    assert!(link.trim().starts_with(&expected), "{link:?} does not open the server at {expected}");
    let _ = server.kill();
    let _ = server.wait();
    let given = backend.run(&["user", "signin-link", "ana", "--public-url", "https://crackdown.example.org"]);
    assert!(given.trim().starts_with("https://crackdown.example.org/"), "{given}");
}

/// The session names what the role may do beyond reading, and each named
/// capability is one the API then grants: the UI offers pages and buttons
/// from this list, so a partner must not find one that ends in 403.
#[test]
fn the_session_names_what_the_role_may_do() {
    let web = Web::new(Backend::sqlite());
    let clear_id = seed(&web.store);
    let analyst = web.sign_in("ana");
    let partner = web.sign_in("pat");
    let may = |cookie: &str| web.call("GET", "/api/v1/session", Some(cookie), None, "").body["user"]["may"].clone();
    assert_eq!(may(&analyst), serde_json::json!(["triage", "ledger", "watch"]));
    assert_eq!(may(&partner), serde_json::json!([]));
    // What the partner is not offered, the API refuses; what the analyst is offered, it allows.
    for path in ["/api/v1/watchlists", "/api/v1/alerts", "/api/v1/trail/victim-payments"] {
        let refused = web.call("GET", path, Some(&partner), None, "");
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "partner {path}: {}", refused.text);
    }
    assert_eq!(web.call("GET", "/api/v1/watchlists", Some(&analyst), None, "").status, StatusCode::OK);
    let change = format!(r#"{{"ids": [{clear_id}], "status": "triaged"}}"#);
    let status = web.call("POST", "/api/v1/reports/status", Some(&partner), Some(ORIGIN), &change);
    assert_eq!(status.status, StatusCode::FORBIDDEN, "{}", status.text);
    let status = web.call("POST", "/api/v1/reports/status", Some(&analyst), Some(ORIGIN), &change);
    assert_eq!(status.status, StatusCode::OK, "{}", status.text);
    // A member of a screening case team is offered screening too, and the API then answers them.
    let ana = web.store.user("ana").expect("ana").viewer();
    web.store.create_screening_team(&ana, "mae-sot", Utc::now()).expect("case team");
    assert_eq!(may(&analyst), serde_json::json!(["triage", "ledger", "watch", "screening"]));
    let listed = web.call("GET", "/api/v1/screening/people?reason=check", Some(&analyst), None, "");
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    assert_eq!(may(&partner), serde_json::json!([]));
}
