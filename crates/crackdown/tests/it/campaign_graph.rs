//! `GET /api/v1/campaigns/{id}/graph` and `/api/v1/report-campaigns` on
//! SQLite and PostgreSQL: the network of a campaign holds exactly the
//! reports the caller may read and the values those name, so an indicator
//! reachable only through a RED report of another organisation never shows
//! up; the node limit is applied and said; the time line adds up.

use std::collections::BTreeSet;

use crate::support::{Backend, KillOnDrop, http, serve};

const PHONE_A: &str = "+66812345678";
const PHONE_B: &str = "+66897654321";
/// Named only by the RED report.
const PHONE_RED: &str = "+66855550101";

fn import(backend: &Backend, user: &str, name: &str, lines: &[serde_json::Value]) {
    let path = backend.path().join(name);
    let text: Vec<String> = lines.iter().map(serde_json::Value::to_string).collect();
    std::fs::write(&path, text.join("\n")).expect("write");
    backend.run(&["--as", user, "import", "reports", &path.to_string_lossy()]);
}

fn get(address: &str, path: &str, token: &str) -> (u16, serde_json::Value) {
    let (status, body) = http(address, "GET", path, token, "");
    (status, serde_json::from_str(&body).unwrap_or(serde_json::Value::Null))
}

fn nodes_of<'a>(graph: &'a serde_json::Value, kind: &str) -> Vec<&'a serde_json::Value> {
    graph["nodes"].as_array().expect("nodes").iter().filter(|node| node["kind"] == kind).collect()
}

fn normalized(graph: &serde_json::Value) -> BTreeSet<String> {
    nodes_of(graph, "indicator").iter().filter_map(|node| node["normalized"].as_str().map(str::to_owned)).collect()
}

fn external_ids(graph: &serde_json::Value) -> BTreeSet<String> {
    nodes_of(graph, "report").iter().filter_map(|node| node["external_id"].as_str().map(str::to_owned)).collect()
}

fn graph_obeys_access(backend: Backend) {
    for org in ["police", "bank"] {
        backend.run(&["org", "add", org]);
        backend.run(&["user", "add", &format!("{org}-analyst"), "--org", org, "--role", "analyst"]);
    }
    let story = "A man called saying he was from the customs office and that my parcel held drugs, \
                 I had to pay the fine at https://customs-fine.top/pay at once.";
    import(
        &backend,
        "police-analyst",
        "police.jsonl",
        &[
            serde_json::json!({"id": "P-1", "text": "Caller +66 81 234 5678 asked me for money, said my son was arrested.",
                "tlp": "clear", "loss_amount": "1500.50", "loss_currency": "THB", "reported_at": "2024-03-01T08:00:00Z"}),
            serde_json::json!({"id": "P-2", "text": "Someone on +66 89 765 4321 wanted gift cards for a prize I won last week.",
                "tlp": "clear", "loss_amount": "200", "loss_currency": "THB", "reported_at": "2024-03-02T08:00:00Z"}),
            // RED: it alone bridges P-1 and P-2, and alone names PHONE_RED.
            serde_json::json!({"id": "P-3", "text": "They used +66 81 234 5678 and later +66 89 765 4321, and +66 85 555 0101 too.",
                "tlp": "red", "loss_amount": "99", "loss_currency": "THB", "reported_at": "2024-03-02T09:00:00Z"}),
            serde_json::json!({"id": "P-4", "text": story, "tlp": "clear"}),
        ],
    );
    import(&backend, "bank-analyst", "bank.jsonl", &[serde_json::json!({"id": "B-1", "text": story, "tlp": "clear"})]);
    let token = |user: &str| {
        backend.json(&["token", "create", "--user", user, "--json"])["secret"].as_str().expect("secret").to_owned()
    };
    let (police, bank) = (token("police-analyst"), token("bank-analyst"));
    let police_list = backend.json(&["--as", "police-analyst", "campaigns", "list", "--json"]);
    let bridged = police_list
        .as_array()
        .and_then(|list| list.iter().find(|campaign| campaign["reports"].as_array().is_some_and(|r| r.len() == 3)))
        .expect("the police see the bridged campaign")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // The bank reads P-1 and P-2 but not the RED P-3 that bridges them: it
    // sees two single-report campaigns whose ids are neither the police's
    // nor a report id.
    let bank_list = backend.json(&["--as", "bank-analyst", "campaigns", "list", "--all", "--json"]);
    let bank_part = |external: &str| -> String {
        bank_list
            .as_array()
            .and_then(|list| list.iter().find(|campaign| campaign["reports"] == serde_json::json!([external])))
            .and_then(|campaign| campaign["id"].as_str())
            .unwrap_or_else(|| panic!("the bank sees {external} alone: {bank_list}"))
            .to_owned()
    };
    let (bank_p1, bank_p2) = (bank_part("P-1"), bank_part("P-2"));
    assert!(bank_p1 != bridged && bank_p2 != bridged && bank_p1 != bank_p2, "{bridged} {bank_p1} {bank_p2}");
    for id in [&bridged, &bank_p1, &bank_p2] {
        assert!(id.starts_with("cmp-") && id[4..].parse::<i64>().is_err(), "{id}");
    }
    let (server, address) = serve(&backend);
    let _server = KillOnDrop(server);

    // The police read all three: the RED report, its own phone and the
    // edges through it are there.
    let path = format!("/api/v1/campaigns/{bridged}/graph");
    let (status, graph) = get(&address, &path, &police);
    assert_eq!(status, 200, "{graph}");
    assert_eq!(graph["campaign"], bridged.as_str());
    assert!(graph["name"].as_str().is_some_and(|name| name.contains('+')), "named by its phone: {graph}");
    assert_eq!(external_ids(&graph), BTreeSet::from(["P-1", "P-2", "P-3"].map(str::to_owned)), "{graph}");
    let phones = normalized(&graph);
    assert!(phones.contains(PHONE_A) && phones.contains(PHONE_B) && phones.contains(PHONE_RED), "{graph}");
    let nodes = graph["nodes"].as_array().expect("nodes");
    let edges = graph["edges"].as_array().expect("edges");
    assert_eq!(graph["truncated"], false);
    assert_eq!(graph["total_nodes"].as_u64(), Some(nodes.len() as u64));
    assert_eq!(graph["total_edges"].as_u64(), Some(edges.len() as u64));
    let ids: BTreeSet<&str> = nodes.iter().filter_map(|node| node["id"].as_str()).collect();
    assert_eq!(ids.len(), nodes.len(), "node ids are unique");
    for edge in edges {
        let (source, target) = (edge["source"].as_str().expect("source"), edge["target"].as_str().expect("target"));
        assert!(ids.contains(source) && ids.contains(target), "edge {edge} joins nodes of the graph");
        assert!(edge["explanation"].as_str().is_some_and(|text| !text.is_empty()), "{edge}");
    }
    let red_phone = nodes.iter().find(|node| node["normalized"] == PHONE_RED).expect("red phone");
    assert_eq!((red_phone["type"].as_str(), red_phone["reports"].as_u64()), (Some("phone"), Some(1)));
    let shared = nodes.iter().find(|node| node["normalized"] == PHONE_A).expect("phone a");
    assert_eq!(
        (shared["reports"].as_u64(), shared["role"].as_str(), &shared["hub"]),
        (Some(2), Some("links"), &false.into())
    );
    let timeline = graph["timeline"].as_array().expect("timeline");
    let days: Vec<(&str, u64, &str)> = timeline
        .iter()
        .map(|day| {
            (
                day["day"].as_str().expect("day"),
                day["reports"].as_u64().expect("n"),
                day["loss"]["THB"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(days, vec![("2024-03-01", 1, "1500.50"), ("2024-03-02", 2, "299.00")], "{graph}");

    // The police's campaign is not the bank's to see; its own part holding
    // P-1 gives it P-1 alone with its phone — neither P-3, nor P-2, nor the
    // phone only P-3 names.
    assert_eq!(get(&address, &path, &bank).0, 404);
    let (status, graph) = get(&address, &format!("/api/v1/campaigns/{bank_p1}/graph"), &bank);
    assert_eq!(status, 200, "{graph}");
    assert_eq!(graph["campaign"], bank_p1.as_str());
    assert_eq!(external_ids(&graph), BTreeSet::from(["P-1".to_owned()]), "{graph}");
    assert_eq!(normalized(&graph), BTreeSet::from([PHONE_A.to_owned()]), "{graph}");
    assert_eq!((graph["total_nodes"].as_u64(), graph["edges"].as_array().map(Vec::len)), (Some(2), Some(1)));
    let text = graph.to_string();
    assert!(!text.contains(PHONE_RED) && !text.contains("P-3") && !text.contains(PHONE_B), "{text}");
    let days = graph["timeline"].as_array().expect("timeline");
    assert_eq!(days.len(), 1, "the time line counts only readable reports: {graph}");
    // Ids that are no campaign of this installation are unknown, not errors.
    for junk in ["1", "cmp-0000000000000000000000000a", "cmp-x"] {
        assert_eq!(get(&address, &format!("/api/v1/campaigns/{junk}/graph"), &police).0, 404, "{junk}");
    }

    // A near-duplicate text across organisations is an explained edge.
    let resubmitted = police_list
        .as_array()
        .and_then(|list| {
            list.iter().find(|campaign| campaign["reports"].as_array().is_some_and(|r| r.contains(&"B-1".into())))
        })
        .expect("the resubmission's campaign")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    for token in [&police, &bank] {
        let (status, graph) = get(&address, &format!("/api/v1/campaigns/{resubmitted}/graph"), token);
        assert_eq!(status, 200, "{graph}");
        let near: Vec<&serde_json::Value> = graph["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .filter(|edge| edge["kind"] == "near_duplicate_text")
            .collect();
        assert_eq!(near.len(), 1, "{graph}");
        assert_eq!(near[0]["weight"].as_f64(), Some(1.0));
        assert!(near[0]["explanation"].as_str().is_some_and(|text| text.contains("near-duplicate")), "{graph}");
    }

    // The node limit: reports in order of arrival with their values, and
    // the answer says what it left out.
    let (status, small) = get(&address, &format!("{path}?limit=4"), &police);
    assert_eq!(status, 200, "{small}");
    assert_eq!(small["truncated"], true);
    assert_eq!(small["limit"], 4);
    assert_eq!(external_ids(&small), BTreeSet::from(["P-1".to_owned(), "P-2".to_owned()]), "{small}");
    assert_eq!(small["nodes"].as_array().map(Vec::len), Some(4));
    assert_eq!(small["timeline"], graph_timeline(&address, &path, &police), "the time line is whole");
    let (_, huge) = get(&address, &format!("{path}?limit=999999999"), &police);
    assert_eq!(huge["limit"], 10_000);
    assert_eq!(http(&address, "GET", &format!("{path}?limit=lots"), &police, "").0, 400);
    assert_eq!(http(&address, "GET", &path, "", "").0, 401);

    // Report → campaign for the report page and triage, per viewer.
    let report_ids: Vec<String> = ["P-1", "P-2", "P-3"]
        .iter()
        .map(|external| {
            nodes.iter().find(|node| node["external_id"] == *external).expect("node")["report_id"].to_string()
        })
        .collect();
    let query = format!("/api/v1/report-campaigns?ids={}", report_ids.join(","));
    let (status, answer) = get(&address, &query, &police);
    assert_eq!(status, 200, "{answer}");
    let expected: serde_json::Map<String, serde_json::Value> =
        report_ids.iter().map(|id| (id.clone(), bridged.clone().into())).collect();
    assert_eq!(answer["campaigns"], serde_json::Value::Object(expected));
    let (status, answer) = get(&address, &query, &bank);
    assert_eq!((status, answer["campaigns"].clone()), (200, serde_json::json!({})), "alone, P-1 is no campaign");
    assert_eq!(http(&address, "GET", "/api/v1/report-campaigns?ids=1,x", &police, "").0, 400);
}

fn graph_timeline(address: &str, path: &str, token: &str) -> serde_json::Value {
    get(address, path, token).1["timeline"].clone()
}

#[test]
fn sqlite_graph_obeys_access() {
    graph_obeys_access(Backend::sqlite());
}

#[test]
fn postgres_graph_obeys_access() {
    if let Some(backend) = Backend::postgres() {
        graph_obeys_access(backend);
    }
}
