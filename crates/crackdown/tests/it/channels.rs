//! One intake path: the same scam reported through every channel — bulk
//! JSONL and CSV, the API's JSON and e-mail, the CLI's e-mail and chat, the
//! public form — gets the same verdict, joins the same campaign and raises
//! exactly one alert per matching watch entry; and a server killed between
//! committing reports and linking them finishes the work when it restarts.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use chrono::Utc;
use crackdown_store::Stage;

use crate::support::{Backend, http, serve};

const WALLET: &str = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
const PHONE: &str = "+66 81 234 5678";

/// The lure, told by a different victim each time (so no two are duplicates).
fn lure(victim: &str) -> String {
    format!(
        "{victim}: my mentor on the trading platform said to deposit USDT to {WALLET} for 20% daily profit, \
         the agent on {PHONE} confirmed the investment"
    )
}

fn eml(victim: &str) -> String {
    format!(
        "From: Trading Mentor <mentor@profit-platform.example>\r\nTo: <{victim}@mail.example>\r\n\
         Subject: Your investment\r\nDate: Mon, 2 Mar 2026 09:30:00 +0700\r\nMessage-ID: <{victim}@profit-platform.example>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
        lure(victim)
    )
}

/// One raw HTTP/1.1 request with its own content type; returns (status, body).
fn post(address: &str, path: &str, token: Option<&str>, content_type: &str, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    let auth = token.map(|token| format!("Authorization: Bearer {token}\r\n")).unwrap_or_default();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\n{auth}Content-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    )
    .expect("send");
    stream.write_all(body).expect("send body");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    let status = answer.get(9..12).and_then(|code| code.parse().ok()).unwrap_or(0);
    (status, answer.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default())
}

fn check_every_channel(backend: &Backend) {
    let dir = backend.path();
    // Two GREEN reports sharing the wallet and the phone form a campaign.
    let jsonl = dir.join("victims.jsonl");
    let lines: Vec<String> = ["jsonl-a", "jsonl-b"]
        .iter()
        .map(|victim| serde_json::json!({"id": victim, "text": lure(victim), "tlp": "GREEN"}).to_string())
        .collect();
    std::fs::write(&jsonl, lines.join("\n")).expect("write");
    backend.run(&["import", "reports", jsonl.to_str().expect("utf-8")]);
    let campaigns = backend.json(&["campaigns", "list", "--json"]);
    let campaign = campaigns[0]["id"].as_str().expect("a campaign of the two reports").to_owned();

    backend.run(&["watchlists", "add", "exact", PHONE, "--label", "agent's phone"]);
    backend.run(&["watchlists", "add", "campaign", &campaign, "--label", "the platform"]);
    backend.run(&["watchlists", "add", "scam_type", "investment", "--label", "investment scams"]);

    let csv = dir.join("victims.csv");
    std::fs::write(&csv, format!("id,text,tlp\ncsv-a,\"{}\",GREEN\n", lure("csv-a"))).expect("write");
    backend.run(&["import", "reports", csv.to_str().expect("utf-8")]);
    let mail = dir.join("forwarded.eml");
    std::fs::write(&mail, eml("cli-mail")).expect("write");
    backend.run(&["import", "email", mail.to_str().expect("utf-8")]);
    let chat = dir.join("WhatsApp Chat with Mentor.txt");
    std::fs::write(
        &chat,
        format!("02/03/2026, 09:30 - Mentor: {}\n02/03/2026, 09:31 - Nok: ok I will pay\n", lure("chat")),
    )
    .expect("write");
    backend.run(&["import", "chat", chat.to_str().expect("utf-8"), "--owner", "Nok"]);

    let token = backend.token("operator");
    let (mut server, address) = serve(backend);
    let body = serde_json::json!({"id": "api-json", "text": lure("api-json"), "tlp": "GREEN"}).to_string();
    let (status, answer) = http(&address, "POST", "/api/v1/reports", &token, &body);
    assert_eq!(status, 200, "{answer}");
    let (status, answer) =
        post(&address, "/api/v1/reports/email", Some(&token), "message/rfc822", eml("api-mail").as_bytes());
    assert_eq!(status, 200, "{answer}");
    let public = serde_json::json!({
        "text": lure("public"), "language": "en", "consent_share": true, "consent_publish": false,
    })
    .to_string();
    let (status, answer) = post(&address, "/api/v1/public/reports", None, "application/json", public.as_bytes());
    assert_eq!(status, 202, "{answer}");
    server.kill().expect("kill");
    server.wait().expect("reap");

    let reports = backend.json(&["reports", "list", "--json"]);
    let reports = reports["items"].as_array().unwrap_or_else(|| reports.as_array().expect("a list"));
    let channels: BTreeMap<String, i64> = reports
        .iter()
        .map(|report| (report["channel"].as_str().expect("channel").to_owned(), report["id"].as_i64().expect("id")))
        .collect();
    assert_eq!(reports.len(), 8, "every channel stored its report: {channels:?}");
    for channel in ["bulk", "api", "email", "chat", "web"] {
        assert!(channels.contains_key(channel), "{channel} missing: {channels:?}");
    }

    let mut verdicts = BTreeSet::new();
    for report in reports {
        let id = report["id"].as_i64().expect("id").to_string();
        let shown = backend.json(&["reports", "show", &id, "--json"]);
        let analysis = &shown["analysis"];
        assert!(analysis.is_object(), "report {id} ({}) was analysed: {shown}", report["channel"]);
        verdicts.insert((analysis["label"].to_string(), analysis["scam_type"].to_string()));
        let indicators: BTreeSet<String> = analysis["indicators"]
            .as_array()
            .expect("indicators")
            .iter()
            .map(|indicator| indicator["normalized"].as_str().expect("normalized").to_owned())
            .collect();
        assert!(indicators.contains(WALLET) && indicators.contains("+66812345678"), "{id}: {indicators:?}");
    }
    assert_eq!(verdicts.len(), 1, "one verdict whatever the channel: {verdicts:?}");

    let all = backend.json(&["campaigns", "list", "--all", "--json"]);
    let joined: Vec<&serde_json::Value> = all
        .as_array()
        .expect("campaigns")
        .iter()
        .filter(|c| c["reports"].as_array().is_some_and(|r| r.len() == 8))
        .collect();
    assert_eq!(joined.len(), 1, "all eight reports are one campaign: {all}");

    let alerts = backend.json(&["alerts", "list", "--json"]);
    let mut per_entry: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for alert in alerts.as_array().expect("alerts") {
        let label = alert["entry"]["label"].as_str().expect("label").to_owned();
        let report = alert["report_id"].as_i64().expect("report");
        assert!(per_entry.entry(label).or_default().insert(report), "one alert per entry and report");
    }
    // The two first reports were stored before the watch entries.
    for label in ["agent's phone", "the platform", "investment scams"] {
        assert_eq!(per_entry.get(label).map(BTreeSet::len), Some(6), "{label}: {per_entry:?}");
    }
}

#[test]
fn every_channel_takes_the_same_path_on_sqlite() {
    check_every_channel(&Backend::sqlite());
}

#[test]
fn every_channel_takes_the_same_path_on_postgres() {
    if let Some(backend) = Backend::postgres() {
        check_every_channel(&backend);
    }
}

/// A server SIGKILLed after committing a large POST and before linking it:
/// after the restart every committed report is linked and watched, once.
fn check_kill_between_commit_and_linking(backend: &Backend) {
    backend.run(&["watchlists", "add", "exact", PHONE, "--label", "agent's phone"]);
    let token = backend.token("operator");
    let (mut server, address) = serve(backend);
    let count = 3000;
    let body = format!(
        "[{}]",
        (0..count)
            .map(|i| serde_json::json!({"id": format!("r{i}"), "text": lure(&format!("victim {i}"))}).to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    let posting = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(&address).expect("connect");
        let request = format!(
            "POST /api/v1/reports HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(request.as_bytes());
        let _ = stream.read_to_end(&mut Vec::new());
    });
    let store = backend.store();
    let started = Instant::now();
    while store.pending_intake_count(Stage::Link).expect("pending") == 0 {
        assert!(started.elapsed() < Duration::from_secs(120), "the batch was never committed");
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("reap");
    let _ = posting.join();
    let operator = store.operator(Utc::now()).expect("operator");
    assert_eq!(store.linked_reports().expect("linked"), 0, "killed before linking");
    assert!(store.alerts(&operator, None, 10).expect("alerts").is_empty(), "killed before watching");

    let (mut server, _) = serve(backend);
    server.kill().expect("kill");
    server.wait().expect("reap");
    assert_eq!(store.pending_intake_count(Stage::Link).expect("pending"), 0);
    assert_eq!(store.pending_intake_count(Stage::Watch).expect("pending"), 0);
    assert_eq!(store.linked_reports().expect("linked"), count, "every committed report is linked");
    let (mut alerts, mut before) = (Vec::new(), None);
    loop {
        let page = store.alerts(&operator, before, 1000).expect("alerts");
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        alerts.extend(page.into_iter().map(|alert| alert.report_id));
    }
    let reports: BTreeSet<i64> = alerts.iter().copied().collect();
    assert_eq!(reports.len() as i64, count, "one alert per report");
    assert_eq!(alerts.len() as i64, count, "and only one");
}

#[test]
fn kill_between_commit_and_linking_on_sqlite() {
    check_kill_between_commit_and_linking(&Backend::sqlite());
}

#[test]
fn kill_between_commit_and_linking_on_postgres() {
    if let Some(backend) = Backend::postgres() {
        check_kill_between_commit_and_linking(&backend);
    }
}
