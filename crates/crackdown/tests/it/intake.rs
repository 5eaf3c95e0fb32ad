//! E-mail and chat intake through the real binary and API: one report per
//! message or conversation, originals byte-exact, idempotent, bad files
//! named and skipped.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use crackdown_server::AppState;
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use tower::ServiceExt;

use crate::support::Backend;

fn fixtures(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crackdown-evidence/tests/data").join(kind)
}

#[test]
fn emails_and_mboxes_import_once_with_their_originals() {
    let backend = Backend::sqlite();
    let mail = fixtures("mail");
    let zip = backend.path().join("invoice.eml");
    std::fs::write(&zip, b"PK\x03\x04\x14\x00\x00\x00\x08\x00 not really an e-mail").expect("write");
    let missing = backend.path().join("missing.eml");
    let args = [
        "import",
        "email",
        mail.to_str().expect("utf-8"),
        zip.to_str().expect("utf-8"),
        missing.to_str().expect("utf-8"),
        "--json",
    ];
    let output = backend.cmd().args(args).output().expect("run");
    assert_eq!(output.status.code(), Some(1), "rejected files make exit code 1");
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let imported = summary["imported"].as_u64().expect("imported");
    assert!(imported >= 6, "3 .eml files and an mbox of 4 (one not a mail): {summary}");
    let errors = summary["errors"].as_array().expect("errors");
    assert!(
        errors.iter().any(|error| error["file"].as_str().is_some_and(|file| file.ends_with("invoice.eml"))),
        "{summary}"
    );
    assert!(
        errors.iter().any(|error| error["file"].as_str().is_some_and(|file| file.ends_with("missing.eml"))),
        "{summary}"
    );
    assert!(
        !summary["warnings"].as_array().expect("warnings").is_empty(),
        "charset and injection warnings are reported"
    );

    let again = backend.cmd().args(args).output().expect("run");
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).expect("JSON");
    assert_eq!((again["imported"].as_u64(), again["duplicates"].as_u64()), (Some(0), Some(imported)), "idempotent");

    let store = backend.store();
    let operator = store.operator(Utc::now()).expect("operator");
    let phishing = std::fs::read(mail.join("phishing.eml")).expect("fixture");
    let digest = crackdown_model::hex(&Sha256::digest(&phishing));
    let listed = store.reports(&operator, &crackdown_store::ReportFilter::default(), 100).expect("list").items;
    let report =
        listed.iter().find(|report| report.original_sha256.as_deref() == Some(&digest)).expect("phishing.eml stored");
    let (stored_digest, bytes) = store.original(&operator, report.id).expect("original");
    assert_eq!((stored_digest, bytes), (digest, phishing), "kept byte-exact");
    let (kind, detail) = store.evidence(&operator, report.id).expect("evidence").expect("present");
    assert_eq!(kind, "email");
    assert!(detail["links"].is_array() && detail["from"].is_object(), "{detail}");
    assert!(detail.get("to").is_none(), "the victim's address is not in the shared detail");
}

#[test]
fn chat_exports_become_one_report_each() {
    let backend = Backend::sqlite();
    let chat = fixtures("chat");
    let files: Vec<String> =
        ["WhatsApp Chat with Mentor Lisa.txt", "_chat.txt", "line_en.txt", "line_ja.txt", "result.json"]
            .iter()
            .map(|name| chat.join(name).to_string_lossy().into_owned())
            .collect();
    let mut args = vec!["import", "chat", "--owner", "Nok", "--utc-offset", "+07:00", "--json"];
    args.extend(files.iter().map(String::as_str));
    let summary = backend.json(&args);
    assert_eq!(summary["imported"], 5, "{summary}");
    let again = backend.json(&args);
    assert_eq!(again["duplicates"], 5, "{again}");
    let listed = backend.json(&["reports", "list", "--json"]);
    let first = listed[0]["id"].to_string();
    let shown = backend.json(&["reports", "show", &first, "--json"]);
    assert_eq!(shown["report"]["channel"], "chat");
    assert_eq!(shown["evidence"]["kind"], "chat");
    assert!(shown["evidence"]["detail"]["messages"].as_array().is_some_and(|messages| !messages.is_empty()));
    let garbage = backend.path().join("notes.txt");
    std::fs::write(&garbage, "just some notes\nnothing like a chat\n").expect("write");
    let output =
        backend.cmd().args(["import", "chat", garbage.to_str().expect("utf-8"), "--json"]).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    let rejected: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(
        rejected["errors"][0]["reason"].as_str().is_some_and(|reason| reason.contains("not a recognised chat export"))
    );
}

#[test]
fn api_takes_raw_email_and_serves_evidence_and_original() {
    let backend = Backend::sqlite();
    let store = std::sync::Arc::new(backend.store());
    let operator = store.operator(Utc::now()).expect("operator");
    let token = store.create_token(&operator, "operator", "test", Utc::now()).expect("token").secret;
    let app = crackdown_server::router(AppState::new(store.clone()));
    let raw = std::fs::read(fixtures("mail").join("phishing.eml")).expect("fixture");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let call = |method: &str, uri: &str, body: Vec<u8>| {
            Request::builder()
                .method(method)
                .uri(uri)
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "message/rfc822")
                .body(Body::from(body))
                .expect("request")
        };
        let (status, _, body) = send(&app, call("POST", "/api/v1/reports/email", raw.clone())).await;
        assert_eq!(status, StatusCode::OK);
        let created: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(created["duplicate"], false);
        let id = created["id"].as_i64().expect("id");
        let (_, _, body) = send(&app, call("POST", "/api/v1/reports/email", raw.clone())).await;
        let again: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!((again["duplicate"].clone(), again["id"].as_i64()), (serde_json::json!(true), Some(id)));
        let (status, headers, body) =
            send(&app, call("GET", &format!("/api/v1/reports/{id}/original"), Vec::new())).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, raw);
        assert_eq!(headers["x-content-sha256"].to_str().ok(), created["sha256"].as_str());
        assert_eq!(headers["content-type"], "application/octet-stream");
        let (status, _, _) = send(&app, call("GET", &format!("/api/v1/reports/{id}/evidence"), Vec::new())).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, _) = send(&app, call("POST", "/api/v1/reports/email", b"PK\x03\x04zip".to_vec())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    });
}

async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.into_body().collect().await.expect("body").to_bytes().to_vec())
}
