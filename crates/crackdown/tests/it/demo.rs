//! `crackdown generate` and `crackdown demo` through the real binary: the
//! case is deterministic, imports cleanly through the real import paths,
//! and the demo serves it.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::support::{Backend, address_in, http_get};

/// SHA-256 of every file under `dir`, by relative path.
fn digests(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read");
                let relative = path.strip_prefix(dir).expect("inside").to_string_lossy().into_owned();
                out.insert(relative, crackdown_model::hex(&Sha256::digest(bytes)));
            }
        }
    }
    out
}

#[test]
fn generate_is_deterministic_and_its_reports_import_cleanly() {
    let backend = Backend::sqlite();
    let small = ["--reports", "400", "--transactions", "20000"];
    let out = |name: &str, seed: &str| {
        let dir = backend.path().join(name);
        let mut args = vec!["generate", "--out", dir.to_str().expect("utf-8 path"), "--seed", seed, "--json"];
        args.extend(small);
        let summary = backend.json(&args);
        (dir, summary)
    };
    let (first, summary) = out("a", "7");
    let (second, _) = out("b", "7");
    let (third, _) = out("c", "8");
    assert_eq!(summary["reports"], 400);
    // The requested size, laundering completed, plus at most one opening balance per account.
    let transactions = summary["transactions"].as_u64().expect("transactions");
    let accounts = summary["accounts"].as_u64().expect("accounts");
    assert!(
        (20000 + accounts / 2..=20200 + accounts).contains(&transactions),
        "{transactions} rows for 20000 transactions and {accounts} accounts"
    );
    let first_digests = digests(&first);
    assert!(first_digests.contains_key("reports.jsonl") && first_digests.contains_key("ledger.csv"));
    assert_eq!(first_digests, digests(&second), "the same seed writes the same bytes");
    assert_ne!(first_digests.get("reports.jsonl"), digests(&third).get("reports.jsonl"), "another seed, another case");

    let reports = first.join("reports.jsonl");
    let imported = backend.json(&["import", "reports", reports.to_str().expect("utf-8"), "--json"]);
    assert_eq!(imported["rejected"], 0, "{imported}");
    let resubmissions = summary["resubmissions"].as_u64().expect("resubmissions");
    assert_eq!(imported["duplicates"].as_u64(), Some(resubmissions), "exact resubmissions are recognised");
    assert_eq!(imported["imported"].as_u64(), Some(400 - resubmissions));

    // The seized books and the forwarded evidence go through their own import paths, without a reject.
    let path = |name: &str| first.join(name).to_str().expect("utf-8").to_owned();
    let ledger = backend.json(&["ledger", "import", &path("ledger.csv"), "--json"]);
    assert_eq!((ledger["rejected"].as_u64(), ledger["duplicates"].as_u64()), (Some(0), Some(0)), "{ledger}");
    assert_eq!(ledger["imported"].as_u64(), Some(transactions));
    // Opening balances cover ordinary accounts (without them one row in ten overdrew): only
    // mules, whose books the generator follows lot by lot, can still overdraw.
    let negative = ledger["anomalies"]["negative_balance"].as_u64().expect("negative balances");
    assert!(negative * 20 < transactions, "{negative} negative balances in {transactions} rows");
    let accounts = backend.json(&["accounts", "import", &path("accounts.csv"), "--json"]);
    assert_eq!(accounts["rejected"], 0, "{accounts}");
    assert_eq!(accounts["stored"], summary["accounts"]);
    let emails = backend.json(&["import", "email", &path("emails"), "--json"]);
    assert_eq!((emails["rejected"].as_u64(), emails["imported"].as_u64()), (Some(0), summary["emails"].as_u64()));
    let mut chat_args = vec!["import".to_owned(), "chat".to_owned(), "--json".to_owned()];
    for entry in std::fs::read_dir(first.join("chats")).expect("chats") {
        chat_args.push(entry.expect("entry").path().to_str().expect("utf-8").to_owned());
    }
    let chat_args: Vec<&str> = chat_args.iter().map(String::as_str).collect();
    let chats = backend.json(&chat_args);
    assert_eq!(
        (chats["rejected"].as_u64(), chats["imported"].as_u64()),
        (Some(0), summary["chats"].as_u64()),
        "every export is its own report, Telegram folders included: {chats}"
    );
}

#[test]
fn demo_loads_the_case_once_and_serves_it_with_a_token_per_role() {
    let backend = Backend::sqlite();
    for start in 0..2 {
        let mut child = backend
            .process()
            .args(["demo", "--listen", "127.0.0.1:0"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut lines = Vec::new();
        let mut line = String::new();
        while stdout.read_line(&mut line).expect("read") > 0 {
            lines.push(std::mem::take(&mut line));
            if lines.last().is_some_and(|last| last.starts_with("try:")) {
                break;
            }
        }
        let ready = lines.iter().find(|line| line.contains("ready in")).expect("a ready line");
        let address = address_in(ready);
        let token_of = |user: &str| {
            lines
                .iter()
                .filter(|line| line.split_whitespace().next() == Some(user))
                .filter_map(|line| line.split_whitespace().last())
                .find(|word| word.starts_with("cdk_"))
                .unwrap_or_else(|| panic!("no token for {user} in {lines:?}"))
                .to_owned()
        };
        for role_user in ["admin", "analyst", "reporter", "partner"] {
            assert!(token_of(role_user).starts_with("cdk_"));
        }
        let listed = http_get(&address, "/api/v1/reports?limit=3", Some(&token_of("analyst")));
        assert!(listed.starts_with("HTTP/1.1 200"), "start {start}: {listed}");
        assert!(listed.contains("\"items\":[{"), "the analyst sees reports");
        if start == 0 {
            detained_workers_are_screened_by_the_analysts_team(&backend, &address, &token_of);
        }
        let killed =
            std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
        assert!(killed.success());
        assert!(child.wait().expect("wait").success());
    }
    let store = backend.store();
    let operator = store.operator(chrono::Utc::now()).expect("operator");
    let users = store.users(&operator).expect("users");
    assert_eq!(users.iter().filter(|user| user.name == "analyst").count(), 1, "the second start did not load again");
}

/// The demo's screening team (the analyst) holds the raid's detained
/// workers; the admin, on no team, sees none; a money handler's seized
/// identifiers link to the case's reports or ledger over the evidence API.
fn detained_workers_are_screened_by_the_analysts_team(
    backend: &Backend,
    address: &str,
    token_of: &dyn Fn(&str) -> String,
) {
    let people =
        crate::support::http(address, "GET", "/api/v1/screening/people?reason=demo%20check", &token_of("analyst"), "");
    assert_eq!(people.0, 200, "{people:?}");
    let listed: serde_json::Value = serde_json::from_str(&people.1).expect("JSON");
    assert_eq!(listed.as_array().map(Vec::len), Some(24), "{listed}");
    let admin =
        crate::support::http(address, "GET", "/api/v1/screening/people?reason=demo%20check", &token_of("admin"), "");
    assert_eq!(admin.1.trim(), "[]", "the admin is on no case team: {admin:?}");
    let truth = std::fs::read_to_string(backend.path().join("case/truth/detainees.csv")).expect("truth");
    let handler = truth
        .lines()
        .filter_map(|line| line.split(',').collect::<Vec<_>>().first().copied().zip(line.split(',').nth(1)))
        .find(|(_, role)| *role == "organiser_money_handler")
        .map(|(person, _)| person.to_owned())
        .expect("a money handler");
    let seized =
        std::fs::read_to_string(backend.path().join(format!("case/screening/seized/{handler}.csv"))).expect("seized");
    let path = format!("/api/v1/screening/people/{handler}/evidence?reason=demo%20evidence&name={handler}.csv");
    let (status, body) = crate::support::http(address, "POST", &path, &token_of("analyst"), &seized);
    assert_eq!(status, 200, "{body}");
    let report: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let linked = report["identifiers"].as_array().expect("identifiers").iter().any(|identifier| {
        identifier["reports"].as_array().is_some_and(|reports| !reports.is_empty())
            || identifier["transfers_in"].as_i64().is_some_and(|count| count > 0)
    });
    assert!(linked, "the money handler's seized identifiers link to nothing: {report}");
}
