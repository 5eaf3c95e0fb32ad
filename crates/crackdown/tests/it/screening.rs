//! `crackdown screening`: offline sheets assessed in memory, and stored
//! cases on SQLite and PostgreSQL — a case team screens people, records
//! decisions with reasons, refers under consent (refused and audited
//! without), exports under consent, reads only with a reason (all in the
//! append-only audit), and erases a person without a trace.

use std::path::Path;

use crate::support::Backend;

const SHEET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../crackdown-screening/tests/data/sheet-ok.csv");
/// The Burmese note of P-2026-0101's first answer in the sheet ("said it was company office work").
const NARRATIVE: &str = "ကုမ္ပဏီရုံးအလုပ်ဟု ပြောသည်";
/// The note recorded by hand for P-2026-0200.
const TYPED_NARRATIVE: &str = "sold to a second compound for 80000 baht";

#[test]
fn sheets_are_assessed_with_reasons_and_never_stored() {
    let backend = Backend::sqlite();
    let assessed = backend.json(&["screening", "assess", SHEET, "--json"]);
    let people = assessed.as_array().expect("one assessment per row");
    assert_eq!(people.len(), 3, "{assessed}");
    let of = |pseudonym: &str| people.iter().find(|person| person["person"] == pseudonym).expect("person");
    // Deceived, fined, passport confiscated, confined: the ILO combination is met.
    assert_eq!(of("P-2026-0101")["recommendation"], "presumed_victim", "{assessed}");
    assert_eq!(of("P-2026-0101")["trafficking_combination_met"], true);
    // Only role signals (team leader, recruiting for commission), no victim indicator: a suspect to
    // assess further, never decided by the software.
    assert_eq!(of("P-2026-0102")["recommendation"], "suspected_perpetrator", "{assessed}");
    for person in people {
        assert!(person["reasons"].as_array().is_some_and(|reasons| !reasons.is_empty()), "{person}");
    }
    // In the screener's language.
    let thai = backend.json(&["screening", "assess", SHEET, "--lang", "th", "--json"]);
    assert_ne!(thai[0]["recommendation_text"], people[0]["recommendation_text"]);
    assert!(
        thai[0]["reasons"][0].as_str().is_some_and(|text| text.chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c)))
    );
    // Nothing of it reached the data directory.
    let stored = backend.json(&["reports", "list", "--json"]);
    assert!(!stored.to_string().contains("P-2026-0101"));

    // A broken sheet is refused whole, naming line, column and reason.
    let broken = backend.path().join("broken.csv");
    let text = std::fs::read_to_string(Path::new(SHEET)).expect("sheet");
    std::fs::write(&broken, text.replacen("2026-02-22", "22/02/2026", 1)).expect("write");
    let output = backend.cmd().args(["screening", "assess", &broken.to_string_lossy()]).output().expect("run");
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("line 2") && error.contains("held_on"), "{error}");
    assert!(output.stdout.is_empty(), "nothing printed for a refused sheet");
}

/// ngo: anna and bo screen on team `mae-sot`; carl (an analyst of the same
/// organisation) has his own team `ranong`; ngo-admin is on no team.
pub fn screening_world(backend: &Backend) {
    for org in ["ngo", "police"] {
        backend.run(&["org", "add", org]);
    }
    for (user, org, role) in [
        ("anna", "ngo", "analyst"),
        ("bo", "ngo", "analyst"),
        ("carl", "ngo", "analyst"),
        ("ngo-admin", "ngo", "admin"),
        ("ngo-partner", "ngo", "partner"),
        ("ngo-reporter", "ngo", "reporter"),
        ("police-analyst", "police", "analyst"),
    ] {
        backend.run(&["user", "add", user, "--org", org, "--role", role]);
    }
    backend.run(&["--as", "anna", "screening", "team", "create", "mae-sot"]);
    backend.run(&["--as", "anna", "screening", "team", "add", "mae-sot", "bo"]);
    backend.run(&["--as", "carl", "screening", "team", "create", "ranong"]);
    backend.run(&["--as", "anna", "screening", "import", SHEET, "--team", "mae-sot"]);
}

/// `--as anna screening ARGS`.
fn anna<'a>(args: &[&'a str]) -> Vec<&'a str> {
    [&["--as", "anna", "screening"][..], args].concat()
}

/// Runs a command that must fail; returns its error output.
pub fn refused(backend: &Backend, args: &[&str]) -> String {
    let output = backend.cmd().args(args).output().expect("run crackdown");
    assert!(!output.status.success(), "crackdown {args:?} should fail: {}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn a_team_screens_decides_refers_exports_and_erases(backend: Backend) {
    screening_world(&backend);
    // Who may join: admins and analysts of the organisation only.
    assert!(
        refused(&backend, &["--as", "anna", "screening", "team", "add", "mae-sot", "ngo-partner"]).contains("partner")
    );
    assert!(
        refused(&backend, &["--as", "anna", "screening", "team", "add", "mae-sot", "police-analyst"])
            .contains("not found")
    );

    // A sheet is imported whole or not at all: again, it names the line of the pseudonym held.
    let again = refused(&backend, &anna(&["import", SHEET, "--team", "mae-sot"]));
    assert!(again.contains("line 2") && again.contains("P-2026-0101") && again.contains("nothing imported"), "{again}");

    // A person added by hand, with an interview answered in Thai with a typed note.
    backend.run(&anna(&[
        "person",
        "add",
        "P-2026-0200",
        "--team",
        "mae-sot",
        "--nationality",
        "vn",
        "--language",
        "vi",
        "--age-band",
        "18_24",
        "--document",
        "passport:confiscated",
        "--facility",
        "Mae Sot IDC",
        "--detained-on",
        "2026-02-20",
        "--consent",
        "screening",
    ]));
    backend.run(&anna(&[
        "interview",
        "P-2026-0200",
        "--id",
        "MS-0200",
        "--lang",
        "th",
        "--interviewer",
        "anna",
        "--held-on",
        "2026-02-23",
        "--interpreter",
        "--answer",
        "q_job_different=yes",
        "--answer",
        "q_quota_fines=yes",
        "--answer",
        "q_passport_held=yes",
        "--answer",
        "q_confined=yes",
        "--note",
        &format!("q_confined={TYPED_NARRATIVE}"),
    ]));
    // Answers are checked against the questionnaire.
    let bad = refused(
        &backend,
        &anna(&[
            "interview",
            "P-2026-0200",
            "--id",
            "MS-0201",
            "--lang",
            "th",
            "--interviewer",
            "anna",
            "--held-on",
            "2026-02-23",
            "--answer",
            "q_no_such_question=yes",
        ]),
    );
    assert!(bad.contains("q_no_such_question"), "{bad}");

    // Reads need a reason.
    assert!(refused(&backend, &anna(&["person", "list"])).contains("--reason"));
    let people = backend.json(&anna(&["person", "list", "--json", "--reason", "intake review"]));
    assert_eq!(people.as_array().map(Vec::len), Some(4), "{people}");

    // The rules recommend; two named people decide, with their justifications.
    let assessed =
        backend.json(&anna(&["assess", "--person", "P-2026-0101", "--json", "--reason", "decision meeting"]));
    assert_eq!(assessed["recommendation"], "presumed_victim", "{assessed}");
    assert!(assessed["reasons"].as_array().is_some_and(|reasons| reasons.len() > 3));
    let decided = backend.json(&anna(&[
        "decide",
        "P-2026-0101",
        "--outcome",
        "presumed_victim",
        "--justification",
        "deceived about the job, fined, passport taken, confined",
        "--json",
        "--reason",
        "decision meeting",
    ]));
    assert_eq!(decided["decision"]["decided_by"], "anna");
    assert!(
        refused(
            &backend,
            &anna(&[
                "decide",
                "P-2026-0102",
                "--outcome",
                "suspected_perpetrator",
                "--justification",
                " ",
                "--reason",
                "x"
            ])
        )
        .contains("justification")
    );
    let bo = backend.json(&[
        "--as",
        "bo",
        "screening",
        "decide",
        "P-2026-0102",
        "--outcome",
        "needs_further_assessment",
        "--justification",
        "team leader, but says he was threatened; second interview with a lawyer",
        "--json",
        "--reason",
        "decision meeting",
    ]);
    assert_eq!(bo["departs_from_recommendation"], true, "{bo}");

    // Referral needs the consent covering it: P-2026-0101 consented to a case export only.
    let no_consent = refused(
        &backend,
        &anna(&["refer", "P-2026-0101", "--to", "Shelter Foundation", "--kind", "shelter", "--reason", "placement"]),
    );
    assert!(no_consent.contains("consent"), "{no_consent}");
    backend.run(&anna(&[
        "person",
        "consent",
        "P-2026-0101",
        "referral@Shelter Foundation",
        "--reason",
        "consent form signed",
    ]));
    let referral = backend.json(&anna(&[
        "refer",
        "P-2026-0101",
        "--to",
        "shelter foundation",
        "--kind",
        "shelter",
        "--json",
        "--reason",
        "placement",
    ]));
    let referral_id = referral["referral"].to_string();
    backend.run(&anna(&["referral", "P-2026-0101", &referral_id, "accepted"]));
    // A consent to one organisation is not a consent to another, nor to another kind.
    assert!(
        refused(&backend, &anna(&["refer", "P-2026-0101", "--to", "Other NGO", "--kind", "shelter", "--reason", "x"]))
            .contains("consent")
    );
    assert!(
        refused(
            &backend,
            &anna(&["refer", "P-2026-0101", "--to", "Shelter Foundation", "--kind", "prosecution", "--reason", "x"])
        )
        .contains("consent")
    );
    backend.run(&anna(&["person", "status", "P-2026-0101", "shelter"]));
    backend.run(&anna(&["person", "task", "P-2026-0101", "book the embassy appointment", "--due", "2026-03-01"]));

    let case = backend.json(&anna(&["person", "show", "P-2026-0101", "--json", "--reason", "case review"]));
    assert_eq!(case["status"], "shelter");
    assert!(case["interviews"][0]["answers"].as_array().map(Vec::len).unwrap_or(0) > 3, "{case}");
    assert!(
        case["interviews"][0]["answers"].as_array().expect("answers").iter().any(|answer| answer["note"] == NARRATIVE
            && answer["language"] == "my"
            && answer["maps_to"].as_str().is_some())
    );
    assert_eq!(case["decisions"][0]["justification"], "deceived about the job, fined, passport taken, confined");
    assert_eq!(case["referrals"][0]["status"], "accepted");
    let timeline = case["timeline"].to_string();
    for step in [
        "interview MS-0101 recorded",
        "decision: presumed_victim",
        "referral",
        "case status: shelter",
        "book the embassy",
    ] {
        assert!(timeline.contains(step), "{step} missing from {timeline}");
    }

    // The case export goes only where the consent says.
    let export = backend.run(&anna(&["export", "P-2026-0101", "--to", "Shelter Foundation", "--reason", "handover"]));
    let htcds: serde_json::Value = serde_json::from_str(&export).expect("HTCDS JSON");
    assert!(htcds.to_string().contains("P-2026-0101"));
    let html = backend.run(&anna(&[
        "export",
        "P-2026-0101",
        "--to",
        "Shelter Foundation",
        "--format",
        "html",
        "--reason",
        "print",
    ]));
    assert!(html.contains("<html") || html.contains("<!DOCTYPE"), "{html}");
    assert!(
        refused(&backend, &anna(&["export", "P-2026-0102", "--to", "Shelter Foundation", "--reason", "handover"]))
            .contains("consent")
    );

    // The audit has every read with its reason, and the refusals.
    let audit = backend.json(&anna(&["audit", "mae-sot", "--json", "--reason", "monthly audit"]));
    let entries = audit.as_array().expect("entries");
    let reasons_of = |action: &str| {
        entries
            .iter()
            .filter(|entry| entry["action"] == action)
            .map(|entry| entry["reason"].as_str().unwrap_or("").to_owned())
            .collect::<Vec<_>>()
    };
    assert!(reasons_of("read_case").iter().any(|reason| reason == "case review"), "{audit}");
    assert!(reasons_of("read_case").iter().any(|reason| reason == "decision meeting"), "{audit}");
    assert!(reasons_of("list").iter().any(|reason| reason == "intake review"), "{audit}");
    assert_eq!(reasons_of("refer_refused").len(), 3, "{audit}");
    assert_eq!(reasons_of("export_refused").len(), 1, "{audit}");
    assert_eq!(reasons_of("export").len(), 2, "{audit}");
    assert!(entries.iter().any(|entry| entry["action"] == "decide" && entry["user"] == "bo"));

    // Erasure removes every trace: the store, its file, any dump.
    let pseudonym = "P-2026-0200";
    assert!(database_text(&backend).contains(pseudonym), "the check can see a stored pseudonym");
    backend.run(&anna(&["erase", pseudonym, "--yes"]));
    let dump = database_text(&backend);
    assert!(
        !dump.contains(pseudonym) && !dump.contains(TYPED_NARRATIVE),
        "the pseudonym or narrative survived erasure"
    );
    assert!(refused(&backend, &anna(&["person", "show", pseudonym, "--reason", "x"])).contains("not found"));
    assert!(
        refused(&backend, &anna(&["export", pseudonym, "--to", "Shelter Foundation", "--reason", "x"]))
            .contains("not found")
    );
    let audit = backend.json(&anna(&["audit", "mae-sot", "--json", "--reason", "after erasure"]));
    let text = audit.to_string();
    assert!(!text.contains(pseudonym) && !text.contains(TYPED_NARRATIVE), "{text}");
    assert!(
        audit.as_array().expect("entries").iter().any(|entry| entry["action"] == "erase" && entry["reason"].is_null())
    );
    // The other people are untouched.
    let people = backend.json(&anna(&["person", "list", "--json", "--reason", "after erasure"]));
    assert_eq!(people.as_array().map(Vec::len), Some(3), "{people}");
}

const WALLET: &str = "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE";

/// Seized identifiers are looked up under the caller's access: the victim
/// reports naming the phone and the wallet, their campaign and the ledger
/// account receiving money appear; an unknown phone appears nowhere; a bad
/// CSV is refused whole; another team's member gets "not found"; the read
/// is in the audit with its reason.
fn seized_identifiers_link_to_reports_campaigns_and_ledger(backend: Backend) {
    screening_world(&backend);
    let lines = [
        serde_json::json!({"id": "V-1", "text": format!("The agent on +66 81 234 5678 said to pay {WALLET}."), "tlp": "amber"}),
        serde_json::json!({"id": "V-2", "text": format!("Mentor Lisa gave me 081-234-5678 and the wallet {WALLET}."), "tlp": "amber", "country": "TH"}),
        serde_json::json!({"id": "V-3", "text": "Another scam entirely, call +44 20 7946 0000.", "tlp": "amber"}),
    ];
    let reports = backend.path().join("reports.jsonl");
    std::fs::write(&reports, lines.iter().map(serde_json::Value::to_string).collect::<Vec<_>>().join("\n"))
        .expect("write");
    backend.run(&["--as", "anna", "import", "reports", &reports.to_string_lossy()]);
    let ledger = backend.path().join("ledger.csv");
    std::fs::write(
        &ledger,
        format!(
            "tx_id,timestamp,from_account,to_account,amount,currency,channel\n\
             TX-1,2024-01-05T10:00:00Z,VICTIM-ACCOUNT-1,{WALLET},300.00,USDT,crypto\n\
             TX-2,2024-01-06T10:00:00Z,VICTIM-ACCOUNT-2,{WALLET},150.00,USDT,crypto\n"
        ),
    )
    .expect("ledger");
    backend.run(&["--as", "anna", "ledger", "import", &ledger.to_string_lossy()]);

    let seized = backend.path().join("seized.csv");
    std::fs::write(
        &seized,
        format!(
            "kind,value,note\nphone,081 234 5678,the work phone\nwallet,{WALLET},\nphone,+66 85 000 1111,own phone\n"
        ),
    )
    .expect("seized");
    let chat = backend.path().join("WhatsApp Chat with Boss.txt");
    std::fs::write(
        &chat,
        format!("12/02/2026, 09:15 - Boss: send today's takings to {WALLET}\n12/02/2026, 09:16 - Me: ok\n"),
    )
    .expect("chat");
    let (seized, chat) = (seized.to_string_lossy().into_owned(), chat.to_string_lossy().into_owned());
    let found = backend.json(&anna(&[
        "evidence",
        "P-2026-0101",
        &seized,
        &chat,
        "--country",
        "TH",
        "--reason",
        "decision meeting",
        "--json",
    ]));
    assert!(found["notice"].as_str().is_some_and(|notice| notice.contains("never a verdict")), "{found}");
    assert_eq!(found["stored"], false);
    let identifiers = found["identifiers"].as_array().expect("identifiers");
    let of = |value: &str| {
        identifiers.iter().find(|found| found["normalized"] == value).unwrap_or_else(|| panic!("{value}: {found}"))
    };
    let externals = |found: &serde_json::Value| -> Vec<String> {
        let mut ids: Vec<String> = found["reports"]
            .as_array()
            .expect("reports")
            .iter()
            .filter_map(|report| report["external_id"].as_str().map(str::to_owned))
            .collect();
        ids.sort();
        ids
    };
    let phone = of("+66812345678");
    assert_eq!(externals(phone), ["V-1", "V-2"], "{phone}");
    assert_eq!(phone["campaigns"].as_array().map(Vec::len), Some(1), "{phone}");
    assert_eq!(phone["notes"][0], "the work phone");
    assert!(phone["observations"].to_string().contains("contact victims"), "{phone}");
    let wallet = of(WALLET);
    assert_eq!(externals(wallet), ["V-1", "V-2"], "{wallet}");
    assert_eq!(wallet["campaigns"], phone["campaigns"], "the same campaign as the caller sees it");
    assert_eq!(wallet["transfers_in"], 2, "{wallet}");
    assert!(wallet["observations"].to_string().contains("finance role"), "{wallet}");
    assert!(wallet["sources"].to_string().contains("(chat)"), "the chat named it too: {wallet}");
    let unknown = of("+66850001111");
    assert_eq!(unknown["reports"], serde_json::json!([]));
    assert_eq!(found["not_found"], 1, "{found}");
    // Found identifiers come first.
    assert_ne!(identifiers[0]["normalized"], "+66850001111");

    // An e-mail saved under another name is told by its headers; --format overrides the guess.
    let saved = backend.path().join("export.txt");
    std::fs::write(&saved, format!("From: boss@example.com\r\nSubject: takings\r\n\r\nSend them to {WALLET}.\r\n"))
        .expect("saved mail");
    let saved = saved.to_string_lossy().into_owned();
    let read = backend.run(&anna(&["evidence", "P-2026-0101", &saved, "--reason", "check", "--json"]));
    assert!(read.contains(WALLET) && read.contains("(e-mail)"), "{read}");
    let error = refused(&backend, &anna(&["evidence", "P-2026-0101", &saved, "--format", "chat", "--reason", "check"]));
    assert!(error.contains("export.txt"), "{error}");

    // The text form says the same, with the notice.
    let text = backend.run(&anna(&["evidence", "P-2026-0101", &seized, "--country", "TH", "--reason", "re-read"]));
    assert!(text.contains("never a verdict") && text.contains("+66812345678"), "{text}");

    // A bad row: the whole file is refused, naming file, line, field and why.
    let bad = backend.path().join("bad.csv");
    std::fs::write(&bad, "kind,value\nphone,+66812345678\nwallet,+66812345678\n").expect("bad");
    let error = refused(&backend, &anna(&["evidence", "P-2026-0101", &bad.to_string_lossy(), "--reason", "check"]));
    assert!(error.contains("bad.csv") && error.contains("line 3") && error.contains("\"value\""), "{error}");
    // A reason is required.
    assert!(refused(&backend, &anna(&["evidence", "P-2026-0101", &seized])).contains("--reason"));

    // Another team's member, the organisation's admin: not found, like a person that does not exist.
    for user in ["carl", "ngo-admin"] {
        let error =
            refused(&backend, &["--as", user, "screening", "evidence", "P-2026-0101", &seized, "--reason", "curious"]);
        assert!(error.contains("not found"), "{user}: {error}");
    }

    // The read is in the team's audit with its reason.
    let audit = backend.json(&anna(&["audit", "mae-sot", "--reason", "audit check", "--json"]));
    assert!(
        audit.as_array().expect("entries").iter().any(|entry| entry["action"] == "read_evidence"
            && entry["reason"] == "decision meeting"
            && entry["person"] == "P-2026-0101"
            && entry["user"] == "anna"),
        "{audit}"
    );
    seized_evidence_over_the_api(&backend, &seized);
}

/// `POST /api/v1/screening/people/{pseudonym}/evidence`: the seized file as
/// the body answers what `screening evidence --json` prints; the format is
/// given or sniffed (an e-mail too); a bad file is refused naming line and
/// field, and the refusal is audited.
fn seized_evidence_over_the_api(backend: &Backend, seized_csv: &str) {
    let (child, address) = crate::support::serve(backend);
    let _server = crate::support::KillOnDrop(child);
    let token = backend.token("anna");
    let post = |path: &str, body: &str| {
        let (status, answer) = crate::support::http(&address, "POST", path, &token, body);
        (status, serde_json::from_str::<serde_json::Value>(&answer).unwrap_or(serde_json::Value::String(answer)))
    };
    // Sources name the file as each caller named it; everything else is the CLI's answer.
    let without_sources = |mut report: serde_json::Value| {
        for identifier in report["identifiers"].as_array_mut().expect("identifiers") {
            identifier.as_object_mut().expect("identifier").remove("sources");
        }
        report
    };
    let body = std::fs::read_to_string(seized_csv).expect("seized csv");
    let cli =
        backend.json(&anna(&["evidence", "P-2026-0101", seized_csv, "--country", "TH", "--reason", "cli", "--json"]));
    let path = "/api/v1/screening/people/P-2026-0101/evidence?reason=api%20check&country=TH&name=seized.csv";
    let (status, api) = post(path, &body);
    assert_eq!(status, 200, "{api}");
    assert!(api["identifiers"][0]["sources"][0].as_str().is_some_and(|source| source.starts_with("seized.csv, line")));
    assert_eq!(without_sources(api), without_sources(cli.clone()));
    // No name, no format: the header line says it is a CSV of identifiers.
    let (status, sniffed) = post("/api/v1/screening/people/P-2026-0101/evidence?reason=sniffed&country=TH", &body);
    assert_eq!(status, 200, "{sniffed}");
    assert_eq!(without_sources(sniffed), without_sources(cli));

    // A seized e-mail, sniffed from its header lines: the wallet in its body links to the ledger.
    let mail = format!(
        "From: Boss <boss@example.com>\r\nTo: worker@example.org\r\nSubject: takings\r\n\r\n\
         Send today's takings to {WALLET} before noon.\r\n"
    );
    let (status, found) = post("/api/v1/screening/people/P-2026-0101/evidence?reason=mail", &mail);
    assert_eq!(status, 200, "{found}");
    let wallet = found["identifiers"]
        .as_array()
        .and_then(|identifiers| identifiers.iter().find(|found| found["normalized"] == WALLET))
        .unwrap_or_else(|| panic!("the wallet: {found}"));
    assert_eq!(wallet["transfers_in"], 2, "{wallet}");
    assert!(wallet["sources"].to_string().contains("(e-mail)"), "{wallet}");
    let (status, chat) =
        post("/api/v1/screening/people/P-2026-0101/evidence?reason=forced&format=chat&name=upload.txt", &mail);
    assert_eq!(status, 400, "an e-mail is no chat export: {chat}");

    // Refused: a bad row (line and field named), no reason, an unknown format.
    let bad = "kind,value\nphone,+66812345678\nwallet,+66812345678\n";
    let (status, error) = post("/api/v1/screening/people/P-2026-0101/evidence?reason=bad%20file&name=bad.csv", bad);
    let message = error.to_string();
    assert_eq!(status, 400, "{message}");
    assert!(message.contains("bad.csv") && message.contains("line 3") && message.contains("value"), "{message}");
    assert_eq!(post("/api/v1/screening/people/P-2026-0101/evidence", &body).0, 400);
    assert_eq!(post("/api/v1/screening/people/P-2026-0101/evidence?reason=x&format=pdf", &body).0, 400);

    // The case list carries the rules' recommendation on each latest interview and the last change.
    let (status, listed) =
        crate::support::http(&address, "GET", "/api/v1/screening/people?reason=work%20list", &token, "");
    assert_eq!(status, 200, "{listed}");
    let listed: serde_json::Value = serde_json::from_str(&listed).expect("JSON");
    let of = |pseudonym: &str| {
        listed.as_array().and_then(|people| people.iter().find(|person| person["pseudonym"] == pseudonym)).cloned()
    };
    assert_eq!(of("P-2026-0101").map(|person| person["recommendation"].clone()), Some("presumed_victim".into()));
    assert_eq!(of("P-2026-0102").map(|person| person["recommendation"].clone()), Some("suspected_perpetrator".into()));
    assert!(of("P-2026-0101").is_some_and(|person| person["last_change"].as_str().is_some_and(|at| at >= "2026")));
    // The questionnaire for the intake page: every language; not for partners.
    let (status, questionnaire) = crate::support::http(&address, "GET", "/api/v1/screening/questionnaire", &token, "");
    assert_eq!(status, 200);
    let questionnaire: serde_json::Value = serde_json::from_str(&questionnaire).expect("JSON");
    assert!(questionnaire["questions"][0]["text"]["my"].as_str().is_some_and(|text| !text.is_empty()));
    let partner = backend.token("ngo-partner");
    assert_eq!(crate::support::http(&address, "GET", "/api/v1/screening/questionnaire", &partner, "").0, 403);

    let audit = backend.json(&anna(&["audit", "mae-sot", "--reason", "audit check", "--json"]));
    let entries = audit.as_array().expect("entries");
    assert!(
        entries.iter().any(|entry| entry["action"] == "read_evidence" && entry["reason"] == "api check"),
        "{audit}"
    );
    assert!(
        entries.iter().any(|entry| entry["action"] == "evidence_refused"
            && entry["reason"]
                .as_str()
                .is_some_and(|reason| reason.starts_with("bad file") && reason.contains("line 3"))),
        "{audit}"
    );
}

/// Retention: a team's closed cases past its period are erased through the
/// erase path (the audit keeps only that it happened); open cases never
/// are; a dry run lists without erasing; another team cannot touch it.
fn closed_cases_are_erased_after_the_teams_retention_period(backend: Backend) {
    screening_world(&backend);
    let none = backend.json(&anna(&["retention", "mae-sot", "--json"]));
    assert_eq!(none["retention_days"], serde_json::Value::Null, "{none}");
    assert_eq!(none["erased"], serde_json::json!([]));
    backend.run(&anna(&["person", "status", "P-2026-0102", "closed"]));
    // Ten years: the case closed just now is kept.
    let kept = backend.json(&anna(&["retention", "mae-sot", "--days", "3650", "--apply", "--json"]));
    assert_eq!(
        (kept["retention_days"].as_i64(), kept["erased"].clone()),
        (Some(3650), serde_json::json!([])),
        "{kept}"
    );
    // Zero days: due at once. Without --apply nothing is erased.
    let due = backend.json(&anna(&["retention", "mae-sot", "--days", "0", "--json"]));
    assert_eq!(
        (due["erased"].clone(), due["applied"].clone()),
        (serde_json::json!(["P-2026-0102"]), false.into()),
        "{due}"
    );
    backend.run(&anna(&["person", "show", "P-2026-0102", "--reason", "still here"]));
    // Another team's member can neither set nor apply it.
    for args in [&["retention", "mae-sot", "--days", "0"][..], &["retention", "mae-sot", "--apply"][..]] {
        let error = refused(&backend, &[&["--as", "carl", "screening"][..], args].concat());
        assert!(error.contains("not found"), "{error}");
    }
    assert!(refused(&backend, &anna(&["retention", "mae-sot", "--days", "99999"])).contains("between 0 and"));
    let applied = backend.json(&anna(&["retention", "mae-sot", "--apply", "--json"]));
    assert_eq!(applied["erased"], serde_json::json!(["P-2026-0102"]), "{applied}");
    assert!(refused(&backend, &anna(&["person", "show", "P-2026-0102", "--reason", "gone?"])).contains("not found"));
    let people = backend.json(&anna(&["person", "list", "--json", "--reason", "after retention"]));
    let left: Vec<&str> =
        people.as_array().expect("people").iter().filter_map(|person| person["pseudonym"].as_str()).collect();
    assert_eq!(left, ["P-2026-0101", "P-2026-0103"], "open cases stay");
    let audit = backend.json(&anna(&["audit", "mae-sot", "--reason", "audit check", "--json"]));
    let entries = audit.as_array().expect("entries");
    assert!(
        entries.iter().any(|entry| entry["action"] == "retention_set" && entry["reason"] == "retention: 0 days"),
        "{audit}"
    );
    assert!(
        entries
            .iter()
            .any(|entry| entry["action"] == "erase" && entry["reason"].is_null() && entry["person"].is_null()),
        "{audit}"
    );
    // Nothing of the erased person is left in the database.
    assert!(!database_text(&backend).contains("P-2026-0102"));
}

/// Everything the database holds, as text: on SQLite the bytes of the
/// database file and its write-ahead log, on PostgreSQL every row of every
/// table of the test's schema (what a dump would hold).
pub fn database_text(backend: &Backend) -> String {
    match &backend.database {
        None => {
            let mut text = String::new();
            for name in ["crackdown.sqlite3", "crackdown.sqlite3-wal"] {
                if let Ok(bytes) = std::fs::read(backend.path().join(name)) {
                    text.push_str(&String::from_utf8_lossy(&bytes));
                }
            }
            text
        }
        Some(url) => {
            let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
            let tables = client
                .query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()", &[])
                .expect("tables");
            let mut text = String::new();
            for table in tables {
                let name: String = table.get(0);
                for row in client.query(&format!("SELECT CAST(t AS text) FROM \"{name}\" t"), &[]).expect("rows") {
                    text.push_str(&row.get::<_, String>(0));
                    text.push('\n');
                }
            }
            text
        }
    }
}

mod on_sqlite {
    #[test]
    fn a_team_screens_decides_refers_exports_and_erases() {
        super::a_team_screens_decides_refers_exports_and_erases(crate::support::Backend::sqlite());
    }

    #[test]
    fn seized_identifiers_link_to_reports_campaigns_and_ledger() {
        super::seized_identifiers_link_to_reports_campaigns_and_ledger(crate::support::Backend::sqlite());
    }

    #[test]
    fn closed_cases_are_erased_after_the_teams_retention_period() {
        super::closed_cases_are_erased_after_the_teams_retention_period(crate::support::Backend::sqlite());
    }
}

mod on_postgres {
    #[test]
    fn a_team_screens_decides_refers_exports_and_erases() {
        if let Some(backend) = crate::support::Backend::postgres() {
            super::a_team_screens_decides_refers_exports_and_erases(backend);
        }
    }

    #[test]
    fn seized_identifiers_link_to_reports_campaigns_and_ledger() {
        if let Some(backend) = crate::support::Backend::postgres() {
            super::seized_identifiers_link_to_reports_campaigns_and_ledger(backend);
        }
    }

    #[test]
    fn closed_cases_are_erased_after_the_teams_retention_period() {
        if let Some(backend) = crate::support::Backend::postgres() {
            super::closed_cases_are_erased_after_the_teams_retention_period(backend);
        }
    }
}
