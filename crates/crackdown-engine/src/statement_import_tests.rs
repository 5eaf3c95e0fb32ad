//! A statement import is one transaction: stopped part-way — here by the
//! `progress` callback, the hook the HTTP route's time limit uses — it
//! leaves the ledger exactly as before, on both backends.

use std::path::{Path, PathBuf};

use chrono::Utc;
use crackdown_model::{Role, Viewer};
use crackdown_store::Store;

use super::*;

fn sample(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crackdown-statements/tests/data").join(relative)
}

fn analyst(store: &Store) -> Viewer {
    let now = Utc::now();
    let operator = store.operator(now).expect("operator");
    store.create_org(&operator, "police", now).expect("org");
    store.create_user(&operator, "police", "analyst", Role::Analyst, now).expect("user").viewer()
}

fn stopped_import_leaves_the_ledger_as_before(store: &Store) {
    let viewer = analyst(store);
    let files = vec![
        (sample("two-sided/selfmade/payer-commerzbank.sta"), None),
        (sample("two-sided/selfmade/payee-abnamro.xml"), None),
    ];
    let before = store.ledger_version(&viewer).expect("version");
    let mut write = store.begin_ledger_write(&viewer).expect("write");
    let mut batches = 0;
    let stopped = import_statements(&mut write, &files, None, 1, &mut |_| {
        batches += 1;
        if batches == 3 { Err(TrailError::Invalid("time limit reached".into())) } else { Ok(()) }
    });
    assert!(matches!(stopped, Err(TrailError::Invalid(_))), "{stopped:?}");
    drop(write);
    assert_eq!(batches, 3, "two batches were stored before the stop");
    assert_eq!(store.ledger_len(&viewer).expect("len"), 0, "a stopped import left rows");
    assert_eq!(store.ledger_version(&viewer).expect("version"), before);

    let mut write = store.begin_ledger_write(&viewer).expect("write");
    let imported = import_statements(&mut write, &files, None, 1, &mut |_| Ok(())).expect("import");
    write.commit().expect("commit");
    assert!(imported.merged >= 1, "{imported:?}");
    assert_eq!(store.ledger_len(&viewer).expect("len"), imported.imported);
    assert!(imported.imported >= 3, "{imported:?}");
}

#[test]
fn a_stopped_import_leaves_the_ledger_as_before_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    stopped_import_leaves_the_ledger_as_before(&Store::open_sqlite(dir.path()).expect("store"));
}

#[test]
fn a_stopped_import_leaves_the_ledger_as_before_on_postgres() {
    let Some(url) = crackdown_store::testing::fresh_postgres_url() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_postgres(&url, &dir.path().join("crackdown.key")).expect("store");
    stopped_import_leaves_the_ledger_as_before(&store);
}
