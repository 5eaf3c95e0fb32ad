//! Helpers shared by the store's own test suite and the integration tests,
//! so both run against the same PostgreSQL set-up and the same access table.

use std::sync::atomic::{AtomicUsize, Ordering};

/// A URL to a fresh, empty schema on the test PostgreSQL server named by
/// `CRACKDOWN_TEST_POSTGRES_URL`, or `None` (skip) when there is none —
/// unless `CRACKDOWN_REQUIRE_POSTGRES` is set, when its absence panics, so
/// the README's test command can never silently skip PostgreSQL.
pub fn fresh_postgres_url() -> Option<String> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let Ok(url) = std::env::var("CRACKDOWN_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CRACKDOWN_REQUIRE_POSTGRES").is_none(),
            "CRACKDOWN_REQUIRE_POSTGRES is set but CRACKDOWN_TEST_POSTGRES_URL is not"
        );
        eprintln!("skipping PostgreSQL: CRACKDOWN_TEST_POSTGRES_URL is not set");
        return None;
    };
    let schema = format!("t{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("connect to the test PostgreSQL");
    admin.batch_execute(&format!("CREATE SCHEMA {schema}")).expect("create a test schema");
    let separator = if url.contains('?') { '&' } else { '?' };
    Some(format!("{url}{separator}options=-csearch_path%3D{schema}"))
}

/// Who reads what, for the access-matrix tests of every read path.
///
/// Rows: users named `org-role`; columns: CLEAR, GREEN, AMBER, AMBER+STRICT,
/// RED. `C` readable with the victim's contact, `r` readable without it,
/// `.` invisible. The world behind it: `police-analyst` submits one report
/// per marking; `bank` shares the community `asean` with `police`, which the
/// AMBER report is shared with; `ngo` shares nothing; the RED report names
/// `bank-partner` as its recipient.
pub const ACCESS_MATRIX: &[(&str, &str)] = &[
    ("police-admin", "CCCC."),
    ("police-analyst", "CCCCC"),
    ("police-reporter", "....."),
    ("police-partner", "rrrr."),
    ("bank-admin", "rrr.."),
    ("bank-analyst", "rrr.."),
    ("bank-reporter", "....."),
    ("bank-partner", "rrr.r"),
    ("ngo-admin", "r...."),
    ("ngo-analyst", "r...."),
    ("ngo-reporter", "....."),
    ("ngo-partner", "r...."),
];
