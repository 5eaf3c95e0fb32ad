//! Bulk report import through the real binary: bad input, idempotency,
//! and batches that survive SIGKILL whole or not at all.

use std::time::{Duration, Instant};

use crackdown_store::ReportFilter;

use crate::support::Backend;

fn write(backend: &Backend, name: &str, bytes: &[u8]) -> String {
    let path = backend.path().join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path.to_string_lossy().into_owned()
}

fn count(backend: &Backend) -> i64 {
    let store = backend.store();
    let operator = store.operator(chrono::Utc::now()).expect("operator");
    store.count_reports(&operator, &ReportFilter::default()).expect("count")
}

#[test]
fn bad_input_is_reported_by_file_line_and_field_and_good_lines_import() {
    let backend = Backend::sqlite();
    let mut input = Vec::new();
    input.extend(b"\xEF\xBB\xBF{\"id\": \"ok-1\", \"text\": \"first good\"}\r\n");
    input.extend(b"{\"text\": \"bad tlp\", \"tlp\": \"PURPLE\"}\n");
    input.extend(b"{\"text\": \"negative\", \"loss_amount\": \"-3\", \"loss_currency\": \"USD\"}\n");
    input.extend(b"{\"text\": \"not decimal\", \"loss_amount\": \"12,50\", \"loss_currency\": \"EUR\"}\n");
    input.extend(b"{\"text\": \"currency\", \"loss_amount\": \"1\", \"loss_currency\": \"DOGECOIN\"}\n");
    input.extend(b"{\"text\": [\"wrong type\"]}\n");
    input.extend(b"\xC3\x28 not utf-8\n");
    input.extend(b"{\"text\": \"truncated\"\n");
    input.extend(format!("{{\"text\": \"{}\"}}\n", "x".repeat(10 << 20)).as_bytes());
    input.extend(b"{\"id\": \"ok-2\", \"text\": \"last good\"}");
    let file = write(&backend, "mixed.jsonl", &input);
    let output = backend.cmd().args(["import", "reports", &file, "--json"]).output().expect("run");
    assert_eq!(output.status.code(), Some(1), "rejected records make exit code 1");
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON summary");
    assert_eq!(summary["imported"], 2);
    assert_eq!(summary["rejected"], 8);
    let errors = summary["errors"].as_array().expect("errors");
    let located: Vec<(u64, Option<&str>)> =
        errors.iter().map(|error| (error["line"].as_u64().unwrap_or(0), error["field"].as_str())).collect();
    assert_eq!(
        located,
        [
            (2, Some("tlp")),
            (3, Some("loss_amount")),
            (4, Some("loss_amount")),
            (5, Some("loss_currency")),
            (6, Some("text")),
            (7, None),
            (8, None),
            (9, None)
        ]
    );
    assert!(errors.iter().all(|error| error["file"].as_str().is_some_and(|name| name.ends_with("mixed.jsonl"))));
    assert!(errors[5]["reason"].as_str().is_some_and(|reason| reason.contains("invalid UTF-8")));
    assert!(errors[7]["reason"].as_str().is_some_and(|reason| reason.contains("over the")));
    assert_eq!(count(&backend), 2);
}

#[test]
fn reimport_is_idempotent_for_every_format_and_stdin() {
    let backend = Backend::sqlite();
    let jsonl = write(&backend, "a.jsonl", b"{\"id\": \"1\", \"text\": \"one\"}\n{\"text\": \"no id\"}\n");
    let array = write(&backend, "b.json", b"[{\"id\": \"2\", \"text\": \"two\"}, {\"text\": \"array, no id\"}]");
    let csv = write(&backend, "c.csv", b"id,text,tlp\n3,three,green\n,\"csv, no id\",red\n");
    let first = backend.json(&["import", "reports", &jsonl, &array, &csv, "--json"]);
    assert_eq!((first["imported"].as_u64(), first["duplicates"].as_u64()), (Some(6), Some(0)));
    let again = backend.json(&["import", "reports", &jsonl, &array, &csv, "--json"]);
    assert_eq!((again["imported"].as_u64(), again["duplicates"].as_u64()), (Some(0), Some(6)));
    let output = backend
        .cmd()
        .args(["import", "reports", "-", "--json"])
        .write_stdin(&b"{\"id\": \"1\", \"text\": \"one\"}\n{\"text\": \"new from stdin\"}\n"[..])
        .output()
        .expect("run");
    let piped: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!((piped["imported"].as_u64(), piped["duplicates"].as_u64()), (Some(1), Some(1)));
    assert_eq!(count(&backend), 7);
}

#[test]
fn sigkill_mid_import_leaves_whole_batches_and_a_rerun_completes_exactly_once() {
    let backend = Backend::sqlite();
    let total = 60_000;
    let batch = 1000;
    let mut input = String::new();
    for n in 0..total {
        input.push_str(&format!("{{\"id\": \"k{n}\", \"text\": \"report {n}: he asked me to pay a release fee\"}}\n"));
    }
    let file = write(&backend, "big.jsonl", input.as_bytes());
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("crackdown"))
        .args([
            "--data",
            &backend.path().to_string_lossy(),
            "import",
            "reports",
            &file,
            "--batch-size",
            "1000",
            "--json",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    let mut seen = 0;
    // The importer creates the database; the test opens it once, then polls.
    let mut store = None;
    while seen < batch && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(20));
        if store.is_none() && backend.path().join(crackdown_store::SQLITE_FILE).exists() {
            store = Some(backend.store());
        }
        if let Some(store) = &store {
            let operator = store.operator(chrono::Utc::now()).expect("operator");
            seen = store.count_reports(&operator, &ReportFilter::default()).expect("count");
        }
    }
    drop(store);
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    let after_kill = count(&backend);
    assert!(after_kill > 0 && after_kill < total, "the kill did not land mid-import ({after_kill} of {total})");
    assert_eq!(after_kill % batch, 0, "a partial batch of {} reports was left", after_kill % batch);
    let rerun = backend.json(&["import", "reports", &file, "--batch-size", "1000", "--json"]);
    assert_eq!(rerun["duplicates"].as_i64(), Some(after_kill));
    assert_eq!(rerun["imported"].as_i64(), Some(total - after_kill));
    assert_eq!(count(&backend), total);
}

#[test]
fn triage_queue_and_bulk_status_changes_are_audited() {
    let backend = Backend::sqlite();
    let file = write(&backend, "q.jsonl", b"{\"text\": \"one\"}\n{\"text\": \"two\"}\n{\"text\": \"three\"}\n");
    backend.run(&["import", "reports", &file]);
    let queue = backend.json(&["reports", "triage", "--json"]);
    let ids: Vec<String> = queue.as_array().expect("queue").iter().map(|report| report["id"].to_string()).collect();
    assert_eq!(ids.len(), 3);
    let mut args = vec!["reports", "status", "closed"];
    args.extend(ids[..2].iter().map(String::as_str));
    backend.run(&args);
    assert_eq!(backend.json(&["reports", "triage", "--json"]).as_array().map(Vec::len), Some(1));
    let shown = backend.json(&["reports", "show", &ids[0], "--json"]);
    assert_eq!(shown["report"]["status"], "closed");
    let history = shown["history"].as_array().expect("history");
    assert_eq!(history.last().map(|entry| entry["action"].clone()), Some("report.status".into()));
    assert_eq!(history.last().map(|entry| entry["user"].clone()), Some("operator".into()));
    let bogus = backend.cmd().args(["reports", "status", "closed", "999999"]).output().expect("run");
    assert!(!bogus.status.success(), "an unknown id fails the whole change");
}

#[test]
fn reports_list_is_an_aligned_table_with_headers_and_json_is_unchanged() {
    let backend = Backend::sqlite();
    let file = write(
        &backend,
        "t.jsonl",
        "{\"text\": \"short\", \"tlp\": \"clear\"}\n\
         {\"text\": \"a much longer text\\nover two lines that goes on and on past the width of any column shown\", \
         \"loss_amount\": \"1250000.50\", \"loss_currency\": \"THB\", \"tlp\": \"amber+strict\"}\n\
         {\"text\": \"third\", \"loss_amount\": \"5\", \"loss_currency\": \"USD\"}\n"
            .as_bytes(),
    );
    backend.run(&["import", "reports", &file]);
    let table = backend.run(&["reports", "list"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "a header and one line per report:\n{table}");
    let header = lines[0];
    for column in ["ID", "RECEIVED", "TLP", "STATUS", "ORG", "LOSS", "TEXT"] {
        assert!(header.split_whitespace().any(|word| word == column), "header {header:?} lacks {column}");
    }
    // Every column starts where its header does, whatever the cells hold.
    for column in ["TLP", "STATUS", "ORG", "TEXT"] {
        let at = header.find(column).expect("column");
        for line in &lines[1..] {
            let before = line.chars().take(at).collect::<String>();
            assert!(before.ends_with("  "), "{column} is not aligned in {line:?}\n{table}");
            assert_ne!(line.chars().nth(at), Some(' '), "{column} cell starts at its header in {line:?}\n{table}");
        }
    }
    // Amounts are right-aligned under LOSS.
    let loss_end = header.find("LOSS").expect("loss") + "LOSS".len();
    let widest = lines.iter().skip(1).find(|line| line.contains("1250000.50 THB")).expect("the THB row");
    let small = lines.iter().skip(1).find(|line| line.contains("5.00 USD")).expect("the USD row");
    assert_eq!(
        widest.find("1250000.50 THB").map(|start| start + "1250000.50 THB".len()),
        small.find("5.00 USD").map(|start| start + "5.00 USD".len()),
        "amounts end in one column:\n{table}"
    );
    assert!(loss_end <= widest.find("1250000.50 THB").expect("amount") + "1250000.50 THB".len());
    assert!(!table.contains("two lines\nover"), "a text's newline stays inside its row");
    // --json is what scripts read: unchanged.
    let listed = backend.json(&["reports", "list", "--json"]);
    let items = listed.as_array().expect("an array of reports");
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|item| item["id"].is_i64() && item["text"].is_string() && item["tlp"].is_string()));
}

/// `crackdown --data DIR ARGS`, with no data settings inherited.
fn on_data(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("crackdown"))
        .env_remove("CRACKDOWN_DATABASE_URL")
        .env_remove("CRACKDOWN_DATA")
        .env_remove("CRACKDOWN_KEY_FILE")
        .arg("--data")
        .arg(dir)
        .args(args)
        .output()
        .expect("run crackdown")
}

#[test]
fn a_data_directory_that_does_not_exist_is_an_error_unless_init() {
    let backend = Backend::sqlite();
    let missing = backend.path().join("crackdown-dat");
    let output = on_data(&missing, &["reports", "list"]);
    assert_eq!(output.status.code(), Some(2), "a mistyped --data is an error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("does not exist") && stderr.contains("--init"), "{stderr}");
    assert!(!missing.exists(), "nothing is created at a mistyped path");

    let file = write(&backend, "one.jsonl", b"{\"text\": \"one\"}\n");
    let created = on_data(&missing, &["--init", "import", "reports", &file]);
    assert!(created.status.success(), "--init creates the store: {}", String::from_utf8_lossy(&created.stderr));
    assert!(missing.join("crackdown.key").exists());
    // Once it exists, no --init is needed.
    let listed: serde_json::Value =
        serde_json::from_slice(&on_data(&missing, &["reports", "list", "--json"]).stdout).expect("json");
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
}
