//! The team deployment: two `crackdown serve` processes on one PostgreSQL
//! database, as behind a load balancer. Four clients post batches of a
//! generated case's reports to both at once; not one request fails, every
//! report is stored once, linked once and watched once (the alerts are the
//! very ones a single import of the same file raises), and what one process
//! starts the other honours: a public-form allowance spent through the
//! first is refused by the second, a passkey ceremony begun on the first
//! is found and consumed, once, by the second, and a sign-in code made on
//! the first works once on the second. PostgreSQL only (skipped without a
//! test server, like the other PostgreSQL tests).

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;

use crate::support::{Backend, KillOnDrop, serve_with};

/// Reports in the generated case, posted in batches of [`BATCH`].
const REPORTS: usize = 1200;
const BATCH: usize = 25;
const CLIENTS: usize = 4;
/// What both processes are told browsers use, as behind a load balancer.
const PUBLIC_URL: &str = "http://localhost:8080";

/// One HTTP/1.1 request with extra headers; (status, response head, body).
fn request(address: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).expect("send head");
    stream.write_all(body.as_bytes()).expect("send body");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    let status = answer.get(9..12).and_then(|code| code.parse().ok()).unwrap_or(0);
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    (status, head.to_owned(), body.to_owned())
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// The external ids of the reports that raised alerts, and the number of
/// alerts, read straight from the database.
fn alerted(client: &mut postgres::Client) -> (BTreeSet<String>, i64) {
    let rows =
        client.query("SELECT r.external_id FROM alerts a JOIN reports r ON r.id = a.report_id", &[]).expect("alerts");
    let ids: BTreeSet<String> = rows.iter().map(|row| row.get::<_, String>(0)).collect();
    (ids, rows.len() as i64)
}

fn count(client: &mut postgres::Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).expect(sql).get(0)
}

fn watch(backend: &Backend) {
    backend.run(&["watchlists", "add", "scam_type", "investment", "--label", "investment scams"]);
    backend.run(&["webhooks", "add", "https://fraud.bank.example/crackdown"]);
}

#[test]
fn two_processes_share_one_database() {
    let Some(team) = Backend::postgres() else { return };
    let Some(reference) = Backend::postgres() else { return };
    let case = team.path().join("case");
    team.run(&[
        "generate",
        "--out",
        case.to_str().expect("utf-8"),
        "--reports",
        &REPORTS.to_string(),
        "--transactions",
        "1000",
    ]);
    let lines: Vec<String> = std::fs::read_to_string(case.join("reports.jsonl"))
        .expect("generated reports")
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(lines.len(), REPORTS);

    // The reference: one import of the same file into another database.
    watch(&reference);
    let imported =
        reference.json(&["import", "reports", case.join("reports.jsonl").to_str().expect("utf-8"), "--json"]);
    let mut reference_db =
        postgres::Client::connect(reference.database.as_deref().expect("url"), postgres::NoTls).expect("connect");
    let (expected_alerts, _) = alerted(&mut reference_db);
    assert!(!expected_alerts.is_empty(), "the case holds investment scams");

    watch(&team);
    let token = team.token("operator");
    let options = ["--public-url", PUBLIC_URL];
    let (first, first_address) = serve_with(&team, &options);
    let _first = KillOnDrop(first);
    let (second, second_address) = serve_with(&team, &options);
    let _second = KillOnDrop(second);
    let addresses = [first_address.as_str(), second_address.as_str()];

    let batches: Vec<String> = lines.chunks(BATCH).map(|batch| format!("[{}]", batch.join(","))).collect();
    let totals = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let (batches, token) = (&batches, &token);
                scope.spawn(move || {
                    let mut totals = (0, 0, 0);
                    for (index, batch) in batches.iter().enumerate().skip(client).step_by(CLIENTS) {
                        let address = addresses[index % 2];
                        let auth = bearer(token);
                        let (status, _, body) =
                            request(address, "POST", "/api/v1/reports", &[("Authorization", &auth)], batch);
                        assert_eq!(status, 200, "batch {index} on {address}: {body}");
                        let summary: serde_json::Value = serde_json::from_str(&body).expect("summary");
                        let field = |name: &str| summary[name].as_i64().expect(name);
                        totals.0 += field("imported");
                        totals.1 += field("duplicates");
                        totals.2 += field("rejected");
                    }
                    totals
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("client"))
            .fold((0, 0, 0), |sum, one| (sum.0 + one.0, sum.1 + one.1, sum.2 + one.2))
    });
    let (stored, duplicates, rejected) = totals;
    assert_eq!(rejected, 0);
    assert_eq!(stored + duplicates, REPORTS as i64);
    assert_eq!(stored, imported["imported"].as_i64().expect("imported"), "as many as one import stores");

    let mut db = postgres::Client::connect(team.database.as_deref().expect("url"), postgres::NoTls).expect("connect");
    assert_eq!(count(&mut db, "SELECT COUNT(*) FROM reports"), stored, "every report stored once");
    assert_eq!(count(&mut db, "SELECT COUNT(DISTINCT external_id) FROM reports"), stored);
    assert_eq!(count(&mut db, "SELECT COUNT(*) FROM campaign_members"), stored, "every report linked");
    assert_eq!(count(&mut db, "SELECT COUNT(*) FROM intake_pending"), 0, "nothing owed after the answers");
    let (alerts, alert_rows) = alerted(&mut db);
    assert_eq!(alert_rows as usize, alerts.len(), "one alert per report");
    assert_eq!(alerts, expected_alerts, "the alerts one import raises");
    assert_eq!(count(&mut db, "SELECT COUNT(*) FROM webhook_deliveries"), alert_rows, "one delivery per alert");

    check_public_allowance_is_shared(addresses);
    check_passkey_ceremony_crosses_processes(addresses, &token);
    check_signin_code_crosses_processes(addresses, &token);
}

/// The public form allows a burst of 5 per client address: spent through
/// the first process, the second refuses too.
fn check_public_allowance_is_shared([first, second]: [&str; 2]) {
    for victim in 0..5 {
        let body = serde_json::json!({
            "text": format!("victim {victim}: the crypto mentor asked me to deposit USDT for 20% daily profit"),
            "consent_share": true, "consent_publish": false,
        })
        .to_string();
        let (status, _, answer) = request(first, "POST", "/api/v1/public/reports", &[], &body);
        assert_eq!(status, 202, "submission {victim}: {answer}");
    }
    let body = serde_json::json!({"text": "one more", "consent_share": true, "consent_publish": false}).to_string();
    let (status, head, answer) = request(second, "POST", "/api/v1/public/reports", &[], &body);
    assert_eq!(status, 429, "the other process knows the allowance is spent: {answer}");
    assert!(head.to_ascii_lowercase().contains("retry-after:"), "{head}");
    let (status, _, _) = request(first, "POST", "/api/v1/public/reports", &[], &body);
    assert_eq!(status, 429);
}

/// A passkey registration begun on the first process is found by the
/// second (which gets as far as reading the browser's credential) and
/// cannot be finished a second time anywhere.
fn check_passkey_ceremony_crosses_processes([first, second]: [&str; 2], token: &str) {
    let auth = bearer(token);
    let (status, _, body) = request(first, "POST", "/api/v1/passkeys", &[("Authorization", &auth)], "");
    assert_eq!(status, 200, "{body}");
    let challenge: serde_json::Value = serde_json::from_str(&body).expect("challenge");
    let ceremony = challenge["ceremony"].as_str().expect("ceremony id");
    assert!(challenge["options"]["publicKey"]["challenge"].is_string(), "{challenge}");
    let finish =
        serde_json::json!({"ceremony": ceremony, "label": "laptop", "credential": {"id": "forged"}}).to_string();
    let (status, _, answer) = request(second, "POST", "/api/v1/passkeys/finish", &[("Authorization", &auth)], &finish);
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("credential"), "the second process found the ceremony and read on: {answer}");
    for address in [second, first] {
        let (status, _, answer) =
            request(address, "POST", "/api/v1/passkeys/finish", &[("Authorization", &auth)], &finish);
        assert_eq!(status, 400, "{answer}");
        assert!(answer.contains("unknown or expired"), "used once: {answer}");
    }
}

/// A one-time sign-in code made through the first process signs in once
/// through the second, and the session it opens is good on the first.
fn check_signin_code_crosses_processes([first, second]: [&str; 2], token: &str) {
    let auth = bearer(token);
    let body = serde_json::json!({"user": "operator"}).to_string();
    let (status, _, answer) = request(first, "POST", "/api/v1/signin-links", &[("Authorization", &auth)], &body);
    assert_eq!(status, 201, "{answer}");
    let link: serde_json::Value = serde_json::from_str(&answer).expect("link");
    let url = link["url"].as_str().expect("url");
    let code = url.split_once("#code=").expect("code in the fragment").1;
    let redeem = serde_json::json!({"code": code}).to_string();
    let origin = |address: &str| format!("http://{address}");
    let (status, head, answer) =
        request(second, "POST", "/api/v1/session/link", &[("Origin", &origin(second))], &redeem);
    assert_eq!(status, 200, "{answer}");
    let cookie = head
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: ").or_else(|| line.strip_prefix("Set-Cookie: ")))
        .and_then(|value| value.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let (status, _, answer) = request(first, "POST", "/api/v1/session/link", &[("Origin", &origin(first))], &redeem);
    assert_eq!(status, 401, "the code is spent on every process: {answer}");
    let (status, _, answer) = request(first, "GET", "/api/v1/session", &[("Cookie", &cookie)], "");
    assert_eq!(status, 200, "{answer}");
    let session: serde_json::Value = serde_json::from_str(&answer).expect("session");
    assert_eq!(session["user"]["user"], "operator", "the session opened on the second is good on the first");
}
