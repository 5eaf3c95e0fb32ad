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
        assert_eq!((collection["can_read"].as_bool(), collection["can_write"].as_bool()), (Some(true), Some(false)));
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
