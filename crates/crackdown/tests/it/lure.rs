//! Lure analysis through the real binary and router: the `crackdown analyze`
//! JSONL contract, analysis stored on intake (CLI import and API) and served
//! by the report reads under the report's access rules on both backends,
//! re-analysis, and training and evaluation on labelled sets.

use std::io::Write;
use std::process::Stdio;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use crackdown_server::AppState;
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::Backend;

const SCAM: &str = "My mentor (call him on +66 81 234 5678) said the trading platform pays daily profit; \
                    I deposited USDT to TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t and now they want a tax to withdraw";

#[test]
fn analyze_writes_one_contract_line_per_input_line_in_order() {
    let backend = Backend::sqlite();
    let mut input = Vec::new();
    for (id, text) in
        [("s1", SCAM), ("h1", "ok see you at home later"), ("s2", "hxxps://secure-login[.]bank-verify[.]top/x")]
    {
        input.extend(serde_json::json!({"id": id, "text": text, "lang": "en", "country": "TH"}).to_string().as_bytes());
        input.push(b'\n');
    }
    input.extend(b"{\"id\": \"bad\", \"text\": 5}\n");
    input.extend(b"{\"id\": \"latin1\", \"text\": \"caf\xe9 prize\"}\n");
    let mut child = backend
        .process()
        .args(["analyze", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(&input).expect("write stdin");
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(1), "a bad line makes exit code 1");
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .expect("UTF-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON line"))
        .collect();
    let ids: Vec<&str> = lines.iter().map(|line| line["id"].as_str().unwrap_or("")).collect();
    assert_eq!(ids, ["s1", "h1", "s2", "bad", "latin1"]);

    let scam = lines[0].as_object().expect("object");
    let keys: Vec<&str> = scam.keys().map(String::as_str).collect();
    assert_eq!(keys, ["confidence", "id", "indicators", "label", "reasons", "scam_type", "stage"]);
    assert_eq!((scam["label"].as_str(), scam["scam_type"].as_str()), (Some("scam"), Some("investment")));
    assert!(scam["stage"].is_string(), "an investment scam has a stage: {}", lines[0]);
    let kinds: Vec<&str> =
        scam["indicators"].as_array().expect("array").iter().filter_map(|i| i["type"].as_str()).collect();
    assert_eq!(kinds, ["phone", "tron"]);
    assert_eq!(scam["indicators"][0]["normalized"], "+66812345678");
    let start = scam["indicators"][1]["start"].as_u64().expect("start") as usize;
    let end = scam["indicators"][1]["end"].as_u64().expect("end") as usize;
    assert_eq!(&SCAM[start..end], "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");

    assert_eq!(lines[1]["label"], "ham");
    assert!(lines[1]["scam_type"].is_null() && lines[1]["stage"].is_null());
    assert_eq!(lines[2]["indicators"][0]["normalized"], "https://secure-login.bank-verify.top/x");
    assert!(lines[3]["error"].as_str().is_some_and(|error| error.starts_with("line 4:")), "{}", lines[3]);
    let reasons = lines[4]["reasons"].as_array().expect("reasons");
    assert!(reasons.iter().any(|r| r.as_str().is_some_and(|r| r.contains("decoded lossily"))), "{}", lines[4]);
}

async fn call(app: &axum::Router, token: &str, method: &str, uri: &str, body: &str) -> (StatusCode, serde_json::Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(body.to_owned()))
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

/// Intake analyses; reads serve the analysis only to those who may read the
/// report; re-analysis is for the report's organisation.
fn stored_analysis_follows_the_report(backend: Backend) {
    for org in ["police", "ngo"] {
        backend.run(&["org", "add", org]);
        for role in ["analyst", "partner"] {
            backend.run(&["user", "add", &format!("{org}-{role}"), "--org", org, "--role", role]);
        }
    }
    let file = backend.path().join("reports.jsonl");
    let lines = [
        serde_json::json!({"id": "p-1", "text": SCAM, "tlp": "amber", "language": "en"}),
        serde_json::json!({"id": "p-2", "text": "scammer called from +66 (0)81-234-5678 again", "tlp": "clear", "language": "th"}),
    ];
    std::fs::write(&file, lines.iter().map(|line| format!("{line}\n")).collect::<String>()).expect("write");
    backend.run(&["--as", "police-analyst", "import", "reports", &file.to_string_lossy()]);
    let listed = backend.json(&["--as", "police-analyst", "reports", "list", "--json"]);
    let id_of = |external: &str| {
        listed.as_array().expect("list").iter().find(|r| r["external_id"] == external).and_then(|r| r["id"].as_i64())
    };
    let (amber, clear) = (id_of("p-1").expect("p-1"), id_of("p-2").expect("p-2"));

    let shown = backend.json(&["--as", "police-analyst", "reports", "show", &amber.to_string(), "--json"]);
    let analysis = &shown["analysis"];
    assert_eq!(
        (analysis["label"].as_str(), analysis["scam_type"].as_str()),
        (Some("scam"), Some("investment")),
        "{shown}"
    );
    assert!(analysis["confidence"].as_f64().is_some_and(|c| (0.0..=1.0).contains(&c)));
    assert!(!analysis["reasons"].as_array().expect("reasons").is_empty());
    let phone = |analysis: &serde_json::Value| {
        analysis["indicators"].as_array().expect("indicators").iter().find(|i| i["type"] == "phone").cloned()
    };
    assert_eq!(phone(analysis).expect("phone")["normalized"], "+66812345678");
    // The same number written another way links on the same normalized key.
    let other = backend.json(&["--as", "ngo-analyst", "reports", "show", &clear.to_string(), "--json"]);
    assert_eq!(phone(&other["analysis"]).expect("phone")["normalized"], "+66812345678", "{other}");

    // The AMBER report's analysis is as invisible to the other org as the report.
    let refused =
        backend.cmd().args(["--as", "ngo-analyst", "reports", "show", &amber.to_string()]).output().expect("run");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not found"));
    let store = std::sync::Arc::new(backend.store());
    let ngo = store.user("ngo-analyst").expect("user").viewer();
    assert!(matches!(store.analysis(&ngo, amber), Err(crackdown_store::StoreError::NotFound(_))));

    // Re-analysis: partners may not; analysts re-analyse their own org's reports.
    let partner = backend.cmd().args(["--as", "police-partner", "reports", "analyze", "--all"]).output().expect("run");
    assert_eq!(partner.status.code(), Some(2));
    assert_eq!(backend.run(&["--as", "police-analyst", "reports", "analyze"]).trim(), "analysed 0 report(s)");
    assert_eq!(backend.run(&["--as", "police-analyst", "reports", "analyze", "--all"]).trim(), "analysed 2 report(s)");
    assert_eq!(backend.run(&["--as", "ngo-analyst", "reports", "analyze", "--all"]).trim(), "analysed 0 report(s)");
    let again = backend.json(&["--as", "police-analyst", "reports", "show", &amber.to_string(), "--json"]);
    assert_eq!(again["analysis"]["indicators"], analysis["indicators"]);
    assert_eq!(again["history"].as_array().expect("history").last().expect("entry")["action"], "report.analysis");

    // The API: intake analyses, GET serves the analysis, others get 404.
    let police = store.user("police-analyst").expect("user").viewer();
    let police_token = store.create_token(&police, "police-analyst", "t", Utc::now()).expect("token").secret;
    let ngo_token = store.create_token(&ngo, "ngo-analyst", "t", Utc::now()).expect("token").secret;
    let app = crackdown_server::router(AppState::new(std::sync::Arc::clone(&store)));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let body = r#"{"text": "Congratulations! You have won a cash prize, claim at www.prize-claim[.]xyz", "tlp": "amber+strict"}"#;
        let (status, summary) = call(&app, &police_token, "POST", "/api/v1/reports", body).await;
        assert_eq!(status, StatusCode::OK, "{summary}");
        let id = summary["ids"][0].as_i64().expect("id");
        let (status, report) = call(&app, &police_token, "GET", &format!("/api/v1/reports/{id}"), "").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(report["analysis"]["scam_type"], "prize_lottery", "{report}");
        assert_eq!(report["analysis"]["indicators"][0]["type"], "domain", "{report}");
        let (status, _) = call(&app, &ngo_token, "GET", &format!("/api/v1/reports/{id}"), "").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, page) = call(&app, &police_token, "GET", "/api/v1/reports", "").await;
        assert!(page["items"][0].get("analysis").is_none(), "listings stay light");
        let (_, spec) = call(&app, &police_token, "GET", "/api/v1/openapi.json", "").await;
        assert!(spec["components"]["schemas"]["LureAnalysis"].is_object());
    });
    drop(runtime);
}

#[test]
fn stored_analysis_follows_the_report_on_sqlite() {
    stored_analysis_follows_the_report(Backend::sqlite());
}

#[test]
fn stored_analysis_follows_the_report_on_postgres() {
    if let Some(backend) = Backend::postgres() {
        stored_analysis_follows_the_report(backend);
    }
}

#[test]
fn train_writes_a_model_that_analyze_uses_and_eval_scores_a_set() {
    let backend = Backend::sqlite();
    let set = backend.path().join("sets").join("toy");
    std::fs::create_dir_all(&set).expect("mkdir");
    let mut lines = String::new();
    for n in 0..40 {
        let (text, label, scam_type) = if n % 2 == 0 {
            (format!("WINNER {n}! claim your cash prize now, call 0906170{n:04}"), "spam", Some("prize_lottery"))
        } else {
            (format!("see you at lunch at {n}, bring the notes"), "ham", None)
        };
        lines.push_str(&serde_json::json!({"text": text, "label": label, "scam_type": scam_type}).to_string());
        lines.push('\n');
    }
    lines.push_str("{\"text\": \"no label\"}\n");
    std::fs::write(set.join("messages.jsonl"), &lines).expect("write");
    let model = backend.path().join("toy.model");
    let trained = backend.run(&["train", "--out", &model.to_string_lossy(), &set.to_string_lossy()]);
    assert!(trained.contains("wrote"), "{trained}");

    let input = backend.path().join("in.jsonl");
    std::fs::write(&input, "{\"id\": \"1\", \"text\": \"WINNER! claim your cash prize now\"}\n").expect("write");
    let output = backend.run(&["analyze", "--model", &model.to_string_lossy(), &input.to_string_lossy()]);
    let line: serde_json::Value = serde_json::from_str(output.trim()).expect("JSON");
    assert_eq!(line["scam_type"], "prize_lottery");

    // A set named as a training set is cross-validated; every scored
    // message gets a predictions line naming its fold (none on the toy set,
    // which the shipped model scores).
    let trained_set = backend.path().join("sets").join("uci-sms-spam");
    std::fs::create_dir_all(&trained_set).expect("mkdir");
    let with_ids: String = lines
        .lines()
        .take(40)
        .enumerate()
        .map(|(n, line)| line.replacen('{', &format!("{{\"id\": \"u{n}\", "), 1) + "\n")
        .collect();
    std::fs::write(trained_set.join("messages.jsonl"), with_ids).expect("write");
    let predictions = backend.path().join("predictions.jsonl");
    let report = backend.run(&[
        "eval",
        "lure",
        &backend.path().join("sets").to_string_lossy(),
        "--folds",
        "3",
        "--predictions",
        &predictions.to_string_lossy(),
    ]);
    assert!(report.contains("skipped") && report.contains("messages.jsonl:41"), "{report}");
    assert!(report.contains("toy: shipped model") && report.contains("n=40 precision="), "{report}");
    assert!(report.contains("uci-sms-spam: 3-fold cross-validation"), "{report}");
    assert!(report.contains("scam_type macro-F1="), "{report}");
    let predicted: Vec<serde_json::Value> = std::fs::read_to_string(&predictions)
        .expect("predictions written")
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON line"))
        .collect();
    assert_eq!(predicted.len(), 80);
    let toy: Vec<&serde_json::Value> = predicted.iter().filter(|p| p["set"] == "toy").collect();
    assert_eq!(toy.len(), 40);
    assert!(toy.iter().all(|p| p["fold"].is_null()) && toy[0]["id"] == "line 1", "{:?}", toy[0]);
    let folds: std::collections::BTreeSet<u64> =
        predicted.iter().filter(|p| p["set"] == "uci-sms-spam").filter_map(|p| p["fold"].as_u64()).collect();
    assert_eq!(folds.into_iter().collect::<Vec<_>>(), [0, 1, 2]);
    assert!(predicted.iter().any(|p| p["id"] == "u7" && p["truth"] == "ham" && p["text"].is_string()));
    let true_positives = toy.iter().filter(|p| p["truth"] != "ham" && p["label"] != "ham").count();
    assert!(report.contains(&format!("(tp={true_positives} ")), "{report}");
    assert!(predicted.iter().all(|p| p["unwanted"].as_f64().is_some_and(|u| (0.0..=1.0).contains(&u))));

    let bad =
        backend.cmd().args(["eval", "lure", &backend.path().to_string_lossy(), "--folds", "1"]).output().expect("run");
    assert_eq!(bad.status.code(), Some(2));
    let garbage = backend.path().join("garbage.model");
    std::fs::write(&garbage, b"not a model").expect("write");
    let refused = backend.cmd().args(["analyze", "--model", &garbage.to_string_lossy(), "-"]).output().expect("run");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("garbage.model"));
}

/// The parts of an `analyze --eml` line that do not depend on the trained
/// model's weights (confidence and the model's reason move when it is retrained).
fn stable_eml_fields(line: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "id": line["id"].as_str().and_then(|id| id.rsplit('/').next()),
        "sha256": line["sha256"],
        "auth": line["auth"],
        "flags": line["flags"],
        "indicators": line["indicators"],
        "attachments": line["attachments"],
        "label": line["label"],
        "scam_type": line["scam_type"],
    })
}

#[test]
fn analyze_eml_authenticates_against_a_dns_fixture_and_matches_the_golden_file() {
    let backend = Backend::sqlite();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/data/eml");
    let output = backend.run(&[
        "analyze",
        "--eml",
        &data.to_string_lossy(),
        "--dns-fixture",
        &data.join("dns.txt").to_string_lossy(),
        "--protected-domains",
        &data.join("protected.txt").to_string_lossy(),
    ]);
    let lines: Vec<serde_json::Value> =
        output.lines().map(|line| serde_json::from_str(line).expect("one JSON object a line")).collect();
    assert_eq!(lines.len(), 3, "{output}");
    let by_name =
        |name: &str| lines.iter().find(|line| line["id"].as_str().is_some_and(|id| id.ends_with(name))).expect(name);
    // SPF, DKIM and DMARC pass for the signed message from the bank's own network.
    let pass = by_name("pass.eml");
    assert_eq!(pass["auth"], serde_json::json!({"spf": "pass", "dkim": "pass", "dmarc": "pass", "arc": "none"}));
    assert_eq!(pass["flags"], serde_json::json!([]));
    // Signed and DMARC-aligned for the organisation's own protected domain: genuine, whatever
    // its words (a statement with a link) look like to a model of lures.
    assert_eq!(pass["label"], "ham", "{pass}");
    let genuine = |line: &serde_json::Value| {
        line["reasons"].as_array().is_some_and(|reasons| {
            reasons.iter().any(|reason| reason.as_str().is_some_and(|r| r.starts_with("genuine: DKIM signs")))
        })
    };
    assert!(genuine(pass), "{pass}");
    // The same signature over a changed body: DKIM no longer passes (mail-auth calls a body-hash
    // mismatch neutral), SPF still passes and carries DMARC.
    let tampered = by_name("dkim-fail.eml");
    assert_eq!(tampered["auth"]["dkim"], "neutral");
    assert_eq!(tampered["auth"]["spf"], "pass");
    assert_eq!(tampered["auth"]["dmarc"], "pass");
    // DMARC passing on SPF alone does not vouch for a body changed on the way.
    assert!(!genuine(tampered), "{tampered}");
    // The phish: SPF fails for its envelope domain, no DKIM, DMARC none (no policy); flags name the tricks.
    let phish = by_name("phish.eml");
    assert_eq!(phish["auth"]["spf"], "fail", "{phish}");
    assert_eq!(phish["auth"]["dkim"], "none");
    let kinds: Vec<&str> =
        phish["flags"].as_array().expect("flags").iter().filter_map(|f| f["kind"].as_str()).collect();
    for kind in ["display_name_spoof", "reply_to_mismatch", "lookalike_domain", "link_text_mismatch"] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    assert_eq!(phish["label"], "scam");
    assert_eq!(phish["attachments"][0]["name"], "statement.pdf.exe");

    let golden = std::fs::read_to_string(data.join("expected.jsonl")).expect("golden file");
    let expected: Vec<serde_json::Value> =
        golden.lines().map(|line| serde_json::from_str(line).expect("golden JSON")).collect();
    let actual: Vec<serde_json::Value> = lines.iter().map(stable_eml_fields).collect();
    if std::env::var_os("CRACKDOWN_BLESS").is_some() {
        let text: String = actual.iter().map(|value| format!("{value}\n")).collect();
        std::fs::write(data.join("expected.jsonl"), text).expect("bless");
    }
    assert_eq!(actual, expected, "analyze --eml output differs from tests/it/data/eml/expected.jsonl");
}

#[test]
fn analyze_eml_reports_unreadable_files_and_goes_on() {
    let backend = Backend::sqlite();
    let dir = backend.path().join("mails");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("a.eml"), b"\x7fELF\x02\x01\x01 binary").expect("write");
    std::fs::write(dir.join("b.eml"), "From: <a@b.example>\r\nSubject: hi\r\n\r\nsee you at lunch\r\n").expect("write");
    let fixture = backend.path().join("dns.txt");
    std::fs::write(&fixture, "bad line without a type\n").expect("write");
    let output = backend
        .cmd()
        .args(["analyze", "--eml", &dir.to_string_lossy(), "--dns-fixture", &fixture.to_string_lossy()])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0]["error"].as_str().is_some_and(|e| e.contains("not an e-mail")), "{stdout}");
    assert_eq!(lines[1]["auth"]["dkim"], "none");

    assert!(String::from_utf8_lossy(&output.stderr).contains("dns.txt"), "fixture problems are named");
}

#[test]
fn eval_scores_a_set_of_eml_files_through_the_e_mail_path() {
    let backend = Backend::sqlite();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/data/eml");
    let set = backend.path().join("sets").join("mail-set");
    std::fs::create_dir_all(set.join("email")).expect("mkdir");
    for name in ["phish.eml", "pass.eml"] {
        std::fs::copy(data.join(name), set.join("email").join(name)).expect("copy");
    }
    std::fs::write(set.join("email").join("broken.eml"), b"\x7fELF\x02\x01\x01 binary").expect("write");
    std::fs::write(
        set.join("messages.jsonl"),
        "{\"id\": \"phish.eml\", \"text\": \"Your account\", \"label\": \"scam\"}\n\
         {\"id\": \"pass.eml\", \"text\": \"Minutes\", \"label\": \"ham\"}\n",
    )
    .expect("write");
    let report = backend.run(&["eval", "lure", &backend.path().join("sets").to_string_lossy()]);
    assert!(report.contains("mail-set: shipped model on the subject and body text"), "{report}");
    let line = report.lines().skip_while(|line| !line.starts_with("mail-set: e-mail path (3 files")).nth(1);
    // The phish fakes its sender, so the e-mail path calls it a scam whatever its words say
    // (the statement's test domain, `.example`, is no public suffix: its words may go either way).
    assert!(
        line.is_some_and(|line| line.starts_with("  n=2 ")
            && line.contains("tp=1 ")
            && line.contains("fn=0 ")
            && line.contains("1 not readable as e-mail, 0 not labelled")),
        "{report}"
    );
}

#[test]
fn an_e_mail_is_judged_by_its_words_not_by_naming_a_sender() {
    let backend = Backend::sqlite();
    let mail = backend.path().join("lunch.eml");
    std::fs::write(
        &mail,
        "Return-Path: <anna.k64@yahoo.com>\r\n\
         Received: from sonic.mail.yahoo.com (sonic.mail.yahoo.com [98.137.11.164])\r\n\
         \tby mx.example.net with ESMTPS id 1; Fri, 5 Dec 2025 09:00:00 +0000\r\n\
         From: Anna K <anna.k64@yahoo.com>\r\nTo: <tom@example.net>\r\nSubject: Lunch on Friday?\r\n\
         Date: Fri, 5 Dec 2025 09:00:00 +0000\r\n\r\n\
         Hi Tom, are we still on for lunch on Friday? Let me know.\r\nAnna\r\n",
    )
    .expect("write");
    let fixture = backend.path().join("dns.txt");
    std::fs::write(&fixture, "").expect("write");
    let output =
        backend.run(&["analyze", "--eml", &mail.to_string_lossy(), "--dns-fixture", &fixture.to_string_lossy()]);
    let line: serde_json::Value = serde_json::from_str(output.trim()).expect("JSON");
    // Every e-mail names a sender address and a connecting server: they are indicators, with
    // spans into the analysed text, but fed to the model they made this note 99% unwanted.
    assert_eq!(line["label"], "ham", "{line}");
    let values: Vec<&str> =
        line["indicators"].as_array().expect("indicators").iter().filter_map(|i| i["value"].as_str()).collect();
    assert!(values.contains(&"anna.k64@yahoo.com") && values.contains(&"98.137.11.164"), "{values:?}");
}

/// The shipped model is produced by the project's own training code: its
/// recipe (model/README.md) run on the labelled sets in `../shared/data`
/// writes the very bytes that ship. A change to featurizing, extraction,
/// the lexicon, the generator or the training fails here until the model is
/// retrained by the recipe.
#[test]
fn the_shipped_model_is_what_its_recipe_trains() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = manifest.join("../../../shared/data");
    assert!(
        shared.join("uci-sms-spam").is_dir() && shared.join("ph-sms-scams").is_dir(),
        "{}: the labelled sets the shipped model trains on are missing",
        shared.display()
    );
    let shipped_path = manifest.join("../crackdown-lure/model/default.model");
    let shipped = std::fs::read(&shipped_path).expect("the shipped model");
    let note = crackdown_lure::Model::load(&mut shipped.as_slice()).expect("a model").note().to_owned();

    let backend = Backend::sqlite();
    let case = backend.path().join("lure-case7");
    let case_arg = case.to_string_lossy();
    backend.run(&["generate", "--out", &case_arg, "--seed", "7", "--reports", "3000", "--transactions", "1000"]);
    let retrained = backend.path().join("default.model");
    backend.run(&[
        "train",
        &shared.join("uci-sms-spam").to_string_lossy(),
        &shared.join("ph-sms-scams").to_string_lossy(),
        &case_arg,
        "--out",
        &retrained.to_string_lossy(),
        "--note",
        &note,
    ]);
    assert!(
        std::fs::read(&retrained).expect("retrained") == shipped,
        "{} is not what its recipe trains now: retrain it by the recipe in model/README.md",
        shipped_path.display()
    );
}
