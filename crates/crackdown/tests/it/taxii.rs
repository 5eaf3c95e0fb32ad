//! The TAXII 2.1 server inside `crackdown serve`, on SQLite and PostgreSQL:
//! discovery, API root and collection shapes; paging that returns every
//! object exactly once; collections that hold only what the caller's own
//! export would (never another organisation's RED report, nor its id);
//! 401 and 404 as TAXII error messages; and `taxii2-client` as a real
//! client paging through more than 10,000 objects.

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{Backend, KillOnDrop, http, http_get, serve};

/// Named only by the bank's RED report.
const RED_PHONE: &str = "+66 85 555 0101";

fn write_lines(backend: &Backend, name: &str, lines: &[Value]) -> String {
    let path = backend.path().join(name);
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    std::fs::write(&path, text.join("\n")).expect("write reports");
    path.to_string_lossy().into_owned()
}

fn get(address: &str, path: &str, token: &str) -> Value {
    let (status, body) = http(address, "GET", path, token, "");
    assert_eq!(status, 200, "GET {path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|error| panic!("GET {path}: {error}: {body}"))
}

/// Every object of a collection, following `next` with `limit`.
fn page_through(address: &str, collection: &str, token: &str, limit: usize) -> Vec<Value> {
    let mut objects = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let mut path = format!("/taxii2/api/collections/{collection}/objects/?limit={limit}");
        if let Some(cursor) = &next {
            path.push_str(&format!("&next={cursor}"));
        }
        let envelope = get(address, &path, token);
        let page = envelope["objects"].as_array().cloned().unwrap_or_default();
        assert!(page.len() <= limit, "a page holds at most the limit");
        objects.extend(page);
        if envelope["more"] != true {
            return objects;
        }
        next = Some(envelope["next"].as_str().expect("next when more").to_owned());
    }
}

fn ids(objects: &[Value]) -> Vec<String> {
    objects.iter().map(|object| object["id"].as_str().unwrap_or_default().to_owned()).collect()
}

fn collections(address: &str, token: &str) -> Vec<Value> {
    get(address, "/taxii2/api/collections/", token)["collections"].as_array().cloned().unwrap_or_default()
}

fn collection_titled(address: &str, token: &str, title: &str) -> String {
    collections(address, token)
        .iter()
        .find(|collection| collection["title"].as_str().is_some_and(|text| text.contains(title)))
        .and_then(|collection| collection["id"].as_str())
        .unwrap_or_else(|| panic!("no collection titled {title}"))
        .to_owned()
}

fn taxii_serves_what_the_caller_may_read(backend: Backend) {
    for org in ["police", "bank"] {
        backend.run(&["org", "add", org]);
        backend.run(&["user", "add", &format!("{org}-analyst"), "--org", org, "--role", "analyst"]);
    }
    backend.run(&["community", "add", "mekong"]);
    for org in ["police", "bank"] {
        backend.run(&["community", "join", "mekong", "--org", org]);
    }
    let police_reports: Vec<Value> = (0..12)
        .map(|n| {
            serde_json::json!({
                "id": format!("P-{n}"),
                "text": format!("Pay the release fee at https://pay-{n}.refund-desk.example/claim or mail agent{n}@refund-desk.example today."),
                "tlp": if n % 2 == 0 { "green" } else { "amber" },
            })
        })
        .collect();
    let path = write_lines(&backend, "police.jsonl", &police_reports);
    backend.run(&["--as", "police-analyst", "import", "reports", &path]);
    let bank_red = [
        serde_json::json!({"id": "B-RED", "text": format!("They called from {RED_PHONE}, pay into https://red-only.example/pay"), "tlp": "red"}),
    ];
    let path = write_lines(&backend, "bank.jsonl", &bank_red);
    backend.run(&["--as", "bank-analyst", "import", "reports", &path]);
    let bank_reports = backend.json(&["--as", "bank-analyst", "reports", "list", "--json"]);
    let red_id = bank_reports[0]["id"].as_i64().expect("the bank's RED report");
    let red_stix_id = crackdown_share::stix::report_id(&format!("report-{red_id}"));

    let (police, bank) = (backend.token("police-analyst"), backend.token("bank-analyst"));
    let (server, address) = serve(&backend);
    let _server = KillOnDrop(server);

    // Discovery, API root, collections: shapes a TAXII client relies on.
    let discovery = get(&address, "/taxii2/", &police);
    assert_eq!(discovery["api_roots"], serde_json::json!(["/taxii2/api/"]), "{discovery}");
    assert_eq!(discovery["default"], "/taxii2/api/");
    let root = get(&address, "/taxii2/api/", &police);
    assert_eq!(root["versions"], serde_json::json!(["application/taxii+json;version=2.1"]), "{root}");
    assert!(root["max_content_length"].as_u64().is_some_and(|length| length > 0));
    let police_collections = collections(&address, &police);
    assert_eq!(police_collections.len(), 2, "own organisation and mekong: {police_collections:?}");
    for collection in &police_collections {
        let id = collection["id"].as_str().expect("id");
        assert_eq!(id.len(), 36, "a UUID: {id}");
        // An analyst may add to each collection (see `taxii_posts_import_whole_with_status`).
        assert_eq!((collection["can_read"].as_bool(), collection["can_write"].as_bool()), (Some(true), Some(true)));
        assert_eq!(get(&address, &format!("/taxii2/api/collections/{id}/"), &police), *collection);
    }
    let raw = http_get(&address, "/taxii2/api/collections/", Some(&police));
    assert!(raw.contains("application/taxii+json;version=2.1"), "{raw}");

    // Paging: small pages cover every object exactly once, in the order of one big page.
    let own = collection_titled(&address, &police, "police");
    let whole = ids(&page_through(&address, &own, &police, 1000));
    let paged = ids(&page_through(&address, &own, &police, 7));
    assert_eq!(paged, whole, "pages of 7 give the objects of one page, once each");
    assert_eq!(whole.iter().collect::<HashSet<_>>().len(), whole.len(), "no object twice");
    let reports: Vec<&String> = whole.iter().filter(|id| id.starts_with("report--")).collect();
    assert_eq!(reports.len(), 12, "the police's GREEN and AMBER reports");

    // The same objects as the police's own STIX export of those reports.
    let own_ids: Vec<String> = backend
        .json(&["--as", "police-analyst", "reports", "list", "--json"])
        .as_array()
        .expect("reports")
        .iter()
        .filter_map(|report| report["id"].as_i64().map(|id| id.to_string()))
        .collect();
    let (status, bundle) = http(
        &address,
        "GET",
        &format!("/api/v1/export/stix?reports={}&tlp_max=amber%2Bstrict", own_ids.join(",")),
        &police,
        "",
    );
    assert_eq!(status, 200, "{bundle}");
    let bundle: Value = serde_json::from_str(&bundle).expect("bundle");
    let mut exported = ids(bundle["objects"].as_array().expect("objects"));
    let mut served = whole.clone();
    exported.sort();
    served.sort();
    assert_eq!(served, exported, "a collection holds what the caller's export holds");

    // Filters: type, id, version, added_after; manifest and versions agree.
    let only_reports =
        get(&address, &format!("/taxii2/api/collections/{own}/objects/?match[type]=report&limit=1000"), &police);
    assert_eq!(only_reports["objects"].as_array().map(Vec::len), Some(12), "{only_reports}");
    let first_report = only_reports["objects"][0].clone();
    let report_id = first_report["id"].as_str().expect("id").to_owned();
    let one = get(&address, &format!("/taxii2/api/collections/{own}/objects/{report_id}/"), &police);
    assert_eq!(one["objects"], serde_json::json!([first_report]));
    let versions = get(&address, &format!("/taxii2/api/collections/{own}/objects/{report_id}/versions/"), &police);
    assert_eq!(versions["versions"], serde_json::json!([first_report["modified"]]), "{versions}");
    let at_version = format!(
        "/taxii2/api/collections/{own}/objects/?match[id]={report_id}&match[version]={}",
        first_report["modified"].as_str().expect("modified")
    );
    assert_eq!(get(&address, &at_version, &police)["objects"].as_array().map(Vec::len), Some(1));
    let manifest = get(&address, &format!("/taxii2/api/collections/{own}/manifest/?limit=1000"), &police);
    assert_eq!(ids(manifest["objects"].as_array().expect("manifest")), whole);
    let last_added = manifest["objects"].as_array().and_then(|entries| entries.last()).expect("entries")["date_added"]
        .as_str()
        .expect("date_added")
        .to_owned();
    let after = get(&address, &format!("/taxii2/api/collections/{own}/objects/?added_after={last_added}"), &police);
    assert_eq!(after["more"], false);
    assert!(after.get("objects").is_none(), "nothing added after the last object: {after}");
    let headers = http_get(&address, &format!("/taxii2/api/collections/{own}/objects/?limit=3"), Some(&police));
    assert!(headers.to_ascii_lowercase().contains("x-taxii-date-added-first:"), "{headers}");
    assert!(headers.to_ascii_lowercase().contains("x-taxii-date-added-last:"), "{headers}");

    // The community collection: the police's GREEN reports (their AMBER ones
    // were not shared with it), for both members; never the bank's RED report.
    let community = collection_titled(&address, &police, "mekong");
    assert_eq!(collection_titled(&address, &bank, "mekong"), community, "one id for every member");
    let shared = page_through(&address, &community, &bank, 1000);
    let shared_reports = shared.iter().filter(|object| object["type"] == "report").count();
    assert_eq!(shared_reports, 6, "the six GREEN reports");
    for token in [&police, &bank] {
        for collection in collections(&address, token) {
            let id = collection["id"].as_str().expect("id");
            let text = serde_json::to_string(&page_through(&address, id, token, 1000)).expect("json");
            for secret in [red_stix_id.as_str(), "red-only.example", "555 0101", "5550101"] {
                assert!(!text.contains(secret), "collection {id} carries {secret}");
            }
        }
    }
    // The bank's own collection leaves RED out too; its ids are not guessable into.
    let bank_own = collection_titled(&address, &bank, "bank");
    let missing =
        http(&address, "GET", &format!("/taxii2/api/collections/{bank_own}/objects/{red_stix_id}/"), &bank, "");
    assert_eq!(missing.0, 404, "{missing:?}");

    // Errors: another organisation's collection and unknown ids are 404,
    // no token is 401 with WWW-Authenticate, bad filters are 400; all TAXII error messages.
    let (status, body) = http(&address, "GET", &format!("/taxii2/api/collections/{own}/objects/"), &bank, "");
    assert_eq!(status, 404, "{body}");
    let error: Value = serde_json::from_str(&body).expect("error message");
    assert_eq!(error["http_status"], "404", "{error}");
    assert!(error["title"].is_string());
    assert_eq!(http(&address, "GET", "/taxii2/api/collections/not-a-collection/", &police, "").0, 404);
    let unauthenticated = http_get(&address, "/taxii2/api/collections/", None);
    assert!(unauthenticated.starts_with("HTTP/1.1 401"), "{unauthenticated}");
    assert!(unauthenticated.to_ascii_lowercase().contains("www-authenticate: bearer"), "{unauthenticated}");
    assert_eq!(http(&address, "GET", "/taxii2/", "cdk_forged", "").0, 401);
    for bad in ["limit=many", "added_after=yesterday", "next=forged"] {
        let path = format!("/taxii2/api/collections/{own}/objects/?{bad}");
        assert_eq!(http(&address, "GET", &path, &police, "").0, 400, "{bad}");
    }
}

#[test]
fn sqlite_taxii_serves_what_the_caller_may_read() {
    taxii_serves_what_the_caller_may_read(Backend::sqlite());
}

#[test]
fn postgres_taxii_serves_what_the_caller_may_read() {
    if let Some(backend) = Backend::postgres() {
        taxii_serves_what_the_caller_may_read(backend);
    }
}

/// `taxii2-client` discovers the server, lists the collections and pages
/// through more than 10,000 objects with `as_pages` (skipped, loudly, only
/// when the package is missing and `CRACKDOWN_REQUIRE_SHARE_REFERENCE` is not set).
#[test]
fn taxii2_client_pages_through_ten_thousand_objects() {
    let backend = Backend::sqlite();
    // Each report names its own link, host and mailbox: several objects per report.
    let reports: Vec<Value> = (0..2_200)
        .map(|n| {
            serde_json::json!({
                "id": format!("R-{n}"),
                "text": format!("Your parcel is held. Pay the customs fee at https://parcel-{n}.customs-fee.example/pay or write to desk{n}@customs-{n}.example."),
                "tlp": "green",
            })
        })
        .collect();
    let path = write_lines(&backend, "many.jsonl", &reports);
    backend.run(&["import", "reports", &path]);
    let token = backend.token("operator");
    let (server, address) = serve(&backend);
    let _server = KillOnDrop(server);
    let own = collections(&address, &token)[0]["id"].as_str().expect("own collection").to_owned();
    let expected = page_through(&address, &own, &token, 1000).len();
    assert!(expected > 10_000, "only {expected} objects");

    let required = std::env::var_os("CRACKDOWN_REQUIRE_SHARE_REFERENCE").is_some_and(|value| value == "1");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/taxii_reference.py");
    let output = Command::new("python3")
        .arg(script)
        .args([format!("http://{address}/taxii2/"), token, own, expected.to_string()])
        .output()
        .expect("python3");
    if output.status.code() == Some(3) && !required {
        eprintln!("SKIPPED: taxii2-client missing; scripts/test installs it");
        return;
    }
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

const GREEN: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
const AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";

/// One raw HTTP/1.1 request with a bearer token and the given extra headers; (status, body).
fn request(
    address: &str,
    method: &str,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let bearer = format!("Bearer {token}");
    let mut all = vec![("Authorization", bearer.as_str())];
    all.extend_from_slice(headers);
    raw_request(address, method, path, &all, body)
}

/// One raw HTTP/1.1 request with exactly these headers; (status, body).
fn raw_request(address: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    let extra: String = headers.iter().map(|(name, value)| format!("{name}: {value}\r\n")).collect();
    let message = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\n{extra}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // Written apart from reading: a server refusing an oversized body
    // answers before it has read it all (and may stop reading).
    let mut writer = stream.try_clone().expect("clone");
    let sender = std::thread::spawn(move || {
        let _ = writer.write_all(message.as_bytes());
    });
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let _ = sender.join();
    let answer = String::from_utf8_lossy(&raw).into_owned();
    let status = answer.get(9..12).and_then(|code| code.parse().ok()).unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
    (status, body)
}

const TAXII: (&str, &str) = ("Content-Type", "application/taxii+json;version=2.1");

/// A partner's envelope: a GREEN link, an AMBER indicator of it and an
/// AMBER report naming the indicator (the report last, as partners send them).
fn partner_envelope(link: &str, report_refs: &[&str]) -> Value {
    serde_json::json!({"objects": [
        {"type": "url", "spec_version": "2.1", "id": "url--0b8f6a8e-2a39-5f3c-9c49-6f8d1e0c1a11", "value": link,
         "object_marking_refs": [GREEN]},
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--5d1c3f7e-8a7b-4c2d-9e1f-0a2b3c4d5e6f",
         "created": "2024-03-01T10:00:00.000Z", "modified": "2024-03-01T10:00:00.000Z", "pattern_type": "stix",
         "pattern": format!("[url:value = '{link}']"), "valid_from": "2024-03-01T10:00:00.000Z",
         "object_marking_refs": [AMBER]},
        {"type": "report", "spec_version": "2.1", "id": "report--7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918",
         "created": "2024-03-02T08:00:00.000Z", "modified": "2024-03-02T08:00:00.000Z", "name": "Wire-fee lure",
         "published": "2024-03-02T08:00:00.000Z", "report_types": ["threat-report"], "labels": ["advance_fee"],
         "object_refs": report_refs, "object_marking_refs": [AMBER]},
    ]})
}

fn taxii_posts_import_whole_with_status(backend: Backend) {
    for org in ["police", "bank"] {
        backend.run(&["org", "add", org]);
        backend.run(&["user", "add", &format!("{org}-analyst"), "--org", org, "--role", "analyst"]);
    }
    backend.run(&["user", "add", "bank-reader", "--org", "bank", "--role", "partner"]);
    backend.run(&["community", "add", "mekong"]);
    for org in ["police", "bank"] {
        backend.run(&["community", "join", "mekong", "--org", org]);
    }
    let (police, bank, reader) =
        (backend.token("police-analyst"), backend.token("bank-analyst"), backend.token("bank-reader"));
    let (server, address) = serve(&backend);
    let _server = KillOnDrop(server);
    let community = collection_titled(&address, &bank, "mekong");
    let objects_path = format!("/taxii2/api/collections/{community}/objects/");
    let can_write = |token: &str| {
        collections(&address, token).iter().find(|collection| collection["id"] == community.as_str()).expect("mekong")
            ["can_write"]
            .clone()
    };
    assert_eq!((can_write(&bank), can_write(&reader)), (Value::Bool(true), Value::Bool(false)));

    // Content negotiation: a POST in another media type is 415, an Accept admitting no TAXII 406.
    let envelope =
        partner_envelope("https://wire-fee.example/pay", &["indicator--5d1c3f7e-8a7b-4c2d-9e1f-0a2b3c4d5e6f"]);
    let body = envelope.to_string();
    let (status, answer) =
        request(&address, "POST", &objects_path, &bank, &[("Content-Type", "application/json")], &body);
    assert_eq!(status, 415, "{answer}");
    assert_eq!(serde_json::from_str::<Value>(&answer).expect("TAXII error")["http_status"], "415");
    let (status, answer) = request(&address, "GET", "/taxii2/api/collections/", &bank, &[("Accept", "text/html")], "");
    assert_eq!(status, 406, "{answer}");
    assert_eq!(serde_json::from_str::<Value>(&answer).expect("TAXII error")["http_status"], "406");
    let accepted = request(
        &address,
        "GET",
        "/taxii2/api/collections/",
        &bank,
        &[("Accept", "application/taxii+json;version=2.1")],
        "",
    );
    assert_eq!(accepted.0, 200, "{accepted:?}");
    // A reader may read the collection, not add to it.
    assert_eq!(request(&address, "POST", &objects_path, &reader, &[TAXII], &body).0, 403);

    // The bank's envelope: 202, complete, every object a success; the status is kept.
    let before = backend.json(&["--as", "bank-analyst", "reports", "list", "--json"]).as_array().map_or(0, Vec::len);
    let (status, answer) = request(&address, "POST", &objects_path, &bank, &[TAXII], &body);
    assert_eq!(status, 202, "{answer}");
    let posted: Value = serde_json::from_str(&answer).expect("status");
    assert_eq!(posted["status"], "complete", "{posted}");
    assert_eq!((posted["total_count"].as_u64(), posted["success_count"].as_u64()), (Some(3), Some(3)), "{posted}");
    assert_eq!((posted["failure_count"].as_u64(), posted["pending_count"].as_u64()), (Some(0), Some(0)));
    let reported: Vec<&str> =
        posted["successes"].as_array().expect("successes").iter().filter_map(|entry| entry["id"].as_str()).collect();
    assert!(reported.contains(&"report--7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918"), "{posted}");
    assert_eq!(posted["successes"][1]["version"], "2024-03-01T10:00:00.000Z");
    let status_path = format!("/taxii2/api/status/{}/", posted["id"].as_str().expect("status id"));
    assert_eq!(get(&address, &status_path, &bank), posted, "the stored status answers the same");
    let (status, answer) = http(&address, "GET", &status_path, &police, "");
    assert_eq!(status, 404, "another organisation's status is unknown to it: {answer}");
    let stored = backend.json(&["--as", "bank-analyst", "reports", "list", "--json"]);
    let stored = stored.as_array().expect("reports");
    assert_eq!(stored.len(), before + 1, "one shared report: {stored:?}");
    let report = stored.iter().find(|report| report["tlp"] == "amber").expect("the AMBER report, marking kept");
    let report_id = report["id"].as_i64().expect("id");

    // Provenance: the bank, its user, the collection, when.
    let store = backend.store();
    let bank_viewer = store.user("bank-analyst").expect("user").viewer();
    let provenance = store.shared_provenance(&bank_viewer, report_id).expect("read").expect("provenance kept");
    assert_eq!((provenance.partner.as_str(), provenance.brought_by.as_deref()), ("bank", Some("bank-analyst")));
    assert!(provenance.feed.contains(&community) && provenance.feed.contains("mekong"), "{provenance:?}");
    let police_viewer = store.user("police-analyst").expect("user").viewer();
    assert_eq!(store.shared_provenance(&police_viewer, report_id).expect("read"), None, "the holder's record");

    // Posted into the community's collection: its AMBER report is shared
    // with the community, so the police reads it there; not public.
    let shared = serde_json::to_string(&page_through(&address, &community, &police, 1000)).expect("json");
    assert!(shared.contains("wire-fee.example"), "the police reads what the bank posted: {shared}");
    assert_eq!(
        backend.json(&["lookup", "https://wire-fee.example/pay", "--json"])["reported"],
        false,
        "AMBER: not public"
    );

    // The same envelope again: success, nothing new (idempotent).
    let (status, answer) = request(&address, "POST", &objects_path, &bank, &[TAXII], &body);
    assert_eq!(status, 202, "{answer}");
    assert_eq!(serde_json::from_str::<Value>(&answer).expect("status")["success_count"], 3);
    let count = |backend: &Backend| {
        backend.json(&["--as", "bank-analyst", "reports", "list", "--json"]).as_array().map_or(0, Vec::len)
    };
    assert_eq!(count(&backend), before + 1);

    // A report naming an object the envelope lacks: refused whole, every
    // object a failure naming the culprit (index and id), nothing stored.
    let dangling = partner_envelope(
        "https://other-fee.example/pay",
        &["indicator--5d1c3f7e-8a7b-4c2d-9e1f-0a2b3c4d5e6f", "indicator--00000000-0000-4000-8000-000000000000"],
    );
    let (status, answer) = request(&address, "POST", &objects_path, &bank, &[TAXII], &dangling.to_string());
    assert_eq!(status, 202, "{answer}");
    let refused: Value = serde_json::from_str(&answer).expect("status");
    assert_eq!((refused["success_count"].as_u64(), refused["failure_count"].as_u64()), (Some(0), Some(3)), "{refused}");
    for failure in refused["failures"].as_array().expect("failures") {
        let message = failure["message"].as_str().expect("message");
        assert!(
            message.contains("objects[2]")
                && message.contains("report--7e6d5c4b")
                && message.contains("indicator--00000000"),
            "{message}"
        );
    }
    assert_eq!(count(&backend), before + 1, "nothing of the refused envelope stored");
    // Not an envelope, another collection, oversize.
    assert_eq!(request(&address, "POST", &objects_path, &bank, &[TAXII], "[1, 2]").0, 400);
    let police_own = collection_titled(&address, &police, "police");
    let foreign = format!("/taxii2/api/collections/{police_own}/objects/");
    assert_eq!(request(&address, "POST", &foreign, &bank, &[TAXII], &body).0, 404);
    assert_eq!(request(&address, "POST", &objects_path, "", &[TAXII], &body).0, 401);
    let huge = format!("{{\"objects\": [], \"pad\": \"{}\"}}", "x".repeat(17 << 20));
    assert_eq!(request(&address, "POST", &objects_path, &bank, &[TAXII], &huge).0, 413);
}

#[test]
fn sqlite_taxii_posts_import_whole_with_status() {
    taxii_posts_import_whole_with_status(Backend::sqlite());
}

#[test]
fn postgres_taxii_posts_import_whole_with_status() {
    if let Some(backend) = Backend::postgres() {
        taxii_posts_import_whole_with_status(backend);
    }
}

/// Named only by the police's CLEAR report (public once pulled).
const CLEAR_PHONE: &str = "+66 81 234 5678";
/// Named only by its GREEN report (never public).
const GREEN_PHONE: &str = "+66 89 765 4321";

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// `crackdown taxii pull` from our own server into another installation:
/// the outbound guard refuses loopback unless allowed; markings arrive
/// intact, RED never; the second pull resumes and imports nothing; a new
/// report naming an indicator pulled before arrives whole.
fn taxii_pull_between_installations(backend: Backend) {
    backend.run(&["org", "add", "police"]);
    backend.run(&["user", "add", "police-analyst", "--org", "police", "--role", "analyst"]);
    let reports = [
        serde_json::json!({"id": "C-1", "text": format!("The agent on {CLEAR_PHONE} said pay the release fee at https://release-fee.example/pay"), "tlp": "clear"}),
        serde_json::json!({"id": "G-1", "text": format!("Call {GREEN_PHONE} about the parcel fee at https://parcel-fee.example/claim"), "tlp": "green"}),
        serde_json::json!({"id": "A-1", "text": "Transfer the tax to https://tax-desk.example/form now", "tlp": "amber"}),
        serde_json::json!({"id": "R-1", "text": format!("They called from {RED_PHONE}, pay into https://red-only.example/pay"), "tlp": "red"}),
    ];
    let path = write_lines(&backend, "police.jsonl", &reports);
    backend.run(&["--as", "police-analyst", "import", "reports", &path]);
    let token = backend.token("police-analyst");
    let token_file = backend.path().join("token.txt");
    std::fs::write(&token_file, format!("{token}\n")).expect("token file");
    let (server, address) = serve(&backend);
    let _server = KillOnDrop(server);
    let own = collection_titled(&address, &token, "police");
    let url = format!("http://{address}/taxii2/api/");

    let partner = backend.fresh_like();
    let token_path = token_file.to_string_lossy().into_owned();
    let pull = |allow: bool| {
        let mut command = partner.cmd();
        if allow {
            command.args(["--webhook-allow-private", "127.0.0.0/8"]);
        }
        command
            .args(["taxii", "pull", &url, "--collection", &own, "--token-file", &token_path, "--json"])
            .output()
            .expect("run")
    };
    // The outbound guard: our own loopback server is refused unless the operator allows it.
    let refused = pull(false);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("loopback") && stderr.contains("nothing stored"), "{stderr}");

    let first = pull(true);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(String::from_utf8_lossy(&first.stderr).contains("taxii pull: page 1"), "progress on stderr");
    let first: Value = serde_json::from_slice(&first.stdout).expect("JSON summary");
    assert!(first["import"]["imported"].as_u64().is_some_and(|n| n >= 3), "{first}");
    assert!(first["resume_point"].is_string(), "{first}");
    let stored = partner.json(&["reports", "list", "--json"]);
    let stored = stored.as_array().expect("reports").clone();
    let markings: HashSet<&str> = stored.iter().filter_map(|report| report["tlp"].as_str()).collect();
    assert!(["clear", "green", "amber"].iter().all(|tlp| markings.contains(tlp)), "markings intact: {markings:?}");
    assert!(!markings.contains("red"), "{markings:?}");
    let everything = serde_json::to_string(&stored).expect("json");
    let red_digits = digits(RED_PHONE);
    for secret in [&red_digits[red_digits.len() - 7..], "red-only"] {
        assert!(!everything.contains(secret), "RED value {secret} arrived");
    }
    assert_eq!(partner.json(&["lookup", CLEAR_PHONE, "--json"])["reported"], true, "CLEAR: public there");
    assert_eq!(partner.json(&["lookup", GREEN_PHONE, "--json"])["reported"], false, "GREEN: not public");
    // Provenance names the server and the collection.
    let store = partner.store();
    let operator = store.operator(chrono::Utc::now()).expect("operator");
    let any_report = stored[0]["id"].as_i64().expect("id");
    let provenance = store.shared_provenance(&operator, any_report).expect("read").expect("provenance");
    assert!(provenance.feed.contains(&url) && provenance.feed.contains(&own), "{provenance:?}");
    assert_eq!(provenance.partner, address);

    // Again: resumes after the last object, nothing new.
    let second = pull(true);
    assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
    let second: Value = serde_json::from_slice(&second.stdout).expect("JSON summary");
    assert_eq!(second["resumed_from"], first["resume_point"], "{second}");
    assert_eq!((second["objects"].as_u64(), second["import"]["imported"].as_u64()), (Some(0), Some(0)), "{second}");
    assert_eq!(partner.json(&["reports", "list", "--json"]).as_array().map(Vec::len), Some(stored.len()));

    // A new report naming a link pulled before: its indicator is older than
    // the resume point, fetched by id, and the report arrives linked.
    let later = [
        serde_json::json!({"id": "G-2", "text": "Same desk again: https://parcel-fee.example/claim and +66 87 111 2233", "tlp": "green"}),
    ];
    let path = write_lines(&backend, "later.jsonl", &later);
    backend.run(&["--as", "police-analyst", "import", "reports", &path]);
    let third = pull(true);
    assert!(third.status.success(), "{}", String::from_utf8_lossy(&third.stderr));
    let third: Value = serde_json::from_slice(&third.stdout).expect("JSON summary");
    assert!(third["import"]["imported"].as_u64().is_some_and(|n| n >= 1), "{third}");
    assert!(third["referenced"].as_u64().is_some_and(|n| n >= 1), "the older indicator fetched by id: {third}");
    let after = partner.json(&["reports", "list", "--json"]);
    assert!(after.as_array().is_some_and(|reports| reports.len() > stored.len()));
    assert!(serde_json::to_string(&after).expect("json").contains("2233"), "the new phone arrived");
}

#[test]
fn sqlite_taxii_pull_between_installations() {
    taxii_pull_between_installations(Backend::sqlite());
}

#[test]
fn postgres_taxii_pull_between_installations() {
    if let Some(backend) = Backend::postgres() {
        taxii_pull_between_installations(backend);
    }
}

/// `crackdown taxii pull` from another TAXII 2.1 implementation: the OASIS
/// reference server medallion (memory backend, pages of two, HTTP Basic),
/// holding a phone SCO of our extension marked CLEAR, a url indicator
/// marked GREEN and the official TLP:CLEAR marking, posted to it first.
/// Skipped (loudly) when medallion is not installed, unless
/// `CRACKDOWN_REQUIRE_SHARE_REFERENCE=1` (scripts/test installs it).
#[test]
fn taxii_pull_from_the_oasis_reference_server() {
    let required = std::env::var_os("CRACKDOWN_REQUIRE_SHARE_REFERENCE").is_some_and(|value| value == "1");
    let present =
        Command::new("python3").args(["-c", "import medallion"]).status().is_ok_and(|status| status.success());
    if !present {
        assert!(!required, "medallion is required (CRACKDOWN_REQUIRE_SHARE_REFERENCE=1) but not installed");
        eprintln!("SKIPPED: medallion missing; scripts/test installs it");
        return;
    }
    let backend = Backend::sqlite();
    let collection = "5f1a2b3c-4d5e-4f60-8172-839405a6b7c8";
    let data = serde_json::json!({
        "/discovery": {"title": "medallion for crackdown's tests", "default": "/api1/", "api_roots": ["/api1/"]},
        "api1": {
            "information": {"title": "api1", "versions": ["application/taxii+json;version=2.1"], "max_content_length": 9_765_625},
            "status": [],
            "collections": [{"id": collection, "title": "partner feed", "can_read": true, "can_write": true,
                "media_types": ["application/stix+json;version=2.1"], "objects": [], "manifest": []}],
        },
    });
    let data_path = backend.path().join("medallion-data.json");
    std::fs::write(&data_path, data.to_string()).expect("data");
    let config = serde_json::json!({
        "backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
                    "filename": data_path.to_string_lossy()},
        "users": {"crackdown": "medallion-test-secret"},
        "taxii": {"max_page_size": 2},
    });
    let config_path = backend.path().join("medallion.json");
    std::fs::write(&config_path, config.to_string()).expect("config");
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").port();
    let launcher =
        "import sys\nfrom medallion.scripts.run import main\nsys.argv = ['medallion'] + sys.argv[1:]\nmain()";
    let server = Command::new("python3")
        .args(["-c", launcher, "--port", &port.to_string(), "--log-level", "ERROR", &config_path.to_string_lossy()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start medallion");
    let _server = KillOnDrop(server);
    let address = format!("127.0.0.1:{port}");
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(&address).is_err() {
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "medallion did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    const CLEAR: &str = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
    let phone = "+66 82 333 4455";
    let link = "https://medallion-lure.example/pay";
    let envelope = serde_json::json!({"objects": [
        crackdown_share::markings::marking_definition(crackdown_model::Tlp::Clear),
        {"type": "phone-number", "spec_version": "2.1", "id": "phone-number--2c9d7e51-6b0f-5a43-8e21-7f3a9c5d1b04",
         "value": "+66823334455", "object_marking_refs": [CLEAR],
         "extensions": {"extension-definition--3b1c2f0e-6a4d-4f8e-9c71-2d5e8a9b0c11": {"extension_type": "new-sco"}}},
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
         "created": "2024-04-01T09:00:00.000Z", "modified": "2024-04-01T09:00:00.000Z", "pattern_type": "stix",
         "pattern": format!("[url:value = '{link}']"), "valid_from": "2024-04-01T09:00:00.000Z",
         "indicator_types": ["malicious-activity"], "object_marking_refs": [GREEN]},
    ]});
    let basic = "Basic Y3JhY2tkb3duOm1lZGFsbGlvbi10ZXN0LXNlY3JldA==";
    let (status, answer) = raw_request(
        &address,
        "POST",
        &format!("/api1/collections/{collection}/objects/"),
        &[("Authorization", basic), ("Accept", "application/taxii+json;version=2.1"), TAXII],
        &envelope.to_string(),
    );
    assert_eq!(status, 202, "medallion took the envelope: {answer}");

    let password = backend.path().join("password.txt");
    std::fs::write(&password, "medallion-test-secret\n").expect("password");
    let url = format!("http://{address}/api1/");
    let pull = || {
        let output = backend
            .cmd()
            .args(["--webhook-allow-private", "127.0.0.0/8", "taxii", "pull", &url, "--collection", collection])
            .args([
                "--user",
                "crackdown",
                "--password-file",
                &password.to_string_lossy(),
                "--partner",
                "medallion",
                "--json",
            ])
            .output()
            .expect("run");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice::<Value>(&output.stdout).expect("JSON summary")
    };
    let first = pull();
    assert_eq!(first["objects"], 3, "{first}");
    assert!(first["pages"].as_u64().is_some_and(|pages| pages >= 2), "pages of two: {first}");
    assert_eq!(first["import"]["imported"], 2, "the phone and the link: {first}");
    let stored = backend.json(&["reports", "list", "--json"]);
    let mut markings: Vec<&str> =
        stored.as_array().expect("reports").iter().filter_map(|report| report["tlp"].as_str()).collect();
    markings.sort_unstable();
    assert_eq!(markings, ["clear", "green"], "{stored}");
    assert_eq!(backend.json(&["lookup", phone, "--json"])["reported"], true, "CLEAR phone: public");
    assert_eq!(backend.json(&["lookup", link, "--json"])["reported"], false, "GREEN link: not public");
    let second = pull();
    assert_eq!((second["objects"].as_u64(), second["import"]["imported"].as_u64()), (Some(0), Some(0)), "{second}");
}
