//! Search and pivot (`crackdown search`, `GET /api/v1/search`) on SQLite and
//! PostgreSQL: a value in any spelling finds the reports, campaigns, ledger
//! rows and watch entries the caller may read, and nothing else.

use crate::support::{Backend, KillOnDrop, http, serve};

const WALLET: &str = "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE";

fn search_finds_what_the_caller_may_read(backend: Backend) {
    for org in ["police", "bank"] {
        backend.run(&["org", "add", org]);
        backend.run(&["user", "add", &format!("{org}-analyst"), "--org", org, "--role", "analyst"]);
    }
    let lines = [
        serde_json::json!({"id": "P-1", "text": format!("The agent on +66 81 234 5678 said to pay {WALLET}."), "tlp": "clear"}),
        serde_json::json!({"id": "P-2", "text": format!("Mentor Lisa gave me 081-234-5678 and the wallet {WALLET}."), "tlp": "green", "country": "TH"}),
        serde_json::json!({"id": "P-3", "text": "Only here: +66 85 555 0101, the boss's line.", "tlp": "red"}),
    ];
    let path = backend.path().join("reports.jsonl");
    std::fs::write(&path, lines.iter().map(serde_json::Value::to_string).collect::<Vec<_>>().join("\n"))
        .expect("write");
    backend.run(&["--as", "police-analyst", "import", "reports", &path.to_string_lossy()]);
    let ledger = backend.path().join("ledger.csv");
    std::fs::write(
        &ledger,
        format!(
            "tx_id,timestamp,from_account,to_account,amount,currency,channel\n\
             TX-77,2024-01-05T10:00:00Z,VICTIM-ACCOUNT-1,{WALLET},300.00,USDT,crypto\n"
        ),
    )
    .expect("ledger");
    backend.run(&["--as", "police-analyst", "ledger", "import", &ledger.to_string_lossy()]);
    backend.run(&["--as", "police-analyst", "watchlists", "add", "exact", "+66812345678", "--label", "the agent"]);

    // The same phone written the national way, in the reports' country.
    let found = backend.json(&["--as", "police-analyst", "search", "081 234 5678", "--country", "TH", "--json"]);
    assert_eq!(found["normalized"], "+66812345678", "{found}");
    let externals = |answer: &serde_json::Value| -> Vec<String> {
        let mut ids: Vec<String> = answer["reports"]
            .as_array()
            .expect("reports")
            .iter()
            .filter_map(|report| report["external_id"].as_str().map(str::to_owned))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(externals(&found), ["P-1", "P-2"], "{found}");
    assert_eq!(found["campaigns"].as_array().map(Vec::len), Some(1), "{found}");
    assert!(found["campaigns"][0]["id"].as_str().is_some_and(|id| id.starts_with("cmp-")));
    assert_eq!(found["watch_entries"][0]["label"], "the agent", "{found}");

    // A wallet: its reports and the account of the ledger it received into.
    let wallet = backend.json(&["--as", "police-analyst", "search", WALLET, "--json"]);
    assert_eq!(externals(&wallet), ["P-1", "P-2"]);
    assert_eq!(wallet["accounts"][0]["transfers_in"], 1, "{wallet}");
    let transfer = backend.json(&["--as", "police-analyst", "search", "TX-77", "--json"]);
    assert_eq!(transfer["transfers"][0]["to_account"], WALLET, "{transfer}");
    // Words that are no indicator are searched in the texts.
    let words = backend.json(&["--as", "police-analyst", "search", "mentor lisa", "--json"]);
    assert_eq!(externals(&words), ["P-2"]);

    // The bank reads the CLEAR report only: not the GREEN one of another
    // community, not the RED one, not the police's ledger or watchlist.
    let bank = backend.json(&["--as", "bank-analyst", "search", "+66 81 234 5678", "--json"]);
    assert_eq!(externals(&bank), ["P-1"], "{bank}");
    assert_eq!(bank["campaigns"], serde_json::json!([]), "alone, P-1 is no campaign for the bank");
    assert_eq!(bank["watch_entries"], serde_json::json!([]));
    let bank_wallet = backend.json(&["--as", "bank-analyst", "search", WALLET, "--json"]);
    assert_eq!(bank_wallet["accounts"], serde_json::json!([]), "{bank_wallet}");
    let red = backend.json(&["--as", "bank-analyst", "search", "+66 85 555 0101", "--json"]);
    assert_eq!(red["reports"], serde_json::json!([]), "{red}");
    let text = red.to_string();
    assert!(!text.contains("boss") && !text.contains("P-3"), "{text}");

    // The API answers as the CLI does.
    let (police, bank_token) = (backend.token("police-analyst"), backend.token("bank-analyst"));
    let (server, address) = serve(&backend);
    let _server = KillOnDrop(server);
    let (status, body) = http(&address, "GET", "/api/v1/search?q=081%20234%205678&country=TH", &police, "");
    assert_eq!(status, 200, "{body}");
    let over_api: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(externals(&over_api), ["P-1", "P-2"]);
    let (status, body) = http(&address, "GET", "/api/v1/search?q=%2B66855550101", &bank_token, "");
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("P-3"));
    assert_eq!(http(&address, "GET", "/api/v1/search?q=", &police, "").0, 400);
    assert_eq!(http(&address, "GET", "/api/v1/search?q=x", "", "").0, 401);
}

#[test]
fn sqlite_search_finds_what_the_caller_may_read() {
    search_finds_what_the_caller_may_read(Backend::sqlite());
}

#[test]
fn postgres_search_finds_what_the_caller_may_read() {
    if let Some(backend) = Backend::postgres() {
        search_finds_what_the_caller_may_read(backend);
    }
}
