//! Watchlists and alerts on both backends: matching on arrival, access to
//! alerts, signed webhook deliveries that survive a SIGKILL of the server
//! mid-delivery (every alert reaches the receiver exactly once by its
//! delivery id), intake unhurried by a receiver that never answers, and bad
//! regexes refused with their reason.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use crackdown_engine::intake::{AnalyzedBatch, Intake, Settled};
use crackdown_engine::{WatchRequest, WatchedReport};
use crackdown_model::{Channel, NewReport, Role, Tlp};
use crackdown_store::{InsertedReport, ShareOptions};
use sha2::{Digest, Sha256};

use crate::support::{Backend, http, serve_with};

/// HMAC-SHA256 written out from its definition (RFC 2104), so the receiver
/// checks the documented scheme independently of crackdown's own code.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = [0_u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner: Vec<u8> = block.iter().map(|b| b ^ 0x36).chain(message.iter().copied()).collect();
    let inner = Sha256::digest(&inner);
    let outer: Vec<u8> = block.iter().map(|b| b ^ 0x5c).chain(inner.iter().copied()).collect();
    Sha256::digest(&outer).to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A receiver's check of `Crackdown-Signature: t=..,v1=..` over `t.body`,
/// with a five-minute tolerance.
fn signature_ok(secret: &str, header: &str, body: &[u8]) -> bool {
    let mut t = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.push(value.to_owned()),
            _ => {}
        }
    }
    let Some(t) = t else { return false };
    if (Utc::now().timestamp() - t).abs() > 300 {
        return false;
    }
    let message = [t.to_string().as_bytes(), b".", body].concat();
    let expected = hex(&hmac_sha256(secret.as_bytes(), &message));
    signatures.contains(&expected)
}

#[test]
fn the_receiver_side_check_accepts_the_documented_vector_and_refuses_tampering() {
    let body = br#"{"alert":1,"entry":7}"#;
    let message = [&b"1700000000."[..], body].concat();
    assert_eq!(
        hex(&hmac_sha256(b"whsec_test_secret", &message)),
        "2c62b5b56690bdfee98bc1d7e007453c4e510f77f9c29d9e07adf9c4a9d70e62"
    );
    let now = Utc::now().timestamp();
    let header = crackdown_link_sign("whsec_x", now, body);
    assert!(signature_ok("whsec_x", &header, body));
    assert!(!signature_ok("whsec_x", &header, br#"{"alert":2,"entry":7}"#));
    assert!(!signature_ok("whsec_y", &header, body));
    assert!(!signature_ok("whsec_x", &crackdown_link_sign("whsec_x", now - 3600, body), body));
}

/// The header as the server writes it (`t=<t>,v1=<hex>`), built here from
/// the receiver-side HMAC so the vector test above ties the two together.
fn crackdown_link_sign(secret: &str, t: i64, body: &[u8]) -> String {
    let message = [t.to_string().as_bytes(), b".", body].concat();
    format!("t={t},v1={}", hex(&hmac_sha256(secret.as_bytes(), &message)))
}

/// What the test receiver saw.
#[derive(Default)]
struct Seen {
    /// Requests per delivery id, on the wire.
    wire: BTreeMap<String, usize>,
    /// Alert id of each delivery id (the receiver's idempotency table).
    processed: BTreeMap<String, i64>,
    bad_signatures: usize,
}

/// A small HTTP receiver on a thread per connection: verifies signatures,
/// deduplicates by delivery id, and answers 200 after `delay_ms`.
struct Receiver {
    address: String,
    seen: Arc<Mutex<Seen>>,
    delay_ms: Arc<AtomicU64>,
}

fn read_request(stream: &mut TcpStream) -> Option<(BTreeMap<String, String>, Vec<u8>)> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut headers = BTreeMap::new();
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        let (name, value) = trimmed.split_once(':')?;
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
    }
    let length: usize = headers.get("content-length")?.parse().ok()?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((headers, body))
}

impl Receiver {
    fn start(secret: Arc<Mutex<String>>) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address").to_string();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let delay_ms = Arc::new(AtomicU64::new(0));
        let (thread_seen, thread_delay) = (Arc::clone(&seen), Arc::clone(&delay_ms));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (seen, delay, secret) = (Arc::clone(&thread_seen), Arc::clone(&thread_delay), Arc::clone(&secret));
                std::thread::spawn(move || {
                    let Some((headers, body)) = read_request(&mut stream) else { return };
                    let delivery = headers.get("crackdown-delivery").cloned().unwrap_or_default();
                    let secret = secret.lock().expect("lock").clone();
                    let signed = headers.get("crackdown-signature").is_some_and(|h| signature_ok(&secret, h, &body));
                    let payload: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                    {
                        let mut seen = seen.lock().expect("lock");
                        *seen.wire.entry(delivery.clone()).or_default() += 1;
                        if !signed || payload["delivery_id"] != delivery.as_str() {
                            seen.bad_signatures += 1;
                            return;
                        }
                    }
                    std::thread::sleep(Duration::from_millis(delay.load(Ordering::SeqCst)));
                    // Processed only if the sender still waits for the
                    // answer: a request cut off by the sender's death was not
                    // processed, as in a receiver that commits its work with
                    // the answer.
                    let mut probe = [0_u8; 1];
                    let closed = stream.set_nonblocking(true).is_ok() && matches!(stream.peek(&mut probe), Ok(0));
                    let _ = stream.set_nonblocking(false);
                    let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                    if !closed && stream.write_all(answer).is_ok() {
                        let alert = payload["alert"]["id"].as_i64().unwrap_or(-1);
                        seen.lock().expect("lock").processed.entry(delivery).or_insert(alert);
                    }
                });
            }
        });
        Receiver { address, seen, delay_ms }
    }
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out after {limit:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

const PHONE: &str = "+66812345678";

/// The test receivers listen on loopback, which webhooks reach only when allowed.
const LOOPBACK_RECEIVERS: &[&str] = &["--webhook-allow-private", "127.0.0.0/8"];

fn scam(i: usize) -> String {
    format!(r#"{{"text": "Report {i}: the caller said transfer the fee now, call back on +66 81 234 5678 to claim"}}"#)
}

/// Alerts are delivered exactly once by delivery id although the server is
/// SIGKILLed while the receiver holds every delivery open.
fn check_kill_mid_delivery(backend: &Backend) {
    let secret = Arc::new(Mutex::new(String::new()));
    let receiver = Receiver::start(Arc::clone(&secret));
    receiver.delay_ms.store(3000, Ordering::SeqCst);
    backend.run(&["watchlists", "add", "exact", "+66 81 234 5678", "--label", "our hotline"]);
    let hook = backend.json(&[
        "--webhook-allow-private",
        "127.0.0.0/8",
        "webhooks",
        "add",
        &format!("http://{}/hook", receiver.address),
        "--json",
    ]);
    *secret.lock().expect("lock") = hook["secret"].as_str().expect("secret").to_owned();
    let token = backend.run(&["token", "create"]).trim().to_owned();

    let (mut server, address) = serve_with(backend, LOOPBACK_RECEIVERS);
    let reports = 6;
    let body = format!("[{}]", (0..reports).map(scam).collect::<Vec<_>>().join(","));
    let (status, answer) = http(&address, "POST", "/api/v1/reports", &token, &body);
    assert_eq!(status, 200, "{answer}");
    wait_for("deliveries on the wire", Duration::from_secs(20), || {
        receiver.seen.lock().expect("lock").wire.len() == reports
    });
    server.kill().expect("SIGKILL");
    server.wait().expect("reap");
    assert!(receiver.seen.lock().expect("lock").processed.is_empty(), "killed before any answer");

    receiver.delay_ms.store(0, Ordering::SeqCst);
    let (mut server, _) = serve_with(backend, LOOPBACK_RECEIVERS);
    wait_for("every delivery processed", Duration::from_secs(60), || {
        receiver.seen.lock().expect("lock").processed.len() == reports
    });
    wait_for("the outbox to record them", Duration::from_secs(20), || {
        backend.json(&["webhooks", "list", "--json"])[0]["delivered"] == reports
    });
    server.kill().expect("kill");
    server.wait().expect("reap");

    let alerts = backend.json(&["alerts", "list", "--json"]);
    let alert_ids: BTreeSet<i64> = alerts.as_array().expect("array").iter().filter_map(|a| a["id"].as_i64()).collect();
    assert_eq!(alert_ids.len(), reports);
    assert!(alerts.as_array().expect("array").iter().all(|alert| alert["matched"] == PHONE));
    let seen = receiver.seen.lock().expect("lock");
    assert_eq!(seen.bad_signatures, 0);
    // One delivery id per alert, each processed once; the wire saw each
    // at least once (twice for those cut off by the kill).
    let delivered: BTreeSet<i64> = seen.processed.values().copied().collect();
    assert_eq!(delivered, alert_ids);
    assert_eq!(seen.wire.len(), reports);
    assert!(seen.wire.values().all(|count| *count >= 2), "each was cut off once, then sent again: {:?}", seen.wire);
}

#[test]
fn kill_mid_delivery_on_sqlite() {
    check_kill_mid_delivery(&Backend::sqlite());
}

#[test]
fn kill_mid_delivery_on_postgres() {
    if let Some(backend) = Backend::postgres() {
        check_kill_mid_delivery(&backend);
    }
}

/// A receiver that accepts connections and never answers does not slow
/// intake: the API answers as fast as without a webhook.
fn check_unreachable_receiver(backend: &Backend) {
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent_address = silent.local_addr().expect("address");
    backend.run(&["watchlists", "add", "exact", "+66 81 234 5678"]);
    backend.run(&[
        "--webhook-allow-private",
        "127.0.0.0/8",
        "webhooks",
        "add",
        &format!("http://{silent_address}/hook"),
    ]);
    let token = backend.run(&["token", "create"]).trim().to_owned();
    let (mut server, address) = serve_with(backend, LOOPBACK_RECEIVERS);
    // The first request loads the analyser's model; time the rest.
    assert_eq!(http(&address, "POST", "/api/v1/reports", &token, &scam(1000)).0, 200);
    let mut slowest = Duration::ZERO;
    for i in 0..30 {
        let start = Instant::now();
        let (status, answer) = http(&address, "POST", "/api/v1/reports", &token, &scam(i));
        assert_eq!(status, 200, "{answer}");
        slowest = slowest.max(start.elapsed());
    }
    server.kill().expect("kill");
    server.wait().expect("reap");
    drop(silent);
    let hooks = backend.json(&["webhooks", "list", "--json"]);
    assert_eq!(hooks[0]["pending"], 31, "{hooks}");
    assert!(slowest < Duration::from_secs(2), "an intake request took {slowest:?}");
}

#[test]
fn unreachable_receiver_on_sqlite() {
    check_unreachable_receiver(&Backend::sqlite());
}

#[test]
fn unreachable_receiver_on_postgres() {
    if let Some(backend) = Backend::postgres() {
        check_unreachable_receiver(&backend);
    }
}

fn report(text: &str, tlp: Tlp) -> NewReport {
    NewReport::from_text(text, Channel::Api, tlp)
}

/// Submits reports through the one intake path: stored, linked, watched.
fn submit(
    store: &crackdown_store::Store,
    viewer: &crackdown_model::Viewer,
    reports: Vec<NewReport>,
) -> (crackdown_store::InsertOutcome, Settled) {
    let mut intake = Intake::begin(store, viewer.clone(), ShareOptions::default());
    let batch = AnalyzedBatch::new(crackdown_engine::shipped_analyzer(), reports);
    let outcome = intake.push(&batch, Utc::now()).expect("submit");
    (outcome, intake.finish(Utc::now()).expect("link and watch"))
}

fn created(outcome: &[InsertedReport]) -> Vec<i64> {
    outcome
        .iter()
        .filter_map(|report| match report {
            InsertedReport::Created { id } => Some(*id),
            InsertedReport::Duplicate { .. } => None,
        })
        .collect()
}

/// Matching on arrival per entry kind, alerts only for the watching
/// organisation and only on reports it may read, campaign entries with a
/// given campaign id, and roles.
fn check_matching_and_access(backend: &Backend) {
    let store = backend.store();
    let now = Utc::now();
    let operator = store.operator(now).expect("operator");
    store.create_org(&operator, "bank", now).expect("org");
    store.create_org(&operator, "police", now).expect("org");
    let bank = store.create_user(&operator, "bank", "bank-analyst", Role::Analyst, now).expect("user").viewer();
    let clerk = store.create_user(&operator, "bank", "bank-clerk", Role::Reporter, now).expect("user").viewer();
    let partner = store.create_user(&operator, "bank", "bank-partner", Role::Partner, now).expect("user").viewer();
    let police = store.create_user(&operator, "police", "officer", Role::Analyst, now).expect("user").viewer();
    let add = |kind: &str, qualifier: Option<&str>, value: &str| {
        let request = WatchRequest {
            kind: kind.into(),
            qualifier: qualifier.map(Into::into),
            value: value.into(),
            label: Some(kind.into()),
        };
        crackdown_engine::add_watch_entry(&store, &bank, &request, now).expect("entry").id
    };
    let domain = add("domain_suffix", None, "siamcommerce.co.th");
    let prefix = add("prefix", None, "+855");
    let regex = add("regex", Some("tron"), "^TR7NH[a-zA-Z0-9]+$");
    let scam_type = add("scam_type", None, "investment");
    let campaign = add("campaign", None, "4242");
    for (role, viewer) in [("reporter", &clerk), ("partner", &partner)] {
        let request = WatchRequest { kind: "scam_type".into(), value: "romance".into(), ..WatchRequest::default() };
        let refused = crackdown_engine::add_watch_entry(&store, viewer, &request, now);
        assert!(matches!(refused, Err(crackdown_store::StoreError::Forbidden(_))), "{role}: {refused:?}");
        assert!(store.alerts(viewer, None, 10).is_err(), "{role} reads no alerts");
    }

    // The police submit: CLEAR reports the bank may read, and a RED one it may not.
    let texts = [
        ("Your parcel is held, pay at https://login.siamcommerce.co.th.evil.example/pay", Tlp::Clear),
        ("Your account is locked, verify at https://secure.siamcommerce.co.th/verify", Tlp::Clear),
        ("Call our agent on +855 12 345 678 today", Tlp::Clear),
        ("Hello, this is your friend, please call +855 12 999 888 about the money", Tlp::Red),
    ];
    let (_, settled) = submit(&store, &police, texts.iter().map(|(text, tlp)| report(text, *tlp)).collect());
    assert_eq!(settled.alerts, 2, "the domain and the prefix, not RED");
    assert_eq!(crackdown_engine::intake::settle(&store, now).expect("settle").alerts, 0, "each hit alerts once");
    let alerts = store.alerts(&bank, None, 10).expect("alerts");
    let hits: BTreeSet<(i64, String)> = alerts.iter().map(|alert| (alert.entry.id, alert.matched.clone())).collect();
    assert!(hits.iter().any(|(entry, matched)| *entry == domain && matched.contains("secure.siamcommerce.co.th")));
    assert!(hits.iter().any(|(entry, matched)| *entry == prefix && matched == "+85512345678"));
    assert!(store.alerts(&police, None, 10).expect("police alerts").is_empty(), "alerts stay with the watcher");

    // A tron address with an investment pitch, linked into campaign 4242.
    let (wallet, settled) = submit(
        &store,
        &bank,
        vec![report(
            "Deposit USDT to TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t, our trading platform pays 20% daily profit",
            Tlp::Amber,
        )],
    );
    assert_eq!(settled.alerts, 2, "the tron pattern and the scam type; its own campaign is not 4242");
    let id = created(&wallet.reports)[0];
    let linked = [WatchedReport { id, campaign: Some(4242) }];
    assert_eq!(crackdown_engine::watch_reports(&store, &linked, now).expect("watch"), 1);
    let entries: BTreeSet<i64> = store
        .alerts(&bank, None, 10)
        .expect("alerts")
        .iter()
        .filter(|alert| alert.report_id == id)
        .map(|alert| alert.entry.id)
        .collect();
    assert_eq!(entries, BTreeSet::from([regex, scam_type, campaign]));

    // A removed entry raises nothing more; its alerts stay.
    store.remove_watch_entry(&bank, prefix, now).expect("remove");
    let (_, settled) = submit(&store, &police, vec![report("New number +855 77 000 111 for the agent", Tlp::Clear)]);
    assert_eq!(settled.alerts, 0);
    assert!(store.alerts(&bank, None, 10).expect("alerts").iter().any(|alert| alert.entry.id == prefix));
}

#[test]
fn matching_and_access_on_sqlite() {
    check_matching_and_access(&Backend::sqlite());
}

#[test]
fn matching_and_access_on_postgres() {
    if let Some(backend) = Backend::postgres() {
        check_matching_and_access(&backend);
    }
}

/// A bad regex is refused with its reason, on the CLI and the API.
#[test]
fn bad_regex_is_a_clear_error() {
    let backend = Backend::sqlite();
    let output = backend.cmd().args(["watchlists", "add", "regex", "(unclosed"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unclosed"), "{stderr}");
    let long = "a".repeat(300);
    let output = backend.cmd().args(["watchlists", "add", "regex", &long]).output().expect("run");
    assert!(String::from_utf8_lossy(&output.stderr).contains("limit is 256"));
    let output = backend.cmd().args(["watchlists", "add", "regex", r"(?:\w{100}){100}"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2), "a pattern too costly to compile is refused");

    let token = backend.run(&["token", "create"]).trim().to_owned();
    let (mut server, address) = serve_with(&backend, LOOPBACK_RECEIVERS);
    let (status, answer) =
        http(&address, "POST", "/api/v1/watchlists", &token, r#"{"kind": "regex", "value": "[z-a]"}"#);
    let (listed, entries) = http(&address, "GET", "/api/v1/watchlists", &token, "");
    server.kill().expect("kill");
    server.wait().expect("reap");
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("range"), "{answer}");
    assert_eq!((listed, entries.trim()), (200, "[]"));
}
