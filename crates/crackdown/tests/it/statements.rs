//! `ledger import` of bank statements and explorer exports: a folder mixing
//! every format — MT940, MT942, camt.052/053/054, Etherscan, Tronscan, a CSV
//! and an XLSX statement each with its mapping beside it, and a native
//! ledger — imports into one ledger, both banks' views of one transfer
//! merge, a rerun stores nothing, every statement row keeps its provenance,
//! and the analysis commands run on the result. A mapping saved by name
//! reads the next production of the same bank.

use std::path::{Path, PathBuf};

use crate::support::Backend;

fn data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crackdown-statements/tests/data").join(relative)
}

/// The case folder: the self-made two-sided pair (Commerzbank's MT940 of the
/// payer, ABN AMRO's camt.053 of the payee), an Etherscan token export, one
/// sample of every other format (spreadsheets with their mapping beside
/// them), and a native ledger of where the payee's money went next, in a
/// subfolder.
fn case_folder(root: &Path) -> PathBuf {
    let folder = root.join("production-orders");
    let native = folder.join("seized");
    std::fs::create_dir_all(&native).expect("folders");
    for (source, name) in [
        ("two-sided/selfmade/payer-commerzbank.sta", "payer-commerzbank.sta"),
        ("two-sided/selfmade/payee-abnamro.xml", "payee-abnamro.xml"),
        ("etherscan/selfmade/export-tokentxns.csv", "export-tokentxns.csv"),
        ("mt942/mbank/mt942.sta", "interim-mbank.sta"),
        ("camt052/genkgo/camt052.v6.xml", "intraday-report.xml"),
        ("camt054/genkgo/camt054.v8.xml", "notification.xml"),
        ("tronscan/selfmade/transfers.csv", "tronscan-transfers.csv"),
        ("csv/selfmade/kontoauszug.csv", "kontoauszug.csv"),
        ("csv/selfmade/kontoauszug.profile.toml", "kontoauszug.profile.toml"),
        ("xlsx/selfmade/exchange.xlsx", "exchange.xlsx"),
        ("xlsx/selfmade/exchange.profile.toml", "exchange.profile.toml"),
    ] {
        std::fs::copy(data(source), folder.join(name)).expect("copy sample");
    }
    std::fs::write(
        native.join("ledger.csv"),
        "tx_id,timestamp,from_account,to_account,amount,currency,channel\n\
         N1,2024-01-05T10:00:00Z,GB29NWBK60161331926819,MULE-ACCOUNT-1,300.00,EUR,wire\n\
         N2,2024-01-06T10:00:00Z,MULE-ACCOUNT-1,CASH-OUT-1,290.00,EUR,cash\n",
    )
    .expect("native ledger");
    folder
}

/// Runs `ledger import PATH --json`: the exit code and the summary.
fn import(backend: &Backend, path: &str) -> (Option<i32>, serde_json::Value) {
    let output = backend.cmd().args(["ledger", "import", path, "--json"]).output().expect("run crackdown");
    (output.status.code(), serde_json::from_slice(&output.stdout).expect("JSON summary"))
}

/// The Etherscan sample holds one transfer of a look-alike USDT contract and
/// the Tronscan sample one failed transaction: the readers refuse both, so
/// the import reports exactly those and exits 1.
fn only_the_look_alike_token_and_the_failed_transaction_are_rejected(code: Option<i32>, summary: &serde_json::Value) {
    assert_eq!(code, Some(1), "{summary}");
    assert_eq!(summary["rejected"].as_u64(), Some(2), "{summary}");
    let errors = summary["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 2, "{summary}");
    assert_eq!(
        (&errors[0]["file"], &errors[0]["line"], &errors[0]["field"]),
        (&"export-tokentxns.csv".into(), &4.into(), &"contract".into())
    );
    assert!(errors[0]["reason"].as_str().is_some_and(|reason| reason.contains("look-alike")), "{summary}");
    assert_eq!(
        (&errors[1]["file"], &errors[1]["line"], &errors[1]["field"]),
        (&"tronscan-transfers.csv".into(), &4.into(), &"status".into())
    );
}

fn statements_import(backend: &Backend) {
    let work = tempfile::tempdir().expect("temp dir");
    let folder = case_folder(work.path());
    let folder_arg = folder.to_string_lossy().into_owned();
    let (code, summary) = import(backend, &folder_arg);
    for key in ["imported", "duplicates", "merged", "rejected", "statements", "errors"] {
        assert!(!summary[key].is_null(), "{key} missing from {summary}");
    }
    only_the_look_alike_token_and_the_failed_transaction_are_rejected(code, &summary);
    assert!(summary["merged"].as_u64().is_some_and(|merged| merged >= 1), "the two-sided pair merges: {summary}");
    let statements = summary["statements"].as_array().expect("statements");
    let files: Vec<&str> = statements.iter().filter_map(|statement| statement["file"].as_str()).collect();
    for file in [
        "payer-commerzbank.sta",
        "payee-abnamro.xml",
        "export-tokentxns.csv",
        "interim-mbank.sta",
        "intraday-report.xml",
        "notification.xml",
        "tronscan-transfers.csv",
        "kontoauszug.csv",
        "exchange.xlsx",
    ] {
        assert!(files.contains(&file), "{file} missing from {files:?}");
    }
    let payer = statements.iter().find(|statement| statement["file"] == "payer-commerzbank.sta").expect("payer");
    assert_eq!(payer["account"], "DE89370400440532013000");
    assert_eq!(payer["currency"], "EUR");
    assert_eq!(payer["balanced"], true, "{payer}");
    for key in ["statement", "opening", "closing", "entries"] {
        assert!(!payer[key].is_null(), "{key} missing from {payer}");
    }
    let imported = summary["imported"].as_u64().expect("imported");
    assert!(imported >= 2 + 4, "two native rows and the statements' rows: {summary}");

    // The same folder again: nothing new, every row recognised.
    let (code, again) = import(backend, &folder_arg);
    only_the_look_alike_token_and_the_failed_transaction_are_rejected(code, &again);
    assert_eq!(again["imported"].as_u64(), Some(0), "{again}");
    let recognised = again["duplicates"].as_u64().unwrap_or(0) + again["already_stored"].as_u64().unwrap_or(0);
    assert_eq!(recognised, imported, "{again}");

    // The export carries provenance; the merged row names both banks' files.
    let csv_path = work.path().join("ledger-export.csv");
    backend.run(&["ledger", "export", "--csv", &csv_path.to_string_lossy()]);
    let mut reader = csv::Reader::from_path(&csv_path).expect("export");
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_owned).collect();
    assert_eq!(&header[..7], ["tx_id", "timestamp", "from_account", "to_account", "amount", "currency", "channel"]);
    assert!(header.ends_with(&["source_file".into(), "source_statement".into(), "source_entry".into()]));
    let records: Vec<csv::StringRecord> = reader.records().map(|record| record.expect("record")).collect();
    assert_eq!(records.len() as u64, imported);
    let source = header.iter().position(|name| name == "source_file").expect("source_file");
    let merged = records
        .iter()
        .find(|record| record[source].contains("payer-commerzbank.sta") && record[source].contains("payee-abnamro.xml"))
        .expect("a row with both banks' files");
    assert_eq!((&merged[2], &merged[3], &merged[4]), ("DE89370400440532013000", "NL91ABNA0417164300", "1500.00"));
    let merged_tx = merged[0].to_owned();
    let native = records.iter().find(|record| &record[0] == "N1").expect("native row");
    assert_eq!(&native[source], "", "native rows have no statement provenance");

    // `ledger show` prints the provenance, as text and as JSON.
    let shown = backend.run(&["ledger", "show", &merged_tx]);
    assert!(shown.contains("payer-commerzbank.sta") && shown.contains("STMT240103"), "{shown}");
    let shown = backend.json(&["ledger", "show", &merged_tx, "--json"]);
    assert_eq!(shown["tx_id"].as_str(), Some(merged_tx.as_str()));
    assert!(shown["source_file"].as_str().is_some_and(|file| file.contains("payee-abnamro.xml")), "{shown}");
    assert!(shown["source_statement"].as_str().is_some_and(|id| id.contains("STMT240103")), "{shown}");
    assert!(!shown["source_entry"].is_null(), "{shown}");
    let missing = backend.cmd().args(["ledger", "show", "no-such-tx"]).output().expect("run");
    assert!(!missing.status.success());

    // The analysis commands run on the reconciled ledger: the victim's 1500
    // reaches the payee's account and part of it goes on through the native rows.
    let trace = backend.json(&["trace", "--tx", &merged_tx, "--rule", "fifo", "--format", "json"]);
    assert_eq!(trace["source_tx"].as_str(), Some(merged_tx.as_str()));
    let endpoints = trace["endpoints"].as_array().expect("endpoints");
    assert!(!endpoints.is_empty(), "{trace}");
    let ids = work.path().join("payments.txt");
    std::fs::write(&ids, format!("{merged_tx}\n")).expect("ids");
    let freeze = backend.run(&["freeze-list", "--tx-file", &ids.to_string_lossy(), "--format", "csv"]);
    assert!(freeze.starts_with("account,kind,country,currency,amount,victims,payments,reasons"), "{freeze}");
    let mules = backend.run(&["mules", "--format", "csv"]);
    assert!(mules.lines().any(|line| line.starts_with("NL91ABNA0417164300,")), "{mules}");
}

#[test]
fn a_folder_of_statements_imports_into_one_ledger_on_sqlite() {
    statements_import(&Backend::sqlite());
}

#[test]
fn a_folder_of_statements_imports_into_one_ledger_on_postgres() {
    let Some(backend) = Backend::postgres() else {
        eprintln!("skipped: CRACKDOWN_TEST_POSTGRES_URL is not set");
        return;
    };
    statements_import(&backend);
}

#[test]
fn an_unknown_file_and_an_unbalanced_statement_fail_the_import_with_their_names() {
    let backend = Backend::sqlite();
    let work = tempfile::tempdir().expect("temp dir");
    std::fs::write(work.path().join("notes.txt"), "nothing a bank sent\n").expect("notes");
    let statement = std::fs::read_to_string(data("two-sided/selfmade/payer-commerzbank.sta")).expect("sample");
    let unbalanced = statement.replace(":62F:C240103EUR2250,00", ":62F:C240103EUR2251,00");
    std::fs::write(work.path().join("unbalanced.sta"), unbalanced).expect("unbalanced");
    let output = backend.cmd().args(["ledger", "import", "--json"]).arg(work.path()).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let errors = summary["errors"].as_array().expect("errors");
    assert!(errors.iter().any(|error| error["file"].as_str().is_some_and(|file| file.ends_with("notes.txt"))));
    assert!(errors.iter().any(|error| error["file"] == "unbalanced.sta" && error["field"] == "balance"), "{errors:?}");
    assert_eq!(summary["statements"][0]["balanced"], false, "{summary}");
    assert!(summary["imported"].as_u64().is_some_and(|imported| imported > 0), "rows are still imported and flagged");
}

/// The one-line form of the German sample bank's mapping (its profile file
/// says the same).
const KONTOAUSZUG_MAPPING: &str = "Buchungstag=timestamp,Valuta=value_date,Empfänger/Auftraggeber=counterparty_name,\
     IBAN=counterparty,Verwendungszweck=description,Betrag=amount,Saldo=balance,\
     @account=DE89370400440532013000,@currency=EUR";

#[test]
fn a_saved_mapping_reads_the_next_production_of_the_same_bank() {
    let backend = Backend::sqlite();
    let work = tempfile::tempdir().expect("temp dir");
    let sample = std::fs::read(data("csv/selfmade/kontoauszug.csv")).expect("sample");
    let first = work.path().join("january.csv");
    std::fs::write(&first, &sample).expect("first production");
    let output = backend
        .cmd()
        .args(["ledger", "import", "--json", "--map", KONTOAUSZUG_MAPPING, "--save-mapping", "Example Bank"])
        .arg(&first)
        .output()
        .expect("run");
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(output.status.code(), Some(0), "{summary}");
    let imported = summary["imported"].as_u64().expect("imported");
    assert!(imported >= 3, "{summary}");

    // The next production of the same bank: other bookings, read by the saved name.
    let second = work.path().join("february.csv");
    // The sample is Latin-1: change the bytes, not a decoded text.
    let (before, after) = (b"Rechnung 2024-1".as_slice(), b"Rechnung 2024-2".as_slice());
    let at = sample.windows(before.len()).position(|window| window == before).expect("booking text");
    let mut later = sample.clone();
    later[at..at + after.len()].copy_from_slice(after);
    std::fs::write(&second, later).expect("second production");
    let output = backend
        .cmd()
        .args(["ledger", "import", "--json", "--mapping", "Example Bank"])
        .arg(&second)
        .output()
        .expect("run");
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(output.status.code(), Some(0), "{summary}");
    assert_eq!(summary["statements"][0]["account"], "DE89370400440532013000", "{summary}");
    assert!(summary["imported"].as_u64().is_some_and(|count| count >= 3), "{summary}");

    // A name nobody saved is an error naming it, not a mapping of one column.
    let output =
        backend.cmd().args(["ledger", "import", "--mapping", "Other Bank"]).arg(&second).output().expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Other Bank") && stderr.contains("--save-mapping"), "{stderr}");
}

/// Posts `body` to the import route as `token`; the status and the JSON answer.
async fn post_statement(
    app: &axum::Router,
    token: &str,
    query: &str,
    body: Vec<u8>,
) -> (axum::http::StatusCode, serde_json::Value) {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let request = axum::http::Request::builder()
        .method("POST")
        .uri(format!("/api/v1/ledger/imports{query}"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/octet-stream")
        .body(axum::body::Body::from(body))
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

/// `POST /api/v1/ledger/imports`: an MT940 and a camt.053 posted by an
/// analyst import with their provenance; a file that cannot be read answers
/// 422 naming it and stores nothing; an unknown format is a 400; a partner
/// and a reporter are refused; another organisation never sees the rows.
fn statements_over_http(backend: Backend) {
    backend.run(&["org", "add", "police"]);
    backend.run(&["org", "add", "abroad"]);
    for (user, org, role) in [
        ("ana", "police", "analyst"),
        ("pat", "police", "partner"),
        ("rob", "police", "reporter"),
        ("eve", "abroad", "analyst"),
    ] {
        backend.run(&["user", "add", user, "--org", org, "--role", role]);
    }
    let store = std::sync::Arc::new(backend.store());
    let operator = store.operator(chrono::Utc::now()).expect("operator");
    let token = |user: &str| store.create_token(&operator, user, "test", chrono::Utc::now()).expect("token").secret;
    let (ana, pat, rob, eve) = (token("ana"), token("pat"), token("rob"), token("eve"));
    let analyst = store.authenticate(&ana).expect("auth").expect("ana");
    let outsider = store.authenticate(&eve).expect("auth").expect("eve");
    let app = crackdown_server::router(crackdown_server::AppState::new(std::sync::Arc::clone(&store)));
    let mt940 = std::fs::read(data("two-sided/selfmade/payer-commerzbank.sta")).expect("sample");
    let camt = std::fs::read(data("two-sided/selfmade/payee-abnamro.xml")).expect("sample");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    // The store's PostgreSQL client is synchronous: each request runs on the
    // runtime, the checks of the store outside it.
    let post = |token: &str, query: &str, body: Vec<u8>| runtime.block_on(post_statement(&app, token, query, body));
    // Refused callers first: nothing may be stored by them.
    for (who, token) in [("partner", &pat), ("reporter", &rob)] {
        let (status, answer) = post(token, "?name=payer.sta", mt940.clone());
        assert_eq!(status, axum::http::StatusCode::FORBIDDEN, "{who}: {answer}");
    }
    let (status, answer) = post(&ana, "?format=swift", mt940.clone());
    assert_eq!(status, axum::http::StatusCode::BAD_REQUEST, "{answer}");
    assert!(answer["error"].as_str().is_some_and(|error| error.contains("swift")), "{answer}");
    assert_eq!(store.ledger_len(&analyst).expect("len"), 0);

    let (status, answer) = post(&ana, "?format=mt940&name=payer-commerzbank.sta", mt940.clone());
    assert_eq!(status, axum::http::StatusCode::CREATED, "{answer}");
    let from_mt940 = answer["imported"].as_u64().expect("imported");
    assert!(from_mt940 >= 3, "{answer}");
    assert_eq!(answer["statements"][0]["balanced"], true, "{answer}");
    assert_eq!(answer["errors"], serde_json::json!([]), "{answer}");
    let (status, answer) = post(&ana, "?name=payee-abnamro.xml", camt.clone());
    assert_eq!(status, axum::http::StatusCode::CREATED, "{answer}");
    let from_camt = answer["imported"].as_u64().expect("imported");
    assert!(from_camt >= 2, "{answer}");
    assert_eq!(answer["statements"][0]["file"], "payee-abnamro.xml", "{answer}");
    let (status, again) = post(&ana, "?name=payee-abnamro.xml", camt.clone());
    assert_eq!(status, axum::http::StatusCode::CREATED, "{again}");
    assert_eq!((again["imported"].as_u64(), again["duplicates"].as_u64()), (Some(0), Some(from_camt)), "{again}");

    let before = store.ledger_len(&analyst).expect("len");
    assert_eq!(before, from_mt940 + from_camt);
    let broken = String::from_utf8_lossy(&camt).replace("<Stmt>", "<Stmt><Unclosed>").into_bytes();
    for (query, body) in [
        ("?format=camt053&name=notes.xml", b"this is not a statement\n".to_vec()),
        ("?format=camt053&name=broken.xml", broken),
    ] {
        let (status, answer) = post(&ana, query, body);
        assert_eq!(status, axum::http::StatusCode::UNPROCESSABLE_ENTITY, "{query}: {answer}");
        let error = &answer["errors"][0];
        let file = if query.contains("notes") { "notes.xml" } else { "broken.xml" };
        assert_eq!(error["file"], file, "{answer}");
        assert!(error["reason"].as_str().is_some_and(|reason| !reason.is_empty()), "{answer}");
        assert!(!answer.to_string().contains("/tmp"), "the server's temporary path leaks: {answer}");
        assert_eq!(answer["imported"], 0, "{answer}");
    }
    assert_eq!(store.ledger_len(&analyst).expect("len"), before, "a refused file stored rows");

    let page = store.ledger_page_with_sources(&analyst, 0, 1000).expect("page");
    let files: std::collections::BTreeSet<&str> =
        page.iter().filter_map(|(_, _, source)| source.as_ref().map(|source| source.source_file.as_str())).collect();
    assert_eq!(files.into_iter().collect::<Vec<_>>(), ["payee-abnamro.xml", "payer-commerzbank.sta"]);
    assert!(page.iter().all(|(_, _, source)| source.as_ref().is_some_and(|source| !source.source_entry.is_empty())));
    assert_eq!(store.ledger_len(&outsider).expect("len"), 0, "another organisation sees the rows");
}

#[test]
fn statements_post_through_the_api_on_sqlite() {
    statements_over_http(Backend::sqlite());
}

#[test]
fn statements_post_through_the_api_on_postgres() {
    let Some(backend) = Backend::postgres() else {
        eprintln!("skipped: CRACKDOWN_TEST_POSTGRES_URL is not set");
        return;
    };
    statements_over_http(backend);
}
