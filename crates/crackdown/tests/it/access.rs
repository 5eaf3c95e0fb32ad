//! The access matrix on every read path — API list, API get, API audit
//! trail, CLI list, CLI show — for every role and TLP marking, on SQLite and
//! on PostgreSQL.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use crackdown_model::{Keyword, Role, Tlp};
use crackdown_server::AppState;
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::Backend;

use crackdown_store::testing::ACCESS_MATRIX;

/// Builds the world through the CLI and returns the report ids by marking.
fn world(backend: &Backend) -> Vec<(Tlp, i64)> {
    for org in ["police", "bank", "ngo"] {
        backend.run(&["org", "add", org]);
        for role in Role::ALL {
            backend.run(&["user", "add", &format!("{org}-{role}"), "--org", org, "--role", role.as_str()]);
        }
    }
    backend.run(&["community", "add", "asean"]);
    backend.run(&["community", "join", "asean", "--org", "police"]);
    backend.run(&["community", "join", "asean", "--org", "bank"]);
    let mut ids = Vec::new();
    for tlp in Tlp::ALL {
        let file = backend.path().join(format!("{}.jsonl", tlp.as_str()));
        let line = serde_json::json!({"text": format!("report marked {tlp}"), "tlp": tlp.as_str(), "victim_contact": "victim@example.org"});
        std::fs::write(&file, line.to_string()).expect("write");
        let path = file.to_string_lossy();
        let mut args = vec!["--as", "police-analyst", "import", "reports", &path];
        match tlp {
            Tlp::Amber => args.extend(["--share", "asean"]),
            Tlp::Red => args.extend(["--recipient", "bank-partner"]),
            _ => {}
        }
        backend.run(&args);
        let listed = backend.json(&["--as", "police-analyst", "reports", "list", "--limit", "1", "--json"]);
        ids.push((*tlp, listed[0]["id"].as_i64().expect("id")));
    }
    ids
}

async fn get(app: &axum::Router, token: &str, uri: &str) -> (StatusCode, serde_json::Value) {
    let request =
        Request::get(uri).header("authorization", format!("Bearer {token}")).body(Body::empty()).expect("request");
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

/// Builds the world and tokens outside any async runtime (the synchronous
/// PostgreSQL client must not run inside one), then checks every path.
fn check_matrix(backend: Backend) {
    let ids = world(&backend);
    let store = std::sync::Arc::new(backend.store());
    let operator = store.operator(Utc::now()).expect("operator");
    let tokens: Vec<String> = ACCESS_MATRIX
        .iter()
        .map(|(user, _)| store.create_token(&operator, user, "test", Utc::now()).expect("token").secret)
        .collect();
    let app = crackdown_server::router(AppState::new(store.clone()));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    runtime.block_on(check_paths(&backend, &app, &ids, &tokens));
    drop(app);
    drop(runtime);
}

async fn check_paths(backend: &Backend, app: &axum::Router, ids: &[(Tlp, i64)], tokens: &[String]) {
    for ((user, row), token) in ACCESS_MATRIX.iter().zip(tokens) {
        let (status, listed) = get(app, token, "/api/v1/reports?limit=100").await;
        assert_eq!(status, StatusCode::OK);
        let cli_listed = backend.json(&["--as", user, "reports", "list", "--json"]);
        for ((tlp, id), cell) in ids.iter().zip(row.chars()) {
            let context = format!("{user} reading {tlp}");
            let in_api_list = listed["items"].as_array().expect("items").iter().find(|item| item["id"] == *id).cloned();
            let in_cli_list = cli_listed.as_array().expect("list").iter().find(|item| item["id"] == *id).cloned();
            let (get_status, single) = get(app, token, &format!("/api/v1/reports/{id}")).await;
            let (audit_status, _) = get(app, token, &format!("/api/v1/reports/{id}/audit")).await;
            let shown = backend
                .cmd()
                .args(["--as", user, "reports", "show", &id.to_string(), "--json"])
                .output()
                .expect("show");
            if cell == '.' {
                assert_eq!(get_status, StatusCode::NOT_FOUND, "{context}: API get");
                assert_eq!(audit_status, StatusCode::NOT_FOUND, "{context}: API audit");
                assert!(in_api_list.is_none(), "{context}: API list");
                assert!(in_cli_list.is_none(), "{context}: CLI list");
                assert!(!shown.status.success(), "{context}: CLI show");
                assert!(
                    String::from_utf8_lossy(&shown.stderr).contains("not found"),
                    "{context}: CLI show says not found"
                );
                continue;
            }
            assert_eq!(get_status, StatusCode::OK, "{context}: API get");
            assert_eq!(audit_status, StatusCode::OK, "{context}: API audit");
            assert!(shown.status.success(), "{context}: CLI show");
            let cli_single: serde_json::Value = serde_json::from_slice(&shown.stdout).expect("JSON");
            let contact = if cell == 'C' { serde_json::json!("victim@example.org") } else { serde_json::Value::Null };
            for (path, report) in [
                ("API get", Some(&single)),
                ("API list", in_api_list.as_ref()),
                ("CLI list", in_cli_list.as_ref()),
                ("CLI show", Some(&cli_single["report"])),
            ] {
                let report = report.unwrap_or_else(|| panic!("{context}: {path} omits it"));
                assert_eq!(report["victim_contact"], contact, "{context}: {path} victim contact");
            }
        }
    }
    let (status, _) = get(app, "cdk_not_a_token", "/api/v1/reports").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[test]
fn access_matrix_on_sqlite() {
    check_matrix(Backend::sqlite());
}

#[test]
fn access_matrix_on_postgres() {
    if let Some(backend) = Backend::postgres() {
        check_matrix(backend);
    }
}
