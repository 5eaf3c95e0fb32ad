//! The store test suite, run on both backends: SQLite on a temporary file
//! always, PostgreSQL when `CRACKDOWN_TEST_POSTGRES_URL` names a server
//! (the README's test command starts one). Set `CRACKDOWN_REQUIRE_POSTGRES=1`
//! to fail instead of skipping when it is absent.

use chrono::{TimeZone, Utc};
use crackdown_model::{Channel, Keyword, Money, NewReport, ReportStatus, Role, Tlp, VictimContact, Viewer};
use crackdown_store::{DEFER_MIN_ROWS, InsertedReport, ReportFilter, ShareOptions, Store, StoreError, TransferBatch};

/// A store on a fresh database: a temp dir for SQLite, a fresh schema for PostgreSQL.
struct TestStore {
    store: Store,
    _dir: Option<tempfile::TempDir>,
}

fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_sqlite(dir.path()).expect("open sqlite");
    TestStore { store, _dir: Some(dir) }
}

fn postgres() -> Option<TestStore> {
    let url = crackdown_store::testing::fresh_postgres_url()?;
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_postgres(&url, &dir.path().join("crackdown.key")).expect("open postgres");
    Some(TestStore { store, _dir: Some(dir) })
}

/// Declares a test that runs on SQLite and on PostgreSQL.
macro_rules! both_backends {
    ($($name:ident => $body:ident;)*) => {
        mod on_sqlite { $( #[test] fn $name() { super::$body(&super::sqlite().store) } )* }
        mod on_postgres { $( #[test] fn $name() { if let Some(test) = super::postgres() { super::$body(&test.store) } } )* }
    };
}

both_backends! {
    migrations_are_idempotent => migrations_are_idempotent;
    tokens_are_hashed_shown_once_and_revocable => tokens_are_hashed_shown_once_and_revocable;
    duplicates_are_recognised => duplicates_are_recognised;
    duplicates_are_only_of_readable_reports => duplicates_are_only_of_readable_reports;
    external_ids_repeat_only_readable_reports => external_ids_repeat_only_readable_reports;
    batches_are_whole_or_absent => batches_are_whole_or_absent;
    access_matrix => access_matrix;
    pagination_and_filters => pagination_and_filters;
    triage_is_audited => triage_is_audited;
    only_admins_administer => only_admins_administer;
    originals_are_kept_byte_exact => originals_are_kept_byte_exact;
    ledger_imports_commit_whole_or_not_at_all => ledger_imports_commit_whole_or_not_at_all;
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).single().expect("valid date")
}

fn report(text: &str, tlp: Tlp) -> NewReport {
    NewReport::from_text(text, Channel::Bulk, tlp)
}

fn migrations_are_idempotent(store: &Store) {
    assert_eq!(store.schema_version().expect("version"), crackdown_store::SCHEMA_VERSION);
    let operator = store.operator(now()).expect("operator");
    assert_eq!(store.operator(now()).expect("operator again"), operator);
}

fn tokens_are_hashed_shown_once_and_revocable(store: &Store) {
    let operator = store.operator(now()).expect("operator");
    let token = store.create_token(&operator, "operator", "laptop", now()).expect("token");
    assert!(token.secret.starts_with("cdk_") && token.secret.len() > 60);
    assert_eq!(store.authenticate(&token.secret).expect("auth"), Some(operator.clone()));
    assert_eq!(store.authenticate("cdk_wrong").expect("auth"), None);
    let listed = store.tokens(&operator).expect("tokens");
    assert!(!format!("{listed:?}").contains(&token.secret), "listing leaks the secret");
    store.revoke_token(&operator, token.id, now()).expect("revoke");
    assert_eq!(store.authenticate(&token.secret).expect("auth"), None);
}

fn duplicates_are_recognised(store: &Store) {
    let operator = store.operator(now()).expect("operator");
    let mut first = report("Send USDT  to this wallet", Tlp::Amber);
    first.external_id = Some("r-1".into());
    let mut same_id = report("a different text", Tlp::Amber);
    same_id.external_id = Some("r-1".into());
    let mut another_record = report("send usdt to this wallet", Tlp::Amber);
    another_record.external_id = Some("r-2".into());
    let anonymous = report("Send USDT to this wallet", Tlp::Amber);
    let same_text = report("send usdt to this WALLET", Tlp::Amber);
    let mut other_victim = report("send usdt to this wallet", Tlp::Amber);
    other_victim.victim_contact = Some(VictimContact { contact: "+66 81 234 5678".into() });
    let outcome = store
        .insert_reports(
            &operator,
            &[first, same_id, another_record, anonymous, same_text, other_victim],
            &ShareOptions::default(),
            now(),
        )
        .expect("insert");
    let InsertedReport::Created { id } = outcome.reports[0] else { panic!("first not created: {outcome:?}") };
    assert_eq!(outcome.reports[1], InsertedReport::Duplicate { existing_id: id }, "the same record id");
    assert!(
        matches!(outcome.reports[2], InsertedReport::Created { .. }),
        "another record of the partner's file with the same words is another victim's report"
    );
    let InsertedReport::Created { id: anonymous } = outcome.reports[3] else { panic!("{outcome:?}") };
    assert_eq!(
        outcome.reports[4],
        InsertedReport::Duplicate { existing_id: anonymous },
        "the same words, no one named"
    );
    assert!(
        matches!(outcome.reports[5], InsertedReport::Created { .. }),
        "another victim's identical words are a new report"
    );
    assert_eq!((outcome.created(), outcome.duplicates()), (4, 2));
}

fn batches_are_whole_or_absent(store: &Store) {
    let operator = store.operator(now()).expect("operator");
    let error = store
        .insert_reports(
            &operator,
            &[report("first of a failing batch", Tlp::Amber)],
            &ShareOptions { communities: vec!["no-such-community".into()], recipients: vec![] },
            now(),
        )
        .expect_err("unknown community");
    assert!(matches!(error, StoreError::NotFound(_)), "{error}");
    let page = store.reports(&operator, &ReportFilter::default(), 10).expect("list");
    assert!(page.items.is_empty(), "a failed batch left {} reports", page.items.len());
}

/// Organisations: `police` reports; `bank` shares the community `asean`
/// with it; `ngo` shares nothing. Each has users of every role.
struct World {
    viewers: Vec<(String, Viewer)>,
    ids: Vec<(Tlp, i64)>,
}

fn world(store: &Store) -> World {
    let operator = store.operator(now()).expect("operator");
    let mut viewers = Vec::new();
    for org in ["police", "bank", "ngo"] {
        store.create_org(&operator, org, now()).expect("org");
        for role in [Role::Admin, Role::Analyst, Role::Reporter, Role::Partner] {
            let name = format!("{org}-{role}");
            let user = store.create_user(&operator, org, &name, role, now()).expect("user");
            viewers.push((name, user.viewer()));
        }
    }
    store.create_community(&operator, "asean", now()).expect("community");
    store.join_community(&operator, "asean", "police", now()).expect("join");
    store.join_community(&operator, "asean", "bank", now()).expect("join");
    let analyst = viewers.iter().find(|(name, _)| name == "police-analyst").expect("analyst").1.clone();
    let mut ids = Vec::new();
    for tlp in Tlp::ALL.iter().copied() {
        let new = marked_report(tlp);
        let share = ShareOptions {
            communities: if tlp == Tlp::Amber { vec!["asean".into()] } else { vec![] },
            recipients: if tlp == Tlp::Red { vec!["bank-partner".into()] } else { vec![] },
        };
        let outcome = store.insert_reports(&analyst, &[new], &share, now()).expect("insert");
        let InsertedReport::Created { id } = outcome.reports[0] else { panic!("not created") };
        ids.push((tlp, id));
    }
    World { viewers, ids }
}

/// The report of the world marked `tlp`, as `police-analyst` submitted it.
fn marked_report(tlp: Tlp) -> NewReport {
    let mut new = report(&format!("report marked {tlp}"), tlp);
    new.victim_contact = Some(VictimContact { contact: "victim@example.org".into() });
    new.reporter = Some("Branch 12 hotline".into());
    new
}

fn viewer<'a>(world: &'a World, name: &str) -> &'a Viewer {
    &world.viewers.iter().find(|(user, _)| user == name).unwrap_or_else(|| panic!("no user {name}")).1
}

/// A resubmission is a duplicate only of a report the submitter may read
/// (security issue 20, item 4). Each writer re-submits every marked report
/// of the access matrix's world: where the matrix lets a writer of the
/// reporting organisation read the original, the answer is that original;
/// everywhere else their own copy is stored, readable by them, and their
/// next resubmission is a duplicate of that copy. Another organisation's
/// writer keeps its own copy even of what it may read.
fn duplicates_are_only_of_readable_reports(store: &Store) {
    let world = world(store);
    for name in ["police-reporter", "police-admin", "police-analyst", "bank-admin"] {
        let submitter = viewer(&world, name);
        let (_, readable) = crackdown_store::testing::ACCESS_MATRIX
            .iter()
            .find(|(user, _)| *user == name)
            .unwrap_or_else(|| panic!("{name} is in the access matrix"));
        for ((tlp, original), cell) in world.ids.iter().zip(readable.chars()) {
            let context = format!("{name} re-submitting the report marked {tlp}");
            let submit = || {
                let outcome = store.insert_reports(submitter, &[marked_report(*tlp)], &ShareOptions::default(), now());
                outcome.unwrap_or_else(|error| panic!("{context}: {error}")).reports[0].clone()
            };
            if cell != '.' && name.starts_with("police") {
                assert_eq!(submit(), InsertedReport::Duplicate { existing_id: *original }, "{context}");
                continue;
            }
            let InsertedReport::Created { id: copy } = submit() else { panic!("{context}: their copy is not stored") };
            assert!(store.report(submitter, copy).is_ok(), "{context}: they read their copy");
            assert_eq!(submit(), InsertedReport::Duplicate { existing_id: copy }, "{context}, again");
        }
    }
}

/// The same for external ids: a reporter re-using the id of a colleague's
/// RED report stores their own report under it; their next record with the
/// id repeats their own; the colleague, who may read both, is answered with
/// the first stored; in one batch the second record with an id repeats the
/// first.
fn external_ids_repeat_only_readable_reports(store: &Store) {
    let world = world(store);
    let (analyst, reporter) = (viewer(&world, "police-analyst"), viewer(&world, "police-reporter"));
    let record = |id: &str, text: &str, tlp: Tlp| {
        let mut new = NewReport::from_text(text, Channel::Api, tlp);
        new.external_id = Some(id.into());
        new
    };
    let submit = |who: &Viewer, records: &[NewReport]| {
        store.insert_reports(who, records, &ShareOptions::default(), now()).expect("insert").reports
    };
    let [InsertedReport::Created { id: original }] = submit(analyst, &[record("CASE-9", "first words", Tlp::Red)])[..]
    else {
        panic!("the analyst's report is stored")
    };
    let [InsertedReport::Created { id: copy }] = submit(reporter, &[record("CASE-9", "other words", Tlp::Amber)])[..]
    else {
        panic!("the reporter's report under the same id is stored")
    };
    assert_eq!(store.report(reporter, copy).expect("readable").external_id.as_deref(), Some("CASE-9"));
    assert_eq!(
        submit(reporter, &[record("CASE-9", "third words", Tlp::Red)]),
        [InsertedReport::Duplicate { existing_id: copy }]
    );
    assert_eq!(
        submit(analyst, &[record("CASE-9", "fourth words", Tlp::Amber)]),
        [InsertedReport::Duplicate { existing_id: original }]
    );
    let batch = submit(reporter, &[record("CASE-10", "one", Tlp::Red), record("CASE-10", "two", Tlp::Red)]);
    let InsertedReport::Created { id: first } = batch[0] else { panic!("{batch:?}") };
    assert_eq!(batch[1], InsertedReport::Duplicate { existing_id: first });
}

fn access_matrix(store: &Store) {
    let world = world(store);
    for (name, expected) in crackdown_store::testing::ACCESS_MATRIX {
        let viewer = &world.viewers.iter().find(|(user, _)| user == name).expect("viewer").1;
        let listed = store.reports(viewer, &ReportFilter::default(), 100).expect("list");
        for ((tlp, id), cell) in world.ids.iter().zip(expected.chars()) {
            let context = format!("{name} reading {tlp}");
            let single = store.report(viewer, *id);
            let in_list = listed.items.iter().find(|report| report.id == *id);
            let trail = store.audit_trail(viewer, *id);
            if cell == '.' {
                assert!(matches!(single, Err(StoreError::NotFound(_))), "{context}: get should be not found");
                assert!(in_list.is_none(), "{context}: list should omit it");
                assert!(trail.is_err(), "{context}: audit trail should be hidden");
                continue;
            }
            let single = single.unwrap_or_else(|error| panic!("{context}: {error}"));
            assert_eq!(Some(&single), in_list, "{context}: list and get disagree");
            assert!(trail.is_ok(), "{context}: audit trail");
            let sees_contact = cell == 'C';
            assert_eq!(single.victim_contact.is_some(), sees_contact, "{context}: victim contact");
            assert_eq!(single.reporter.is_some(), name.starts_with("police"), "{context}: reporter name");
        }
    }
    // Reporters see only what they submitted themselves, whatever the marking.
    let reporter = &world.viewers.iter().find(|(user, _)| user == "ngo-reporter").expect("reporter").1;
    let outcome = store
        .insert_reports(reporter, &[report("my own report", Tlp::Red)], &ShareOptions::default(), now())
        .expect("insert");
    let InsertedReport::Created { id } = outcome.reports[0] else { panic!("not created") };
    assert!(store.report(reporter, id).is_ok(), "a reporter reads their own RED report");
    assert_eq!(store.reports(reporter, &ReportFilter::default(), 100).expect("list").items.len(), 1);
}

fn pagination_and_filters(store: &Store) {
    let operator = store.operator(now()).expect("operator");
    let batch: Vec<NewReport> = (0..25)
        .map(|n| {
            let mut new = report(
                &format!("report number {n} about {}", if n % 5 == 0 { "Crypto_100%" } else { "a parcel" }),
                Tlp::Amber,
            );
            new.loss = Some(Money::parse_positive("12.5", "USD").expect("money"));
            new
        })
        .collect();
    store.insert_reports(&operator, &batch, &ShareOptions::default(), now()).expect("insert");
    let mut seen = Vec::new();
    let mut filter = ReportFilter::default();
    loop {
        let page = store.reports(&operator, &filter, 10).expect("page");
        seen.extend(page.items.iter().map(|report| report.id));
        match page.next_cursor {
            Some(cursor) => filter.before_id = Some(cursor),
            None => break,
        }
    }
    assert_eq!(seen.len(), 25);
    assert!(seen.windows(2).all(|pair| pair[0] > pair[1]), "newest first, no repeats");
    let crypto = ReportFilter { text_contains: Some("crypto_100%".into()), ..ReportFilter::default() };
    assert_eq!(store.reports(&operator, &crypto, 100).expect("filter").items.len(), 5);
    assert_eq!(store.count_reports(&operator, &crypto).expect("count"), 5);
    assert_eq!(store.count_reports(&operator, &ReportFilter::default()).expect("count"), 25);
    let wildcard = ReportFilter { text_contains: Some("_100%x".into()), ..ReportFilter::default() };
    assert!(store.reports(&operator, &wildcard, 100).expect("filter").items.is_empty(), "LIKE wildcards are escaped");
    let first = &store.reports(&operator, &ReportFilter::default(), 1).expect("one").items[0];
    assert_eq!((first.loss_amount.as_deref(), first.loss_currency.as_deref()), (Some("12.50"), Some("USD")));
}

fn triage_is_audited(store: &Store) {
    let operator = store.operator(now()).expect("operator");
    let outcome = store
        .insert_reports(&operator, &[report("triage me", Tlp::Green)], &ShareOptions::default(), now())
        .expect("insert");
    let InsertedReport::Created { id } = outcome.reports[0] else { panic!("not created") };
    let new_only = ReportFilter { status: Some(ReportStatus::New), ..ReportFilter::default() };
    assert_eq!(store.reports(&operator, &new_only, 10).expect("list").items.len(), 1);
    assert_eq!(store.set_status(&operator, &[id], ReportStatus::Triaged, now()).expect("triage"), 1);
    assert_eq!(store.set_status(&operator, &[id], ReportStatus::Triaged, now()).expect("again"), 0);
    assert!(store.reports(&operator, &new_only, 10).expect("list").items.is_empty());
    let trail = store.audit_trail(&operator, id).expect("trail");
    let actions: Vec<&str> = trail.iter().map(|entry| entry.action.as_str()).collect();
    assert_eq!(actions, ["report.create", "report.status"]);
    assert_eq!(trail[1].detail["to"], "triaged");
}

fn only_admins_administer(store: &Store) {
    let operator = store.operator(now()).expect("operator");
    store.create_org(&operator, "bank", now()).expect("org");
    let bank_admin = store.create_user(&operator, "bank", "bank-admin", Role::Admin, now()).expect("user").viewer();
    let partner =
        store.create_user(&bank_admin, "bank", "bank-partner", Role::Partner, now()).expect("own org").viewer();
    assert!(matches!(store.create_org(&bank_admin, "rogue", now()), Err(StoreError::Forbidden(_))));
    assert!(matches!(
        store.create_user(&bank_admin, "local", "sneaky", Role::Admin, now()),
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(store.create_token(&partner, "bank-admin", "x", now()), Err(StoreError::Forbidden(_))));
    assert!(matches!(
        store.insert_reports(&partner, &[report("x", Tlp::Clear)], &ShareOptions::default(), now()),
        Err(StoreError::Forbidden(_))
    ));
    let partner_token = store.create_token(&partner, "bank-partner", "own", now()).expect("own token");
    assert!(
        matches!(store.revoke_token(&operator, partner_token.id, now()), Err(StoreError::NotFound(_))),
        "other org's token"
    );
    store.revoke_token(&bank_admin, partner_token.id, now()).expect("own org admin revokes");
    assert!(matches!(
        store.create_user(&operator, "bank", "bad name!", Role::Analyst, now()),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(store.create_org(&operator, "bank", now()), Err(StoreError::Conflict(_))));
}

fn originals_are_kept_byte_exact(store: &Store) {
    let operator = store.operator(now()).expect("operator");
    let bytes: Vec<u8> = (0..=255).collect();
    let mut new = report("forwarded e-mail", Tlp::Amber);
    new.original = Some(bytes.clone());
    let outcome = store.insert_reports(&operator, &[new], &ShareOptions::default(), now()).expect("insert");
    let InsertedReport::Created { id } = outcome.reports[0] else { panic!("not created") };
    let (digest, stored) = store.original(&operator, id).expect("original");
    assert_eq!(stored, bytes);
    assert_eq!(digest, "40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880");
}

/// `count` transfers `{prefix}-0..` from `a{i % 7}` to `b{i % 5}`.
fn transfers(prefix: &str, count: usize) -> TransferBatch {
    let eur = crackdown_model::Currency::from_code("EUR").expect("EUR");
    let mut batch = TransferBatch::with_capacity(count);
    for index in 0..count {
        batch.push(
            (index as u64 + 2, &format!("{prefix}-{index}")),
            now(),
            (&format!("a{}", index % 7), &format!("b{}", index % 5)),
            (Money::new(100 + index as i64, eur), None),
            "wire",
            None,
        );
        batch.set_source("bank.sta", "STMT-1", &index.to_string());
    }
    batch
}

/// A ledger import is one transaction (issue 25: "a file commits whole or
/// not at all"): a run abandoned after storing some batches of a later file
/// leaves the ledger, its imports and its indexes exactly as before — also
/// when the run had announced a bulk load and so dropped the account
/// indexes. A committed bulk run is readable by account afterwards, and a
/// repeated tx id within the run is reported, not stored twice.
fn ledger_imports_commit_whole_or_not_at_all(store: &Store) {
    let world = world(store);
    let analyst = viewer(&world, "police-analyst");
    let mut write = store.begin_ledger_write(analyst).expect("write");
    let first = write.begin_import("first.sta", "mt940", now()).expect("import");
    assert_eq!(write.insert_transfers(first, transfers("first", 3)).expect("insert").inserted, 3);
    write.commit().expect("commit");
    let before = store.ledger_page(analyst, 0, 100).expect("page");
    let version = store.ledger_version(analyst).expect("version");
    assert_eq!(before.len(), 3);

    let mut write = store.begin_ledger_write(analyst).expect("write");
    let second = write.begin_import("second.sta", "mt940", now()).expect("import");
    write.expect_rows(DEFER_MIN_ROWS).expect("announce");
    assert_eq!(write.insert_transfers(second, transfers("second", 40)).expect("insert").inserted, 40);
    let third = write.begin_import("third.sta", "mt940", now()).expect("import");
    assert_eq!(write.insert_transfers(third, transfers("third", 40)).expect("insert").inserted, 40);
    drop(write); // the run fails here: the third file was refused half-way
    assert_eq!(store.ledger_page(analyst, 0, 100).expect("page"), before, "an abandoned run left rows");
    assert_eq!(store.ledger_version(analyst).expect("version"), version);
    assert!(store.ledger_transfer(analyst, "second-0").expect("read").is_none());

    let mut write = store.begin_ledger_write(analyst).expect("write");
    let again = write.begin_import("second.sta", "mt940", now()).expect("import");
    let bulk = write.expect_rows(DEFER_MIN_ROWS).expect("announce");
    assert_eq!(bulk, store.backend() == crackdown_store::Backend::Sqlite, "only SQLite defers its indexes");
    let mut batch = transfers("second", 40);
    batch.push(
        (99, "second-3"),
        now(),
        ("a1", "b1"),
        (Money::new(1, crackdown_model::Currency::from_code("EUR").expect("EUR")), None),
        "wire",
        None,
    );
    let outcome = write.insert_transfers(again, batch).expect("insert");
    assert_eq!(outcome.inserted, 40);
    assert_eq!(outcome.duplicates.len(), 1, "{:?}", outcome.duplicates);
    assert!(!outcome.duplicates[0].earlier_import);
    write.commit().expect("commit");
    assert_eq!(store.ledger_len(analyst).expect("len"), 43);
    let (row, source) = store.ledger_transfer(analyst, "second-3").expect("read").expect("stored");
    assert_eq!((row.from.as_str(), row.to.as_str()), ("a3", "b3"));
    assert_eq!(source.expect("provenance").source_statement, "STMT-1");
    let other = viewer(&world, "bank-analyst");
    assert_eq!(store.ledger_len(other).expect("len"), 0, "another organisation sees the rows");
}
