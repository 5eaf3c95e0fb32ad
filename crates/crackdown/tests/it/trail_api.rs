//! The money trail over HTTP on both backends: victim payments found through
//! the reports the caller may read, traces equal to `crackdown trace`'s JSON,
//! rules that differ, the mule list, the freeze list as JSON and CSV, a
//! cached ledger reloaded after an import, stored typology hits with their
//! transactions, and who gets 401/403/404.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use crackdown_server::AppState;
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::Backend;

/// The mule account, an IBAN that the police report names.
const MULE: &str = "GB82WEST12345698765432";

const LEDGER: &str = "tx_id,timestamp,from_account,to_account,amount,currency,channel
t1,2024-01-01T09:00:00Z,B1,GB82WEST12345698765432,100.00,THB,wire
t2,2024-01-02T09:00:00Z,V1,GB82WEST12345698765432,500.00,THB,p2p
t3,2024-01-02T10:00:00Z,GB82WEST12345698765432,EXCH1,100.00,THB,crypto
t4,2024-01-02T11:00:00Z,GB82WEST12345698765432,M2,300.00,THB,p2p
t5,2024-01-02T12:00:00Z,GB82WEST12345698765432,CASH1,200.00,THB,cash
t6,2024-01-02T13:00:00Z,V2,DE89370400440532013000,50.00,THB,p2p
";

/// A later import: M2 withdraws what it held.
const MORE: &str = "tx_id,timestamp,from_account,to_account,amount,currency,channel
t7,2024-01-03T09:00:00Z,M2,CASH1,300.00,THB,cash
";

const ACCOUNTS: &str = "account,country,kind
B1,TH,employer
EXCH1,,exchange
CASH1,TH,cash
GB82WEST12345698765432,GB,person
";

struct Case {
    backend: Backend,
    app: axum::Router,
    tokens: std::collections::HashMap<&'static str, String>,
}

impl Case {
    fn new(backend: Backend) -> Case {
        let dir = backend.path().to_owned();
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).expect("write fixture");
            path.to_string_lossy().into_owned()
        };
        backend.run(&["org", "add", "police"]);
        backend.run(&["org", "add", "abroad"]);
        for (user, org, role) in
            [("ana", "police", "analyst"), ("rob", "police", "reporter"), ("eve", "abroad", "analyst")]
        {
            backend.run(&["user", "add", user, "--org", org, "--role", role]);
        }
        let police = write(
            "police.jsonl",
            r#"{"id": "p1", "text": "I paid 500 baht to the agent's account GB82 WEST 1234 5698 7654 32 and he vanished.", "tlp": "amber"}"#,
        );
        backend.run(&["--as", "ana", "import", "reports", &police]);
        // A report the police cannot read names the other collection account.
        let abroad = write(
            "abroad.jsonl",
            r#"{"id": "a1", "text": "Paid the deposit to IBAN DE89 3704 0044 0532 0130 00.", "tlp": "amber"}"#,
        );
        backend.run(&["--as", "eve", "import", "reports", &abroad]);
        backend.run(&["--as", "ana", "accounts", "import", &write("accounts.csv", ACCOUNTS)]);
        backend.run(&["--as", "ana", "ledger", "import", &write("ledger.csv", LEDGER)]);
        let store = std::sync::Arc::new(backend.store());
        let operator = store.operator(Utc::now()).expect("operator");
        let mut tokens = std::collections::HashMap::new();
        for user in ["ana", "rob", "eve"] {
            tokens.insert(user, store.create_token(&operator, user, "test", Utc::now()).expect("token").secret);
        }
        Case { app: crackdown_server::router(AppState::new(store)), tokens, backend }
    }

    async fn get(&self, user: Option<&str>, uri: &str) -> (StatusCode, Option<String>, String) {
        let mut request = Request::builder().uri(uri);
        if let Some(user) = user {
            request = request.header("authorization", format!("Bearer {}", self.tokens[user]));
        }
        let response = self.app.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("response");
        let status = response.status();
        let disposition =
            response.headers().get("content-disposition").and_then(|value| value.to_str().ok()).map(str::to_owned);
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        (status, disposition, String::from_utf8(bytes.to_vec()).expect("UTF-8 body"))
    }

    async fn json(&self, uri: &str) -> serde_json::Value {
        let (status, _, body) = self.get(Some("ana"), uri).await;
        assert_eq!(status, StatusCode::OK, "GET {uri}: {body}");
        serde_json::from_str(&body).expect("JSON body")
    }
}

/// Endpoint account -> amount of a trace.
fn endpoints(trace: &serde_json::Value) -> std::collections::BTreeMap<String, String> {
    trace["endpoints"]
        .as_array()
        .expect("endpoints")
        .iter()
        .map(|endpoint| {
            (
                endpoint["account"].as_str().expect("account").to_owned(),
                endpoint["amount"].as_str().expect("amount").to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    list.iter().map(|(account, amount)| ((*account).to_owned(), (*amount).to_owned())).collect()
}

/// Sets the case up outside the runtime (the synchronous PostgreSQL client
/// must not be opened on a runtime thread), then checks it on one.
fn money_trail(backend: Backend) {
    let case = Case::new(backend);
    // What a server warms at start: the one organisation with a ledger, as one of its case workers.
    let store = case.backend.store();
    let workers = store.ledger_case_workers().expect("case workers");
    assert_eq!(workers.iter().map(|viewer| viewer.user_name.as_str()).collect::<Vec<_>>(), ["ana"]);
    assert_eq!(crackdown_engine::trail::LedgerCache::new().warm(&store).expect("warm"), 1);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(check(&case));
}

async fn check(case: &Case) {
    // Only the payment into the account the police's own report names.
    let payments = case.json("/api/v1/trail/victim-payments").await;
    let list = payments.as_array().expect("list");
    assert_eq!(list.len(), 1, "{payments}");
    assert_eq!(list[0]["tx_id"], "t2");
    assert_eq!(list[0]["victim"], "V1");
    assert_eq!(list[0]["account"], MULE);
    assert_eq!((list[0]["amount"].as_str(), list[0]["currency"].as_str()), (Some("500.00"), Some("THB")));
    assert_eq!(list[0]["timestamp"], "2024-01-02T09:00:00Z");
    assert_eq!(list[0]["reports"].as_array().map(Vec::len), Some(1));

    // The API's trace is the CLI's, byte for byte as JSON values.
    let fifo = case.json("/api/v1/trail/trace?tx=t2&rule=fifo&horizon=90d").await;
    let cli: serde_json::Value = case.backend.json(&[
        "--as",
        "ana",
        "trace",
        "--tx",
        "t2",
        "--rule",
        "fifo",
        "--horizon",
        "90d",
        "--format",
        "json",
    ]);
    assert_eq!(fifo, cli);
    assert_eq!(endpoints(&fifo), pairs(&[("CASH1", "200.00"), ("M2", "300.00")]));
    let lifo = case.json("/api/v1/trail/trace?tx=t2&rule=lifo").await;
    assert_eq!(endpoints(&lifo), pairs(&[("CASH1", "100.00"), ("EXCH1", "100.00"), ("M2", "300.00")]));
    let cli: serde_json::Value = case.backend.json(&["--as", "ana", "trace", "--tx", "t2", "--rule", "lifo"]);
    assert_eq!(lifo, cli);

    let (status, _, body) = case.get(Some("ana"), "/api/v1/trail/trace?tx=nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _, body) = case.get(Some("ana"), "/api/v1/trail/trace?tx=t2&rule=fair").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("rule"), "{body}");
    let (status, _, _) = case.get(Some("ana"), "/api/v1/trail/trace?tx=t2&horizon=soon").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let mules = case.json("/api/v1/trail/mules?limit=3").await;
    let mules = mules.as_array().expect("mules");
    assert_eq!(mules.len(), 3);
    assert!(mules.windows(2).all(|pair| pair[0]["score"].as_f64() >= pair[1]["score"].as_f64()));
    assert!(mules.iter().all(|mule| mule["evidence"].as_array().is_some_and(|lines| !lines.is_empty())));
    let all = case.json("/api/v1/trail/mules?limit=100000").await;
    assert_eq!(all.as_array().map(Vec::len), Some(8), "every account of the ledger, the limit capped");

    let freeze = case.json("/api/v1/trail/freeze-list").await;
    let rows: Vec<(&str, &str)> = freeze
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| (row["account"].as_str().unwrap_or(""), row["amount"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(rows, [("M2", "300.00"), ("CASH1", "200.00")]);
    // What can be done about each row comes from the ledger's account kinds,
    // with the traced payments behind it.
    let groups: Vec<(&str, &str, Vec<&str>)> = freeze
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            let payments = row["payment_ids"].as_array().map(|ids| ids.iter().filter_map(|id| id.as_str()).collect());
            (
                row["account"].as_str().unwrap_or(""),
                row["recovery"].as_str().unwrap_or(""),
                payments.unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(groups, [("M2", "freeze", vec!["t2"]), ("CASH1", "cash_out", vec!["t2"])]);
    let cash = case.json("/api/v1/trail/freeze-list?recovery=cash_out").await;
    assert_eq!(
        cash.as_array().map(|rows| rows.iter().map(|row| row["account"].clone()).collect::<Vec<_>>()),
        Some(vec!["CASH1".into()])
    );
    let (status, disposition, only_freeze) =
        case.get(Some("ana"), "/api/v1/trail/freeze-list?format=csv&rule=fifo&recovery=freeze").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(disposition.as_deref(), Some("attachment; filename=\"freeze-list-fifo-freeze.csv\""));
    assert!(only_freeze.contains("M2,") && !only_freeze.contains("CASH1"), "{only_freeze}");
    let (status, _, body) = case.get(Some("ana"), "/api/v1/trail/freeze-list?recovery=atm").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("recovery"), "{body}");
    let (status, disposition, csv) = case.get(Some("ana"), "/api/v1/trail/freeze-list?format=csv&rule=lifo").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(disposition.as_deref(), Some("attachment; filename=\"freeze-list-lifo.csv\""));
    let cli = case.backend.run(&[
        "--as",
        "ana",
        "freeze-list",
        "--tx-file",
        &{
            let path = case.backend.path().join("payments.txt");
            std::fs::write(&path, "t2\n").expect("write");
            path.to_string_lossy().into_owned()
        },
        "--rule",
        "lifo",
        "--format",
        "csv",
    ]);
    assert_eq!(csv, cli, "the download is the CLI's freeze list");
    let (status, _, _) = case.get(Some("ana"), "/api/v1/trail/freeze-list?format=xml").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // An import changes the ledger: the cached copy is replaced.
    let more = case.backend.path().join("more.csv");
    std::fs::write(&more, MORE).expect("write");
    case.backend.run(&["--as", "ana", "ledger", "import", &more.to_string_lossy()]);
    let fifo = case.json("/api/v1/trail/trace?tx=t2&rule=fifo").await;
    assert_eq!(endpoints(&fifo), pairs(&[("CASH1", "500.00")]));

    // Access: no token 401, a reporter 403, another organisation's analyst 404 (no ledger of theirs).
    for path in [
        "/api/v1/trail/victim-payments",
        "/api/v1/trail/trace?tx=t2",
        "/api/v1/trail/mules",
        "/api/v1/trail/freeze-list",
    ] {
        assert_eq!(case.get(None, path).await.0, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(case.get(Some("rob"), path).await.0, StatusCode::FORBIDDEN, "{path}");
        let (status, _, body) = case.get(Some("eve"), path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert!(!body.contains(MULE) && !body.contains("t2\""), "{path} leaks: {body}");
    }
}

/// A temporal cycle A→B→C→A and structuring K→T, added to the case's ledger.
const PATTERNS: &str = "tx_id,timestamp,from_account,to_account,amount,currency,channel
p1,2024-02-01T00:00:00Z,V,A,1000.00,USD,wire
p2,2024-02-01T02:00:00Z,A,B,950.00,USD,wire
p3,2024-02-01T04:00:00Z,B,C,900.00,USD,wire
p4,2024-02-01T06:00:00Z,C,A,850.00,USD,wire
k1,2024-02-03T00:00:00Z,K,T,9500.00,USD,wire
k2,2024-02-04T00:00:00Z,K,T,9900.00,USD,wire
k3,2024-02-05T00:00:00Z,K,T,9000.00,USD,wire
";

fn typologies(backend: Backend) {
    let case = Case::new(backend);
    let patterns = case.backend.path().join("patterns.csv");
    std::fs::write(&patterns, PATTERNS).expect("write");
    case.backend.run(&["--as", "ana", "ledger", "import", &patterns.to_string_lossy()]);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    // Nothing is listed before a run stored hits.
    let before = runtime.block_on(case.json("/api/v1/trail/typologies"));
    assert_eq!(before, serde_json::json!([]));
    case.backend.run(&["--as", "ana", "typologies", "--store"]);
    runtime.block_on(check_typologies(&case));
}

async fn check_typologies(case: &Case) {
    let stored: serde_json::Value = case.backend.json(&["--as", "ana", "typologies", "--stored", "--json"]);
    let all = case.json("/api/v1/trail/typologies?limit=1000").await;
    let all = all.as_array().expect("hits");
    assert_eq!(all.len(), stored.as_array().map_or(0, Vec::len), "every stored hit: {stored}");
    for (hit, cli) in all.iter().zip(stored.as_array().into_iter().flatten()) {
        let ids: Vec<&serde_json::Value> =
            hit["transactions"].as_array().expect("transactions").iter().map(|t| &t["tx_id"]).collect();
        let cli_ids: Vec<&serde_json::Value> = cli["tx_ids"].as_array().expect("tx ids").iter().collect();
        assert_eq!((&hit["id"], &hit["kind"], ids), (&cli["id"], &cli["kind"], cli_ids), "the CLI's stored hit");
    }

    let cycles = case.json("/api/v1/trail/typologies?kind=cycle").await;
    let cycles = cycles.as_array().expect("hits");
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert_eq!(cycles[0]["account"], "A");
    assert_eq!(cycles[0]["accounts"], serde_json::json!(["A", "B", "C"]));
    assert_eq!(cycles[0]["window_start"], "2024-02-01T02:00:00Z");
    assert_eq!(
        cycles[0]["transactions"][0],
        serde_json::json!({"tx_id": "p2", "timestamp": "2024-02-01T02:00:00Z", "from": "A", "to": "B",
                           "amount": "950.00", "currency": "USD", "channel": "wire"})
    );
    let ids: Vec<&str> = cycles[0]["transactions"]
        .as_array()
        .expect("transactions")
        .iter()
        .filter_map(|t| t["tx_id"].as_str())
        .collect();
    assert_eq!(ids, ["p2", "p3", "p4"]);

    // An account filter finds hits the account takes part in, not only those centred on it.
    let with_b = case.json("/api/v1/trail/typologies?account=B").await;
    let with_b = with_b.as_array().expect("hits");
    assert!(with_b.iter().any(|hit| hit["kind"] == "cycle" && hit["account"] == "A"), "{with_b:?}");
    assert!(with_b.iter().all(|hit| hit["accounts"].as_array().is_some_and(|accounts| accounts.contains(&"B".into()))));
    let structuring = case.json("/api/v1/trail/typologies?kind=structuring&account=K").await;
    assert_eq!(structuring.as_array().map(Vec::len), Some(1), "{structuring}");
    assert_eq!(case.json("/api/v1/trail/typologies?account=nobody").await, serde_json::json!([]));
    assert_eq!(case.json("/api/v1/trail/typologies?limit=1").await.as_array().map(Vec::len), Some(1));
    let (status, _, body) = case.get(Some("ana"), "/api/v1/trail/typologies?kind=smurfing").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("fan_in"), "{body}");

    // Access: no token 401, a reporter 403, another organisation's analyst sees none of them.
    let path = "/api/v1/trail/typologies";
    assert_eq!(case.get(None, path).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(case.get(Some("rob"), path).await.0, StatusCode::FORBIDDEN);
    let (status, _, body) = case.get(Some("eve"), path).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "[]"));
}

#[test]
fn typologies_api_on_sqlite() {
    typologies(Backend::sqlite());
}

#[test]
fn typologies_api_on_postgres() {
    if let Some(backend) = Backend::postgres() {
        typologies(backend);
    }
}

#[test]
fn money_trail_api_on_sqlite() {
    money_trail(Backend::sqlite());
}

#[test]
fn money_trail_api_on_postgres() {
    if let Some(backend) = Backend::postgres() {
        money_trail(backend);
    }
}
